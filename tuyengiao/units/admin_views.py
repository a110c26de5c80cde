"""Views of the unit admin: the tree list, inspect with history, edit, and the structural operations.

Views stay thin: they pick the object through `selectors` (a unit outside
the user's subtree is a 404), call a `services` function with the user as
actor (which checks the rights again) and show a service's ValidationError
on the form. Wagtail turns PermissionDenied into its standard redirect to
the dashboard with a message.
"""

from __future__ import annotations

import datetime

from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.views import View
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic import WagtailAdminTemplateMixin, history, usage
from wagtail.admin.widgets.button import Button, MenuItem
from wagtail.log_actions import registry as log_registry

from . import importer, selectors, services
from .admin_forms import CloseForm, ImportForm, MergeForm, MoveForm, SplitForm, add_service_error, non_field_messages
from .choosers import format_validity, person_label
from .models import RoleAssignment, Unit, UnitImport

INDENT = "\u00a0" * 4  # non-breaking, so the browser keeps the indentation


def format_date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def deny(request, error: PermissionDenied):
    """Say why before Wagtail's generic "no permission" redirect."""
    if str(error) and request.headers.get("x-requested-with") != "XMLHttpRequest":
        messages.error(request, str(error))
    raise error


def require_rights(request) -> None:
    if not selectors.has_unit_rights(request.user):
        raise PermissionDenied


class UnitUrls:
    """URL names of the unit viewset, handed to each view by the viewset."""

    def __init__(self, viewset):
        self.viewset = viewset

    def url(self, name: str, unit: Unit | None = None) -> str:
        args = (quote(unit.pk),) if unit is not None else ()
        return reverse(self.viewset.get_url_name(name), args=args)


def operation_buttons(urls: UnitUrls, user, unit: Unit, *, as_menu: bool) -> list:
    """Add under / move / close / merge / split, for an active unit the user may restructure."""
    make = MenuItem if as_menu else Button
    buttons = []
    if not unit.is_active:
        return buttons
    buttons.append(
        make("Thêm đơn vị trực thuộc", url=f"{urls.url('add')}?parent={unit.pk}", icon_name="plus", priority=31)
    )
    if user.is_superuser or selectors.restructure_allowed(unit, selectors.cached_managed_roots(user)):
        for name, label, icon, priority in (
            ("move", "Chuyển đơn vị", "arrow-right-full", 32),
            ("close", "Ngừng hoạt động", "cross", 33),
            ("merge", "Sáp nhập", "resubmit", 34),
            ("split", "Chia tách", "order", 35),
        ):
            buttons.append(make(label, url=urls.url(name, unit), icon_name=icon, priority=priority))
    return buttons


# --- Tree list -------------------------------------------------------------------------------------------------


class IndentedTitleColumn(TitleColumn):
    """The unit name pushed right by its depth, so the list reads as a tree."""

    def get_value(self, instance):
        prefix = INDENT * (instance.depth - 2) + "└\u00a0" if instance.depth > 1 else ""
        return prefix + instance.name


class ValidityColumn(Column):
    def get_value(self, instance):
        return format_validity(instance)


class GroupsColumn(Column):
    def get_value(self, instance):
        return ", ".join(group.name for group in instance.groups.all())


# The import columns first, so an exported list is also a filled-in import template.
UNIT_EXPORT = {field: heading for field, heading, _required in importer.COLUMNS} | {
    "valid_to": "Hiệu lực đến",
    "successor": "Đơn vị kế thừa",
    "parent_name": "Trực thuộc",
}


class DateExportMixin:
    """Dates as real Excel dates shown dd/mm/yyyy, and dd/mm/yyyy in CSV."""

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        for cell, value in zip(
            super().generate_xlsx_row(worksheet, row_dict, date_format), row_dict.values(), strict=True
        ):
            if isinstance(value, datetime.date):
                cell.number_format = "dd/mm/yyyy"
            yield cell

    def write_csv_row(self, writer, row_dict):
        row = {k: format_date(v) if isinstance(v, datetime.date) else v for k, v in row_dict.items()}
        return super().write_csv_row(writer, row)


