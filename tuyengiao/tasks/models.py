"""Tasks (nhiệm vụ) with dated progress notes, and emulation movements (phong trào thi đua).

A task is late when its deadline has passed and it is not done, or when it
was done after its deadline (`late_q`). Figures for review reports (issue 5)
come from selectors.py.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from tuyengiao.opinion.periods import format_date, unit_period_error
from tuyengiao.units.models import Unit


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Chưa bắt đầu"
    IN_PROGRESS = "in_progress", "Đang thực hiện"
    DONE = "done", "Hoàn thành"
    PAUSED = "paused", "Tạm dừng"


def late_q(today: datetime.date) -> Q:
    """Late: deadline passed and not done, or done after the deadline."""
    return Q(~Q(status=TaskStatus.DONE), deadline__lt=today) | Q(status=TaskStatus.DONE, completed_on__gt=F("deadline"))


class EmulationMovement(ClusterableModel):
    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị phát động", on_delete=models.PROTECT, related_name="emulation_movements"
    )
    title = models.CharField("tên phong trào", max_length=300)
    description = models.TextField("nội dung, chỉ tiêu", blank=True)
    start_date = models.DateField("từ ngày")
    end_date = models.DateField("đến ngày")
    participants = ParentalManyToManyField(
        Unit,
        verbose_name="đơn vị tham gia",
        blank=True,
        related_name="joined_movements",
        help_text="Đơn vị phát động hoặc các đơn vị cấp dưới của nó.",
    )
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật", auto_now=True)

    class Meta:
        verbose_name = "phong trào thi đua"
        verbose_name_plural = "phong trào thi đua"
        ordering = ["-start_date", "title"]
        indexes = [models.Index(fields=["start_date", "end_date"])]

    def __str__(self) -> str:
        return self.title

    @property
    def period_label(self) -> str:
        return f"{format_date(self.start_date)} – {format_date(self.end_date)}"

    def clean(self):
        self.title = " ".join((self.title or "").split())
        if self.start_date and self.end_date:
            if self.end_date < self.start_date:
                raise ValidationError({"end_date": "Ngày kết thúc không được trước ngày bắt đầu."})
            if self.unit_id and (error := unit_period_error(self.unit, self.start_date, self.end_date)):
                raise ValidationError({"unit": error})


def participants_error(unit: Unit, participants) -> str | None:
    """Participants must be the launching unit or units below it."""
    outside = [p.name for p in participants if not p.path.startswith(unit.path)]
    if outside:
        return f"Đơn vị tham gia phải là “{unit.name}” hoặc đơn vị cấp dưới; không thuộc: {', '.join(outside)}."
    return None


class Task(ClusterableModel):
    unit = models.ForeignKey(Unit, verbose_name="đơn vị chủ trì", on_delete=models.PROTECT, related_name="tasks")
    title = models.CharField("tên nhiệm vụ", max_length=300)
    description = models.TextField("nội dung", blank=True)
    movement = models.ForeignKey(
        EmulationMovement,
        verbose_name="thuộc phong trào thi đua",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    assigned_on = models.DateField("ngày giao", default=timezone.localdate)
    deadline = models.DateField("hạn hoàn thành")
    status = models.CharField("trạng thái", max_length=16, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED)
    completed_on = models.DateField(
        "ngày hoàn thành", null=True, blank=True, help_text="Bắt buộc khi trạng thái là “Hoàn thành”."
    )
    created_at = models.DateTimeField("ngày tạo", auto_now_add=True)
    updated_at = models.DateTimeField("cập nhật", auto_now=True)

    class Meta:
        verbose_name = "nhiệm vụ"
        verbose_name_plural = "nhiệm vụ"
        ordering = ["deadline", "title"]
        indexes = [
            models.Index(fields=["deadline", "unit"]),
            models.Index(fields=["status", "completed_on"]),
        ]

    def __str__(self) -> str:
        return self.title

    def is_late(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        if self.status == TaskStatus.DONE:
            return bool(self.completed_on and self.completed_on > self.deadline)
        return self.deadline < today

    @property
    def movement_title(self) -> str:
        return self.movement.title if self.movement_id else ""

    @property
    def late_text(self) -> str:
        """ "Trễ hạn" or "" (uses the list's `late` annotation when present)."""
        late = getattr(self, "late", None)
        return "Trễ hạn" if (self.is_late() if late is None else late) else ""

    def clean(self):
        self.title = " ".join((self.title or "").split())
        errors = {}
        if self.status == TaskStatus.DONE and not self.completed_on:
            errors["completed_on"] = "Vui lòng nhập ngày hoàn thành."
        if self.status != TaskStatus.DONE and self.completed_on:
            errors["completed_on"] = "Chỉ ghi ngày hoàn thành khi nhiệm vụ ở trạng thái “Hoàn thành”."
        if self.completed_on and self.completed_on > timezone.localdate():
            errors["completed_on"] = "Ngày hoàn thành không được sau hôm nay."
        if self.assigned_on and self.completed_on and self.completed_on < self.assigned_on:
            errors["completed_on"] = "Ngày hoàn thành không được trước ngày giao."
        if self.assigned_on and self.deadline and self.deadline < self.assigned_on:
            errors["deadline"] = "Hạn hoàn thành không được trước ngày giao."
        if self.unit_id and self.assigned_on and self.deadline and "deadline" not in errors:
            if error := unit_period_error(self.unit, self.assigned_on, self.deadline):
                errors["unit"] = error
        if self.movement_id and self.unit_id and not self.unit.path.startswith(self.movement.unit.path):
            errors["movement"] = "Phong trào này không do đơn vị chủ trì hoặc đơn vị cấp trên của nó phát động."
        if errors:
            raise ValidationError(errors)


class TaskProgressNote(Orderable):
    task = ParentalKey(Task, related_name="progress_notes", on_delete=models.CASCADE, verbose_name="nhiệm vụ")
    date = models.DateField("ngày", default=timezone.localdate)
    note = models.TextField("tiến độ, kết quả")

    class Meta(Orderable.Meta):
        verbose_name = "ghi nhận tiến độ"
        verbose_name_plural = "ghi nhận tiến độ"

    def __str__(self) -> str:
        return f"{format_date(self.date)}: {self.note[:60]}"

    def clean(self):
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": "Ngày ghi nhận tiến độ không được sau hôm nay."})
