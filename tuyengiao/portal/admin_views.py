"""Wagtail admin for readers' comments and event topics.

The comment queue is a SnippetViewSet so it gets Wagtail's listing, filters,
bulk-action framework, history and permission handling; every state change
goes through `services` so the cached article HTML is dropped at once.
Registered in `wagtail_hooks.py`.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Case, Count, IntegerField, Value, When
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.admin.ui.tables import Column, StatusTagColumn
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views import chooser as page_chooser
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.base import BaseOperationView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets.button import MenuItem
from wagtail.models import Page, Site
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from . import services
from .models import Comment, CommentStatus, Topic

MODERATION_ACTIONS = {
    # status: (button label, success message for one, success message for many)
    CommentStatus.APPROVED: ("Duyệt", "Đã duyệt bình luận của “{name}”.", "Đã duyệt {count} bình luận."),
    CommentStatus.REJECTED: ("Từ chối", "Đã từ chối bình luận của “{name}”.", "Đã từ chối {count} bình luận."),
    CommentStatus.SPAM: (
        "Đánh dấu thư rác",
        "Đã đánh dấu bình luận của “{name}” là thư rác.",
        "Đã đánh dấu {count} bình luận là thư rác.",
    ),
}


def format_admin_datetime(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


class CommentPermissionPolicy(ModelPermissionPolicy):
    """Comments come from readers: nobody creates one in the admin.

    Moderating, editing and replying as "Ban biên tập" need the change
    permission (the Moderators group); deleting needs the delete permission.
    """

    def user_has_permission(self, user, action):
        if action == "add":
            return False
        return super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([action for action in actions if action != "add"])


class CommentFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label="Trạng thái", choices=CommentStatus.choices, empty_label="Tất cả", widget=forms.RadioSelect
    )
    site = django_filters.ModelChoiceFilter(
        label="Cổng thông tin",
        queryset=Site.objects.select_related("root_page").order_by("site_name", "hostname"),
        method="filter_site",
        empty_label="Tất cả",
    )
    # A number, not a select: a portal has hundreds of thousands of articles.
    # The article title in each row links to this filter.
    article = django_filters.NumberFilter(label="Mã bài viết", field_name="page_id")

    class Meta:
        model = Comment
        fields: list[str] = []

    def filter_site(self, queryset, name, value):
        return queryset.filter(page__path__startswith=value.root_page.path)


class DateTimeColumn(Column):
    """dd/mm/yyyy HH:mm in Vietnam time, as editors read dates everywhere else."""

    def get_value(self, instance):
        return format_admin_datetime(super().get_value(instance))


class ArticleColumn(Column):
    cell_template_name = "portal/admin/comment_article_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["filter_url"] = f"{parent_context['table'].base_url}?article={instance.page_id}"
        return context


class ModerationButtonsColumn(Column):
    """One-click Duyệt / Từ chối / Thư rác forms (POST, with CSRF) in each row."""

    cell_template_name = "portal/admin/comment_actions_cell.html"

    def __init__(self, *args, moderate_url_name: str, **kwargs):
        self.moderate_url_name = moderate_url_name
        super().__init__(*args, **kwargs)

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context["request"]
        query = request.GET.copy()
        query.pop("_w_filter_fragment", None)
        base_url = parent_context["table"].base_url
        context["next_url"] = f"{base_url}?{query.urlencode()}" if query else base_url
        context["moderate_url"] = reverse(self.moderate_url_name, args=[quote(instance.pk)])
        # Cells are rendered without the request's template context, so {% csrf_token %} needs the token here
        # (without it every button got "CSRF verification failed" in a real browser).
        context["csrf_token"] = get_token(request)
        context["actions"] = [
            (status, label) for status, (label, _one, _many) in MODERATION_ACTIONS.items() if status != instance.status
        ]
        return context


class CommentIndexView(snippet_views.IndexView):
    moderate_url_name: str | None = None
    reply_url_name: str | None = None

    @cached_property
    def can_moderate(self) -> bool:
        return self.user_has_permission("change")

    @cached_property
    def list_display(self):
        columns = [
            "name",
            Column("excerpt", label="Nội dung", accessor=lambda c: Truncator(c.body).chars(160)),
            ArticleColumn("page", label="Bài viết", accessor="page.title"),
            DateTimeColumn("created_at", label="Thời điểm gửi", sort_key="created_at"),
            StatusTagColumn(
                "status",
                label="Trạng thái",
                accessor="get_status_display",
                primary=lambda c: c.status == CommentStatus.PENDING,
                sort_key="status",
            ),
        ]
        if self.can_moderate:
            # E-mail addresses are for moderators only, never for the public pages.
            columns.insert(1, Column("email", label="Thư điện tử"))
            columns.append(
                ModerationButtonsColumn("moderate", label="Kiểm duyệt", moderate_url_name=self.moderate_url_name)
            )
        return columns

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.can_moderate and instance.status == CommentStatus.APPROVED:
            buttons.append(
                MenuItem(
                    f"Trả lời với tư cách {services.EDITORIAL_NAME}",
                    url=reverse(self.reply_url_name, args=[quote(instance.pk)]),
                    icon_name="comment",
                    priority=5,
                )
            )
        if instance.page.live:
            buttons.append(
                MenuItem(
                    "Xem bài viết trên cổng",
                    url=f"{instance.page.url}#bl-{instance.pk}",
                    icon_name="link-external",
                    priority=40,
                )
            )
        return buttons


class CommentEditView(snippet_views.EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.comment_edit(
            comment=Comment.objects.get(pk=self.object.pk),
            name=data["name"],
            body=data["body"],
            status=data["status"],
            user=self.request.user,
        )


class CommentDeleteView(snippet_views.DeleteView):
    def delete_action(self):
        services.comment_delete(comments=[self.object], user=self.request.user)


class CommentModerateView(PermissionCheckedMixin, BaseOperationView):
    """POST status=<approved|rejected|spam>: one row's moderation button."""

    model = Comment
    permission_required = "change"
    http_method_names = ["post"]

    def perform_operation(self):
        self.status = self.request.POST.get("status", "")
        if self.status not in MODERATION_ACTIONS:
            raise PermissionDenied
        services.comment_moderate(comment=self.object, status=self.status, user=self.request.user)

    def get_success_message(self):
        return MODERATION_ACTIONS[self.status][1].format(name=self.object.name)

    def get_success_url(self):
        return self.next_url or reverse(self.success_url_name)