class UnitIndexView(DateExportMixin, generic.IndexView):
    urls: UnitUrls | None = None
    assignment_add_url_name: str | None = None
    page_title = "Đơn vị"
    export_filename = "don-vi"
    list_export = list(UNIT_EXPORT)
    export_headings = UNIT_EXPORT

    def _get_title_column(self, field_name, column_class=IndentedTitleColumn, **kwargs):
        return super()._get_title_column(field_name, IndentedTitleColumn, **kwargs)

    def get_base_queryset(self):
        units = selectors.units_for_admin(self.request.user)
        return selectors.with_parent(units) if self.is_export else units

    def to_row_dict(self, item):
        return {
            "code": item.code or "",
            "name": item.name,
            "kind": item.get_kind_display(),
            "level": item.get_level_display(),
            "short_code": item.short_code,
            "parent_code": item.parent_code or "",
            "valid_from": item.valid_from,
            "groups": ", ".join(group.name for group in item.groups.all()),
            "valid_to": item.valid_to,
            "successor": item.successor.name if item.successor else "",
            "parent_name": item.parent_name or "",
        }

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        buttons.append(Button("Nhập từ Excel", url=self.urls.url("import"), icon_name="upload", priority=80))
        buttons.append(
            Button("Tải tệp mẫu nhập Excel", url=self.urls.url("import_template"), icon_name="download", priority=85)
        )
        return buttons

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        buttons.extend(operation_buttons(self.urls, self.request.user, instance, as_menu=True))
        if instance.is_active:
            buttons.append(
                MenuItem(
                    "Phân công vai trò",
                    url=f"{reverse(self.assignment_add_url_name)}?unit={instance.pk}",
                    icon_name="user",
                    priority=40,
                )
            )
        return buttons


# --- Create and edit ---------------------------------------------------------------------------------------------


class ServiceFormMixin:
    """Show a service's ValidationError on the form; the transaction around save_instance has rolled back."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            add_service_error(form, error)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class UnitCreateView(ServiceFormMixin, generic.CreateView):
    def get_initial(self):
        initial = super().get_initial()
        parent_id = self.request.GET.get("parent", "")
        if parent_id.isascii() and parent_id.isdigit():  # not "²"
            parent = selectors.units_visible_to(self.request.user).filter(pk=parent_id).first()
            if parent is not None:
                initial.update(parent=parent, kind=parent.kind, level=parent.level)
        return initial

    def save_instance(self):
        data = self.form.cleaned_data
        return services.unit_create(
            name=data["name"],
            code=data.get("code"),
            kind=data["kind"],
            level=data["level"],
            short_code=data["short_code"],
            parent=data.get("parent"),
            valid_from=data.get("valid_from"),
            groups=data.get("groups") or (),
            actor=self.request.user,
        )


class UnitObjectMixin:
    """Only units in the user's subtree: others are a 404, and no rights at all is a denial."""

    def get_queryset(self):
        require_rights(self.request)
        return selectors.units_visible_to(self.request.user)


class UnitLookupMixin:
    """The same rule for listing views about one unit (history, usage), whose get_queryset lists other things."""

    def get_base_object_queryset(self):
        require_rights(self.request)
        return selectors.units_visible_to(self.request.user)


class UnitEditView(UnitObjectMixin, ServiceFormMixin, generic.EditView):
    urls: UnitUrls | None = None

    def save_instance(self):
        data = self.form.cleaned_data
        extra = {}
        if "valid_to" in self.form.fields:
            extra["valid_to"] = data.get("valid_to")
        if "successor" in self.form.fields:
            extra["successor"] = data.get("successor")
        return services.unit_update(
            unit=self.object,
            name=data["name"],
            code=data.get("code"),
            short_code=data["short_code"],
            kind=data["kind"],
            level=data["level"],
            valid_from=data.get("valid_from"),
            groups=data.get("groups"),
            actor=self.request.user,
            **extra,
        )

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        buttons.extend(operation_buttons(self.urls, self.request.user, self.object, as_menu=False))
        return buttons


