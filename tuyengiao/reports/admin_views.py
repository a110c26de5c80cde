"""Wagtail admin for review reports: the reports (with revisions), the figures, the records behind each figure.

Rights follow the unit tree on every path: the report list, every view on
one report (edit, inspect, history, revisions, delete, downloads, actions)
and the figure pages answer only for units the user works on. Writes go
through services; their Vietnamese validation errors land on the form.
"""

from __future__ import annotations

import datetime
import functools
from urllib.parse import urlencode

from django import forms
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from wagtail.admin import messages
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets import AdminDateInput
from wagtail.snippets.views import snippets

from tuyengiao.core.downloads import attachment_header
from tuyengiao.documents.models import Document
from tuyengiao.education.models import Attendance, BriefingConference, EducationClass, StudyCampaignUnit, StudyReturn
from tuyengiao.opinion.models import OpinionItem
from tuyengiao.portal.dates import vietnamese_number
from tuyengiao.tasks.models import Task
from tuyengiao.units.models import Unit
from tuyengiao.units.scoped_admin import visible_unit_field
from tuyengiao.units.selectors import has_unit_rights, units_visible_to

from . import selectors, services
from .figures import SECTIONS, UnknownFigure, compute_figures, label_for, records_for, records_total
from .models import Report
from .periods import END_BEFORE_START, current_half, format_date, parse_date

REPORTS = "reports_report"
FIGURES = "reports_figures"
NOT_YOUR_UNIT = "Bạn không có quyền xem số liệu của đơn vị “{name}”."
RECORDS_PER_PAGE = 50


# --- the scope of a figure: unit and period from the query string ---------------------------------------


class BadScope(Exception):
    """Bad unit or dates in the query string; the message is shown as is."""


def scope_from_query(request) -> tuple[Unit, datetime.date, datetime.date]:
    """?unit=<id>&start=dd/mm/yyyy&end=dd/mm/yyyy → (unit, start, end); PermissionDenied for another's unit."""
    raw_unit, raw_start, raw_end = (request.GET.get(key, "").strip() for key in ("unit", "start", "end"))
    unit = Unit.objects.filter(pk=raw_unit).first() if raw_unit.isascii() and raw_unit.isdigit() else None
    if unit is None:
        raise BadScope("Không tìm thấy đơn vị. Hãy chọn đơn vị trong danh sách.")
    if not units_visible_to(request.user).filter(pk=unit.pk).exists():
        raise PermissionDenied(NOT_YOUR_UNIT.format(name=unit.name))
    start, end = parse_date(raw_start), parse_date(raw_end)
    if start is None or end is None:
        raise BadScope("Ngày bắt đầu và ngày kết thúc phải có dạng dd/mm/yyyy, ví dụ 01/01/2025.")
    if end < start:
        raise BadScope(END_BEFORE_START)
    return unit, start, end


def figure_url(key: str, *, unit: Unit | int, start: datetime.date, end: datetime.date) -> str:
    query = urlencode({"unit": getattr(unit, "pk", unit), "start": format_date(start), "end": format_date(end)})
    return f"{reverse(f'{FIGURES}:records', args=[key])}?{query}"


def figure_rows(figures, *, unit_id: int) -> list[dict]:
    """The figures by section with display values and the link to the records behind each."""
    rows = []
    for section, heading in SECTIONS.items():
        items = figures.section(section)
        if not items:
            continue
        rows.append({"heading": heading})
        for figure in items:
            rows.append(
                {
                    "key": figure.key,
                    "label": figure.label,
                    "value": vietnamese_number(figure.value),
                    "unit_label": figure.unit_label,
                    "level": figure.level,
                    "url": figure_url(figure.key, unit=unit_id, start=figures.start, end=figures.end),
                }
            )
    return rows


def _refusal(request, error, *, status: int):
    return render(
        request, "reports/admin/refused.html", {"message": str(error.args[0]) if error.args else ""}, status=status
    )


# --- the records behind a figure -----------------------------------------------------------------


