"""Wagtail admin pieces for records that belong to a unit, with rights that follow the unit tree.

Shared by the opinion and tasks apps (candidate for tuyengiao.units once
other back-office apps need it). A person with a staff role in a unit works
on the records of that unit and the units below it, never siblings or
parents; superusers see everything (BACKOFFICE.md). The rule is applied on
every admin path, not only in menus:

- the permission policy (menus, buttons, per-instance checks);
- the index queryset (list and XLSX/CSV export of the filtered list);
- edit, delete, inspect, history and usage look objects up in the same
  scoped queryset, so another unit's record is a 404;
- the unit field of forms offers only visible units and refuses others.
"""

from __future__ import annotations

import datetime

from django import forms
from django.db.models import Min, QuerySet
from django.shortcuts import get_object_or_404
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy

from tuyengiao.portal.dates import vietnamese_number
from tuyengiao.units.models import STAFF_ROLES, RoleAssignment, Unit
from tuyengiao.units.selectors import managed_roots, units_visible_to

ALL_ACTIONS = frozenset({"add", "change", "delete", "view"})
# A select lists the units; past this many the searchable unit chooser is used instead.
SELECT_LIMIT = 300


def staff_roots(user) -> list[Unit]:
    """The user's managed subtrees, memoised on the user object for the current request."""
    cached = getattr(user, "_tg_staff_roots", None)
    if cached is None:
        cached = managed_roots(user=user)
        user._tg_staff_roots = cached
    return cached


def scope_to_user(queryset: QuerySet, user, *, unit_field: str = "unit") -> QuerySet:
    """Only the records whose unit the user may see (merged units count with their successor)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return queryset
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    return queryset.filter(**{f"{unit_field}__in": units_visible_to(user)})


class UnitScopedPermissionPolicy(BasePermissionPolicy):
    """Rights come from active staff roles (RoleAssignment), limited to the role's subtree."""

    def __init__(self, model, *, unit_field: str = "unit", actions=ALL_ACTIONS):
        super().__init__(model)
        self.unit_field = unit_field
        self.actions = frozenset(actions)

    def user_has_permission(self, user, action):
        if action not in self.actions or not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        return user.is_superuser or bool(staff_roots(user))

    def users_with_any_permission(self, actions):
        from django.contrib.auth import get_user_model
        from django.db.models import Q
        from django.utils import timezone

        user_model = get_user_model()
        if not self.actions.intersection(actions):
            return user_model.objects.none()
        today = timezone.localdate()
        staff = RoleAssignment.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=today), valid_from__lte=today, role__in=STAFF_ROLES
        ).values("user_id")
        return user_model.objects.filter(Q(is_superuser=True) | Q(pk__in=staff), is_active=True)

    def _unit_of(self, instance) -> Unit | None:
        value = instance
        for part in self.unit_field.split("__"):
            value = getattr(value, part, None)
        return value

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        if user.is_superuser:
            return True
        unit = self._unit_of(instance)
        return unit is not None and units_visible_to(user).filter(pk=unit.pk).exists()

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        return scope_to_user(self.model._default_manager.all(), user, unit_field=self.unit_field)


# --- unit field ------------------------------------------------------------

UNIT_NOT_ALLOWED = "Bạn chỉ được chọn đơn vị mình phụ trách hoặc đơn vị cấp dưới."
INDENT = "\u00a0" * 3


class IndentedUnitChoiceField(forms.ModelChoiceField):
    """Unit names indented by depth below the shallowest unit offered, so the choices read as a tree."""

    top_depth = 1

    def label_from_instance(self, obj):
        return INDENT * max(obj.depth - self.top_depth, 0) + obj.name


def visible_unit_field(user, *, label: str, required: bool = True, help_text: str = "") -> forms.ModelChoiceField:
    """A unit field limited to the units the user may work on (select, or the unit chooser for big trees)."""
    queryset = units_visible_to(user).order_by("path")
    field = IndentedUnitChoiceField(
        queryset=queryset,
        label=label,
        required=required,
        help_text=help_text,
        empty_label="— Chọn đơn vị —",
        error_messages={"invalid_choice": UNIT_NOT_ALLOWED, "required": "Vui lòng chọn đơn vị."},
    )
    field.top_depth = queryset.aggregate(top=Min("depth"))["top"] or 1
    if queryset.count() > SELECT_LIMIT:
        from tuyengiao.units.wagtail_hooks import UnitChooserWidget

        field.widget = UnitChooserWidget()
    return field


class UnitScopedAdminForm(WagtailAdminModelForm):
    """Limits the `unit` field to the units the signed-in user may work on."""

    unit_field_name = "unit"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get(self.unit_field_name)
        if field is not None and self.for_user is not None:
            self.fields[self.unit_field_name] = visible_unit_field(
                self.for_user, label=field.label, required=field.required, help_text=field.help_text
            )


# --- listing helpers ---------------------------------------------------------


def format_date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


class DateColumn(Column):
    """dd/mm/yyyy, as dates are read everywhere else."""

    def get_value(self, instance):
        return format_date(super().get_value(instance))


class NumberColumn(Column):
    """Thousands with "." (2.302)."""

    def get_value(self, instance):
        value = super().get_value(instance)
        return vietnamese_number(value or 0)


class VietnameseExportMixin:
    """XLSX/CSV exports with dd/mm/yyyy dates (Wagtail's default writes ISO dates)."""

    def preprocess_field_value(self, field, value, export_format):
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime) and export_format == "csv":
            return format_date(value)
        return super().preprocess_field_value(field, value, export_format)

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        for (_field, value), cell in zip(
            row_dict.items(), super().generate_xlsx_row(worksheet, row_dict, date_format), strict=True
        ):
            if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
                cell.number_format = "dd/mm/yyyy"
            yield cell


# --- views -----------------------------------------------------------------


class ScopedIndexView(VietnameseExportMixin, generic.IndexView):
    unit_field = "unit"

    def get_base_queryset(self):
        return scope_to_user(super().get_base_queryset(), self.request.user, unit_field=self.unit_field)


class ScopedEditView(generic.EditView):
    unit_field = "unit"

    def get_queryset(self):
        return scope_to_user(self.model._default_manager.all(), self.request.user, unit_field=self.unit_field)


class ScopedDeleteView(generic.DeleteView):
    unit_field = "unit"

    def get_queryset(self):
        return scope_to_user(self.model._default_manager.all(), self.request.user, unit_field=self.unit_field)


class ScopedInspectView(generic.InspectView):
    unit_field = "unit"

    def get_object(self, queryset=None):
        queryset = scope_to_user(self.model._default_manager.all(), self.request.user, unit_field=self.unit_field)
        return get_object_or_404(queryset, pk=self.pk)


class ScopedHistoryView(history.HistoryView):
    unit_field = "unit"

    def get_base_object_queryset(self):
        return scope_to_user(super().get_base_object_queryset(), self.request.user, unit_field=self.unit_field)


class ScopedUsageView(usage.UsageView):
    unit_field = "unit"

    def get_base_object_queryset(self):
        return scope_to_user(super().get_base_object_queryset(), self.request.user, unit_field=self.unit_field)


class UnitScopedViewSet(ModelViewSet):
    """A ModelViewSet whose every view sees only the records of the user's units."""

    unit_field = "unit"
    index_view_class = ScopedIndexView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    inspect_view_class = ScopedInspectView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    copy_view_enabled = False
    inspect_view_enabled = True

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(unit_field=self.unit_field, **kwargs)
