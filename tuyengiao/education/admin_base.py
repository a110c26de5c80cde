"""Wagtail admin building blocks whose every path follows the unit tree.

Wagtail's generic views check model-level permissions only, and its edit,
delete, inspect, history and usage views look objects up among all rows.
Here each of them looks the object up among the records the user may see
(`selectors.*_visible_to`, so a sibling unit's record is a 404) and checks
the instance right before changing it (403); the index and its XLSX/CSV
export list only visible records; unit fields offer only visible units.
Saving goes through the app's services, whose validation errors land on
the form.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django import forms
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import log
from wagtail.permission_policies.base import BasePermissionPolicy

from tuyengiao.portal.dates import vietnamese_number
from tuyengiao.units.models import STAFF_ROLES, Unit
from tuyengiao.units.selectors import managed_roots

from . import selectors
from .models import format_date

READ_ACTIONS = {"view", "inspect", "export"}


# --- rights ------------------------------------------------------------------------------


def _roots(user) -> list[Unit]:
    cached = getattr(user, "_education_roots", None)
    if cached is None:
        cached = managed_roots(user=user)
        user._education_roots = cached
    return cached


def unit_in_reach(user, unit: Unit | None) -> bool:
    """Python-side twin of `units_visible_to` for a loaded unit (no query per row in listings)."""
    if unit is None:
        return False
    if user.is_superuser:
        return True
    roots = _roots(user)
    if any(unit.path.startswith(root.path) for root in roots):
        return True
    if unit.successor_id:  # a merged unit counts with its successor (rare: one query)
        successor = Unit.objects.only("path").get(pk=unit.successor_id)
        return any(successor.path.startswith(root.path) for root in roots)
    return False


def can_edit_campaign(user, campaign) -> bool:
    """A campaign belongs to its issuing unit's side of the tree (units required to study only read it)."""
    return unit_in_reach(user, campaign.issuing_unit)


def can_edit_by_unit(user, obj) -> bool:
    return unit_in_reach(user, obj.unit)


def can_edit_by_organiser(user, obj) -> bool:
    return unit_in_reach(user, obj.organiser)


def can_edit_attendance(user, attendance) -> bool:
    """The organiser records everyone's attendance at its event; a unit records its own people's."""
    return unit_in_reach(user, attendance.unit) or unit_in_reach(user, attendance.event.organiser)