def _value(record, accessor: str):
    value = record
    for part in accessor.split("."):
        value = getattr(value, part, None)
        if callable(value):
            value = value()
        if value is None:
            return ""
    if isinstance(value, datetime.date):
        return format_date(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return vietnamese_number(value)
    return value


# Columns, related rows to load, and the admin page of each kind of record.
RECORD_VIEWS = {
    EducationClass: (
        [("Tên lớp", "title"), ("Chương trình", "programme.name"), ("Đơn vị tổ chức", "organiser.name"),
         ("Ngày khai giảng", "starts_on"), ("Số học viên", "enrolled")],
        ("programme", "organiser"),
        ("education_classes:edit", "pk"),
    ),
    BriefingConference: (
        [("Tên hội nghị", "title"), ("Đơn vị tổ chức", "organiser.name"), ("Ngày tổ chức", "held_on"),
         ("Hình thức", "get_mode_display"), ("Số điểm cầu", "connection_points")],
        ("organiser",),
        ("education_conferences:edit", "pk"),
    ),
    Attendance: (
        [("Lớp, hội nghị", "event"), ("Đơn vị dự", "unit.name"), ("Ngày", "held_on"), ("Số lượt người dự", "count")],
        ("unit", "education_class", "conference"),
        ("education_attendance:edit", "pk"),
    ),
    StudyCampaignUnit: (
        [("Đơn vị", "unit.name"), ("Đợt học tập", "campaign.title"), ("Hạn báo cáo", "campaign.deadline"),
         ("Ngày báo cáo", "returned_on")],
        ("unit", "campaign"),
        ("education_campaigns:edit", "campaign_id"),
    ),
    StudyReturn: (
        [("Đơn vị", "unit.name"), ("Tổng số đảng viên", "members_total"), ("Đã học tập (kể cả học bù)", "studied"),
         ("Ngày học tập", "studied_on"), ("Ngày báo cáo", "submitted_on")],
        ("unit", "campaign"),
        ("education_returns:edit", "pk"),
    ),
    OpinionItem: (
        [("Chủ đề", "topic.name"), ("Xu hướng", "get_tendency_display"), ("Đơn vị", "report.unit.name"),
         ("Kỳ báo cáo", "report.period_label"), ("Số nguồn tin", "source_count")],
        ("topic", "report__unit"),
        ("opinion_reports:edit", "report_id"),
    ),
    Document: (
        [("Số, ký hiệu", "symbol"), ("Trích yếu", "summary"), ("Ngày ban hành", "issued_on"),
         ("Đơn vị", "unit.name")],
        ("unit", "doc_type", "issuer"),
        ("documents_document:edit", "pk"),
    ),
    Task: (
        [("Nhiệm vụ", "title"), ("Đơn vị chủ trì", "unit.name"), ("Hạn hoàn thành", "deadline"),
         ("Trạng thái", "get_status_display"), ("Ngày hoàn thành", "completed_on")],
        ("unit",),
        ("tasks:edit", "pk"),
    ),
}  # fmt: skip


def _admin_url(url_name: str, pk) -> str:
    try:
        return reverse(url_name, args=[quote(pk)])
    except NoReverseMatch:
        return ""


class FigureRecordsView(View):
    """/admin/reports/figures/<key>/?unit=<id>&start=dd/mm/yyyy&end=dd/mm/yyyy: the records behind one figure."""

    template_name = "reports/admin/figure_records.html"

    def get(self, request, key: str):
        if not has_unit_rights(request.user):
            return _refusal(request, PermissionDenied("Bạn không có quyền xem số liệu báo cáo."), status=403)
        try:
            unit, start, end = scope_from_query(request)
            records, sum_field = records_for(key, unit=unit, start=start, end=end)
        except PermissionDenied as error:
            return _refusal(request, error, status=403)
        except BadScope as error:
            return _refusal(request, error, status=400)
        except UnknownFigure as error:
            raise Http404("Không có số liệu này.") from error
        label = label_for(key)
        columns, related, (url_name, url_field) = RECORD_VIEWS[records.model]
        records = records.select_related(*related)
        if not records.ordered:
            records = records.order_by("pk")
        page = Paginator(records, RECORDS_PER_PAGE).get_page(request.GET.get("p"))
        rows = [
            {
                "cells": [_value(record, accessor) for _heading, accessor in columns],
                "url": _admin_url(url_name, getattr(record, url_field)),
            }
            for record in page.object_list
        ]
        count = page.paginator.count
        total = records_total(records, sum_field)
        context = {
            "page_title": label,
            "header_title": f"{label} — {unit.name}",
            "header_icon": "list-ul",
            "key": key,
            "unit": unit,
            "period": f"{format_date(start)} – {format_date(end)}",
            "columns": [heading for heading, _accessor in columns],
            "rows": rows,
            "page": page,
            "count": vietnamese_number(count),
            "total": vietnamese_number(total),
            "sum_field": sum_field,
            "figures_url": f"{reverse(f'{FIGURES}:index')}?{urlencode(self._scope_query(unit, start, end))}",
            "page_query": urlencode(self._scope_query(unit, start, end)),
            "breadcrumbs_items": [
                {"url": reverse("wagtailadmin_home"), "label": "Trang chủ"},
                {"url": reverse(f"{FIGURES}:index"), "label": "Số liệu báo cáo"},
                {"url": "", "label": label},
            ],
        }
        return render(request, self.template_name, context)

    @staticmethod
    def _scope_query(unit, start, end) -> dict:
        return {"unit": unit.pk, "start": format_date(start), "end": format_date(end)}


# --- the figures of a unit and period --------------------------------------------------------------


class ScopeForm(forms.Form):
    start = forms.DateField(label="Từ ngày", widget=AdminDateInput)
    end = forms.DateField(label="Đến ngày", widget=AdminDateInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"unit": visible_unit_field(user, label="Đơn vị (gồm đơn vị trực thuộc)"), **self.fields}

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", END_BEFORE_START)
        return data


class FiguresView(View):
    """Every figure of a unit's subtree over a period, each linked to its records (and a new report from them)."""

    template_name = "reports/admin/figures.html"

    def get(self, request):
        user = request.user
        if not has_unit_rights(user):
            return _refusal(request, PermissionDenied("Bạn không có quyền xem số liệu báo cáo."), status=403)
        raw = request.GET.get("unit", "")
        if raw.isascii() and raw.isdigit() and Unit.objects.filter(pk=raw).exists():  # not "²"
            if not units_visible_to(user).filter(pk=raw).exists():
                name = Unit.objects.get(pk=raw).name
                return _refusal(request, PermissionDenied(NOT_YOUR_UNIT.format(name=name)), status=403)
        home = selectors.home_unit(user)
        start, end = current_half(timezone.localdate())
        defaults = {"unit": home.pk if home else "", "start": format_date(start), "end": format_date(end)}
        form = ScopeForm({key: request.GET.get(key, value) for key, value in defaults.items()}, user=user)
        context = {
            "page_title": "Số liệu báo cáo",
            "header_title": "Số liệu báo cáo",
            "header_icon": "table",
            "form": form,
            "rows": None,
            "breadcrumbs_items": [
                {"url": reverse("wagtailadmin_home"), "label": "Trang chủ"},
                {"url": "", "label": "Số liệu báo cáo"},
            ],
        }
        if form.is_valid():
            data = form.cleaned_data
            figures = compute_figures(unit=data["unit"], start=data["start"], end=data["end"])
            context.update(
                figures=figures,
                rows=figure_rows(figures, unit_id=data["unit"].pk),
                period=f"{format_date(figures.start)} – {format_date(figures.end)}",
            )
        return render(request, self.template_name, context)


class FiguresViewSet(ViewSet):
    icon = "table"
    menu_label = "Số liệu báo cáo"
    menu_name = "so-lieu-bao-cao"
    menu_order = 20

    def get_urlpatterns(self):
        return [
            path("", FiguresView.as_view(), name="index"),
            path("<str:key>/", FigureRecordsView.as_view(), name="records"),
        ]

    @cached_property
    def menu_item_class(self):
        from wagtail.admin.menu import MenuItem

        def is_shown(_item, request):
            return has_unit_rights(request.user)

        return type("FiguresMenuItem", (MenuItem,), {"is_shown": is_shown})


# --- reports -------------------------------------------------------------------------------------


class ReportForm(WagtailAdminModelForm):
    """The unit and issuer offer only what the signed-in user works on."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is None:
            return
        unit = self.fields.get("unit")
        if unit is not None:
            self.fields["unit"] = visible_unit_field(user, label=unit.label, help_text=unit.help_text)
            if not self.instance.pk and not self.initial.get("unit"):
                home = selectors.home_unit(user)
                self.initial["unit"] = home.pk if home else None
        issuer = self.fields.get("issuer")
        if issuer is not None:
            issuer.queryset = selectors.report_issuers_for(user)
            issuer.error_messages["invalid_choice"] = services.ISSUER_NOT_YOURS
        if not self.instance.pk and not self.initial.get("period_start"):
            self.initial["period_start"] = current_half(timezone.localdate())[0]


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            for message in messages_:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


class ServiceSaveMixin:
    """Save through services.report_save; its errors go back onto the form."""

    previous_revision = None

    def save_instance(self):
        report = services.report_save(
            actor=self.request.user,
            report=self.form.save(commit=False),
            previous_revision=self.previous_revision,
        )
        self.new_revision = report.latest_revision
        return report

    def form_valid(self, form):
        try:
            with transaction.atomic():
                return super().form_valid(form)
        except ValidationError as error:
            _apply_errors(form, error)
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)

    def get_success_url(self):
        return reverse(f"{REPORTS}:inspect", args=[quote(self.object.pk)])

    def get_success_buttons(self):
        return []


class ReportCreateView(ServiceSaveMixin, snippets.CreateView):
    pass


class IssuedReadOnlyMixin:
    """An issued report opens on its page with the reason, instead of a form whose save would be refused."""

    def dispatch(self, request, *args, **kwargs):
        report = _report_for(request, kwargs.get("pk"))  # stored state: a revision being reverted to is a draft
        if report.is_issued:
            messages.warning(
                request,
                services.ISSUED_READ_ONLY.format(
                    symbol=report.written_symbol, day=report.issued_on.strftime("%d/%m/%Y")
                ),
            )
            return redirect(f"{REPORTS}:inspect", quote(report.pk))
        return super().dispatch(request, *args, **kwargs)


class ReportEditView(IssuedReadOnlyMixin, ServiceSaveMixin, snippets.EditView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.autosave_enabled = False  # each save may regenerate figures: save on purpose only


class ReportRevertMixin:
    """Reverting to a revision saves that revision's content through the services, as a new revision."""

    def save_instance(self):
        self.previous_revision = self.revision
        return ServiceSaveMixin.save_instance(self)


class ReportDeleteView(IssuedReadOnlyMixin, snippets.DeleteView):
    def delete_action(self):
        services.report_delete(actor=self.request.user, report=self.object)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return redirect(f"{REPORTS}:inspect", quote(self.object.pk))


class ReportInspectView(snippets.InspectView):
    template_name = "reports/admin/report_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.object
        figures = report.figure_set
        context.update(
            report=report,
            sections=services.document_sections(report),
            rows=figure_rows(figures, unit_id=report.unit_id) if figures else [],
            generated_at=timezone.localtime(report.generated_at).strftime("%d/%m/%Y %H:%M")
            if report.generated_at
            else "",
            edit_url=reverse(f"{REPORTS}:edit", args=[quote(report.pk)]),
            history_url=reverse(f"{REPORTS}:history", args=[quote(report.pk)]),
            actions={name: reverse(f"{REPORTS}:{name}", args=[quote(report.pk)]) for name in REPORT_ACTIONS},
            article_url=reverse("wagtailadmin_pages:edit", args=[report.article_id]) if report.article_id else "",
            may_issue=selectors.may_issue(self.request.user, report.issuer),
            issuing_roles=selectors.ISSUING_ROLES_TEXT,
            issued_at=timezone.localtime(report.issued_at).strftime("%d/%m/%Y %H:%M") if report.issued_at else "",
            registry_url=_admin_url("documents_document:inspect", report.registered_document_id)
            if report.registered_document_id
            else "",
            replaces_url=reverse(f"{REPORTS}:inspect", args=[quote(report.replaces_id)]) if report.replaces_id else "",
            replaced_by=list(report.replaced_by.order_by("pk")),
        )
        from .admin_exports import export_context

        context.update(export_context(report))
        return context


def _report_for(request, pk) -> Report:
    return get_object_or_404(selectors.reports_visible_to(request.user), pk=unquote(str(pk)))


CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


class ReportDownloadView(View):
    """The report as it is now, made in the request: DOCX (Party document format) or XLSX (annex of figures).

    Both take well under a second. The buttons on the report's page use the export jobs
    (`admin_exports.py`, which PDF always goes through: LibreOffice takes seconds).
    """

    extension = "docx"

    def get(self, request, pk):
        from . import export

        report = _report_for(request, pk)
        renderer = {"docx": export.render_docx, "xlsx": export.render_xlsx}[self.extension]
        response = HttpResponse(renderer(services.build_document(report)), content_type=CONTENT_TYPES[self.extension])
        response["Content-Disposition"] = attachment_header(services.export_filename(report, self.extension))
        return response


class IssueForm(forms.Form):
    number_symbol = forms.CharField(
        label="Số, ký hiệu",
        required=False,
        max_length=64,
        help_text="Ví dụ 12-BC/BTGDVTU. Để trống: lấy số tiếp theo trong sổ văn bản.",
    )
    issued_on = forms.DateField(
        label="Ngày ban hành",
        widget=AdminDateInput,
        error_messages={"required": "Vui lòng nhập ngày ban hành.", "invalid": "Ngày có dạng dd/mm/yyyy."},
    )


class ReportIssueView(View):
    """/admin/reports/bao-cao/<pk>/issue/: confirm the number and date, then issue (ban hành) the report."""

    template_name = "reports/admin/report_issue.html"

    def get(self, request, pk):
        report = _report_for(request, pk)
        if report.is_issued:
            return redirect(f"{REPORTS}:inspect", quote(report.pk))
        day = report.issued_on
        form = IssueForm(initial={"number_symbol": selectors.issue_proposal(report, on=day), "issued_on": day})
        return self._render(request, report, form)

    def post(self, request, pk):
        report = _report_for(request, pk)
        if report.is_issued:
            messages.warning(request, f"Báo cáo đã được ban hành ({report.written_symbol}); không ban hành lại.")
            return redirect(f"{REPORTS}:inspect", quote(report.pk))
        form = IssueForm(request.POST)
        if form.is_valid():
            try:
                report = services.report_issue(
                    actor=request.user,
                    report=report,
                    number_symbol=form.cleaned_data["number_symbol"],
                    issued_on=form.cleaned_data["issued_on"],
                )
            except ValidationError as error:
                _apply_errors(form, error)
            except PermissionDenied as error:
                return self._render(request, report, None, refusal=str(error), status=403)
            else:
                registry_url = _admin_url("documents_document:inspect", report.registered_document_id)
                messages.success(
                    request,
                    f"Đã ban hành báo cáo {report.written_symbol} ngày {format_date(report.issued_on)} "
                    "và vào sổ văn bản.",
                    buttons=[messages.button(registry_url, "Xem trong sổ văn bản")] if registry_url else None,
                )
                return redirect(f"{REPORTS}:inspect", quote(report.pk))
        return self._render(request, report, form, status=200)

    def _render(self, request, report, form, *, refusal: str = "", status: int = 200):
        if not refusal and not selectors.may_issue(request.user, report.issuer):
            body = report.issuer.name if report.issuer_id else report.unit.name
            refusal = f"Chỉ {selectors.ISSUING_ROLES_TEXT} của {body} mới được ban hành báo cáo."
            status = 403
        inspect_url = reverse(f"{REPORTS}:inspect", args=[quote(report.pk)])
        context = {
            "page_title": "Ban hành báo cáo",
            "header_title": f"Ban hành: {report}",
            "header_icon": "doc-full-inverse",
            "report": report,
            "form": None if refusal else form,
            "refusal": refusal,
            "inspect_url": inspect_url,
            "breadcrumbs_items": [
                {"url": reverse("wagtailadmin_home"), "label": "Trang chủ"},
                {"url": reverse(f"{REPORTS}:list"), "label": "Báo cáo"},
                {"url": inspect_url, "label": str(report)},
                {"url": "", "label": "Ban hành"},
            ],
        }
        return render(request, self.template_name, context, status=status)


class ReportActionView(View):
    """POST-only actions on one report: regenerate the figures, make a portal article, start a new version."""

    http_method_names = ["post"]
    action = ""

    def post(self, request, pk):
        report = _report_for(request, pk)
        try:
            if self.action == "regenerate":
                services.report_regenerate(actor=request.user, report=report)
                messages.success(request, "Đã tổng hợp lại số liệu từ các bản ghi hiện có.")
            elif self.action == "new_version":
                draft = services.report_new_version(actor=request.user, report=report)
                messages.success(
                    request,
                    f"Đã tạo phiên bản mới (dự thảo, đề xuất {draft.written_symbol or 'số mới'}) thay thế báo cáo "
                    f"{report.written_symbol}. Sửa rồi ban hành phiên bản mới.",
                )
                return redirect(f"{REPORTS}:edit", quote(draft.pk))
            else:
                article = services.report_to_article(actor=request.user, report=report)
                messages.success(
                    request,
                    f"Đã tạo bài viết nháp “{article.title}” và gửi duyệt theo quy trình biên tập.",
                    buttons=[messages.button(reverse("wagtailadmin_pages:edit", args=[article.pk]), "Sửa bài viết")],
                )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", None) or [str(error)]))
        return redirect(f"{REPORTS}:inspect", quote(report.pk))


REPORT_ACTIONS = ("docx", "xlsx", "regenerate", "article", "issue", "new_version")


class ReportViewSet(snippets.SnippetViewSet):
    model = Report
    icon = "doc-full-inverse"
    menu_label = "Báo cáo"
    menu_name = "bao-cao-so-ket-tong-ket"
    menu_order = 10
    admin_url_namespace = REPORTS
    base_url_path = "reports/bao-cao"
    add_view_class = ReportCreateView
    edit_view_class = ReportEditView
    delete_view_class = ReportDeleteView
    inspect_view_class = ReportInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    list_per_page = 30
    search_fields = ["title", "summary", "number_symbol", "unit__name"]
    search_backend_name = None
    ordering = ["-period_end", "-issued_on", "-pk"]
    list_filter = ["period_kind", "status"]
    list_display = [
        "title",
        Column("unit", label="Đơn vị", accessor="unit.name", sort_key="unit__path"),
        Column("period", label="Kỳ báo cáo", accessor="period_text", sort_key="period_end"),
        Column("symbol", label="Số, ký hiệu", accessor="number_symbol"),
        Column("issued_on", label="Ngày báo cáo", accessor=lambda r: format_date(r.issued_on), sort_key="issued_on"),
        Column("status", label="Trạng thái", accessor="get_status_display", sort_key="status"),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("unit"),
            FieldRowPanel(
                [FieldPanel("period_kind"), FieldPanel("period_start"), FieldPanel("period_end")],
                heading="Kỳ báo cáo",
            ),
            MultiFieldPanel(
                [
                    FieldPanel("issuer"),
                    FieldRowPanel([FieldPanel("superior_body"), FieldPanel("issuing_body")]),
                    FieldRowPanel([FieldPanel("number_symbol"), FieldPanel("issued_on"), FieldPanel("place")]),
                    FieldPanel("title"),
                    FieldPanel("summary"),
                ],
                heading="Thể thức văn bản",
            ),
            MultiFieldPanel(
                [
                    FieldPanel("limitations"),
                    FieldPanel("directions"),
                    FieldPanel("emulation"),
                    FieldPanel("proposals"),
                ],
                heading="Phần nhận định, phương hướng (soạn thảo)",
                help_text="Phần kết quả thực hiện được viết tự động từ số liệu; các phần dưới đây do người lập "
                "báo cáo soạn. Mỗi dòng là một đoạn văn.",
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("signing_mode"), FieldPanel("signing_for")]),
                    FieldRowPanel([FieldPanel("signer_position"), FieldPanel("signer_name")]),
                    FieldPanel("recipients"),
                ],
                heading="Người ký, nơi nhận",
            ),
        ],
        base_form_class=ReportForm,
    )

    def get_queryset(self, request):
        return selectors.reports_visible_to(request.user)

    @property
    def revisions_revert_view_class(self):
        return type("ReportRevertView", (ReportRevertMixin, generic.RevisionsRevertMixin, ReportEditView), {
            "view_name": "revisions_revert"
        })  # fmt: skip

    def construct_view(self, view_class, **kwargs):
        """Every view on one report looks it up among the reports of the user's units (else 404)."""
        view = super().construct_view(view_class, **kwargs)

        @functools.wraps(view)
        def scoped(request, *args, **view_kwargs):
            pk = view_kwargs.get("pk", args[0] if args else None)
            if pk is not None and not selectors.reports_visible_to(request.user).filter(pk=unquote(str(pk))).exists():
                raise Http404("Không tìm thấy báo cáo.")
            return view(request, *args, **view_kwargs)

        return scoped

    def register_chooser_viewset(self):
        """No chooser: nothing links to a report, and a chooser would list every unit's reports."""

    def get_urlpatterns(self):
        extra = [
            path(f"<str:pk>/{name}/", view, name=name)
            for name, view in (
                ("docx", ReportDownloadView.as_view(extension="docx")),
                ("xlsx", ReportDownloadView.as_view(extension="xlsx")),
                ("regenerate", ReportActionView.as_view(action="regenerate")),
                ("article", ReportActionView.as_view(action="article")),
                ("issue", ReportIssueView.as_view()),
                ("new_version", ReportActionView.as_view(action="new_version")),
            )
        ]
        from .admin_exports import export_urlpatterns

        return super().get_urlpatterns() + extra + export_urlpatterns()
