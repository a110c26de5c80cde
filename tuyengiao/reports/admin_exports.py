"""Report exports in the admin: ask for a file, follow its job, download it.

POST <report>/exports/<docx|xlsx|pdf>/ starts (or finds) the job and opens its status page,
which polls the JSON status (`export_payload`) until the job is done or failed. Every view looks
the export up among the reports of the user's units (the report's own rule), else 404; the file
goes out as an attachment, never from a public URL (`storage.py`).
"""

from __future__ import annotations

from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views import View
from wagtail.admin import messages

from tuyengiao.core.downloads import attachment_header

from . import selectors, services
from .admin_views import CONTENT_TYPES, REPORTS, _report_for
from .models import ExportFormat, ExportStatus, ReportExport
from .storage import export_storage

BUTTON_LABELS = {"docx": "Xuất DOCX", "xlsx": "Xuất phụ lục XLSX", "pdf": "Xuất PDF"}
FILE_GONE = "Tệp đã xuất không còn trên máy chủ. Hãy bấm xuất lại."
NOT_READY = "Tệp chưa xuất xong, chưa tải về được."


def _local(moment) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


def _text(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M:%S") if moment else ""


def _url(name: str, export: ReportExport) -> str:
    return reverse(f"{REPORTS}:{name}", args=[quote(export.report_id), export.pk])


def export_payload(export: ReportExport) -> dict:
    """The JSON status of an export (GET …/exports/<id>/status/)."""
    done = export.status == ExportStatus.DONE
    return {
        "id": export.pk,
        "report": export.report_id,
        "revision": export.revision_id,
        "format": export.format,
        "status": export.status,
        "status_label": export.get_status_display(),
        "error": export.error,
        "filename": export.filename if done else "",
        "requested_at": _local(export.requested_at),
        "started_at": _local(export.started_at),
        "finished_at": _local(export.finished_at),
        "download_url": _url("export_download", export) if done else None,
    }


def export_context(report) -> dict:
    """For the report's page: the export buttons and its latest exports."""
    rows = [
        {
            "export": export,
            "requested_at": _text(export.requested_at),
            "requested_by": (export.requested_by.get_full_name() or export.requested_by.get_username())
            if export.requested_by
            else "",
            "status_url": _url("export_status", export),
            "download_url": _url("export_download", export) if export.status == ExportStatus.DONE else "",
        }
        for export in selectors.recent_exports(report)
    ]
    buttons = [
        {"label": BUTTON_LABELS[fmt], "url": reverse(f"{REPORTS}:export", args=[quote(report.pk), fmt])}
        for fmt in ExportFormat.values
    ]
    return {"export_buttons": buttons, "exports": rows}


def _export_for(request, pk, export_id: int) -> ReportExport:
    pk = unquote(str(pk))
    # isascii: "²".isdigit() is true but no id (500 before).
    export = selectors.export_visible_to(request.user, report_pk=pk, export_pk=export_id) if pk.isascii() and pk.isdigit() else None
    if export is None:
        raise Http404("Không tìm thấy tệp xuất báo cáo.")
    return export


class ExportRequestView(View):
    """POST: start (or find) the export job of the report's current version, then show its status."""

    http_method_names = ["post"]

    def post(self, request, pk, fmt: str):
        report = _report_for(request, pk)
        try:
            export = services.export_request(actor=request.user, report=report, fmt=fmt)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", None) or [str(error)]))
            return redirect(f"{REPORTS}:inspect", quote(report.pk))
        return redirect(_url("export_status", export))


class ExportStatusView(View):
    """The job's page: what is exported, its status, and the download once done (refreshed by polling)."""

    template_name = "reports/admin/export_status.html"

    def get(self, request, pk, export_id: int):
        export = _export_for(request, pk, export_id)
        report, revision = export.report, export.revision
        title = f"{export.get_format_display()} — {report}"
        author = (revision.user.get_full_name() or revision.user.get_username()) if revision and revision.user else ""
        context = {
            "page_title": title,
            "header_title": title,
            "header_icon": "download",
            "export": export,
            "report": report,
            "payload": export_payload(export),
            "status_url": _url("export_status_json", export),
            "download_url": _url("export_download", export) if export.status == ExportStatus.DONE else "",
            "file_gone": export.status == ExportStatus.DONE and not export_storage.exists(export.file.name),
            "again_url": reverse(f"{REPORTS}:export", args=[quote(report.pk), export.format]),
            "inspect_url": reverse(f"{REPORTS}:inspect", args=[quote(report.pk)]),
            "version_at": _text(revision.created_at) if revision else "",
            "version_by": author,
            "requested_at": _text(export.requested_at),
            "finished_at": _text(export.finished_at),
            "breadcrumbs_items": [
                {"url": reverse("wagtailadmin_home"), "label": "Trang chủ"},
                {"url": reverse(f"{REPORTS}:list"), "label": "Báo cáo"},
                {"url": reverse(f"{REPORTS}:inspect", args=[quote(report.pk)]), "label": str(report)},
                {"url": "", "label": "Xuất tệp"},
            ],
        }
        response = render(request, self.template_name, context)
        add_never_cache_headers(response)
        return response


class ExportStatusJsonView(View):
    def get(self, request, pk, export_id: int):
        export = _export_for(request, pk, export_id)
        response = JsonResponse(export_payload(export), json_dumps_params={"ensure_ascii": False})
        add_never_cache_headers(response)
        return response


class ExportDownloadView(View):
    """The finished file, as an attachment, to users with rights on the report's unit."""

    def get(self, request, pk, export_id: int):
        export = _export_for(request, pk, export_id)
        if export.status != ExportStatus.DONE or not export.file:
            messages.error(request, NOT_READY)
            return redirect(_url("export_status", export))
        try:
            handle = export_storage.open(export.file.name, "rb")
        except FileNotFoundError:
            messages.error(request, FILE_GONE)
            return redirect(_url("export_status", export))
        response = FileResponse(handle, content_type=CONTENT_TYPES[export.format])
        response["Content-Disposition"] = attachment_header(export.filename or f"bao-cao.{export.format}")
        add_never_cache_headers(response)
        return response


def export_urlpatterns() -> list:
    """Added to the report viewset's URLs (namespace reports_report)."""
    return [
        # The numeric one first: "<str:fmt>" would take an export's id too.
        path("<str:pk>/exports/<int:export_id>/", ExportStatusView.as_view(), name="export_status"),
        path("<str:pk>/exports/<str:fmt>/", ExportRequestView.as_view(), name="export"),
        path("<str:pk>/exports/<int:export_id>/status/", ExportStatusJsonView.as_view(), name="export_status_json"),
        path("<str:pk>/exports/<int:export_id>/download/", ExportDownloadView.as_view(), name="export_download"),
    ]