class UnitInspectView(UnitObjectMixin, generic.InspectView):
    urls: UnitUrls | None = None
    template_name = "units/admin/unit_inspect.html"

    def get_object(self, queryset=None):
        return get_object_or_404(self.get_queryset().select_related("successor", "split_from"), pk=self.pk)

    def get_field_label(self, field_name, field):
        if field_name == "parent":
            return "Trực thuộc"
        return super().get_field_label(field_name, field)

    def _link(self, unit: Unit | None) -> str:
        if unit is None:
            return "—"
        if self.visible_ids is None or unit.pk in self.visible_ids:
            return format_html('<a href="{}">{}</a>', self.urls.url("inspect", unit), unit.name)
        return unit.name

    @cached_property
    def children(self) -> list[Unit]:
        return list(self.object.get_children().order_by("path"))

    @cached_property
    def history(self) -> selectors.UnitHistory:
        return selectors.unit_history(self.object)

    @cached_property
    def visible_ids(self) -> set[int] | None:
        if self.request.user.is_superuser:
            return None
        history = self.history
        related = [history.parent, history.successor, history.split_from, *history.predecessors, *history.split_into]
        ids = [unit.pk for unit in [*related, *self.children] if unit is not None]
        return set(selectors.units_visible_to(self.request.user).filter(pk__in=ids).values_list("pk", flat=True))

    def get_parent_display_value(self):
        return self._link(self.history.parent)

    def get_successor_display_value(self):
        return self._link(self.object.successor)

    def get_split_from_display_value(self):
        return self._link(self.object.split_from)

    def get_valid_from_display_value(self):
        return format_date(self.object.valid_from) or "—"

    def get_valid_to_display_value(self):
        return format_date(self.object.valid_to) or "đang hoạt động"

    def get_code_display_value(self):
        return self.object.code or "—"

    def get_groups_display_value(self):
        return ", ".join(group.name for group in self.object.groups.all()) or "—"

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        buttons.append(Button("Lịch sử thay đổi", url=self.urls.url("history", self.object), icon_name="history"))
        buttons.extend(operation_buttons(self.urls, self.request.user, self.object, as_menu=False))
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        history = self.history
        merged_in = [
            {"link": self._link(unit), "merged_on": format_date(unit.valid_to + datetime.timedelta(days=1))}
            for unit in history.predecessors
            if unit.valid_to
        ]
        context.update(
            merged_in=merged_in,
            split_into=[self._link(unit) for unit in history.split_into],
            children=[{"link": self._link(child), "valid_to": child.valid_to} for child in self.children],
            assignments=RoleAssignment.objects.filter(unit=self.object)
            .select_related("user")
            .order_by("-valid_from")[:50],
            log_entries=log_registry.get_logs_for_instance(self.object)
            .select_related("user")
            .order_by("-timestamp")[:20],
            history_url=self.urls.url("history", self.object),
            format_date=format_date,
        )
        context["assignment_rows"] = [
            {
                "person": person_label(a.user),
                "role": a.get_role_display(),
                "period": f"{format_date(a.valid_from)} – {format_date(a.valid_to) or 'nay'}",
                "decision": a.decision,
            }
            for a in context["assignments"]
        ]
        context["log_rows"] = [
            {
                "when": entry.timestamp,
                "who": (entry.user.get_full_name() or entry.user.get_username()) if entry.user else "Hệ thống",
                "what": entry.message,
            }
            for entry in context["log_entries"]
        ]
        return context


class UnitHistoryView(UnitLookupMixin, history.HistoryView):
    pass


class UnitUsageView(UnitLookupMixin, usage.UsageView):
    pass


# --- Structural operations ----------------------------------------------------------------------------------------


class UnitOperationView(WagtailAdminTemplateMixin, FormView):
    """GET shows the form (with what the change will touch); POST calls the service in one transaction."""

    template_name = "units/admin/operation.html"
    header_icon = "group"
    urls: UnitUrls | None = None
    submit_button_label = "Thực hiện"
    intro = ""
    shows_preview = False

    def dispatch(self, request, *args, **kwargs):
        require_rights(request)
        self.object = get_object_or_404(selectors.units_visible_to(request.user), pk=kwargs["pk"])
        try:
            selectors.require_restructure_access(request.user, self.object)
        except PermissionDenied as error:
            deny(request, error)
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return self.object.name

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": self.urls.url("index"), "label": "Đơn vị"},
            {"url": self.urls.url("inspect", self.object), "label": self.object.name},
            {"url": "", "label": self.page_title},
        ]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.form_class in (MoveForm, MergeForm):
            kwargs["user"] = self.request.user
        return kwargs

    def perform(self, form) -> str:
        """Call the service; return the success message."""
        raise NotImplementedError

    def form_valid(self, form):
        try:
            with transaction.atomic():
                message = self.perform(form)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        except PermissionDenied as error:
            deny(self.request, error)
        messages.success(self.request, message)
        return redirect(self.urls.url("inspect", self.object))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context.update(
            object=self.object,
            intro=self.intro,
            action_url=self.request.path,
            submit_button_label=self.submit_button_label,
            submit_button_active_label="Đang thực hiện…",
            media=form.media,
            non_field_errors=non_field_messages(form),
            preview=selectors.closing_preview(self.object) if self.shows_preview else None,
            validity=format_validity(self.object),
        )
        return context


