"""The "Tổ chức" admin menu: units (tree), role assignments, khối groups."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth.models import Permission
from django.db.models import Count, Q
from django.urls import path
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from . import admin_views as views
from .admin_forms import RoleAssignmentCreateForm, RoleAssignmentEditForm, UnitCreateForm, UnitEditForm
from .models import Role, RoleAssignment, Unit, UnitGroup, UnitKind, UnitLevel
from .selectors import active_q


class UnitFilterSet(WagtailFilterSet):
    kind = django_filters.ChoiceFilter(label="Loại", choices=UnitKind.choices, empty_label="Tất cả")
    level = django_filters.ChoiceFilter(label="Cấp", choices=UnitLevel.choices, empty_label="Tất cả")
    group = django_filters.ModelChoiceFilter(
        label="Khối", field_name="groups", queryset=UnitGroup.objects.all(), empty_label="Tất cả"
    )
    status = django_filters.ChoiceFilter(
        label="Tình trạng",
        choices=[("active", "Đang hoạt động"), ("closed", "Đã ngừng hoạt động")],
        method="filter_status",
        empty_label="Tất cả",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Unit
        fields: list[str] = []

    def filter_status(self, queryset, name, value):
        if value == "active":
            return queryset.filter(active_q())
        if value == "closed":
            return queryset.filter(valid_to__lt=timezone.localdate())
        return queryset


class RoleAssignmentFilterSet(WagtailFilterSet):
    role = django_filters.ChoiceFilter(label="Vai trò", choices=Role.choices, empty_label="Tất cả")
    status = django_filters.ChoiceFilter(
        label="Hiệu lực",
        choices=[("current", "Đang hiệu lực"), ("ended", "Đã kết thúc"), ("future", "Chưa bắt đầu")],
        method="filter_status",
        empty_label="Tất cả",
        widget=forms.RadioSelect,
    )
    scope = django_filters.ChoiceFilter(
        label="Phạm vi",
        choices=[("mine", "Vai trò của tôi")],
        method="filter_scope",
        empty_label="Tất cả",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = RoleAssignment
        fields: list[str] = []

    def filter_status(self, queryset, name, value):
        today = timezone.localdate()
        if value == "current":
            return queryset.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today), valid_from__lte=today)
        if value == "ended":
            return queryset.filter(valid_to__lt=today)
        if value == "future":
            return queryset.filter(valid_from__gt=today)
        return queryset

    def filter_scope(self, queryset, name, value):
        return queryset.filter(user=self.request.user) if value == "mine" else queryset


class TreeRightsViewSetMixin:
    """Rights here come from role assignments, not Django model permissions: don't offer those in group settings."""

    def get_permissions_to_register(self):
        return Permission.objects.none()


class UnitViewSet(TreeRightsViewSetMixin, ModelViewSet):
    model = Unit
    icon = "group"
    menu_label = "Đơn vị"
    menu_name = "don-vi"
    url_prefix = "units"
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = views.UnitIndexView
    add_view_class = views.UnitCreateView
    edit_view_class = views.UnitEditView
    inspect_view_class = views.UnitInspectView
    history_view_class = views.UnitHistoryView
    usage_view_class = views.UnitUsageView
    ordering = "path"  # tree order: every unit right under its parent
    filterset_class = UnitFilterSet
    list_per_page = 100
    search_fields = ["name", "short_code", "code"]
    search_backend_name = None
    export_filename = "don-vi"
    inspect_view_fields = [
        "name",
        "code",
        "kind",
        "level",
        "short_code",
        "parent",
        "valid_from",
        "valid_to",
        "successor",
        "split_from",
        "groups",
    ]

    create_panels = [
        FieldPanel("parent"),
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("level")]),
        FieldRowPanel([FieldPanel("short_code"), FieldPanel("code"), FieldPanel("valid_from")]),
        FieldPanel("groups"),
    ]
    edit_panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("level")]),
        FieldRowPanel([FieldPanel("short_code"), FieldPanel("code")]),
        FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_to")]),
        FieldPanel("successor"),
        FieldPanel("groups"),
    ]

    list_display = [
        "name",
        Column("kind", label="Loại", accessor="get_kind_display", sort_key="kind"),
        Column("level", label="Cấp", accessor="get_level_display", sort_key="level"),
        Column("short_code", label="Ký hiệu", sort_key="short_code"),
        Column("code", label="Mã", sort_key="code"),
        views.ValidityColumn("validity", label="Hiệu lực"),
        Column("successor", label="Đơn vị kế thừa"),
        views.GroupsColumn("groups", label="Khối"),
    ]

    @cached_property
    def urls(self):
        return views.UnitUrls(self)

    @cached_property
    def _create_handler(self):
        return ObjectList(self.create_panels, base_form_class=UnitCreateForm).bind_to_model(Unit)

    def get_edit_handler(self):
        return ObjectList(self.edit_panels, base_form_class=UnitEditForm).bind_to_model(Unit)

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(urls=self.urls, assignment_add_url_name="role_assignments:add", **kwargs)

    def get_add_view_kwargs(self, **kwargs):
        return super().get_add_view_kwargs(
            panel=self._create_handler, form_class=self._create_handler.get_form_class(), **kwargs
        )

    def get_edit_view_kwargs(self, **kwargs):
        return super().get_edit_view_kwargs(urls=self.urls, **kwargs)

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(urls=self.urls, **kwargs)

    def operation_view(self, view_class):
        return view_class.as_view(urls=self.urls)

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("move/<int:pk>/", self.operation_view(views.UnitMoveView), name="move"),
            path("close/<int:pk>/", self.operation_view(views.UnitCloseView), name="close"),
            path("merge/<int:pk>/", self.operation_view(views.UnitMergeView), name="merge"),
            path("split/<int:pk>/", self.operation_view(views.UnitSplitView), name="split"),
            path("import/", self.operation_view(views.UnitImportView), name="import"),
            path("import/template/", views.UnitImportTemplateView.as_view(), name="import_template"),
        ]


