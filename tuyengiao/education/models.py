"""Study campaigns (học tập, quán triệt) and political education (classes, briefing conferences, reporters).

Every record carries a unit and a date so the review reports (issue 5) can
roll figures up the unit tree for any period and list the records behind
each figure. Attendance is counted in lượt (one row per event and unit with a
count); distinct people (người) only come from the optional by-name list and
are never derived from lượt (DESIGN.md §1).

A campaign names its Party documents from the documents registry
(`documents.Document`) and/or as text lines (for documents not registered,
e.g. central ones received on paper).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from tuyengiao.units.models import Unit


class Mode(models.TextChoices):
    IN_PERSON = "in_person", "Trực tiếp"
    ONLINE = "online", "Trực tuyến"
    BOTH = "both", "Trực tiếp kết hợp trực tuyến"


ONLINE_MODES = (Mode.ONLINE, Mode.BOTH)


class Level(models.TextChoices):
    CENTRAL = "central", "Trung ương"
    PROVINCIAL = "provincial", "Tỉnh"
    LOCAL = "local", "Cơ sở"


def format_date(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


# --- study campaigns ---------------------------------------------------------


class StudyCampaign(models.Model):
    """An upper level's plan to study documents or a yearly theme, with the units that must study."""

    title = models.CharField("tên đợt học tập", max_length=500)
    documents_text = models.TextField(
        "văn bản học tập, quán triệt",
        blank=True,
        help_text="Mỗi dòng một văn bản: số, ký hiệu và trích yếu, ví dụ “Số 05-CT/TW — về đẩy mạnh học tập…”.",
    )
    documents = models.ManyToManyField(
        "documents.Document",
        verbose_name="văn bản trong sổ văn bản",
        blank=True,
        related_name="study_campaigns",
    )
    theme = models.CharField("chủ đề năm", max_length=500, blank=True)
    year = models.PositiveSmallIntegerField("năm", null=True, blank=True)
    issuing_unit = models.ForeignKey(
        Unit, verbose_name="đơn vị ban hành", on_delete=models.PROTECT, related_name="issued_study_campaigns"
    )
    starts_on = models.DateField("ngày triển khai")
    deadline = models.DateField("hạn hoàn thành, báo cáo")
    units = models.ManyToManyField(
        Unit,
        verbose_name="đơn vị phải học tập",
        through="StudyCampaignUnit",
        related_name="study_campaigns",
        blank=True,
    )
    note = models.TextField("ghi chú", blank=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)

    class Meta:
        verbose_name = "đợt học tập, quán triệt"
        verbose_name_plural = "đợt học tập, quán triệt"
        ordering = ["-deadline", "title"]
        indexes = [models.Index(fields=["deadline"]), models.Index(fields=["starts_on"])]

    def __str__(self) -> str:
        return self.title

    SUBJECT_MISSING = (
        "Đợt học tập phải có văn bản học tập (chọn trong sổ văn bản hoặc ghi số, ký hiệu) hoặc chủ đề năm."
    )

    def clean(self):
        if self.starts_on and self.deadline and self.deadline < self.starts_on:
            raise ValidationError({"deadline": "Hạn báo cáo không được trước ngày triển khai."})

    @property
    def document_lines(self) -> list[str]:
        """Registered documents (``Số 05-CT/TW — trích yếu``) then the text lines."""
        registered = [str(document) for document in self.documents.all()] if self.pk else []
        return registered + [line.strip() for line in self.documents_text.splitlines() if line.strip()]


class StudyCampaignUnit(models.Model):
    """A unit that must study in a campaign (and file one return)."""

    campaign = models.ForeignKey(
        StudyCampaign, verbose_name="đợt học tập", on_delete=models.CASCADE, related_name="requirements"
    )
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="study_requirements")

    class Meta:
        verbose_name = "đơn vị phải học tập"
        verbose_name_plural = "đơn vị phải học tập"
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="education_campaign_unit_once")]

    def __str__(self) -> str:
        return f"{self.unit} — {self.campaign}"


