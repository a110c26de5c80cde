"""Public-opinion reports (báo cáo dư luận xã hội): aggregate topic items per unit and period.

There are deliberately no fields for individuals. Every free-text field runs
`refuse_personal_data`, so text that looks like a citizen's name, phone,
ID number, e-mail or house address is refused on every path that calls
`full_clean` (admin forms, services, imports, API).
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from tuyengiao.units.models import Unit

from .periods import PeriodKind, month_bounds, period_label, quarter_bounds, unit_period_error
from .personal_data import refuse_personal_data


class OpinionField(models.TextChoices):
    POLITICS = "politics", "Chính trị, tư tưởng"
    PARTY_BUILDING = "party_building", "Xây dựng Đảng, hệ thống chính trị"
    ECONOMY = "economy", "Kinh tế"
    CULTURE_SOCIETY = "culture_society", "Văn hóa - xã hội"
    HEALTH_EDUCATION = "health_education", "Y tế, giáo dục"
    LAND_ENVIRONMENT = "land_environment", "Đất đai, tài nguyên, môi trường"
    DEFENCE_SECURITY = "defence_security", "Quốc phòng, an ninh, trật tự"
    RELIGION_ETHNICITY = "religion_ethnicity", "Tôn giáo, dân tộc"
    FOREIGN_AFFAIRS = "foreign_affairs", "Đối ngoại, quốc tế"


class Tendency(models.TextChoices):
    AGREE = "agree", "Đồng tình"
    OPPOSE = "oppose", "Phản đối"
    CONCERNED = "concerned", "Băn khoăn"


class Intensity(models.TextChoices):
    LOW = "low", "Thấp"
    MEDIUM = "medium", "Trung bình"
    HIGH = "high", "Cao"


class Scope(models.TextChoices):
    LOCAL = "local", "Địa phương"
    PROVINCE = "province", "Tỉnh"
    NATIONAL = "national", "Cả nước"
    INTERNATIONAL = "international", "Quốc tế"


class FollowUp(models.TextChoices):
    PENDING = "pending", "Chưa xử lý"
    MONITORING = "monitoring", "Đang theo dõi"
    RESOLVED = "resolved", "Đã xử lý"


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value or "").strip()


class OpinionTopic(models.Model):
    """The configurable list of topics (seeded by a migration, edited in the admin)."""

    name = models.CharField("tên chủ đề", max_length=200, unique=True, validators=[refuse_personal_data])
    description = models.TextField("mô tả", blank=True, validators=[refuse_personal_data])
    sort_order = models.PositiveSmallIntegerField("thứ tự", default=0)
    is_active = models.BooleanField(
        "đang dùng", default=True, help_text="Bỏ chọn để ẩn khỏi danh sách khi nhập báo cáo."
    )

    class Meta:
        verbose_name = "chủ đề dư luận"
        verbose_name_plural = "chủ đề dư luận"
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        self.name = " ".join(_nfc(self.name).split())
        self.description = _nfc(self.description)


class OpinionReport(ClusterableModel):
    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị báo cáo", on_delete=models.PROTECT, related_name="opinion_reports"
    )
    period_kind = models.CharField("loại kỳ", max_length=16, choices=PeriodKind.choices, default=PeriodKind.MONTH)
    period_start = models.DateField(
        "từ ngày",
        help_text="Với kỳ tháng hoặc quý, chọn một ngày bất kỳ trong kỳ: hệ thống tự tính ngày đầu và ngày cuối kỳ.",
    )
    period_end = models.DateField("đến ngày", blank=True, help_text="Chỉ cần nhập với khoảng thời gian khác.")
    summary = models.TextField(
        "đánh giá chung",
        blank=True,
        validators=[refuse_personal_data],
        help_text="Chỉ nêu thông tin tổng hợp; không ghi họ tên, số điện thoại, địa chỉ của công dân.",
    )
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật", auto_now=True)

    class Meta:
        verbose_name = "báo cáo dư luận xã hội"
        verbose_name_plural = "báo cáo dư luận xã hội"
        ordering = ["-period_start", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period_start", "period_end"],
                name="opinion_report_one_per_unit_period",
                violation_error_message="Đơn vị đã có báo cáo dư luận xã hội cho kỳ này.",
            )
        ]
        indexes = [models.Index(fields=["period_start", "unit"])]

    def __str__(self) -> str:
        return f"{self.period_label} — {self.unit.name}" if self.unit_id and self.period_start else "Báo cáo mới"

    @property
    def period_label(self) -> str:
        return period_label(self.period_kind, self.period_start, self.period_end)

    period_label.fget.short_description = "Kỳ báo cáo"  # the admin list's column heading

    def clean(self):
        self.summary = _nfc(self.summary)
        if not self.period_start:
            return
        if self.period_kind == PeriodKind.MONTH:
            self.period_start, self.period_end = month_bounds(self.period_start)
        elif self.period_kind == PeriodKind.QUARTER:
            self.period_start, self.period_end = quarter_bounds(self.period_start)
        elif not self.period_end:
            raise ValidationError({"period_end": "Vui lòng nhập ngày kết thúc kỳ báo cáo."})
        elif self.period_end < self.period_start:
            raise ValidationError({"period_end": "Ngày kết thúc không được trước ngày bắt đầu."})
        if self.unit_id and (error := unit_period_error(self.unit, self.period_start, self.period_end)):
            raise ValidationError({"unit": error})


class OpinionItem(Orderable):
    """One topic item (tin) of a report: aggregate, never about a person."""

    report = ParentalKey(OpinionReport, related_name="items", on_delete=models.CASCADE, verbose_name="báo cáo")
    topic = models.ForeignKey(OpinionTopic, verbose_name="chủ đề", on_delete=models.PROTECT, related_name="items")
    field = models.CharField("lĩnh vực", max_length=32, choices=OpinionField.choices)
    tendency = models.CharField("xu hướng", max_length=16, choices=Tendency.choices)
    intensity = models.CharField("mức độ", max_length=16, choices=Intensity.choices, default=Intensity.MEDIUM)
    scope = models.CharField("phạm vi", max_length=16, choices=Scope.choices, default=Scope.LOCAL)
    source_count = models.PositiveIntegerField(
        "số nguồn tin",
        default=1,
        validators=[MinValueValidator(1, "Số nguồn tin phải từ 1 trở lên.")],
        help_text="Số ý kiến, phản ánh ghi nhận được về nội dung này.",
    )
    content = models.TextField(
        "nội dung dư luận",
        validators=[refuse_personal_data],
        help_text="Tóm tắt chung ý kiến của cán bộ, đảng viên, nhân dân; không ghi thông tin nhận dạng cá nhân.",
    )
    recommendation = models.TextField("kiến nghị, đề xuất", blank=True, validators=[refuse_personal_data])
    follow_up = models.CharField("tình trạng xử lý", max_length=16, choices=FollowUp.choices, default=FollowUp.PENDING)

    class Meta(Orderable.Meta):
        verbose_name = "tin dư luận"
        verbose_name_plural = "tin dư luận"
        indexes = [models.Index(fields=["topic", "tendency"])]

    def __str__(self) -> str:
        return f"{self.topic} — {self.get_tendency_display()}" if self.topic_id else "Tin dư luận"

    def clean(self):
        self.content = _nfc(self.content)
        self.recommendation = _nfc(self.recommendation)
