"""Wagtail admin for tasks (with dated progress notes and a "Trễ hạn" badge and filter) and emulation movements.

Registered in wagtail_hooks.py under one menu group "Nhiệm vụ, thi đua". Rights
follow the unit tree on every path (tuyengiao.units.scoped_admin); writes
go through services.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Count, Q
from django.utils import timezone
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import AdminDateInput

from tuyengiao.opinion.periods import format_date
from tuyengiao.units.models import Unit
from tuyengiao.units.scoped_admin import (
    DateColumn,
    NumberColumn,
    ScopedCreateView,
    ScopedDeleteView,
    ScopedEditView,
    ScopedInspectView,
    ScopedModelForm,
    UnitMultipleChoiceField,
    UnitRollupFilter,
    UnitScopedViewSet,
    limit_to_visible_units,
)
from tuyengiao.units.selectors import units_visible_to

from . import services
from .models import EmulationMovement, Task, TaskStatus, participants_error
from .selectors import late_as_of_q, with_late_flag

TASKS = "tasks"
MOVEMENTS = "emulation_movements"
LATE_LABEL = "Trễ hạn"


# --- tasks -------------------------------------------------------------------------------


class TaskFilterSet(WagtailFilterSet):
    late = django_filters.ChoiceFilter(
        label="Tình trạng hạn",
        choices=[("late", LATE_LABEL), ("on_time", "Không trễ hạn")],
        empty_label="Tất cả",
        method="filter_late",
        widget=forms.RadioSelect,
    )
    late_on = django_filters.DateFilter(
        label="Tính trễ hạn đến ngày",
        method="filter_noop",
        widget=AdminDateInput,
        help_text="Để trống: tính đến hôm nay.",
    )
    status = django_filters.ChoiceFilter(
        label="Trạng thái", choices=TaskStatus.choices, empty_label="Tất cả", widget=forms.RadioSelect
    )
    unit = UnitRollupFilter(
        label="Đơn vị (gồm cấp dưới)", date_field="deadline", unit_field="unit", empty_label="Tất cả"
    )
    deadline = django_filters.DateFromToRangeFilter(label="Hạn hoàn thành trong khoảng", widget=DateRangePickerWidget)
    completed_on = django_filters.DateFromToRangeFilter(label="Hoàn thành trong khoảng", widget=DateRangePickerWidget)

    class Meta:
        model = Task
        fields: list[str] = []

    def filter_noop(self, queryset, name, value):
        return queryset  # read by filter_late

    def filter_late(self, queryset, name, value):
        as_of = self.form.cleaned_data.get("late_on") or timezone.localdate()
        if value == "late":
            return queryset.filter(late_as_of_q(as_of))
        if value == "on_time":
            return queryset.exclude(late_as_of_q(as_of))
        return queryset


class LateBadgeColumn(Column):
    """A "Trễ hạn" badge on late rows (annotated `late`), nothing otherwise."""

    cell_template_name = "tasks/admin/late_badge_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["late"] = bool(getattr(instance, "late", False))
        context["label"] = LATE_LABEL
        return context


def visible_movements(user):
    """Movements the user's units launched or take part in (a ward's task may belong to a province movement)."""
    visible = units_visible_to(user)
    if user.is_superuser:
        return EmulationMovement.objects.order_by("-start_date")
    return (
        EmulationMovement.objects.filter(Q(unit__in=visible) | Q(participants__in=visible))
        .distinct()
        .order_by("-start_date")
    )


class TaskForm(ScopedModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None and "movement" in self.fields:
            self.fields["movement"].queryset = visible_movements(self.for_user)
            self.fields["movement"].empty_label = "— Không thuộc phong trào nào —"


class TaskSaveMixin:
    def save_with_service(self):
        action = "wagtail.create" if self.form.instance.pk is None else "wagtail.edit"
        return services.task_save(actor=self.request.user, task=self.form.save(commit=False), action=action)


class TaskCreateView(TaskSaveMixin, ScopedCreateView):
    pass


class TaskEditView(TaskSaveMixin, ScopedEditView):
    pass


class TaskDeleteView(ScopedDeleteView):
    def delete_action(self):
        services.task_delete(actor=self.request.user, task=self.object)


class TaskInspectView(ScopedInspectView):
    template_name = "tasks/admin/task_inspect.html"

    def get_deadline_display_value(self):
        late = f" — {LATE_LABEL}" if self.object.is_late() else ""
        return format_date(self.object.deadline) + late

    def get_completed_on_display_value(self):
        return format_date(self.object.completed_on) or "—"

    def get_movement_display_value(self):
        return self.object.movement.title if self.object.movement_id else "—"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["notes"] = sorted(self.object.progress_notes.all(), key=lambda note: (note.date, note.pk))
        return context


class TaskViewSet(UnitScopedViewSet):
    model = Task
    icon = "clipboard-list"
    menu_label = "Nhiệm vụ"
    menu_name = "nhiem-vu"
    related = ("unit", "movement")
    add_view_class = TaskCreateView
    edit_view_class = TaskEditView
    delete_view_class = TaskDeleteView
    inspect_view_class = TaskInspectView
    inspect_view_fields = [
        "unit",
        "title",
        "description",
        "movement",
        "assigned_on",
        "deadline",
        "status",
        "completed_on",
    ]
    filterset_class = TaskFilterSet
    ordering = ["deadline", "title"]
    search_fields = ["title", "description"]
    export_filename = "nhiem-vu"
    list_export = [
        "unit.name",
        "title",
        "movement_title",
        "assigned_on",
        "deadline",
        "get_status_display",
        "completed_on",
        "late_text",
        "description",
    ]
    export_headings = {
        "unit.name": "Đơn vị chủ trì",
        "title": "Tên nhiệm vụ",
        "movement_title": "Phong trào thi đua",
        "assigned_on": "Ngày giao",
        "deadline": "Hạn hoàn thành",
        "get_status_display": "Trạng thái",
        "completed_on": "Ngày hoàn thành",
        "late_text": "Tình trạng hạn",
        "description": "Nội dung",
    }
    list_display = [
        "title",
        Column("unit", label="Đơn vị chủ trì", accessor="unit.name", sort_key="unit__path"),
        DateColumn("deadline", label="Hạn hoàn thành", sort_key="deadline"),
        Column("status", label="Trạng thái", accessor="get_status_display", sort_key="status"),
        DateColumn("completed_on", label="Ngày hoàn thành", sort_key="completed_on"),
        LateBadgeColumn("late", label="Tình trạng hạn", sort_key="late"),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("unit"),
            FieldPanel("title"),
            FieldPanel("description"),
            FieldPanel("movement"),
            FieldRowPanel([FieldPanel("assigned_on"), FieldPanel("deadline")], heading="Thời hạn"),
            FieldRowPanel([FieldPanel("status"), FieldPanel("completed_on")], heading="Kết quả"),
            InlinePanel(
                "progress_notes",
                heading="Tiến độ thực hiện",
                label="Ghi nhận tiến độ",
                panels=[FieldPanel("date"), FieldPanel("note")],
            ),
        ],
        base_form_class=TaskForm,
    )

    def listing_queryset(self, queryset):
        return with_late_flag(super().listing_queryset(queryset))


# --- emulation movements -----------------------------------------------------------------


class MovementForm(ScopedModelForm):
    CHECKBOX_LIMIT = 60

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None and "participants" in self.fields:
            few = units_visible_to(self.for_user).count() <= self.CHECKBOX_LIMIT
            field = UnitMultipleChoiceField(
                queryset=Unit.objects.none(),
                required=False,
                label="Đơn vị tham gia",
                help_text=self.fields["participants"].help_text,
                widget=forms.CheckboxSelectMultiple if few else forms.SelectMultiple(attrs={"size": 15}),
            )
            limit_to_visible_units(field, self.for_user)
            self.fields["participants"] = field

    def clean(self):
        data = super().clean()
        unit, participants = data.get("unit"), data.get("participants")
        if unit and participants and (error := participants_error(unit, participants)):
            self.add_error("participants", error)
        return data


class MovementFilterSet(WagtailFilterSet):
    unit = UnitRollupFilter(
        label="Đơn vị phát động (gồm cấp dưới)", date_field="start_date", unit_field="unit", empty_label="Tất cả"
    )
    start_date = django_filters.DateFromToRangeFilter(label="Bắt đầu trong khoảng", widget=DateRangePickerWidget)

    class Meta:
        model = EmulationMovement
        fields: list[str] = []


class MovementSaveMixin:
    def save_with_service(self):
        action = "wagtail.create" if self.form.instance.pk is None else "wagtail.edit"
        return services.movement_save(actor=self.request.user, movement=self.form.save(commit=False), action=action)


class MovementCreateView(MovementSaveMixin, ScopedCreateView):
    pass


class MovementEditView(MovementSaveMixin, ScopedEditView):
    pass


class MovementDeleteView(ScopedDeleteView):
    def delete_action(self):
        services.movement_delete(actor=self.request.user, movement=self.object)


class MovementInspectView(ScopedInspectView):
    def get_participants_display_value(self):
        return ", ".join(unit.name for unit in self.object.participants.order_by("path")) or "—"


class MovementViewSet(UnitScopedViewSet):
    model = EmulationMovement
    icon = "calendar-check"
    menu_label = "Phong trào thi đua"
    menu_name = "phong-trao-thi-dua"
    related = ("unit",)
    add_view_class = MovementCreateView
    edit_view_class = MovementEditView
    delete_view_class = MovementDeleteView
    inspect_view_class = MovementInspectView
    inspect_view_fields = ["unit", "title", "description", "start_date", "end_date", "participants"]
    filterset_class = MovementFilterSet
    ordering = ["-start_date", "title"]
    search_fields = ["title", "description"]
    export_filename = "phong-trao-thi-dua"
    list_export = ["unit.name", "title", "start_date", "end_date", "participant_count", "task_count", "description"]
    export_headings = {
        "unit.name": "Đơn vị phát động",
        "title": "Tên phong trào",
        "start_date": "Từ ngày",
        "end_date": "Đến ngày",
        "participant_count": "Số đơn vị tham gia",
        "task_count": "Số nhiệm vụ",
        "description": "Nội dung, chỉ tiêu",
    }
    list_display = [
        "title",
        Column("unit", label="Đơn vị phát động", accessor="unit.name", sort_key="unit__path"),
        DateColumn("start_date", label="Từ ngày", sort_key="start_date"),
        DateColumn("end_date", label="Đến ngày", sort_key="end_date"),
        NumberColumn("participant_count", label="Đơn vị tham gia", sort_key="participant_count"),
        NumberColumn("task_count", label="Nhiệm vụ", sort_key="task_count"),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("unit"),
            FieldPanel("title"),
            FieldPanel("description"),
            FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")], heading="Thời gian"),
            FieldPanel("participants"),
        ],
        base_form_class=MovementForm,
    )

    def listing_queryset(self, queryset):
        return (
            super()
            .listing_queryset(queryset)
            .annotate(participant_count=Count("participants", distinct=True), task_count=Count("tasks", distinct=True))
        )