class UnitTreePolicy(BasePermissionPolicy):
    """Rights from staff role assignments: any staff role opens the admin area; the unit tree decides per record.

    `visible(user)` / `editable(user)` are the selectors' querysets;
    `can_edit(user, instance)` is their Python twin for loaded instances.
    """

    def __init__(
        self,
        model,
        *,
        visible: Callable,
        editable: Callable | None = None,
        can_edit: Callable,
        can_view: Callable | None = None,
    ):
        super().__init__(model)
        self.visible = visible
        self.editable = editable or visible
        self.can_edit = can_edit
        self.can_view = can_view

    def user_has_permission(self, user, action):
        return bool(getattr(user, "is_active", False)) and selectors.is_staff_anywhere(user)

    def user_has_any_permission(self, user, actions):
        return self.user_has_permission(user, None)

    def users_with_any_permission(self, actions):
        today = timezone.localdate()
        staff = Q(
            unit_roles__role__in=list(STAFF_ROLES),
            unit_roles__valid_from__lte=today,
        ) & (Q(unit_roles__valid_to__isnull=True) | Q(unit_roles__valid_to__gte=today))
        return get_user_model().objects.filter(Q(is_superuser=True) | staff, is_active=True).distinct()

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        if action in READ_ACTIONS:
            if self.can_view is not None:
                return self.can_view(user, instance)
            return self.visible(user).filter(pk=instance.pk).exists()
        return self.can_edit(user, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_permission(user, None):
            return self.model._default_manager.none()
        if set(actions) <= READ_ACTIONS:
            return self.visible(user)
        return self.editable(user)


# --- views ---------------------------------------------------------------------------------


class ScopedObjectMixin:
    """Look the object up among visible records (404 otherwise); check the instance right for the action (403)."""

    instance_action = "view"
    object_queryset: Callable | None = None  # optional select_related etc., applied to the visible queryset

    def scoped_queryset(self):
        queryset = self.permission_policy.instances_user_has_permission_for(self.request.user, "view")
        if self.object_queryset is not None:
            queryset = self.object_queryset(queryset)
        return queryset

    def get_base_object_queryset(self):  # BaseObjectMixin: history and usage views
        return self.scoped_queryset()

    def check_instance(self, obj):
        if self.instance_action != "view" and not self.permission_policy.user_has_permission_for_instance(
            self.request.user, self.instance_action, obj
        ):
            raise PermissionDenied
        return obj


class ServiceSaveMixin:
    """Save through a service; its ValidationError goes back onto the form instead of a 500."""

    def save_with_service(self):
        raise NotImplementedError

    def save_instance(self):
        return self.save_with_service()

    def form_valid(self, form):
        self.form = form
        try:
            with transaction.atomic():
                self.object = self.save_instance()
        except ValidationError as error:
            add_validation_error(form, error)
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
        response = self.save_action()
        hook_response = self.run_after_hook()
        return hook_response if hook_response is not None else response


def add_validation_error(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class ExportDatesMixin(SpreadsheetExportMixin):
    """Dates written dd/mm/yyyy in CSV (XLSX keeps real dates); choice values exported as their labels."""

    custom_value_preprocess = {
        **SpreadsheetExportMixin.custom_value_preprocess,
        datetime.date: {
            SpreadsheetExportMixin.FORMAT_XLSX: None,
            SpreadsheetExportMixin.FORMAT_CSV: format_date,
        },
    }


class ScopedIndexView(ExportDatesMixin, generic.IndexView):
    """Only visible records, in the listing and in its export; edit links only where the user may edit."""

    listing_queryset: Callable | None = None

    def get_base_queryset(self):
        queryset = self.permission_policy.instances_user_has_permission_for(self.request.user, "view")
        if self.listing_queryset is not None:
            queryset = self.listing_queryset(queryset)
        return queryset

    def get_edit_url(self, instance):
        if self.permission_policy.can_edit(self.request.user, instance):
            return super().get_edit_url(instance)
        return None

    def get_delete_url(self, instance):
        if self.permission_policy.can_edit(self.request.user, instance):
            return super().get_delete_url(instance)
        return None

    def get_copy_url(self, instance):
        return None


class ScopedCreateView(ServiceSaveMixin, generic.CreateView):
    pass


class ScopedEditView(ServiceSaveMixin, ScopedObjectMixin, generic.EditView):
    instance_action = "change"

    def get_queryset(self):  # SingleObjectMixin.get_object looks the pk up here
        return self.scoped_queryset()

    def get_object(self, queryset=None):
        return self.check_instance(super().get_object(queryset))


class ScopedDeleteView(ScopedObjectMixin, generic.DeleteView):
    instance_action = "delete"

    def get_queryset(self):
        return self.scoped_queryset()

    def get_object(self, queryset=None):
        if getattr(self, "object", None):
            return self.object
        return self.check_instance(super().get_object(queryset))

    def delete_action(self):
        raise NotImplementedError  # each model deletes through its service

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return redirect(self.get_success_url())


class ScopedInspectView(ScopedObjectMixin, generic.InspectView):
    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
        if isinstance(value, datetime.date):
            return format_date(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return vietnamese_number(value)
        return value

    def get_object(self, queryset=None):
        return get_object_or_404(self.scoped_queryset(), pk=unquote(str(self.pk)))

    def get_edit_url(self):
        if self.permission_policy.can_edit(self.request.user, self.object):
            return super().get_edit_url()
        return None

    def get_delete_url(self):
        if self.permission_policy.can_edit(self.request.user, self.object):
            return super().get_delete_url()
        return None


class ScopedHistoryView(ScopedObjectMixin, history.HistoryView):
    pass


class ScopedUsageView(ScopedObjectMixin, usage.UsageView):
    pass


class UnitScopedViewSet(ModelViewSet):
    """A ModelViewSet whose views all follow the unit tree (see the module docstring)."""

    index_view_class = ScopedIndexView
    add_view_class = ScopedCreateView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    inspect_view_class = ScopedInspectView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields_exclude = ["import_batch"]
    add_to_reference_index = False
    search_backend_name = None  # plain ORM search; these records are not in the search index
    list_per_page = 50

    def listing_queryset(self, queryset):
        return queryset

    def object_queryset(self, queryset):
        return queryset

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(listing_queryset=self.listing_queryset, **kwargs)

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(object_queryset=self.object_queryset, **kwargs)


# --- forms and columns --------------------------------------------------------------------


class UnitChoiceField(forms.ModelChoiceField):
    """Units in tree order, indented by depth, so a long list still reads as a tree."""

    def label_from_instance(self, obj):
        return "\u00a0\u00a0" * max(obj.depth - 1, 0) + obj.name


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return "\u00a0\u00a0" * max(obj.depth - 1, 0) + obj.name


class ScopedModelForm(WagtailAdminModelForm):
    """Unit fields offer only the units the user may work on (the services check again)."""

    unit_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        for name in self.unit_fields:
            if name in self.fields:
                self.fields[name].queryset = selectors.visible_units(user) if user is not None else Unit.objects.none()


class DateColumn(Column):
    def get_value(self, instance):
        return format_date(super().get_value(instance))


class NumberColumn(Column):
    def get_value(self, instance):
        value = super().get_value(instance)
        return "" if value is None else vietnamese_number(value)


def log_delete(instance, user) -> None:
    log(instance, "wagtail.delete", user=user)