class UnitMoveView(UnitOperationView):
    page_title = "Chuyển đơn vị"
    form_class = MoveForm
    submit_button_label = "Chuyển đơn vị"
    intro = "Đơn vị cùng các đơn vị cấp dưới chuyển sang trực thuộc đơn vị đã chọn; lịch sử và số liệu giữ nguyên."

    def perform(self, form):
        parent = form.cleaned_data["new_parent"]
        services.unit_move(unit=self.object, new_parent=parent, actor=self.request.user)
        return f"Đã chuyển “{self.object.name}” về trực thuộc “{parent.name}”."


class UnitCloseView(UnitOperationView):
    page_title = "Ngừng hoạt động"
    form_class = CloseForm
    submit_button_label = "Ngừng hoạt động"
    intro = "Đơn vị không bị xóa: lịch sử và số liệu được giữ, đơn vị chỉ có thêm ngày hết hiệu lực."
    shows_preview = True

    def perform(self, form):
        on = form.cleaned_data["on"]
        services.unit_close(unit=self.object, on=on, actor=self.request.user)
        return f"“{self.object.name}” ngừng hoạt động từ ngày {format_date(on)}."


class UnitMergeView(UnitOperationView):
    page_title = "Sáp nhập"
    form_class = MergeForm
    submit_button_label = "Sáp nhập"
    intro = (
        "Đơn vị bị sáp nhập ngừng hoạt động từ ngày sáp nhập và có đơn vị kế thừa; "
        "từ ngày đó, số liệu của nó được tính cho đơn vị nhận."
    )
    shows_preview = True

    def perform(self, form):
        target, on = form.cleaned_data["target"], form.cleaned_data["on"]
        services.unit_merge(source=self.object, target=target, on=on, actor=self.request.user)
        return f"Đã sáp nhập “{self.object.name}” vào “{target.name}” từ ngày {format_date(on)}."


class UnitSplitView(UnitOperationView):
    page_title = "Chia tách"
    form_class = SplitForm
    submit_button_label = "Chia tách"
    intro = (
        "Các đơn vị mới cùng cấp, cùng loại, trực thuộc cùng đơn vị cấp trên và ghi nhận tách ra từ đơn vị này; "
        "đơn vị cũ ngừng hoạt động từ ngày chia tách."
    )
    shows_preview = True

    def perform(self, form):
        on = form.cleaned_data["on"]
        created = services.unit_split(source=self.object, parts=form.parts(), on=on, actor=self.request.user)
        names = ", ".join(f"“{unit.name}”" for unit in created)
        return f"Đã chia tách “{self.object.name}” thành {names} từ ngày {format_date(on)}."


# --- Import ---------------------------------------------------------------------------------------------------------


