"""Wagtail admin building blocks for records that belong to a unit, with rights that follow the unit tree.

One module for every back-office app (opinion, tasks, education, documents,
reports). A person with a staff role in a unit works on the records of that
unit and the units below it, never siblings or parents; superusers see
everything. Wagtail's generic views check model-level permissions only, and
look objects up among all rows; here every admin path follows the tree:

- the permission policy (`UnitScopedPermissionPolicy`): menus, buttons and
  per-instance checks; its querysets are the apps' `*_visible_to` selectors
  (by default `selectors.scope_to_user` over the record's unit field);
- the index and its XLSX/CSV export list only visible records, with edit and
  delete links only where the user may change the record;
- edit, delete, inspect, history and usage look the object up among visible
  records (another unit's record is a 404) and check the right to change or
  delete that record (403) — e.g. a campaign is read by the units that must
  study it but changed only by the issuing side;
- unit fields offer only the units the user may work on.

Writes still go through each app's services, which check the same rights
again (`require_unit_access`); their ValidationError lands on the form.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

import django_filters
from django import forms
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Min, Q, QuerySet
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BasePermissionPolicy
from wagtail.permissions import policy_registry, register_permission_policy

from tuyengiao.portal.dates import vietnamese_number

from .models import STAFF_ROLES, RoleAssignment, Unit
from .selectors import cached_managed_roots, rollup_q, scope_to_user, unit_in_reach, units_visible_to

ALL_ACTIONS = frozenset({"add", "change", "delete", "view"})
READ_ACTIONS = frozenset({"view"})
# A select lists the units; past this many the searchable unit chooser is used instead.
SELECT_LIMIT = 300

__all__ = [
    "ALL_ACTIONS",
    "INDENT",
    "READ_ACTIONS",
    "SELECT_LIMIT",
    "UNIT_NOT_ALLOWED",
    "DateColumn",
    "IndentedLabelMixin",
    "NumberColumn",
    "RefusedDeleteMixin",
    "ScopedCreateView",
    "ScopedDeleteView",
    "ScopedEditView",
    "ScopedHistoryView",
    "ScopedIndexView",
    "ScopedInspectView",
    "ScopedModelForm",
    "ScopedObjectMixin",
    "ScopedUsageView",
    "ServiceSaveMixin",
    "UnitChoiceField",
    "UnitFilterField",
    "UnitMultipleChoiceField",
    "UnitRollupFilter",
    "UnitScopedPermissionPolicy",
    "UnitScopedViewSet",
    "VietnameseExportMixin",
    "add_service_error",
    "format_date",
    "format_datetime",
    "limit_to_visible_units",
    "scope_to_user",
    "staff_roots",
    "unit_in_reach",
    "visible_unit_field",
]


# --- rights --------------------------------------------------------------------------------------


def staff_roots(user) -> list[Unit]:
    """The top units of the user's subtrees today, kept on the user object for the current request."""
    return cached_managed_roots(user)


