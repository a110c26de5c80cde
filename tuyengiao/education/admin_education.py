"""Admin for political education: programmes, classes, briefing conferences, attendance in lượt, reporters."""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.functional import cached_property
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet

from tuyengiao.units.models import Role, Unit

from . import selectors, services
from .admin_base import (
    DateColumn,
    NumberColumn,
    ScopedCreateView,
    ScopedDeleteView,
    ScopedEditView,
    ScopedModelForm,
    UnitChoiceField,
    UnitScopedViewSet,
)
from .models import (
    Attendance,
    BriefingConference,
    EducationClass,
    Programme,
    Reporter,
)

# --- programmes (configuration; Django model permissions) ------------------------------------------


class ProgrammeDeleteView(ModelViewSet.delete_view_class):
    def delete_action(self):
        services.programme_delete(actor=self.request.user, programme=self.object)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return redirect(self.get_success_url())


class ProgrammeViewSet(ModelViewSet):
    model = Programme
    icon = "list-ol"
    menu_label = "Chương trình bồi dưỡng"
    url_prefix = "education/programmes"
    copy_view_enabled = False
    delete_view_class = ProgrammeDeleteView
    ordering = ["sort_order", "name"]
    list_display = ["name", "code", Column("sort_order", label="Thứ tự"), Column("is_active", label="Đang dùng")]
    list_export = ["name", "code", "sort_order", "is_active"]
    export_filename = "chuong-trinh-boi-duong"
    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("code"), FieldPanel("sort_order"), FieldPanel("is_active")]),
        FieldPanel("description"),
    ]


# --- classes, conferences ---------------------------------------------------------------------------


class ClassForm(ScopedModelForm):
    unit_fields = ("organiser",)

    organiser = UnitChoiceField(label="Đơn vị tổ chức", queryset=Unit.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = Programme.objects.filter(is_active=True) | Programme.objects.filter(
            pk=self.instance.programme_id or 0
        )
        lecturers = get_user_model().objects.filter(unit_roles__role__in=[Role.LECTURER, Role.REPORTER], is_active=True)
        if self.instance.pk:
            lecturers = lecturers | self.instance.lecturers.all()
        self.fields["lecturers"].queryset = lecturers.distinct().order_by("first_name", "last_name", "username")
        self.fields["lecturers"].label_from_instance = lambda user: user.get_full_name() or user.get_username()


class ClassSaveMixin:
    def save_with_service(self):
        return services.class_save(
            actor=self.request.user,
            education_class=self.form.instance,
            lecturers=self.form.cleaned_data.get("lecturers"),
        )


class ClassCreateView(ClassSaveMixin, ScopedCreateView):
    pass


class ClassEditView(ClassSaveMixin, ScopedEditView):
    pass


class EventDeleteView(ScopedDeleteView):
    def delete_action(self):
        services.event_delete(actor=self.request.user, event=self.object)


class EducationClassViewSet(UnitScopedViewSet):
    model = EducationClass
    icon = "group"
    menu_label = "Lớp bồi dưỡng"
    url_prefix = "education/classes"
    add_view_class = ClassCreateView
    edit_view_class = ClassEditView
    delete_view_class = EventDeleteView
    ordering = ["-starts_on", "title"]
    search_fields = ["title", "place", "lecturer_names"]
    list_filter = {"programme": ["exact"], "mode": ["exact"], "starts_on": ["gte", "lte"]}
    export_filename = "lop-boi-duong"
    list_export = [
        "pk",
        "title",
        "programme",
        "organiser",
        "starts_on",
        "ends_on",
        "place",
        "get_mode_display",
        "lecturer_names",
        "enrolled",
        "completed",
    ]
    export_headings = {"pk": "Mã", "get_mode_display": "Hình thức", "organiser": "Đơn vị tổ chức"}
    list_display = [
        "title",
        Column("pk", label="Mã", sort_key="pk"),
        Column("programme", label="Chương trình"),
        Column("organiser", label="Đơn vị tổ chức"),
        DateColumn("starts_on", label="Khai giảng", sort_key="starts_on"),
        DateColumn("ends_on", label="Bế giảng"),
        Column("mode", label="Hình thức", accessor="get_mode_display"),
        NumberColumn("enrolled", label="Học viên", sort_key="enrolled"),
        NumberColumn("completed", label="Hoàn thành"),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldRowPanel([FieldPanel("programme"), FieldPanel("organiser")]),
            FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
            FieldRowPanel([FieldPanel("place"), FieldPanel("mode")]),
            FieldRowPanel([FieldPanel("lecturer_names"), FieldPanel("lecturers")]),
            FieldRowPanel([FieldPanel("enrolled"), FieldPanel("completed")]),
            FieldPanel("note"),
        ],
        base_form_class=ClassForm,
    )

    def listing_queryset(self, queryset):
        return queryset.select_related("programme", "organiser")

    def object_queryset(self, queryset):
        return queryset.select_related("programme", "organiser")