class RoleAssignmentViewSet(TreeRightsViewSetMixin, ModelViewSet):
    model = RoleAssignment
    icon = "user"
    menu_label = "Phân công vai trò"
    menu_name = "phan-cong-vai-tro"
    url_prefix = "role-assignments"
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = views.RoleAssignmentIndexView
    add_view_class = views.RoleAssignmentCreateView
    edit_view_class = views.RoleAssignmentEditView
    inspect_view_class = views.RoleAssignmentInspectView
    history_view_class = views.RoleAssignmentHistoryView
    usage_view_class = views.RoleAssignmentUsageView
    filterset_class = RoleAssignmentFilterSet
    ordering = ["unit__path", "role", "-valid_from"]
    list_per_page = 50
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name", "decision"]
    search_backend_name = None
    export_filename = "phan-cong-vai-tro"
    inspect_view_fields = ["user", "unit", "role", "valid_from", "valid_to", "decision"]

    create_panels = [
        FieldPanel("user"),
        FieldPanel("unit"),
        FieldPanel("role"),
        FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_to")]),
        FieldPanel("decision"),
    ]
    edit_panels = [
        FieldPanel("user", read_only=True),
        FieldPanel("unit"),
        FieldPanel("role"),
        FieldRowPanel([FieldPanel("valid_from"), FieldPanel("valid_to")]),
        FieldPanel("decision"),
    ]
    list_display = [
        "user",
        Column("unit", label="Đơn vị", accessor="unit.name", sort_key="unit__path"),
        Column("role", label="Vai trò", accessor="get_role_display", sort_key="role"),
        views.AssignmentValidityColumn("validity", label="Thời gian", sort_key="valid_from"),
        Column("decision", label="Quyết định"),
    ]

    @cached_property
    def _create_handler(self):
        return ObjectList(self.create_panels, base_form_class=RoleAssignmentCreateForm).bind_to_model(RoleAssignment)

    def get_edit_handler(self):
        return ObjectList(self.edit_panels, base_form_class=RoleAssignmentEditForm).bind_to_model(RoleAssignment)

    def get_add_view_kwargs(self, **kwargs):
        return super().get_add_view_kwargs(
            panel=self._create_handler, form_class=self._create_handler.get_form_class(), **kwargs
        )


class UnitGroupViewSet(ModelViewSet):
    model = UnitGroup
    icon = "tag"
    menu_label = "Khối"
    menu_name = "khoi"
    url_prefix = "unit-groups"
    copy_view_enabled = False
    form_fields = ["name", "description"]
    search_fields = ["name", "description"]
    search_backend_name = None
    ordering = "name"
    list_display = [
        "name",
        "description",
        Column("unit_count", label="Số đơn vị", sort_key="unit_count"),
    ]

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(queryset=UnitGroup.objects.annotate(unit_count=Count("units")), **kwargs)


class UnitsMenuGroup(ViewSetGroup):
    menu_label = "Tổ chức"
    menu_icon = "group"
    menu_order = 270
    menu_name = "to-chuc"
    items = (
        UnitViewSet("units"),
        RoleAssignmentViewSet("role_assignments"),
        UnitGroupViewSet("unit_groups"),
    )
