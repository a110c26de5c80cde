"""Admin for political education: programmes, classes, briefing conferences, attendance, reporters.

Attendance is kept two ways, never derived from each other (DESIGN.md §1):
lượt per event and unit (`Attendance`), and, where a unit keeps a list of
names, the people at an event (`ParticipantAttendance`), the only source of
the distinct-people figure.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.urls import reverse
from django.utils.functional import cached_property
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet

from tuyengiao.portal.dates import vietnamese_number
from tuyengiao.units.models import Role, Unit
from tuyengiao.units.scoped_admin import (
    DateColumn,
    NumberColumn,
    RefusedDeleteMixin,
    ScopedCreateView,
    ScopedDeleteView,
    ScopedEditView,
    ScopedIndexView,
    ScopedModelForm,
    UnitChoiceField,
    UnitScopedViewSet,
)

from . import selectors, services
from .models import (
    Attendance,
    BriefingConference,
    EducationClass,
    ParticipantAttendance,
    Programme,
    Reporter,
)

# --- programmes (configuration; Django model permissions) ------------------------------------------


class ProgrammeDeleteView(RefusedDeleteMixin, ModelViewSet.delete_view_class):
    def delete_action(self):
        services.programme_delete(actor=self.request.user, programme=self.object)


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

PARTICIPANTS_INDEX = "education_participants:index"


def with_people(events):
    """Annotate `people`: the people recorded by name at each event (one row per person and event)."""
    return events.annotate(people=Count("participant_attendances"))


class PeopleColumn(Column):
    """The by-name count, linked to the event's list of names (where people are added and removed)."""

    cell_template_name = "education/admin/link_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["value"] = vietnamese_number(context["raw_value"] or 0)
        event_filter = "education_class" if isinstance(instance, EducationClass) else "conference"
        context["url"] = f"{reverse(PARTICIPANTS_INDEX)}?{event_filter}={instance.pk}"
        return context


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
    related = ("programme", "organiser")
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
        PeopleColumn("people", label="Người (theo danh sách)", sort_key="people"),
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
        return with_people(super().listing_queryset(queryset))


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
    related = ("organiser",)
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
        PeopleColumn("people", label="Người (theo danh sách)", sort_key="people"),
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
        return with_people(super().listing_queryset(queryset))


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
    # __id, not _id: an id past the column's range (?education_class=1e30) then matches nothing instead of a 500.
    education_class = django_filters.NumberFilter(label="Mã lớp", field_name="education_class__id")
    conference = django_filters.NumberFilter(label="Mã hội nghị", field_name="conference__id")

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
    inspect_view_fields_exclude = ["import_batch"]
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
    related = ("unit", "education_class__organiser", "conference__organiser")
    base_form_class = AttendanceForm
    create_panels = [
        FieldRowPanel([FieldPanel("education_class"), FieldPanel("conference")]),
        FieldPanel("unit"),
        FieldPanel("count"),
    ]
    panels = [
        FieldRowPanel([FieldPanel("unit", read_only=True), FieldPanel("held_on", read_only=True)]),
        FieldPanel("count"),
    ]


# --- people recorded by name (distinct people) -------------------------------------------------------------


class ParticipantForm(ScopedModelForm):
    """One person at one event: the event, the person's unit and full name (same name and unit = same person)."""

    unit_fields = ("unit",)

    unit = UnitChoiceField(label="Đơn vị của người dự", queryset=Unit.objects.none())
    full_name = forms.CharField(label="Họ và tên", max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        self.fields["education_class"].queryset = selectors.classes_visible_to(user).order_by("-starts_on")
        self.fields["conference"].queryset = selectors.conferences_visible_to(user).order_by("-held_on")

    def clean(self):
        data = super().clean()
        if sum(1 for event in (data.get("education_class"), data.get("conference")) if event) != 1:
            raise forms.ValidationError("Chọn đúng một lớp bồi dưỡng hoặc một hội nghị báo cáo viên.")
        return data


class ParticipantCreateView(ScopedCreateView):
    def get_initial(self):
        initial = super().get_initial()
        for name in ("education_class", "conference"):
            if (value := self.request.GET.get(name, "")).isascii() and value.isdigit():  # not "²"
                initial[name] = int(value)
        return initial

    def get_success_url(self):
        """Back to the event's list, where the next name is added."""
        event_filter = "education_class" if self.object.education_class_id else "conference"
        return f"{super().get_success_url()}?{event_filter}={self.object.event.pk}"

    def save_with_service(self):
        data = self.form.cleaned_data
        return services.participant_attendance_record(
            actor=self.request.user,
            event=data.get("education_class") or data.get("conference"),
            full_name=data["full_name"],
            unit=data["unit"],
        )


class ParticipantDeleteView(ScopedDeleteView):
    def delete_action(self):
        services.participant_attendance_delete(actor=self.request.user, record=self.object)


class ParticipantFilterSet(AttendanceFilterSet):
    class Meta:
        model = ParticipantAttendance
        fields: list[str] = []


class ParticipantIndexView(ScopedIndexView):
    """Filtered to one event (`?education_class=` / `?conference=`): the event's name on top, "add" adds to it."""

    @cached_property
    def event(self) -> tuple[str, EducationClass | BriefingConference | None]:
        user = self.request.user
        for name, organised in (
            ("education_class", selectors.classes_visible_to),
            ("conference", selectors.conferences_visible_to),
        ):
            if (value := self.request.GET.get(name, "")).isascii() and value.isdigit():
                # An event the user's units organised, or one some of their people are listed at.
                listed = self.get_base_queryset().filter(**{f"{name}__id": int(value)}).first()
                return name, listed.event if listed else organised(user).filter(pk=int(value)).first()
        return "", None

    def get_add_url(self):
        url = super().get_add_url()
        name, event = self.event
        return f"{url}?{name}={event.pk}" if url and event else url

    def get_page_subtitle(self):
        _name, event = self.event
        return str(event) if event else super().get_page_subtitle()


class ParticipantAttendanceViewSet(UnitScopedViewSet):
    """The people recorded by name at each event; the count of a filtered list is that event's distinct people."""

    model = ParticipantAttendance
    icon = "user"
    menu_label = "Người dự theo danh sách"
    url_prefix = "education/participants"
    index_view_class = ParticipantIndexView
    add_view_class = ParticipantCreateView
    delete_view_class = ParticipantDeleteView
    filterset_class = ParticipantFilterSet
    ordering = ["-held_on", "participant__unit__path", "participant__full_name"]
    search_fields = ["participant__full_name", "participant__unit__name"]
    export_filename = "nguoi-du-theo-danh-sach"
    list_export = ["participant.full_name", "participant.unit.name", "event", "held_on"]
    export_headings = {
        "participant.full_name": "Họ và tên",
        "participant.unit.name": "Đơn vị",
        "event": "Hoạt động",
        "held_on": "Ngày diễn ra",
    }
    list_display = [
        Column("participant", label="Họ và tên", accessor="participant.full_name", sort_key="participant__full_name"),
        Column("unit", label="Đơn vị", accessor="participant.unit.name", sort_key="participant__unit__path"),
        Column("event", label="Hoạt động"),
        DateColumn("held_on", label="Ngày diễn ra", sort_key="held_on"),
    ]
    inspect_view_fields = ["participant", "education_class", "conference", "held_on"]
    related = ("participant__unit", "education_class__organiser", "conference__organiser")
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("education_class"), FieldPanel("conference")]),
            FieldRowPanel([FieldPanel("full_name"), FieldPanel("unit")]),
        ],
        base_form_class=ParticipantForm,
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
    related = ("unit",)
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