def _is_staff(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or bool(staff_roots(user))


class UnitScopedPermissionPolicy(BasePermissionPolicy):
    """Rights from staff role assignments: any staff role opens the model's admin; the unit tree decides per record.

    By default a record belongs to the unit at `unit_field` (a FK path such as
    "report__unit"): it is visible and editable inside the user's subtrees.
    Models with other rules pass the app's selectors instead:

    - `visible(user)`: queryset of the records the user may read;
    - `editable(user)`: of those they may change (default: `visible`);
    - `can_edit(user, instance)`: Python twin of `editable` for a loaded
      instance, asked once per listed row (default: `unit_in_reach` of the
      record's unit, no query);
    - `can_view(user, instance)`: same for reading (default: a query on `visible`).

    `actions` limits what the model allows at all (e.g. {"view"} for a read-only list).
    """

    def __init__(
        self,
        model,
        *,
        unit_field: str = "unit",
        actions=ALL_ACTIONS,
        visible: Callable | None = None,
        editable: Callable | None = None,
        can_edit: Callable | None = None,
        can_view: Callable | None = None,
    ):
        super().__init__(model)
        self.unit_field = unit_field
        self.actions = frozenset(actions)
        self._visible = visible
        self._editable = editable
        self._can_edit = can_edit
        self._can_view = can_view

    # Querysets and per-instance checks; the policy methods below only add the action rules.

    def visible(self, user) -> QuerySet:
        if self._visible is not None:
            return self._visible(user)
        return scope_to_user(self.model._default_manager.all(), user, unit_field=self.unit_field)

    def editable(self, user) -> QuerySet:
        return self._editable(user) if self._editable is not None else self.visible(user)

    def unit_of(self, instance) -> Unit | None:
        value = instance
        for part in self.unit_field.split("__"):
            value = getattr(value, part, None)
        return value

    def can_edit(self, user, instance) -> bool:
        if self._can_edit is not None:
            return self._can_edit(user, instance)
        return unit_in_reach(user, self.unit_of(instance))

    def can_view(self, user, instance) -> bool:
        if self._can_view is not None:
            return self._can_view(user, instance)
        return self.visible(user).filter(pk=instance.pk).exists()

    # BasePermissionPolicy

    def user_has_permission(self, user, action):
        return action in self.actions and _is_staff(user)

    def users_with_any_permission(self, actions):
        user_model = get_user_model()
        if not self.actions.intersection(actions):
            return user_model.objects.none()
        today = timezone.localdate()
        staff = RoleAssignment.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=today), valid_from__lte=today, role__in=STAFF_ROLES
        ).values("user_id")
        return user_model.objects.filter(Q(is_superuser=True) | Q(pk__in=staff), is_active=True)

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        if user.is_superuser:
            return True
        if action in READ_ACTIONS:
            return self.can_view(user, instance)
        return self.can_edit(user, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        if set(actions) <= READ_ACTIONS:
            return self.visible(user)
        return self.editable(user)


# --- unit fields ---------------------------------------------------------------------------------

UNIT_NOT_ALLOWED = "Bạn chỉ được chọn đơn vị mình phụ trách hoặc đơn vị cấp dưới."
INDENT = "\u00a0" * 3


class IndentedLabelMixin:
    """Unit names indented by depth below the shallowest unit offered, so a long list still reads as a tree."""

    top_depth = 1

    def label_from_instance(self, obj):
        return INDENT * max(obj.depth - self.top_depth, 0) + obj.name


class UnitChoiceField(IndentedLabelMixin, forms.ModelChoiceField):
    pass


class UnitMultipleChoiceField(IndentedLabelMixin, forms.ModelMultipleChoiceField):
    pass


def limit_to_visible_units(field: forms.ModelChoiceField, user, *, queryset: QuerySet[Unit] | None = None) -> None:
    """Offer only the units the user may work on (in tree order, indented from the shallowest one)."""
    queryset = (queryset if queryset is not None else units_visible_to(user)).order_by("path")
    field.queryset = queryset
    field.top_depth = queryset.aggregate(top=Min("depth"))["top"] or 1
    field.error_messages["invalid_choice"] = UNIT_NOT_ALLOWED


def visible_unit_field(user, *, label: str, required: bool = True, help_text: str = "") -> UnitChoiceField:
    """A unit field limited to the units the user may work on (a select, or the unit chooser for big trees)."""
    field = UnitChoiceField(
        queryset=Unit.objects.none(),
        label=label,
        required=required,
        help_text=help_text,
        empty_label="— Chọn đơn vị —",
        error_messages={"required": "Vui lòng chọn đơn vị."},
    )
    limit_to_visible_units(field, user)
    if field.queryset.count() > SELECT_LIMIT:
        from .choosers import UnitChooserWidget

        field.widget = UnitChooserWidget()
    return field


class ScopedModelForm(WagtailAdminModelForm):
    """Unit fields (`unit_fields`, default the model's "unit") offer only the units the user may work on.

    The services check again: a unit id posted by hand is refused there too.
    """

    unit_fields: tuple[str, ...] = ("unit",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.unit_fields:
            field = self.fields.get(name)
            if field is None:
                continue
            if self.for_user is None:
                field.queryset = Unit.objects.none()
            else:
                self.fields[name] = visible_unit_field(
                    self.for_user, label=field.label, required=field.required, help_text=field.help_text
                )


class UnitFilterField(IndentedLabelMixin, django_filters.fields.ModelChoiceField):
    pass


def _visible_units(request):
    return units_visible_to(request.user).order_by("path") if request is not None else Unit.objects.none()


class UnitRollupFilter(django_filters.ModelChoiceFilter):
    """Records of the chosen unit and the units below it, plus units merged into them (from the merge date)."""

    field_class = UnitFilterField

    def __init__(self, *args, date_field: str, unit_field: str, **kwargs):
        self.date_field = date_field
        self.unit_field = unit_field
        super().__init__(*args, queryset=_visible_units, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(rollup_q(value, date_field=self.date_field, unit_field=self.unit_field))


# --- listing helpers -----------------------------------------------------------------------------


def format_date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def format_datetime(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


class DateColumn(Column):
    """dd/mm/yyyy, as dates are read everywhere else."""

    def get_value(self, instance):
        return format_date(super().get_value(instance))


class NumberColumn(Column):
    """Thousands with "." (2.302); empty when there is no number."""

    def get_value(self, instance):
        value = super().get_value(instance)
        return "" if value is None else vietnamese_number(value)


_BASE_PREPROCESS = SpreadsheetExportMixin.custom_value_preprocess
_XLSX, _CSV = SpreadsheetExportMixin.FORMAT_XLSX, SpreadsheetExportMixin.FORMAT_CSV


class VietnameseExportMixin(SpreadsheetExportMixin):
    """XLSX/CSV exports with dates as they are read here: real dates shown dd/mm/yyyy in XLSX, dd/mm/yyyy in CSV."""

    custom_value_preprocess = {
        datetime.datetime: {**_BASE_PREPROCESS[datetime.datetime], _CSV: format_datetime},
        datetime.date: {_XLSX: None, _CSV: format_date},
        **{key: value for key, value in _BASE_PREPROCESS.items() if key is not datetime.datetime},
    }

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        cells = super().generate_xlsx_row(worksheet, row_dict, date_format)
        for value, cell in zip(row_dict.values(), cells, strict=True):
            if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
                cell.number_format = "DD/MM/YYYY"
            yield cell


def add_service_error(form: forms.BaseForm, error: ValidationError, *, aliases: dict[str, str] | None = None) -> None:
    """Put a service's ValidationError on the form: on its field when the form has it (under its alias), else on top.

    A message the form already shows there (the model's clean() may have said it) is not repeated.
    """
    by_field = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
    for field, messages_ in by_field.items():
        field = (aliases or {}).get(field, field)
        target = field if field in form.fields else None
        shown = form.errors.get(target or NON_FIELD_ERRORS, [])
        fresh = [message for message in messages_ if message not in shown]
        if fresh:
            form.add_error(target, fresh)


# --- views -----------------------------------------------------------------------------------------


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
    """Save through the app's service (`save_with_service`); its ValidationError goes back onto the form, not a 500."""

    def save_with_service(self):
        raise NotImplementedError

    def save_instance(self):
        return self.save_with_service()

    def add_service_error(self, form, error: ValidationError) -> None:
        add_service_error(form, error)

    def form_valid(self, form):
        self.form = form
        try:
            with transaction.atomic():
                self.object = self.save_instance()
        except ValidationError as error:
            self.add_service_error(form, error)
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
        response = self.save_action()
        hook_response = self.run_after_hook()
        return hook_response if hook_response is not None else response


class ScopedIndexView(VietnameseExportMixin, generic.IndexView):
    """Only visible records, in the listing and in its export; edit and delete links only where the user may change."""

    listing_queryset: Callable | None = None  # optional select_related, annotations…, applied to the visible queryset

    def get_base_queryset(self):
        queryset = self.permission_policy.instances_user_has_permission_for(self.request.user, "view")
        if self.listing_queryset is not None:
            queryset = self.listing_queryset(queryset)
        return queryset

    def _may(self, action, instance) -> bool:
        return self.permission_policy.user_has_permission_for_instance(self.request.user, action, instance)

    def get_edit_url(self, instance):
        return super().get_edit_url(instance) if self._may("change", instance) else None

    def get_delete_url(self, instance):
        return super().get_delete_url(instance) if self._may("delete", instance) else None

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


class RefusedDeleteMixin:
    """A delete the service refuses (ValidationError, e.g. "already has returns") is shown as a message, not a 500."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return redirect(self.get_success_url())


class ScopedDeleteView(RefusedDeleteMixin, ScopedObjectMixin, generic.DeleteView):
    """Deletes through the app's service (`delete_action`)."""

    instance_action = "delete"

    def get_queryset(self):
        return self.scoped_queryset()

    def get_object(self, queryset=None):
        if getattr(self, "object", None):
            return self.object
        return self.check_instance(super().get_object(queryset))

    def delete_action(self):
        raise NotImplementedError  # each model deletes through its service


class ScopedInspectView(ScopedObjectMixin, generic.InspectView):
    """Dates dd/mm/yyyy, times dd/mm/yyyy HH:MM, numbers 2.302; edit and delete buttons only where allowed."""

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if isinstance(value, datetime.datetime):
            return format_datetime(value)
        if isinstance(value, datetime.date):
            return format_date(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return vietnamese_number(value)
        return value

    def get_object(self, queryset=None):
        return get_object_or_404(self.scoped_queryset(), pk=unquote(str(self.pk)))

    def get_edit_url(self):
        may = self.permission_policy.user_has_permission_for_instance(self.request.user, "change", self.object)
        return super().get_edit_url() if may else None

    def get_delete_url(self):
        may = self.permission_policy.user_has_permission_for_instance(self.request.user, "delete", self.object)
        return super().get_delete_url() if may else None


class ScopedHistoryView(ScopedObjectMixin, history.HistoryView):
    pass


class ScopedUsageView(ScopedObjectMixin, usage.UsageView):
    pass


class UnitScopedViewSet(ModelViewSet):
    """A ModelViewSet whose views all follow the unit tree (see the module docstring).

    Register a `UnitScopedPermissionPolicy` for the model before the viewset
    (wagtail_hooks.py) when the model needs more than the default rule on
    `unit_field`; with none registered, the default one is registered here.
    Anything else registered for the model is refused at start-up, so a
    viewset never falls back to Django's model permissions (which would let a
    permitted user see every unit's records).
    """

    unit_field = "unit"
    index_view_class = ScopedIndexView
    add_view_class = ScopedCreateView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    inspect_view_class = ScopedInspectView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    copy_view_enabled = False
    inspect_view_enabled = True
    search_backend_name = None  # plain ORM search: these records are not in the search index
    add_to_reference_index = False  # nothing links to them from content; usage lists would stay empty
    list_per_page = 50

    # Loaded with every record, in the lists and on the record's own pages (select_related).
    related: tuple[str, ...] = ()
    # With `panels` (the edit form's), the form class they are built on; `create_panels` when adding differs.
    base_form_class = ScopedModelForm
    create_panels: list | None = None

    def listing_queryset(self, queryset):
        return queryset.select_related(*self.related) if self.related else queryset

    def object_queryset(self, queryset):
        return queryset.select_related(*self.related) if self.related else queryset

    def get_edit_handler(self):
        if not hasattr(self, "edit_handler") and hasattr(self, "panels"):
            return ObjectList(self.panels, base_form_class=self.base_form_class).bind_to_model(self.model)
        return super().get_edit_handler()

    def get_add_view_kwargs(self, **kwargs):
        if self.create_panels is not None:
            handler = ObjectList(self.create_panels, base_form_class=self.base_form_class).bind_to_model(self.model)
            kwargs = {"panel": handler, "form_class": handler.get_form_class(), **kwargs}
        return super().get_add_view_kwargs(**kwargs)

    def register_permissions(self):
        registered = policy_registry.get_by_type(self.model, fallback=False)
        if registered is None:
            register_permission_policy(self.model, UnitScopedPermissionPolicy(self.model, unit_field=self.unit_field))
        elif not isinstance(registered, UnitScopedPermissionPolicy):
            raise ImproperlyConfigured(
                f"{self.model.__name__}: {type(self).__name__} needs a UnitScopedPermissionPolicy, "
                f"not {type(registered).__name__}."
            )
        super().register_permissions()

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(listing_queryset=self.listing_queryset, **kwargs)

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(object_queryset=self.object_queryset, **kwargs)
