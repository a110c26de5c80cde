"""Report exports as jobs: ask, follow the status, download with the report's rights; safe to run twice.

These run the jobs in the web process (no broker), as `make run` does, or with a broker whose
messages are caught here; `test_export_worker.py` runs them on a real Celery worker.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from tuyengiao.reports import services
from tuyengiao.reports.export import pdf
from tuyengiao.reports.models import ExportStatus, Report, ReportExport
from tuyengiao.reports.storage import export_storage
from tuyengiao.worker import queue

from .conftest import client_for
from .test_admin import make_report

HAS_LIBREOFFICE = pdf.find_libreoffice() is not None


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_BROKER_URL = ""
    return settings.MEDIA_ROOT


@pytest.fixture
def sent(monkeypatch):
    """Messages sent to the broker (none really leaves)."""
    messages = []
    monkeypatch.setattr(queue, "_send", lambda name, args, fallback=None: messages.append((name, args)))
    return messages


def request_export(client, report: Report, fmt: str, **kwargs):
    return client.post(reverse("reports_report:export", args=[report.pk, fmt]), **kwargs)


def export_urls(export: ReportExport) -> dict[str, str]:
    args = [export.report_id, export.pk]
    return {
        name: reverse(f"reports_report:{name}", args=args)
        for name in ("export_status", "export_status_json", "export_download")
    }


def files_under(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


@pytest.mark.skipif(not HAS_LIBREOFFICE, reason="LibreOffice is not installed")
def test_pdf_is_made_by_a_job_and_downloaded_as_a_private_attachment(tree, users, records, media):
    report = make_report(tree, users["p"])
    client = client_for(users["p"])

    response = request_export(client, report, "pdf")

    export = ReportExport.objects.get()
    urls = export_urls(export)
    assert response.status_code == 302 and response["Location"] == urls["export_status"]
    page = BeautifulSoup(client.get(urls["export_status"]).content.decode(), "html.parser")
    assert page.select_one("#export-status").get_text() == "Đã xong"
    assert page.select_one("#export-download")["href"] == urls["export_download"]
    status = client.get(urls["export_status_json"]).json()
    assert status["status"] == "done" and status["download_url"] == urls["export_download"]
    assert status["revision"] == report.latest_revision.pk and status["format"] == "pdf"

    download = client.get(urls["export_download"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:5] == b"%PDF-"
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    disposition = download["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Bao cao tong ket cong tac nam 2025')
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == f"{report.title}.pdf"
    # Kept under MEDIA_ROOT/documents/, which nginx and `make run` never serve, and with no URL of its own.
    (stored,) = files_under(media)
    assert stored.relative_to(media).parts[:2] == ("documents", "report-exports")
    with pytest.raises(ValueError):
        export_storage.url(export.file.name)
    # The report's page lists it.
    listing = BeautifulSoup(
        client.get(reverse("reports_report:inspect", args=[report.pk])).content.decode(), "html.parser"
    )
    assert listing.select_one(f'#report-exports tr[data-export="{export.pk}"]')["data-status"] == "done"


def test_docx_and_xlsx_exports(tree, users):
    report = make_report(tree, users["p"])
    client = client_for(users["p"])
    for fmt, magic, content_type in (("docx", b"PK", "wordprocessingml"), ("xlsx", b"PK", "spreadsheetml")):
        request_export(client, report, fmt)
        export = ReportExport.objects.get(format=fmt)
        assert export.status == ExportStatus.DONE
        download = client.get(export_urls(export)["export_download"])
        assert b"".join(download.streaming_content)[:2] == magic
        assert content_type in download["Content-Type"]


def test_without_libreoffice_the_pdf_job_fails_with_the_vietnamese_message(tree, users, monkeypatch, media):
    report = make_report(tree, users["p"])
    monkeypatch.setattr(pdf, "find_libreoffice", lambda: None)
    client = client_for(users["p"])

    response = request_export(client, report, "pdf", follow=True)

    page = BeautifulSoup(response.content.decode(), "html.parser")
    assert page.select_one("#export-status").get_text() == "Không thành công"
    assert page.select_one("#export-error").get_text().startswith("Máy chủ chưa cài LibreOffice nên chưa xuất được PDF.")
    assert page.find("button", string="Xuất lại")
    export = ReportExport.objects.get()
    status = client.get(export_urls(export)["export_status_json"]).json()
    assert status["status"] == "failed" and status["download_url"] is None
    assert status["error"] == pdf.NOT_INSTALLED
    refused = client.get(export_urls(export)["export_download"], follow=True)
    assert "Tệp chưa xuất xong" in refused.content.decode()
    assert files_under(media) == []
    # Failed is final: the job running again (a redelivered message) changes nothing.
    monkeypatch.setattr(pdf, "find_libreoffice", lambda: "/usr/bin/soffice")
    assert services.export_run(export_id=export.pk) == "failed"
    assert ReportExport.objects.get().error == pdf.NOT_INSTALLED


def test_an_unexpected_error_also_ends_the_job_with_a_message(tree, users, monkeypatch):
    report = make_report(tree, users["p"])

    def broken(document):
        raise KeyError("figures")

    monkeypatch.setattr("tuyengiao.reports.export.render_docx", broken)
    export = services.export_request(actor=users["p"], report=report, fmt="docx")
    assert export.status == ExportStatus.FAILED and export.error == services.EXPORT_FAILED


def test_asking_twice_gives_the_same_job_and_file_until_the_report_changes(tree, users, media):
    report = make_report(tree, users["p"])
    client = client_for(users["p"])
    first = request_export(client, report, "docx")["Location"]
    assert request_export(client, report, "docx")["Location"] == first  # same version: same file
    assert ReportExport.objects.count() == 1 and len(files_under(media)) == 1

    services.report_regenerate(actor=users["p"], report=report)  # a new version
    assert request_export(client, report, "docx")["Location"] != first
    assert ReportExport.objects.count() == 2 and len(files_under(media)) == 2

    # A file lost from the disk is made again rather than offered.
    latest = ReportExport.objects.order_by("-pk").first()
    export_storage.delete(latest.file.name)
    gone = client.get(export_urls(latest)["export_download"], follow=True)
    assert "Tệp đã xuất không còn trên máy chủ" in gone.content.decode()
    assert BeautifulSoup(gone.content.decode(), "html.parser").find("button", string="Xuất lại")
    assert request_export(client, report, "docx")["Location"] != export_urls(latest)["export_status"]


def test_with_a_broker_the_job_is_queued_after_the_commit_and_the_page_waits(
    tree, users, settings, sent, django_capture_on_commit_callbacks
):
    from tuyengiao.worker.tasks import export_report

    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/8"
    report = make_report(tree, users["p"])
    client = client_for(users["p"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        request_export(client, report, "pdf")
    export = ReportExport.objects.get()
    assert sent == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert sent == [("tuyengiao.reports.export", [export.pk])]

    urls = export_urls(export)
    page = BeautifulSoup(client.get(urls["export_status"]).content.decode(), "html.parser")
    assert page.select_one("#export-status").get_text() == "Đang chờ xử lý"
    assert page.select_one("#report-export")["data-status-url"] == urls["export_status_json"]
    assert page.find("script", src=lambda src: src and src.endswith("reports/export-status.js"))
    status = client.get(urls["export_status_json"]).json()
    assert status["status"] == "queued" and status["download_url"] is None and status["started_at"] is None
    # Another click while it waits: the same job, no second message.
    assert request_export(client, report, "pdf")["Location"] == urls["export_status"]
    assert len(sent) == 1

    # The worker's task body, here without LibreOffice or with it: the job ends either way.
    export_report(export.pk)
    assert client.get(urls["export_status_json"]).json()["status"] in {"done", "failed"}


def test_the_job_exports_the_version_asked_for(tree, users, settings, sent):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/8"
    report = make_report(tree, users["p"], title="Báo cáo trước khi sửa")
    export = services.export_request(actor=users["p"], report=report, fmt="docx")
    report.title = "Báo cáo đã sửa sau khi yêu cầu xuất"
    services.report_save(actor=users["p"], report=report)

    assert services.export_run(export_id=export.pk) == "done"
    assert ReportExport.objects.get().filename == "Báo cáo trước khi sửa.docx"


def test_a_job_killed_after_writing_its_file_runs_again_over_the_same_file(tree, users, settings, sent, monkeypatch, media):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/8"
    report = make_report(tree, users["p"])
    export = services.export_request(actor=users["p"], report=report, fmt="docx")
    save = export_storage.save

    def save_then_die(name, content, **kwargs):
        save(name, content, **kwargs)
        raise SystemExit("killed between the file and the commit")

    monkeypatch.setattr(export_storage, "save", save_then_die)
    with pytest.raises(SystemExit):
        services.export_run(export_id=export.pk)
    assert ReportExport.objects.get().status == ExportStatus.RUNNING
    assert len(files_under(media)) == 1
    monkeypatch.setattr(export_storage, "save", save)

    assert services.export_run(export_id=export.pk) == "done"  # the redelivered message
    done = ReportExport.objects.get()
    (stored,) = files_under(media)
    assert stored.read_bytes()[:2] == b"PK"
    finished_at, mtime = done.finished_at, os.stat(stored).st_mtime_ns

    assert services.export_run(export_id=export.pk) == "done"  # and once more: nothing changes
    again = ReportExport.objects.get()
    assert (again.status, again.finished_at, again.file.name) == ("done", finished_at, done.file.name)
    assert files_under(media) == [stored] and os.stat(stored).st_mtime_ns == mtime


def test_a_job_lost_for_long_gives_way_to_a_new_one(tree, users, settings, sent):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/8"
    report = make_report(tree, users["p"])
    lost = services.export_request(actor=users["p"], report=report, fmt="pdf")
    ReportExport.objects.filter(pk=lost.pk).update(requested_at=timezone.now() - datetime.timedelta(minutes=16))

    fresh = services.export_request(actor=users["p"], report=report, fmt="pdf")

    assert fresh.pk != lost.pk and fresh.status == ExportStatus.QUEUED
    lost.refresh_from_db()
    assert lost.status == ExportStatus.FAILED and "Sau 15 phút tệp vẫn chưa được xuất" in lost.error
    assert services.export_run(export_id=lost.pk) == "failed"  # its message, arriving late, does nothing


def test_exports_of_other_units_are_out_of_reach(tree, users):
    report = make_report(tree, users["p"])
    export = services.export_request(actor=users["p"], report=report, fmt="docx")
    outsider = client_for(users["a"])  # ward An Thới: not the province's report
    for url in export_urls(export).values():
        assert outsider.get(url).status_code == 404, url
    assert request_export(outsider, report, "docx").status_code == 404
    assert ReportExport.objects.count() == 1
    # Someone else working on the province may download it.
    assert client_for(users["admin"]).get(export_urls(export)["export_download"]).status_code == 200


def test_an_unknown_format_is_refused_with_a_message(tree, users):
    report = make_report(tree, users["p"])
    response = request_export(client_for(users["p"]), report, "odt", follow=True)
    assert "Không xuất được báo cáo sang định dạng “odt”: chỉ có DOCX, XLSX và PDF." in response.content.decode()
    assert not ReportExport.objects.exists()


def test_deleting_a_draft_report_deletes_its_exported_files(tree, users, media, django_capture_on_commit_callbacks):
    report = make_report(tree, users["p"])
    services.export_request(actor=users["p"], report=report, fmt="docx")
    assert len(files_under(media)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.report_delete(actor=users["p"], report=report)
    assert not ReportExport.objects.exists() and files_under(media) == []