class ConferenceForm(ScopedModelForm):
    unit_fields = ("organiser",)

    organiser = UnitChoiceField(label="Đơn vị tổ chức", queryset=Unit.objects.none())


class ConferenceSaveMixin:
    def save_with_service(self):
        return services.conference_save(actor=self.request.user, conference=self.form.instance)


class ConferenceCreateView(ConferenceSaveMixin, ScopedCreateView):
    pass


class ConferenceEditView(ConferenceSaveMixin, ScopedEditView):
    pass


class BriefingConferenceViewSet(UnitScopedViewSet):
    model = BriefingConference
    icon = "microphone"
    menu_label = "Hội nghị báo cáo viên"
    url_prefix = "education/conferences"
    add_view_class = ConferenceCreateView
    edit_view_class = ConferenceEditView
    delete_view_class = EventDeleteView
    ordering = ["-held_on", "title"]
    search_fields = ["title", "topics"]
    list_filter = {"level": ["exact"], "mode": ["exact"], "held_on": ["gte", "lte"]}
    export_filename = "hoi-nghi-bao-cao-vien"
    list_export = [
        "pk",
        "title",
        "organiser",
        "held_on",
        "get_level_display",
        "get_mode_display",
        "connection_points",
        "topics",
    ]
    export_headings = {
        "pk": "Mã",
        "organiser": "Đơn vị tổ chức",
        "get_level_display": "Cấp",
        "get_mode_display": "Hình thức",
    }
    list_display = [
        "title",
        Column("pk", label="Mã", sort_key="pk"),
        Column("organiser", label="Đơn vị tổ chức"),
        DateColumn("held_on", label="Ngày tổ chức", sort_key="held_on"),
        Column("level", label="Cấp", accessor="get_level_display"),
        Column("mode", label="Hình thức", accessor="get_mode_display"),
        NumberColumn("connection_points", label="Điểm cầu"),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldRowPanel([FieldPanel("organiser"), FieldPanel("held_on")]),
            FieldRowPanel([FieldPanel("level"), FieldPanel("mode"), FieldPanel("connection_points")]),
            FieldPanel("topics"),
            FieldPanel("note"),
        ],
        base_form_class=ConferenceForm,
    )

    def listing_queryset(self, queryset):
        return queryset.select_related("organiser")

    def object_queryset(self, queryset):
        return queryset.select_related("organiser")


# --- attendance (lượt) ----------------------------------------------------------------------------------