class EditorialReplyForm(forms.Form):
    body = forms.CharField(
        label="Nội dung trả lời",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=3000,
        error_messages={"required": "Vui lòng nhập nội dung trả lời."},
    )


class CommentReplyView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    """A reply signed "Ban biên tập", published at once under an approved comment."""

    model = Comment
    permission_required = "change"
    form_class = EditorialReplyForm
    template_name = "portal/admin/comment_reply.html"
    page_title = f"Trả lời với tư cách {services.EDITORIAL_NAME}"
    header_icon = "comment"
    index_url_name: str | None = None

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.parent = get_object_or_404(Comment.objects.select_related("page"), pk=kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        if self.parent.status != CommentStatus.APPROVED:
            messages.error(request, "Chỉ trả lời được bình luận đã duyệt.")
            return redirect(self.index_url_name)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": "Trang quản trị"},
            {"url": reverse(self.index_url_name), "label": "Bình luận"},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            comment=self.parent,
            created_display=format_admin_datetime(self.parent.created_at),
            action_url=self.request.path,
            submit_button_label="Đăng trả lời",
            submit_button_active_label="Đang đăng…",
        )
        return context

    def form_valid(self, form):
        services.comment_reply_as_editors(parent=self.parent, body=form.cleaned_data["body"], user=self.request.user)
        messages.success(self.request, f"Đã đăng trả lời của {services.EDITORIAL_NAME}.")
        return redirect(get_valid_next_url_from_request(self.request) or reverse(self.index_url_name))