class StudyReturn(models.Model):
    """A unit's report on a campaign: one per unit and campaign; filing again replaces it."""

    campaign = models.ForeignKey(
        StudyCampaign, verbose_name="đợt học tập", on_delete=models.PROTECT, related_name="returns"
    )
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="study_returns")
    members_total = models.PositiveIntegerField("tổng số đảng viên")
    members_present = models.PositiveIntegerField("số đảng viên dự học")
    makeup_sessions = models.PositiveIntegerField("số buổi học bù", default=0)
    makeup_attendance = models.PositiveIntegerField("số đảng viên học bù", default=0)
    summaries_submitted = models.PositiveIntegerField("số bài thu hoạch đã nộp", default=0)
    studied_on = models.DateField("ngày học tập")
    submitted_on = models.DateField("ngày báo cáo", default=timezone.localdate)
    note = models.TextField("ghi chú", blank=True)
    import_batch = models.ForeignKey(
        "ImportBatch", verbose_name="lần nhập", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người cập nhật",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "báo cáo kết quả học tập"
        verbose_name_plural = "báo cáo kết quả học tập"
        ordering = ["campaign", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="education_one_return_per_unit"),
            models.CheckConstraint(
                condition=Q(members_present__lte=F("members_total")), name="education_return_present_le_total"
            ),
            models.CheckConstraint(
                condition=Q(makeup_attendance__lte=F("members_total") - F("members_present")),
                name="education_return_makeup_le_absent",
            ),
            models.CheckConstraint(
                condition=Q(summaries_submitted__lte=F("members_total")), name="education_return_summaries_le_total"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.campaign}"

    def clean(self):
        self.validate_counts(
            members_total=self.members_total,
            members_present=self.members_present,
            makeup_sessions=self.makeup_sessions,
            makeup_attendance=self.makeup_attendance,
            summaries_submitted=self.summaries_submitted,
            studied_on=self.studied_on,
            submitted_on=self.submitted_on,
        )

    @staticmethod
    def count_errors(
        *,
        members_total,
        members_present,
        makeup_sessions,
        makeup_attendance,
        summaries_submitted,
        studied_on=None,
        submitted_on=None,
    ) -> dict[str, str]:
        """Field → Vietnamese message; shared by the form, the service and the XLSX importer."""
        errors: dict[str, str] = {}
        if None in (members_total, members_present, makeup_sessions, makeup_attendance, summaries_submitted):
            return errors
        if members_present > members_total:
            errors["members_present"] = (
                f"Số đảng viên dự học ({members_present}) lớn hơn tổng số đảng viên ({members_total})."
            )
        elif makeup_attendance > members_total - members_present:
            errors["makeup_attendance"] = (
                f"Số đảng viên học bù ({makeup_attendance}) lớn hơn số đảng viên vắng "
                f"({members_total - members_present})."
            )
        if makeup_attendance and not makeup_sessions:
            errors["makeup_sessions"] = "Có đảng viên học bù thì phải có ít nhất 01 buổi học bù."
        if summaries_submitted > members_total:
            errors["summaries_submitted"] = (
                f"Số bài thu hoạch ({summaries_submitted}) lớn hơn tổng số đảng viên ({members_total})."
            )
        if studied_on and submitted_on and submitted_on < studied_on:
            errors["submitted_on"] = "Ngày báo cáo không được trước ngày học tập."
        return errors

    @classmethod
    def validate_counts(cls, **values) -> None:
        errors = cls.count_errors(**values)
        if errors:
            raise ValidationError(errors)

    @property
    def members_studied(self) -> int:
        return self.members_present + self.makeup_attendance

    @property
    def is_late(self) -> bool:
        return self.submitted_on > self.campaign.deadline


# --- education ----------------------------------------------------------------


class Programme(models.Model):
    """A political-theory programme (configurable; the usual ones are seeded by a data migration)."""

    name = models.CharField("tên chương trình", max_length=255, unique=True)
    code = models.SlugField("mã", max_length=64, unique=True, allow_unicode=False)
    description = models.TextField("mô tả", blank=True)
    sort_order = models.PositiveSmallIntegerField("thứ tự", default=100)
    is_active = models.BooleanField("đang dùng", default=True)

    class Meta:
        verbose_name = "chương trình bồi dưỡng"
        verbose_name_plural = "chương trình bồi dưỡng"
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class EducationClass(models.Model):
    title = models.CharField("tên lớp", max_length=500)
    programme = models.ForeignKey(
        Programme, verbose_name="chương trình", on_delete=models.PROTECT, related_name="classes"
    )
    organiser = models.ForeignKey(
        Unit, verbose_name="đơn vị tổ chức", on_delete=models.PROTECT, related_name="organised_classes"
    )
    starts_on = models.DateField("ngày khai giảng")
    ends_on = models.DateField("ngày bế giảng")
    place = models.CharField("địa điểm", max_length=255, blank=True)
    mode = models.CharField("hình thức", max_length=16, choices=Mode.choices, default=Mode.IN_PERSON)
    lecturer_names = models.TextField("giảng viên (họ tên)", blank=True, help_text="Mỗi dòng một giảng viên.")
    lecturers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name="giảng viên (tài khoản)", blank=True, related_name="taught_classes"
    )
    enrolled = models.PositiveIntegerField("số học viên")
    completed = models.PositiveIntegerField("số học viên hoàn thành", default=0)
    note = models.TextField("ghi chú", blank=True)

    class Meta:
        verbose_name = "lớp bồi dưỡng"
        verbose_name_plural = "lớp bồi dưỡng"
        ordering = ["-starts_on", "title"]
        indexes = [models.Index(fields=["starts_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(completed__lte=F("enrolled")), name="education_class_completed_le_enrolled"
            ),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="education_class_dates"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        errors = {}
        if self.enrolled is not None and self.completed is not None and self.completed > self.enrolled:
            errors["completed"] = f"Số học viên hoàn thành ({self.completed}) lớn hơn số học viên ({self.enrolled})."
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = "Ngày bế giảng không được trước ngày khai giảng."
        if errors:
            raise ValidationError(errors)

    @property
    def event_date(self) -> datetime.date:
        return self.starts_on


class BriefingConference(models.Model):
    """A hội nghị báo cáo viên, usually monthly; in person, online or both."""

    title = models.CharField("tên hội nghị", max_length=500)
    organiser = models.ForeignKey(
        Unit, verbose_name="đơn vị tổ chức", on_delete=models.PROTECT, related_name="organised_conferences"
    )
    held_on = models.DateField("ngày tổ chức")
    level = models.CharField("cấp", max_length=16, choices=Level.choices)
    mode = models.CharField("hình thức", max_length=16, choices=Mode.choices, default=Mode.IN_PERSON)
    connection_points = models.PositiveIntegerField(
        "số điểm cầu", default=0, help_text="Số điểm cầu trực tuyến; để 0 nếu tổ chức trực tiếp."
    )
    topics = models.TextField("chuyên đề, nội dung", blank=True, help_text="Mỗi dòng một chuyên đề.")
    note = models.TextField("ghi chú", blank=True)

    class Meta:
        verbose_name = "hội nghị báo cáo viên"
        verbose_name_plural = "hội nghị báo cáo viên"
        ordering = ["-held_on", "title"]
        indexes = [models.Index(fields=["held_on"])]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.mode in ONLINE_MODES and not self.connection_points:
            raise ValidationError({"connection_points": "Hội nghị trực tuyến phải có ít nhất 01 điểm cầu."})
        if self.mode == Mode.IN_PERSON and self.connection_points:
            raise ValidationError({"connection_points": "Hội nghị tổ chức trực tiếp không có điểm cầu trực tuyến."})

    @property
    def month_label(self) -> str:
        return f"{self.held_on:%m/%Y}" if self.held_on else ""

    @property
    def event_date(self) -> datetime.date:
        return self.held_on


# Exactly one of the two events is set (each event record's check constraint).
ONE_EVENT = (Q(education_class__isnull=False) & Q(conference__isnull=True)) | (
    Q(education_class__isnull=True) & Q(conference__isnull=False)
)


def event_keys(*, related_name: str) -> tuple[models.ForeignKey, models.ForeignKey]:
    """The class and conference foreign keys of an event record: exactly one is set (ONE_EVENT)."""
    return (
        models.ForeignKey(
            EducationClass,
            verbose_name="lớp bồi dưỡng",
            null=True,
            blank=True,
            on_delete=models.CASCADE,
            related_name=related_name,
        ),
        models.ForeignKey(
            BriefingConference,
            verbose_name="hội nghị báo cáo viên",
            null=True,
            blank=True,
            on_delete=models.CASCADE,
            related_name=related_name,
        ),
    )


class EventRecord(models.Model):
    """Something recorded at one class or one conference, dated with the event.

    `held_on` repeats the event's date (kept in step by the services) so a
    period's roll-up filters the record's own table.
    """

    held_on = models.DateField("ngày diễn ra", editable=False)

    class Meta:
        abstract = True

    @property
    def event(self) -> EducationClass | BriefingConference:
        return self.education_class or self.conference

    @staticmethod
    def event_lookup(event: EducationClass | BriefingConference) -> dict:
        """The filter (or create) arguments naming `event`: {"education_class": …} or {"conference": …}."""
        return {"education_class": event} if isinstance(event, EducationClass) else {"conference": event}


class Attendance(EventRecord):
    """How many people of a unit attended one class or conference: lượt, not distinct people."""

    education_class, conference = event_keys(related_name="attendances")
    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị dự", on_delete=models.PROTECT, related_name="education_attendances"
    )
    count = models.PositiveIntegerField("số lượt người dự")
    import_batch = models.ForeignKey(
        "ImportBatch", verbose_name="lần nhập", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)

    class Meta:
        verbose_name = "số lượt người dự"
        verbose_name_plural = "số lượt người dự"
        ordering = ["-held_on", "unit__path"]
        indexes = [
            # Roll-ups per unit over a period (selectors.unit_rollup, indexed_rollup_q): covering.
            models.Index(fields=["unit", "held_on", "count", "education_class"], name="education_att_unit_day"),
            models.Index(fields=["held_on"], name="education_att_day"),
        ]
        constraints = [
            models.CheckConstraint(condition=ONE_EVENT, name="education_attendance_one_event"),
            models.UniqueConstraint(
                fields=["education_class", "unit"],
                condition=Q(education_class__isnull=False),
                name="education_attendance_class_unit_once",
            ),
            models.UniqueConstraint(
                fields=["conference", "unit"],
                condition=Q(conference__isnull=False),
                name="education_attendance_conference_unit_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} — {self.event}: {self.count} lượt"


class Participant(models.Model):
    """A person recorded by name (for counting distinct people); optional, only where lists exist."""

    full_name = models.CharField("họ và tên", max_length=255)
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="tài khoản",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "người dự (theo danh sách)"
        verbose_name_plural = "người dự (theo danh sách)"
        ordering = ["unit__path", "full_name"]

    def __str__(self) -> str:
        return self.full_name


class ParticipantAttendance(EventRecord):
    """One named person at one class or conference."""

    participant = models.ForeignKey(
        Participant, verbose_name="người dự", on_delete=models.CASCADE, related_name="attendances"
    )
    education_class, conference = event_keys(related_name="participant_attendances")

    class Meta:
        verbose_name = "người dự theo danh sách"
        verbose_name_plural = "người dự theo danh sách"
        constraints = [
            models.CheckConstraint(condition=ONE_EVENT, name="education_person_attendance_one_event"),
            models.UniqueConstraint(
                fields=["participant", "education_class"],
                condition=Q(education_class__isnull=False),
                name="education_person_class_once",
            ),
            models.UniqueConstraint(
                fields=["participant", "conference"],
                condition=Q(conference__isnull=False),
                name="education_person_conference_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} — {self.event}"


class Reporter(models.Model):
    """A báo cáo viên recognised by decision for a term, at central, provincial or local level."""

    full_name = models.CharField("họ và tên", max_length=255)
    position = models.CharField("chức vụ", max_length=255, blank=True)
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="reporters")
    level = models.CharField("cấp", max_length=16, choices=Level.choices)
    term = models.CharField("nhiệm kỳ", max_length=32, help_text="Ví dụ: 2025 - 2030")
    decision = models.CharField("quyết định công nhận", max_length=255, help_text="Ví dụ: Quyết định số 125-QĐ/TU")
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="tài khoản",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "báo cáo viên"
        verbose_name_plural = "báo cáo viên"
        ordering = ["level", "unit__path", "full_name"]

    def __str__(self) -> str:
        return self.full_name


class ImportKind(models.TextChoices):
    ATTENDANCE = "attendance", "Số lượt người dự"
    PARTICIPANTS = "participants", "Người dự theo danh sách"
    STUDY_RETURNS = "study_returns", "Báo cáo kết quả học tập"


class ImportBatch(models.Model):
    """One imported XLSX file; its SHA-256 stops the same file being imported twice."""

    kind = models.CharField("loại dữ liệu", max_length=32, choices=ImportKind.choices)
    sha256 = models.CharField("SHA-256", max_length=64)
    filename = models.CharField("tên tệp", max_length=255)
    row_count = models.PositiveIntegerField("số dòng")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người nhập", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("nhập lúc", auto_now_add=True)

    class Meta:
        verbose_name = "lần nhập tệp XLSX"
        verbose_name_plural = "lần nhập tệp XLSX"
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["kind", "sha256"], name="education_import_file_once")]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_kind_display()})"