class AttendanceForm(ScopedModelForm):
    unit_fields = ("unit",)

    unit = UnitChoiceField(label="Đơn vị dự", queryset=Unit.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if self.instance.pk:  # the event and unit are fixed once recorded (shown read-only)
            self.fields.pop("unit", None)
        if "education_class" in self.fields:
            self.fields["education_class"].queryset = selectors.classes_visible_to(user).order_by("-starts_on")
            self.fields["conference"].queryset = selectors.conferences_visible_to(user).order_by("-held_on")
        # Counting the organiser's event for any unit is allowed: offer every unit the user sees.

    def _get_validation_exclusions(self):
        exclusions = super()._get_validation_exclusions()
        exclusions.add("unit")  # recording again replaces the count (services.attendance_record)
        return exclusions

    def clean(self):
        data = super().clean()
        if "education_class" in self.fields:
            chosen = [data.get("education_class"), data.get("conference")]
            if sum(1 for event in chosen if event) != 1:
                raise forms.ValidationError("Chọn đúng một lớp bồi dưỡng hoặc một hội nghị báo cáo viên.")
        return data


class AttendanceSaveMixin:
    def save_with_service(self):
        data = self.form.cleaned_data
        instance = self.form.instance
        event = data.get("education_class") or data.get("conference") or instance.event
        return services.attendance_record(
            actor=self.request.user, event=event, unit=data.get("unit") or instance.unit, count=data["count"]
        )


class AttendanceCreateView(AttendanceSaveMixin, ScopedCreateView):
    pass


class AttendanceEditView(AttendanceSaveMixin, ScopedEditView):
    pass


class AttendanceDeleteView(ScopedDeleteView):
    def delete_action(self):
        services.attendance_delete(actor=self.request.user, attendance=self.object)


class AttendanceFilterSet(WagtailFilterSet):
    held_on = django_filters.DateFromToRangeFilter(label="Ngày diễn ra", widget=DateRangePickerWidget)
    kind = django_filters.ChoiceFilter(
        label="Loại hoạt động",
        choices=[("class", "Lớp bồi dưỡng"), ("conference", "Hội nghị báo cáo viên")],
        method="filter_kind",
        empty_label="Tất cả",
    )
    education_class = django_filters.NumberFilter(label="Mã lớp", field_name="education_class_id")
    conference = django_filters.NumberFilter(label="Mã hội nghị", field_name="conference_id")

    class Meta:
        model = Attendance
        fields: list[str] = []

    def filter_kind(self, queryset, name, value):
        if value == "class":
            return queryset.filter(education_class__isnull=False)
        if value == "conference":
            return queryset.filter(conference__isnull=False)
        return queryset


class AttendanceViewSet(UnitScopedViewSet):
    model = Attendance
    icon = "table"
    menu_label = "Số lượt người dự"
    url_prefix = "education/attendance"
    add_view_class = AttendanceCreateView
    edit_view_class = AttendanceEditView
    delete_view_class = AttendanceDeleteView
    filterset_class = AttendanceFilterSet
    ordering = ["-held_on", "unit__path"]
    search_fields = ["unit__name", "education_class__title", "conference__title"]
    export_filename = "so-luot-nguoi-du"
    list_export = ["held_on", "event", "unit_id", "unit", "count"]
    export_headings = {"event": "Hoạt động", "unit_id": "Mã đơn vị", "unit": "Đơn vị dự", "held_on": "Ngày diễn ra"}
    list_display = [
        "unit",
        Column("event", label="Hoạt động"),
        DateColumn("held_on", label="Ngày diễn ra", sort_key="held_on"),
        NumberColumn("count", label="Số lượt", sort_key="count"),
    ]
    create_panels = [
        FieldRowPanel([FieldPanel("education_class"), FieldPanel("conference")]),
        FieldPanel("unit"),
        FieldPanel("count"),
    ]
    edit_panels = [
        FieldRowPanel([FieldPanel("unit", read_only=True), FieldPanel("held_on", read_only=True)]),
        FieldPanel("count"),
    ]

    def listing_queryset(self, queryset):
        return queryset.select_related("unit", "education_class__organiser", "conference__organiser")

    def object_queryset(self, queryset):
        return queryset.select_related("unit", "education_class__organiser", "conference__organiser")

    @cached_property
    def _create_handler(self):
        return ObjectList(self.create_panels, base_form_class=AttendanceForm).bind_to_model(Attendance)

    def get_edit_handler(self):
        return ObjectList(self.edit_panels, base_form_class=AttendanceForm).bind_to_model(Attendance)

    def get_add_view_kwargs(self, **kwargs):
        return super().get_add_view_kwargs(
            panel=self._create_handler, form_class=self._create_handler.get_form_class(), **kwargs
        )


# --- reporters ----------------------------------------------------------------------------------------


class ReporterForm(ScopedModelForm):
    unit_fields = ("unit",)

    unit = UnitChoiceField(label="Đơn vị", queryset=Unit.objects.none())


class ReporterSaveMixin:
    def save_with_service(self):
        return services.reporter_save(actor=self.request.user, reporter=self.form.instance)


class ReporterCreateView(ReporterSaveMixin, ScopedCreateView):
    pass


class ReporterEditView(ReporterSaveMixin, ScopedEditView):
    pass


class ReporterDeleteView(ScopedDeleteView):
    def delete_action(self):
        services.reporter_delete(actor=self.request.user, reporter=self.object)


class ReporterViewSet(UnitScopedViewSet):
    model = Reporter
    icon = "user"
    menu_label = "Báo cáo viên"
    url_prefix = "education/reporters"
    add_view_class = ReporterCreateView
    edit_view_class = ReporterEditView
    delete_view_class = ReporterDeleteView
    ordering = ["level", "full_name"]
    search_fields = ["full_name", "position", "decision", "unit__name"]
    list_filter = {"level": ["exact"], "term": ["exact"]}
    export_filename = "bao-cao-vien"
    list_export = ["full_name", "position", "unit", "get_level_display", "term", "decision", "decision_date"]
    export_headings = {"get_level_display": "Cấp", "unit": "Đơn vị"}
    list_display = [
        "full_name",
        Column("position", label="Chức vụ"),
        Column("unit", label="Đơn vị"),
        Column("level", label="Cấp", accessor="get_level_display", sort_key="level"),
        Column("term", label="Nhiệm kỳ"),
        Column("decision", label="Quyết định công nhận"),
        DateColumn("decision_date", label="Ngày quyết định"),
    ]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("full_name"), FieldPanel("position")]),
            FieldRowPanel([FieldPanel("unit"), FieldPanel("level")]),
            FieldRowPanel([FieldPanel("term"), FieldPanel("decision"), FieldPanel("decision_date")]),
            FieldPanel("user"),
        ],
        base_form_class=ReporterForm,
    )

    def listing_queryset(self, queryset):
        return queryset.select_related("unit")

    def object_queryset(self, queryset):
        return queryset.select_related("unit")
