"""The registry of Party documents (văn bản): types, issuers, terms, numbering, relations.

Numbers restart at 01 for each type in each Party-committee term (nhiệm kỳ)
per issuer (DESIGN.md §1). The number-symbol printed on the document
(`05-CT/TW`) is stored as registered: a later change of a type or issuer code
in the configuration does not rewrite what was printed on old documents.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from .symbols import format_symbol

TYPE_CODE_VALIDATOR = RegexValidator(
    r"^[A-ZĐ][A-Za-zĐđ]*$",
    "Chữ viết tắt loại văn bản chỉ gồm chữ cái, bắt đầu bằng chữ in hoa, ví dụ CT, QĐi, CTr.",
)
ISSUER_CODE_VALIDATOR = RegexValidator(
    r"^[A-ZĐ0-9]+(-[A-ZĐ0-9]+)*$",
    "Chữ viết tắt cơ quan ban hành gồm chữ in hoa và chữ số, ví dụ TW, TU, BTGDVTU, ĐU.",
)


def format_date(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


class DocumentType(models.Model):
    name = models.CharField("tên loại", max_length=100, unique=True)
    code = models.CharField("chữ viết tắt", max_length=16, unique=True, validators=[TYPE_CODE_VALIDATOR])
    sort_order = models.PositiveSmallIntegerField("thứ tự", default=0)
    is_active = models.BooleanField("đang dùng", default=True)

    class Meta:
        verbose_name = "loại văn bản"
        verbose_name_plural = "loại văn bản"
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self):
        if self.code and DocumentType.objects.exclude(pk=self.pk).filter(code__iexact=self.code).exists():
            raise ValidationError({"code": "Đã có loại văn bản dùng chữ viết tắt này."})


class Issuer(models.Model):
    """A body that issues documents under its code: ours (linked to a unit) or external (e.g. TW)."""

    name = models.CharField("tên cơ quan ban hành", max_length=255, unique=True)
    code = models.CharField("chữ viết tắt", max_length=32, validators=[ISSUER_CODE_VALIDATOR])
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name="đơn vị",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="document_issuers",
        help_text="Đơn vị của hệ thống ban hành văn bản. Để trống nếu là cơ quan ngoài (ví dụ Ban Chấp hành Trung ương).",
    )
    sort_order = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        verbose_name = "cơ quan ban hành"
        verbose_name_plural = "cơ quan ban hành"
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"],
                condition=Q(unit__isnull=False),
                name="documents_one_issuer_per_unit",
                violation_error_message="Đơn vị này đã có cơ quan ban hành.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_external(self) -> bool:
        return self.unit_id is None


class Term(models.Model):
    """A Party-committee term; numbering restarts in each.

    A term without an issuer applies to every issuer that has no term of its
    own for that date (central bodies follow the national congress, the
    others the provincial one).
    """

    name = models.CharField("nhiệm kỳ", max_length=64, help_text="Ví dụ: 2025–2030")
    issuer = models.ForeignKey(
        Issuer,
        verbose_name="riêng cho cơ quan ban hành",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="terms",
        help_text="Để trống nếu nhiệm kỳ áp dụng chung cho mọi cơ quan ban hành.",
    )
    starts_on = models.DateField("từ ngày")
    ends_on = models.DateField("đến ngày", null=True, blank=True)

    class Meta:
        verbose_name = "nhiệm kỳ"
        verbose_name_plural = "nhiệm kỳ"
        ordering = ["-starts_on", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.issuer.code})" if self.issuer_id else self.name

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "Ngày kết thúc nhiệm kỳ không được trước ngày bắt đầu."})
        if not self.starts_on:
            return
        overlapping = Term.objects.exclude(pk=self.pk).filter(issuer=self.issuer)
        overlapping = overlapping.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=self.starts_on))
        if self.ends_on:
            overlapping = overlapping.filter(starts_on__lte=self.ends_on)
        other = overlapping.first()
        if other:
            raise ValidationError(
                f"Nhiệm kỳ trùng thời gian với nhiệm kỳ “{other}” "
                f"({format_date(other.starts_on)} – {format_date(other.ends_on) or 'nay'})."
            )


class SubjectArea(models.Model):
    name = models.CharField("tên lĩnh vực", max_length=255, unique=True)
    sort_order = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        verbose_name = "lĩnh vực"
        verbose_name_plural = "lĩnh vực"
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class SigningMode(models.TextChoices):
    DIRECT = "", "Ký trực tiếp"
    ON_BEHALF = "T/M", "T/M (thay mặt tập thể)"
    DEPUTY = "K/T", "K/T (ký thay người đứng đầu)"
    BY_ORDER = "T/L", "T/L (thừa lệnh)"


class Document(ClusterableModel):
    """One registered document. Rights follow `unit`: documents issued by a unit belong to it."""

    unit = models.ForeignKey(
        "units.Unit",
        verbose_name="đơn vị quản lý",
        on_delete=models.PROTECT,
        related_name="party_documents",
        help_text="Văn bản do đơn vị ban hành thuộc về đơn vị đó; "
        "văn bản của cơ quan ngoài thuộc về đơn vị tiếp nhận, lưu trữ.",
    )
    issuer = models.ForeignKey(
        Issuer, verbose_name="cơ quan ban hành", on_delete=models.PROTECT, related_name="documents"
    )
    doc_type = models.ForeignKey(
        DocumentType, verbose_name="loại văn bản", on_delete=models.PROTECT, related_name="documents"
    )
    term = models.ForeignKey(Term, verbose_name="nhiệm kỳ", on_delete=models.PROTECT, related_name="documents")
    number = models.PositiveIntegerField("số")
    symbol = models.CharField("số, ký hiệu", max_length=64, editable=False)
    summary = models.CharField("trích yếu", max_length=1000)
    issued_on = models.DateField("ngày ban hành")
    issued_place = models.CharField("nơi ban hành", max_length=128, blank=True, help_text="Ví dụ: Sông Hậu, Hà Nội")
    signing_mode = models.CharField("hình thức ký", max_length=3, choices=SigningMode.choices, blank=True)
    signing_for = models.CharField(
        "thay mặt / ký thay / thừa lệnh", max_length=255, blank=True, help_text="Ví dụ: Ban Thường vụ, Trưởng ban"
    )
    signer_position = models.CharField("chức vụ người ký", max_length=255, blank=True)
    signer_name = models.CharField("họ và tên người ký", max_length=255, blank=True)
    recipients = models.TextField("nơi nhận", blank=True, help_text="Mỗi nơi nhận một dòng, dòng cuối “Lưu …”.")
    subject_area = models.ForeignKey(
        SubjectArea,
        verbose_name="lĩnh vực",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    in_force_from = models.DateField(
        "có hiệu lực từ", null=True, blank=True, help_text="Để trống: có hiệu lực từ ngày ban hành."
    )
    in_force_to = models.DateField(
        "có hiệu lực đến", null=True, blank=True, help_text="Ngày cuối cùng văn bản còn hiệu lực."
    )
    is_public = models.BooleanField(
        "công khai", default=False, help_text="Hiện trên trang văn bản của cổng thông tin, ai cũng xem và tải được."
    )
    search_text = models.TextField(editable=False, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người nhập",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("ngày nhập", auto_now_add=True)
    updated_at = models.DateTimeField("ngày sửa", auto_now=True)

    class Meta:
        verbose_name = "văn bản"
        verbose_name_plural = "văn bản"
        ordering = ["-issued_on", "-number", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "doc_type", "term", "number"],
                name="documents_unique_number_per_term",
                violation_error_message="Số này đã được dùng cho loại văn bản này của cơ quan ban hành trong nhiệm kỳ.",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="documents_number_positive",
                violation_error_message="Số từ 01 trở lên.",
            ),
            models.CheckConstraint(
                condition=Q(in_force_from__isnull=True) | Q(in_force_from__gte=F("issued_on")),
                name="documents_in_force_not_before_issue",
                violation_error_message="Ngày có hiệu lực không được trước ngày ban hành.",
            ),
            models.CheckConstraint(
                condition=Q(in_force_to__isnull=True) | Q(in_force_to__gte=Coalesce("in_force_from", "issued_on")),
                name="documents_in_force_ends_after_start",
                violation_error_message="Ngày hết hiệu lực không được trước ngày có hiệu lực.",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "issued_on"], name="documents_unit_issued"),
            models.Index(fields=["issued_on"], name="documents_issued"),
            models.Index(fields=["is_public", "issued_on"], name="documents_public_issued"),
        ]

    def __str__(self) -> str:
        return f"{self.written_symbol} — {self.summary}" if self.symbol else self.summary

    @property
    def written_symbol(self) -> str:
        """``Số 05-CT/TW``: no colon after "Số"."""
        return f"Số {self.symbol}" if self.symbol else ""

    def compute_symbol(self) -> str:
        return format_symbol(self.number, self.doc_type.code, self.issuer.code)

    @property
    def title(self) -> str:
        """``Chỉ thị số 05-CT/TW``: how documents cite one another."""
        return f"{self.doc_type.name} số {self.symbol}"

    @property
    def effective_from(self) -> datetime.date | None:
        return self.in_force_from or self.issued_on

    def validity_on(self, day: datetime.date) -> str:
        if self.in_force_to and self.in_force_to < day:
            return "Hết hiệu lực"
        if self.effective_from and self.effective_from > day:
            return "Chưa có hiệu lực"
        return "Còn hiệu lực"

    @property
    def signature_lines(self) -> list[str]:
        """The signature block as printed: ``T/M BAN THƯỜNG VỤ`` / ``PHÓ BÍ THƯ`` / name."""
        lines = []
        if self.signing_mode and self.signing_for:
            lines.append(f"{self.signing_mode} {self.signing_for.upper()}")
        if self.signer_position:
            lines.append(self.signer_position.upper())
        if self.signer_name:
            lines.append(self.signer_name)
        return lines

    # Export columns (the admin's XLSX of the filtered list).
    @property
    def signer_text(self) -> str:
        return " – ".join(self.signature_lines)

    @property
    def subject_area_name(self) -> str:
        return self.subject_area.name if self.subject_area_id else ""

    @property
    def validity_today(self) -> str:
        from django.utils import timezone

        return self.validity_on(timezone.localdate())

    @property
    def public_label(self) -> str:
        return "Có" if self.is_public else "Không"

    @property
    def recipient_lines(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]

    def clean(self):
        errors = {}
        if self.issued_on and self.in_force_from and self.in_force_from < self.issued_on:
            errors["in_force_from"] = (
                f"Ngày có hiệu lực ({format_date(self.in_force_from)}) không được trước ngày ban hành "
                f"({format_date(self.issued_on)})."
            )
        start = self.in_force_from or self.issued_on
        if start and self.in_force_to and self.in_force_to < start:
            errors["in_force_to"] = (
                f"Ngày hết hiệu lực ({format_date(self.in_force_to)}) không được trước ngày có hiệu lực "
                f"({format_date(start)})."
            )
        if errors:
            raise ValidationError(errors)


class NumberCounter(models.Model):
    """Last number given per issuer, type and term; its row is locked while a number is allocated."""

    issuer = models.ForeignKey(Issuer, on_delete=models.CASCADE, related_name="+")
    doc_type = models.ForeignKey(DocumentType, on_delete=models.CASCADE, related_name="+")
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="+")
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "bộ đếm số văn bản"
        verbose_name_plural = "bộ đếm số văn bản"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "doc_type", "term"], name="documents_one_counter_per_key")
        ]


class DocumentAttachment(Orderable):
    document = ParentalKey(Document, on_delete=models.CASCADE, related_name="attachments")
    file = models.ForeignKey(
        "wagtaildocs.Document", verbose_name="tệp", on_delete=models.PROTECT, related_name="party_document_files"
    )
    title = models.CharField("tên hiển thị", max_length=255, blank=True, help_text="Để trống: dùng tên của tệp.")

    class Meta(Orderable.Meta):
        verbose_name = "tệp đính kèm"
        verbose_name_plural = "tệp đính kèm"

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        return self.title or self.file.title

    @property
    def is_pdf(self) -> bool:
        return self.file.file_extension.lower() == "pdf"


class RelationKind(models.TextChoices):
    IMPLEMENTS = "implements", "Triển khai thực hiện"
    REPLACES = "replaces", "Thay thế"
    RELATED = "related", "Liên quan"


# How the relation reads from the other side.
REVERSE_RELATION_LABELS = {
    RelationKind.IMPLEMENTS: "Được triển khai bởi",
    RelationKind.REPLACES: "Bị thay thế bởi",
    RelationKind.RELATED: "Liên quan",
}


class DocumentRelation(Orderable):
    document = ParentalKey(Document, on_delete=models.CASCADE, related_name="relations")
    kind = models.CharField("quan hệ", max_length=16, choices=RelationKind.choices, default=RelationKind.IMPLEMENTS)
    target = models.ForeignKey(Document, verbose_name="văn bản", on_delete=models.CASCADE, related_name="related_from")

    class Meta(Orderable.Meta):
        verbose_name = "văn bản liên quan"
        verbose_name_plural = "văn bản liên quan"
        constraints = [
            models.UniqueConstraint(fields=["document", "target", "kind"], name="documents_unique_relation"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.target}"
