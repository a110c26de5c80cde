"""Searchable choosers for units and people: the national tree has tens of thousands of units.

The unit chooser lists only the units the signed-in user may work on
(`units_visible_to`), in every form that uses it (other apps' too); the
"chosen" step checks again, so a unit id typed into the URL is refused.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet

from .models import Unit
from .selectors import has_unit_rights, units_visible_to


def format_validity(unit: Unit) -> str:
    if not unit.valid_from and not unit.valid_to:
        return ""
    start = unit.valid_from.strftime("%d/%m/%Y") if unit.valid_from else "…"
    end = unit.valid_to.strftime("%d/%m/%Y") if unit.valid_to else "nay"
    return f"{start} – {end}"


class UnitSearchForm(BaseFilterForm):
    """Name, short-code or code search (Unit is not in the search index)."""

    q = forms.CharField(
        label="Tìm đơn vị", required=False, widget=forms.TextInput(attrs={"placeholder": "Tên, ký hiệu hoặc mã"})
    )
    active = forms.BooleanField(label="Chỉ đơn vị đang hoạt động", required=False)

    def filter(self, objects):
        objects = super().filter(objects)
        query = " ".join(self.cleaned_data.get("q", "").split())
        if query:
            objects = objects.filter(Q(name__icontains=query) | Q(short_code__icontains=query) | Q(code__iexact=query))
            self.is_searching = True
            self.search_query = query
        if self.cleaned_data.get("active"):
            objects = objects.filter(valid_to__isnull=True)
        return objects


class UnitRightsMixin:
    def dispatch(self, request, *args, **kwargs):
        if not has_unit_rights(request.user):
            raise PermissionDenied("Bạn chưa được phân công vai trò cán bộ ở đơn vị nào.")
        return super().dispatch(request, *args, **kwargs)

    def get_object_list(self):
        return units_visible_to(self.request.user).order_by("path")


class TitleLabelMixin:
    """Wagtail's chooser calls the first column "Tiêu đề"; say what it is, and how to show the row."""

    title_label = ""
    title_accessor = str

    @property
    def title_column(self):
        column = super().title_column
        column.label = self.title_label
        column.accessor = self.title_accessor
        return column


class UnitColumnsMixin(TitleLabelMixin):
    title_label = "Tên đơn vị"

    @property
    def columns(self):
        return [
            *super().columns,
            Column("short_code", label="Ký hiệu", accessor="short_code"),
            Column("validity", label="Hiệu lực", accessor=format_validity),
        ]


class UnitChooseView(UnitRightsMixin, UnitColumnsMixin, chooser_views.ChooseView):
    filter_form_class = UnitSearchForm


class UnitChooseResultsView(UnitRightsMixin, UnitColumnsMixin, chooser_views.ChooseResultsView):
    filter_form_class = UnitSearchForm


class UnitChosenView(UnitRightsMixin, chooser_views.ChosenView):
    def get_object(self, pk):
        try:
            return units_visible_to(self.request.user).get(pk=pk)
        except (Unit.DoesNotExist, ValueError) as error:
            raise Http404 from error


class UnitChosenMultipleView(UnitRightsMixin, chooser_views.ChosenMultipleView):
    def get_objects(self, pks):
        return units_visible_to(self.request.user).filter(pk__in=pks)


class NoCreationView(chooser_views.CreateView):
    """For choosers without a creation form: Wagtail still routes …/create/, and a POST there crashed on the missing form."""

    def can_create(self):
        return self.get_creation_form_class() is not None and super().can_create()


class UnitChooserViewSet(ChooserViewSet):
    model = Unit
    icon = "group"
    choose_one_text = "Chọn đơn vị"
    choose_another_text = "Chọn đơn vị khác"
    edit_item_text = "Sửa đơn vị"
    search_tab_label = "Tìm kiếm"
    per_page = 20
    choose_view_class = UnitChooseView
    choose_results_view_class = UnitChooseResultsView
    chosen_view_class = UnitChosenView
    chosen_multiple_view_class = UnitChosenMultipleView
    create_view_class = NoCreationView


class UserSearchForm(BaseFilterForm):
    q = forms.CharField(
        label="Tìm người", required=False, widget=forms.TextInput(attrs={"placeholder": "Họ tên, tên đăng nhập, thư"})
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = " ".join(self.cleaned_data.get("q", "").split())
        if query:
            condition = Q()
            for word in query.split():
                condition &= (
                    Q(username__icontains=word)
                    | Q(first_name__icontains=word)
                    | Q(last_name__icontains=word)
                    | Q(email__icontains=word)
                )
            objects = objects.filter(condition)
            self.is_searching = True
            self.search_query = query
        return objects


class UserRightsMixin:
    def dispatch(self, request, *args, **kwargs):
        if not has_unit_rights(request.user):
            raise PermissionDenied("Bạn chưa được phân công vai trò cán bộ ở đơn vị nào.")
        return super().dispatch(request, *args, **kwargs)

    def get_object_list(self):
        return get_user_model().objects.filter(is_active=True).order_by("first_name", "last_name", "username")


class UserColumnsMixin(TitleLabelMixin):
    title_label = "Họ tên"

    @staticmethod
    def title_accessor(user):
        return user.get_full_name() or user.get_username()

    @property
    def columns(self):
        return [*super().columns, Column("username", label="Tên đăng nhập", accessor="username")]


class UserChooseView(UserRightsMixin, UserColumnsMixin, chooser_views.ChooseView):
    filter_form_class = UserSearchForm


class UserChooseResultsView(UserRightsMixin, UserColumnsMixin, chooser_views.ChooseResultsView):
    filter_form_class = UserSearchForm


class UserChosenView(UserRightsMixin, chooser_views.ChosenView):
    def get_display_title(self, instance):
        return person_label(instance)


def person_label(user) -> str:
    full_name = user.get_full_name()
    return f"{full_name} ({user.get_username()})" if full_name else user.get_username()


class UserChooserViewSet(ChooserViewSet):
    model = get_user_model()
    icon = "user"
    choose_one_text = "Chọn người"
    choose_another_text = "Chọn người khác"
    edit_item_text = "Sửa"
    search_tab_label = "Tìm kiếm"
    per_page = 20
    # Only the role-assignment form uses it: other apps' user fields keep Wagtail's default widget.
    register_widget = False
    choose_view_class = UserChooseView
    choose_results_view_class = UserChooseResultsView
    chosen_view_class = UserChosenView


unit_chooser_viewset = UnitChooserViewSet("unit_chooser", url_prefix="units/chooser")
UnitChooserWidget = unit_chooser_viewset.widget_class
user_chooser_viewset = UserChooserViewSet("unit_user_chooser", url_prefix="units/people-chooser")
UserChooserWidget = user_chooser_viewset.widget_class
