"""A first admin for the unit tree: list in tree order, create, edit.

Kept deliberately small (full unit management comes later). Units are never
deleted — a merged or dissolved unit gets a "hiệu lực đến" date and a
successor — so the delete permission is never granted here.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.functional import cached_property
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .models import Unit
from .services import unit_create

INDENT = "\u00a0" * 4  # non-breaking, so the browser keeps the indentation


def format_date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


class UnitPermissionPolicy(ModelPermissionPolicy):
    """Add and change as usual; delete never (units close with a date and a successor)."""

    def user_has_permission(self, user, action):
        if action == "delete":
            return False
        return super().user_has_permission(user, action)


class UnitSearchForm(BaseFilterForm):
    """Name or short-code search for the chooser (Unit is not in the search index)."""

    q = forms.CharField(
        label="Tìm đơn vị", required=False, widget=forms.TextInput(attrs={"placeholder": "Tên hoặc ký hiệu"})
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = self.cleaned_data.get("q", "").strip()
        if query:
            objects = objects.filter(Q(name__icontains=query) | Q(short_code__icontains=query))
            self.is_searching = True
            self.search_query = query
        return objects


class UnitChooseView(chooser_views.ChooseView):
    filter_form_class = UnitSearchForm


class UnitChooseResultsView(chooser_views.ChooseResultsView):
    filter_form_class = UnitSearchForm


class UnitChooserViewSet(ChooserViewSet):
    """A searchable modal instead of a select: the national tree has tens of thousands of units."""

    model = Unit
    icon = "group"
    choose_one_text = "Chọn đơn vị"
    choose_another_text = "Chọn đơn vị khác"
    edit_item_text = "Sửa đơn vị"
    search_tab_label = "Tìm kiếm"
    per_page = 20
    choose_view_class = UnitChooseView
    choose_results_view_class = UnitChooseResultsView

    def get_object_list(self):
        return Unit.objects.order_by("path")


unit_chooser_viewset = UnitChooserViewSet("unit_chooser", url_prefix="units/chooser")
UnitChooserWidget = unit_chooser_viewset.widget_class


class UnitCreateForm(WagtailAdminModelForm):
    parent = forms.ModelChoiceField(
        label="Trực thuộc",
        queryset=Unit.objects.all(),
        required=False,
        widget=UnitChooserWidget(),
        help_text="Để trống nếu là đơn vị gốc (cao nhất) của cây.",
    )


class UnitEditForm(WagtailAdminModelForm):
    def clean_successor(self):
        successor = self.cleaned_data.get("successor")
        if successor is not None and successor.pk == self.instance.pk:
            raise forms.ValidationError("Đơn vị không thể kế thừa chính nó.")
        return successor


class UnitCreateView(generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        unit = unit_create(
            name=data["name"],
            kind=data["kind"],
            level=data["level"],
            short_code=data["short_code"],
            parent=data.get("parent"),
            valid_from=data.get("valid_from"),
        )
        log(unit, "wagtail.create", user=self.request.user)
        return unit


class IndentedTitleColumn(TitleColumn):
    """The unit name pushed right by its depth, so the list reads as a tree."""

    def get_value(self, instance):
        prefix = INDENT * (instance.depth - 2) + "└\u00a0" if instance.depth > 1 else ""
        return prefix + instance.name


class ValidityColumn(Column):
    def get_value(self, instance):
        if not instance.valid_from and not instance.valid_to:
            return ""
        return f"{format_date(instance.valid_from) or '…'} – {format_date(instance.valid_to) or 'nay'}"


class UnitIndexView(generic.IndexView):
    def _get_title_column(self, field_name, column_class=IndentedTitleColumn, **kwargs):
        return super()._get_title_column(field_name, IndentedTitleColumn, **kwargs)


class UnitViewSet(ModelViewSet):
    model = Unit
    icon = "group"
    menu_label = "Đơn vị"
    menu_name = "don-vi"
    menu_order = 270
    add_to_admin_menu = True
    url_prefix = "units"
    copy_view_enabled = False
    index_view_class = UnitIndexView
    add_view_class = UnitCreateView
    ordering = "path"  # tree order: every unit right under its parent
    list_filter = ["kind", "level"]
    list_per_page = 100
    search_fields = ["name", "short_code"]
    search_backend_name = None

    create_panels = [
        FieldPanel("parent"),
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("level")]),
        FieldRowPanel([FieldPanel("short_code"), FieldPanel("valid_from")]),
    ]
    edit_panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("level")]),
        FieldRowPanel([FieldPanel("short_code"), FieldPanel("valid_from"), FieldPanel("valid_to")]),
        FieldPanel("successor"),
    ]

    list_display = [
        "name",
        Column("kind", label="Loại", accessor="get_kind_display", sort_key="kind"),
        Column("level", label="Cấp", accessor="get_level_display", sort_key="level"),
        Column("short_code", label="Ký hiệu", sort_key="short_code"),
        ValidityColumn("validity", label="Hiệu lực"),
        Column("successor", label="Đơn vị kế thừa"),
    ]

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(queryset=Unit.objects.select_related("successor"), **kwargs)

    @cached_property
    def _create_handler(self):
        return ObjectList(self.create_panels, base_form_class=UnitCreateForm).bind_to_model(Unit)

    def get_edit_handler(self):
        return ObjectList(self.edit_panels, base_form_class=UnitEditForm).bind_to_model(Unit)

    def get_add_view_kwargs(self, **kwargs):
        return super().get_add_view_kwargs(
            panel=self._create_handler, form_class=self._create_handler.get_form_class(), **kwargs
        )


register_permission_policy(Unit, UnitPermissionPolicy(Unit))


@hooks.register("register_admin_viewset")
def register_unit_viewsets():
    return [unit_chooser_viewset, UnitViewSet("units")]