class CommentViewSet(SnippetViewSet):
    model = Comment
    icon = "comment"
    menu_label = "Bình luận"
    menu_name = "binh-luan"
    menu_order = 250
    add_to_admin_menu = True
    index_view_class = CommentIndexView
    edit_view_class = CommentEditView
    delete_view_class = CommentDeleteView
    copy_view_enabled = False
    filterset_class = CommentFilterSet
    list_per_page = 50
    # Pending first, newest first within each status.
    ordering = ["pending_last", "-created_at"]
    search_fields = ["name", "body", "page__title"]
    search_backend_name = None  # plain ORM search; comments are not in the search index
    list_export = ["page_id", "name", "email", "body", "status", "created_at"]
    export_headings = {
        "page_id": "Mã bài viết",
        "name": "Họ tên",
        "email": "Thư điện tử",
        "body": "Nội dung",
        "status": "Trạng thái",
        "created_at": "Thời điểm gửi",
    }
    panels = [
        FieldRowPanel([FieldPanel("page", read_only=True), FieldPanel("created_at", read_only=True)]),
        FieldRowPanel([FieldPanel("name"), FieldPanel("email", read_only=True)]),
        FieldPanel("body"),
        FieldPanel("status"),
    ]

    def get_queryset(self, request):
        return Comment.objects.select_related("page").annotate(
            pending_last=Case(
                When(status=CommentStatus.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            moderate_url_name=self.get_url_name("moderate"), reply_url_name=self.get_url_name("reply"), **kwargs
        )

    def register_chooser_viewset(self):
        """No chooser: nothing links to a comment, and Wagtail's would list readers' comments to anyone in the admin."""

    @property
    def moderate_view(self):
        return CommentModerateView.as_view(success_url_name=self.get_url_name("list"))

    @property
    def reply_view(self):
        return CommentReplyView.as_view(index_url_name=self.get_url_name("list"))

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("moderate/<int:pk>/", self.moderate_view, name="moderate"),
            path("reply/<int:pk>/", self.reply_view, name="reply"),
        ]

    @cached_property
    def menu_item_class(self):
        base = super().menu_item_class

        class PendingCountMenuItem(base):
            """Shows "Bình luận (3)" while comments wait for moderation."""

            def render_component(self, request):
                component = super().render_component(request)
                pending = Comment.objects.filter(status=CommentStatus.PENDING).count()
                if pending:
                    component.label = f"{self.label} ({pending})"
                return component

        return PendingCountMenuItem


class ModerateBulkAction(SnippetBulkAction):
    """Shared by the three bulk moderation actions; each sets `status`."""

    models = [Comment]
    status: str = ""
    template_name = "portal/admin/confirm_bulk_moderate.html"

    def check_perm(self, obj):
        return self.permission_policy.user_has_permission_for_instance(self.request.user, "change", obj)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["action_label"] = MODERATION_ACTIONS[self.status][0]
        return context

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        for comment in objects:
            services.comment_moderate(comment=comment, status=cls.status, user=user)
        return len(objects), 0

    def get_execution_context(self):
        return {**super().get_execution_context(), "user": self.request.user}

    def get_success_message(self, num_parent_objects, num_child_objects):
        return MODERATION_ACTIONS[self.status][2].format(count=num_parent_objects)


class ApproveBulkAction(ModerateBulkAction):
    display_name = "Duyệt"
    action_type = "approve"
    aria_label = "Duyệt các bình luận đã chọn"
    action_priority = 10
    status = CommentStatus.APPROVED


class RejectBulkAction(ModerateBulkAction):
    display_name = "Từ chối"
    action_type = "reject"
    aria_label = "Từ chối các bình luận đã chọn"
    action_priority = 20
    status = CommentStatus.REJECTED


class SpamBulkAction(ModerateBulkAction):
    display_name = "Đánh dấu thư rác"
    action_type = "spam"
    aria_label = "Đánh dấu các bình luận đã chọn là thư rác"
    action_priority = 25
    status = CommentStatus.SPAM


class CommentDeleteBulkAction(DeleteBulkAction):
    """Wagtail's bulk delete, but through the service so cached pages drop the comments."""

    models = [Comment]

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        return services.comment_delete(comments=list(objects), user=user), 0

    def get_execution_context(self):
        return {**super().get_execution_context(), "user": self.request.user}


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "list-ul"
    menu_label = "Dòng sự kiện"
    menu_name = "dong-su-kien"
    menu_order = 260
    add_to_admin_menu = True
    copy_view_enabled = False
    search_fields = ["name", "description"]
    search_backend_name = None
    ordering = "name"
    list_per_page = 50

    def get_queryset(self, request):
        return Topic.objects.annotate(article_count=Count("articles"))

    @cached_property
    def list_display(self):
        return [
            "name",
            Column("slug", label="Đường dẫn"),
            Column("article_count", label="Số bài viết", sort_key="article_count"),
        ]


class ExplorablePagesChosenView(page_chooser.ChosenMultipleView):
    """The page chooser's "chosen" step for several pages, limited to pages the user may explore.

    Wagtail's answers for any page ids with their titles (drafts' too) to anyone
    in the admin; tuyengiao/urls.py routes its URL here, ahead of Wagtail's.
    The list steps are limited the same way (`wagtail_hooks.only_explorable_pages`).
    """

    def get(self, request):
        # Ids as the database can hold them: not "²" (int() fails), not past the column's range (500 before).
        highest = connection.ops.integer_field_range(Page._meta.pk.get_internal_type())[1]
        wanted = [
            pk
            for pk in request.GET.getlist("id")
            if pk.isascii() and pk.isdigit() and (highest is None or int(pk) <= highest)
        ]
        explorable = policy_registry.get_by_type(Page).explorable_instances(request.user).filter(pk__in=wanted)
        request.GET = request.GET.copy()
        request.GET.setlist("id", [str(pk) for pk in explorable.values_list("pk", flat=True)])
        return super().get(request)