class UnitImportView(WagtailAdminTemplateMixin, FormView):
    template_name = "units/admin/import.html"
    page_title = "Nhập cây đơn vị từ Excel"
    header_icon = "upload"
    form_class = ImportForm
    urls: UnitUrls | None = None

    def dispatch(self, request, *args, **kwargs):
        require_rights(request)
        self.import_errors: list[str] = []
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": self.urls.url("index"), "label": "Đơn vị"},
            {"url": "", "label": self.page_title},
        ]

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        try:
            record = services.unit_tree_import(content=upload.read(), file_name=upload.name, actor=self.request.user)
        except ValidationError as error:
            self.import_errors = error.messages
            return self.form_invalid(form)
        except PermissionDenied as error:  # validated per row already; a race with a change of rights
            self.import_errors = [str(error)]
            return self.form_invalid(form)
        messages.success(self.request, f"Đã nhập {record.unit_count} đơn vị từ tệp “{record.file_name}”.")
        return redirect(self.urls.url("index"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        imports = UnitImport.objects.select_related("imported_by")
        if not self.request.user.is_superuser:
            imports = imports.filter(imported_by=self.request.user)
        context.update(
            action_url=self.request.path,
            submit_button_label="Nhập",
            submit_button_active_label="Đang kiểm tra và nhập…",
            media=context["form"].media,
            form_is_multipart=True,
            import_errors=self.import_errors,
            template_url=self.urls.url("import_template"),
            headings=importer.HEADINGS,
            recent_imports=[
                {
                    "when": imp.imported_at,
                    "file_name": imp.file_name,
                    "count": imp.unit_count,
                    "who": person_label(imp.imported_by) if imp.imported_by else "",
                }
                for imp in imports[:10]
            ],
        )
        return context


class UnitImportTemplateView(View):
    def get(self, request):
        require_rights(request)
        return FileResponse(
            iter([importer.template_workbook()]),
            as_attachment=True,
            filename="mau-nhap-don-vi.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )


# --- Role assignments ------------------------------------------------------------------------------------------


class AssignmentRowsMixin:
    """Per-row rights computed in Python from the user's subtrees (no query per row)."""

    def row_editable(self, assignment: RoleAssignment) -> bool:
        user = self.request.user
        if user.is_superuser:
            return True
        if assignment.user_id == user.pk:
            return False
        return any(assignment.unit.path.startswith(root.path) for root in selectors.cached_managed_roots(user))


class PersonColumn(TitleColumn):
    def get_value(self, instance):
        return person_label(instance.user)


class AssignmentValidityColumn(Column):
    def get_value(self, instance):
        return f"{format_date(instance.valid_from)} – {format_date(instance.valid_to) or 'nay'}"


ASSIGNMENT_EXPORT = {
    "username": "Tên đăng nhập",
    "person": "Họ tên",
    "unit_code": "Mã đơn vị",
    "unit": "Đơn vị",
    "role": "Vai trò",
    "valid_from": "Từ ngày",
    "valid_to": "Đến ngày",
    "decision": "Quyết định",
}


class RoleAssignmentIndexView(AssignmentRowsMixin, DateExportMixin, generic.IndexView):
    page_title = "Phân công vai trò"
    export_filename = "phan-cong-vai-tro"
    list_export = list(ASSIGNMENT_EXPORT)
    export_headings = ASSIGNMENT_EXPORT

    def get_base_queryset(self):
        return selectors.assignments_visible_to(self.request.user)

    def _get_title_column(self, field_name, column_class=PersonColumn, **kwargs):
        return super()._get_title_column(field_name, PersonColumn, **kwargs)

    def get_edit_url(self, instance):
        if self.row_editable(instance):
            return super().get_edit_url(instance)
        return None

    def to_row_dict(self, item):
        return {
            "username": item.user.get_username(),
            "person": item.user.get_full_name(),
            "unit_code": item.unit.code or "",
            "unit": item.unit.name,
            "role": item.get_role_display(),
            "valid_from": item.valid_from,
            "valid_to": item.valid_to,
            "decision": item.decision,
        }


class AssignmentObjectMixin:
    editable_only = True

    def get_queryset(self):
        if self.editable_only:
            require_rights(self.request)
            return selectors.assignments_editable_by(self.request.user)
        return selectors.assignments_visible_to(self.request.user)


class AssignmentLookupMixin:
    def get_base_object_queryset(self):
        require_rights(self.request)
        return selectors.assignments_visible_to(self.request.user)


class RoleAssignmentCreateView(ServiceFormMixin, generic.CreateView):
    def get_initial(self):
        initial = super().get_initial()
        unit_id = self.request.GET.get("unit", "")
        if unit_id.isascii() and unit_id.isdigit():  # not "²"
            unit = selectors.units_visible_to(self.request.user).filter(pk=unit_id).first()
            if unit is not None:
                initial["unit"] = unit
        return initial

    def save_instance(self):
        data = self.form.cleaned_data
        try:
            return services.role_assign(
                user=data["user"],
                unit=data["unit"],
                role=data["role"],
                valid_from=data["valid_from"],
                valid_to=data.get("valid_to"),
                decision=data.get("decision", ""),
                actor=self.request.user,
            )
        except PermissionDenied as error:  # e.g. assigning oneself: say so on the form
            raise ValidationError(str(error)) from error


class RoleAssignmentEditView(AssignmentObjectMixin, ServiceFormMixin, generic.EditView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.role_assignment_update(
            assignment=self.object,
            unit=data["unit"],
            role=data["role"],
            valid_from=data["valid_from"],
            valid_to=data.get("valid_to"),
            decision=data.get("decision", ""),
            actor=self.request.user,
        )


class RoleAssignmentInspectView(AssignmentObjectMixin, generic.InspectView):
    editable_only = False

    def get_object(self, queryset=None):
        return get_object_or_404(self.get_queryset(), pk=self.pk)

    def get_user_display_value(self):
        return person_label(self.object.user)

    def get_valid_from_display_value(self):
        return format_date(self.object.valid_from)

    def get_valid_to_display_value(self):
        return format_date(self.object.valid_to) or "nay"

    def get_edit_url(self):
        if selectors.assignments_editable_by(self.request.user).filter(pk=self.object.pk).exists():
            return super().get_edit_url()
        return None


class RoleAssignmentHistoryView(AssignmentLookupMixin, history.HistoryView):
    pass


class RoleAssignmentUsageView(AssignmentLookupMixin, usage.UsageView):
    pass
