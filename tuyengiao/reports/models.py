"""Review reports (báo cáo sơ kết, tổng kết) generated from the records.

A report covers a unit's subtree over a period. Its figures and the
sections written from them are computed when the report is generated and
stored with it (so a report issued in July still reads the same in
December); "regenerate" computes them again. The narrative sections
(limitations, directions, emulation, proposals), the number-symbol, the
signer and the recipients are edited by people. Every save is a Wagtail
revision, so the history and the comparison of versions work as for pages.

A report is a draft (dự thảo) until it is issued (ban hành): issuing fixes
its number and date and enters it in the document registry (see
`services.report_issue`). An issued report is read-only and is never
un-issued; it is corrected by a new version that replaces it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from wagtail.models import RevisionMixin

from tuyengiao.documents.models import SigningMode

from .figures import FigureSet
from .periods import PeriodKind, format_date, next_period_phrase, period_phrase, review_word
from .storage import export_storage

NARRATIVE_FIELDS = ("limitations", "directions", "emulation", "proposals")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    ISSUED = "issued", "Đã ban hành"


class Report(RevisionMixin, models.Model):
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name="đơn vị (gồm đơn vị trực thuộc)",
        on_delete=models.PROTECT,
        related_name="review_reports",
        help_text="Số liệu được tổng hợp cho đơn vị này và các đơn vị trực thuộc.",
    )
    period_kind = models.CharField("loại kỳ", max_length=16, choices=PeriodKind.choices, default=PeriodKind.HALF)
    period_start = models.DateField(
        "từ ngày",
        help_text="Với kỳ tháng, quý, 6 tháng hoặc năm, chọn một ngày bất kỳ trong kỳ: hệ thống tự tính "
        "ngày đầu và ngày cuối kỳ.",
    )
    period_end = models.DateField("đến ngày", blank=True, help_text="Chỉ cần nhập với khoảng thời gian khác.")
    title = models.CharField("tên báo cáo", max_length=500, blank=True, help_text="Để trống: hệ thống tự đặt.")
    summary = models.CharField(
        "trích yếu", max_length=1000, blank=True, help_text="Dòng dưới chữ BÁO CÁO. Để trống: hệ thống tự đặt."
    )
    issuer = models.ForeignKey(
        "documents.Issuer",
        verbose_name="cơ quan ban hành",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="review_reports",
        help_text="Để trống: cơ quan ban hành của đơn vị (ví dụ Ban Tuyên giáo và Dân vận).",
    )
    superior_body = models.CharField(
        "cơ quan cấp trên", max_length=255, blank=True, help_text="Dòng đầu bên trái, ví dụ Tỉnh ủy Sông Hậu."
    )
    issuing_body = models.CharField(
        "cơ quan ban hành (tên in trên văn bản)",
        max_length=255,
        blank=True,
        help_text="Ví dụ Ban Tuyên giáo và Dân vận.",
    )
    number = models.PositiveIntegerField("số", null=True, blank=True, editable=False)
    number_symbol = models.CharField(
        "số, ký hiệu",
        max_length=64,
        blank=True,
        help_text="Ví dụ 12-BC/BTGDVTU. Để trống: hệ thống đề xuất số tiếp theo theo sổ văn bản.",
    )
    issued_on = models.DateField("ngày báo cáo", default=timezone.localdate)
    place = models.CharField("địa danh", max_length=128, blank=True, help_text="Ví dụ Sông Hậu.")
    signing_mode = models.CharField("hình thức ký", max_length=3, choices=SigningMode.choices, blank=True)
    signing_for = models.CharField(
        "thay mặt / ký thay / thừa lệnh", max_length=255, blank=True, help_text="Ví dụ Ban Thường vụ, Trưởng ban."
    )
    signer_position = models.CharField("chức vụ người ký", max_length=255, blank=True)
    signer_name = models.CharField("họ và tên người ký", max_length=255, blank=True)
    recipients = models.TextField("nơi nhận", blank=True, help_text="Mỗi nơi nhận một dòng, dòng cuối “Lưu …”.")

    limitations = models.TextField("hạn chế, nguyên nhân", blank=True)
    directions = models.TextField("phương hướng, nhiệm vụ", blank=True)
    emulation = models.TextField("công tác thi đua", blank=True)
    proposals = models.TextField("kiến nghị, đề xuất", blank=True)

    figures = models.JSONField("số liệu", default=dict, blank=True, editable=False)
    generated_sections = models.JSONField("phần tự tổng hợp", default=list, blank=True, editable=False)
    generated_at = models.DateTimeField("tổng hợp số liệu lúc", null=True, blank=True, editable=False)
    article = models.ForeignKey(
        "portal.ArticlePage",
        verbose_name="bài viết",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        "trạng thái", max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT, editable=False
    )
    registered_document = models.OneToOneField(
        "documents.Document",
        verbose_name="văn bản trong sổ",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,  # the registry entry of an issued report stays while the report does
        related_name="review_report",
    )
    issued_at = models.DateTimeField("ban hành lúc", null=True, blank=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người ban hành",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    replaces = models.ForeignKey(
        "self",
        verbose_name="thay thế báo cáo",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="replaced_by",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người lập",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("ngày lập", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật", auto_now=True)

    class Meta:
        verbose_name = "báo cáo sơ kết, tổng kết"
        verbose_name_plural = "báo cáo sơ kết, tổng kết"
        ordering = ["-period_end", "-issued_on", "-pk"]
        indexes = [models.Index(fields=["unit", "period_start"])]

    def __str__(self) -> str:
        return self.title or "Báo cáo mới"

    @property
    def is_issued(self) -> bool:
        return self.status == ReportStatus.ISSUED

    @property
    def period_text(self) -> str:
        """``6 tháng đầu năm 2025``."""
        if not self.period_start or not self.period_end:
            return ""
        return period_phrase(self.period_kind, self.period_start, self.period_end)

    period_text.fget.short_description = "Kỳ báo cáo"

    @property
    def period_dates(self) -> str:
        return f"{format_date(self.period_start)} – {format_date(self.period_end)}"

    @property
    def next_period_text(self) -> str:
        return next_period_phrase(self.period_kind, self.period_start, self.period_end)

    @property
    def review_word(self) -> str:
        return review_word(self.period_kind)

    @property
    def written_symbol(self) -> str:
        """``Số 12-BC/BTGDVTU`` (no colon after "Số")."""
        return f"Số {self.number_symbol}" if self.number_symbol else ""

    @property
    def figure_set(self) -> FigureSet | None:
        return FigureSet.from_json(self.figures) if self.figures else None

    @property
    def recipient_lines(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]

    @property
    def signature_lines(self) -> list[str]:
        lines = []
        if self.signing_mode and self.signing_for:
            lines.append(f"{self.signing_mode} {self.signing_for.upper()}")
        if self.signer_position:
            lines.append(self.signer_position.upper())
        if self.signer_name:
            lines.append(self.signer_name)
        return lines

    @property
    def is_empty(self) -> bool:
        figures = self.figure_set
        return figures is None or figures.is_empty

    def get_admin_display_title(self) -> str:
        return str(self)


# --- exports: files made by a background job -------------------------------------------------------


class ExportFormat(models.TextChoices):
    DOCX = "docx", "DOCX (văn bản)"
    XLSX = "xlsx", "XLSX (phụ lục số liệu)"
    PDF = "pdf", "PDF"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Đang chờ xử lý"
    RUNNING = "running", "Đang xuất tệp"
    DONE = "done", "Đã xong"
    FAILED = "failed", "Không thành công"


ACTIVE_EXPORT_STATUSES = (ExportStatus.QUEUED, ExportStatus.RUNNING)


class ReportExport(models.Model):
    """One request to export a version of a report as a file, made by a job (`services.export_run`).

    The job runs on the Celery worker when a broker is configured, else in the web process. The
    file is in private storage (`storage.py`) and goes out only through the admin's download view.
    Done and failed are final: a job that runs again (a redelivered message) changes nothing.
    """

    report = models.ForeignKey(Report, verbose_name="báo cáo", on_delete=models.CASCADE, related_name="exports")
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        verbose_name="phiên bản",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Phiên bản của báo cáo được xuất ra tệp.",
    )
    format = models.CharField("định dạng", max_length=8, choices=ExportFormat.choices)
    status = models.CharField(
        "trạng thái", max_length=16, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người yêu cầu",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file = models.FileField("tệp", storage=export_storage, max_length=255, blank=True)
    filename = models.CharField("tên tệp tải về", max_length=255, blank=True)
    error = models.TextField("thông báo lỗi", blank=True)
    requested_at = models.DateTimeField("yêu cầu lúc", auto_now_add=True)
    started_at = models.DateTimeField("bắt đầu lúc", null=True, blank=True)
    finished_at = models.DateTimeField("xong lúc", null=True, blank=True)

    class Meta:
        verbose_name = "tệp xuất báo cáo"
        verbose_name_plural = "tệp xuất báo cáo"
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # Two clicks (or two browser tabs) on "Xuất PDF" wait for the same job.
            models.UniqueConstraint(
                fields=["report", "revision", "format"],
                condition=models.Q(status__in=["queued", "running"]),
                name="reports_one_active_export",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_format_display()} — {self.report}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_EXPORT_STATUSES

    @property
    def storage_name(self) -> str:
        """The same name on every run of the job: a run after a crash overwrites, never adds a file."""
        return f"{self.report_id}/{self.pk}.{self.format}"
