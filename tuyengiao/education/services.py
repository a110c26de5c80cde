"""Writes for study campaigns and political education.

Each function takes the acting user, checks their right on every unit it
touches (`require_unit_access`), validates in Vietnamese, runs in one
transaction and leaves an entry in Wagtail's log (shown in the admin history).
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from wagtail.log_actions import log

from tuyengiao.documents.selectors import documents_visible_to
from tuyengiao.units.models import Unit
from tuyengiao.units.selectors import require_record_access, require_unit_access, units_visible_to

from . import selectors
from .models import (
    Attendance,
    BriefingConference,
    EducationClass,
    EventRecord,
    Participant,
    ParticipantAttendance,
    Programme,
    Reporter,
    StudyCampaign,
    StudyCampaignUnit,
    StudyReturn,
    format_date,
)


def _require_staff(actor) -> None:
    if not selectors.is_staff_anywhere(actor):
        raise PermissionDenied("Bạn chưa được phân công vai trò công tác ở đơn vị nào.")


def _require_units(actor, units: Iterable[Unit]) -> None:
    """One query for many units: every one of them must be inside the actor's subtrees."""
    units = list(units)
    if not units or actor.is_superuser:
        return
    allowed = set(units_visible_to(actor).filter(pk__in=[u.pk for u in units]).values_list("pk", flat=True))
    for unit in units:
        if unit.pk not in allowed:
            raise PermissionDenied(f"Bạn không có quyền với đơn vị “{unit.name}”.")


def _full_clean(instance, *, exclude: list[str] | None = None) -> None:
    instance.full_clean(exclude=exclude, validate_constraints=False)


# --- study campaigns ---------------------------------------------------------------


@transaction.atomic
def campaign_save(
    *,
    actor,
    campaign: StudyCampaign,
    units: Iterable[Unit] | None = None,
    cells_under: Iterable[Unit] = (),
    documents: Iterable | None = None,
) -> StudyCampaign:
    """Create or update a campaign.

    `units` replaces the required units, `cells_under` adds every open Party
    cell below each given unit, `documents` replaces the registered documents.
    Both the old and the new issuing unit must be inside the actor's subtrees.
    """
    _require_staff(actor)
    creating = campaign.pk is None
    require_record_access(actor, campaign, unit_field="issuing_unit")
    _full_clean(campaign)
    documents = list(documents) if documents is not None else None
    has_documents = bool(documents) if documents is not None else (not creating and campaign.documents.exists())
    if not (campaign.documents_text.strip() or campaign.theme.strip() or has_documents):
        raise ValidationError({"documents_text": StudyCampaign.SUBJECT_MISSING})
    campaign.save()
    if documents is not None:
        _set_documents(actor=actor, campaign=campaign, documents=documents)
    if units is not None or cells_under:
        wanted = {u.pk: u for u in (units if units is not None else campaign.units.all())}
        for parent in Unit.objects.filter(pk__in=[u.pk for u in cells_under]):  # fresh paths: trees move
            require_unit_access(actor, parent)
            wanted.update({u.pk: u for u in selectors.cells_under(parent, on=campaign.starts_on)})
        _set_units(actor=actor, campaign=campaign, units=list(wanted.values()))
    log(campaign, "wagtail.create" if creating else "wagtail.edit", user=actor)
    return campaign


def _set_documents(*, actor, campaign: StudyCampaign, documents: list) -> None:
    """Newly linked documents must be ones the actor can see in the documents registry."""
    current = set(campaign.documents.values_list("pk", flat=True))
    added = {d.pk for d in documents} - current
    if added and documents_visible_to(actor).filter(pk__in=added).count() != len(added):
        raise PermissionDenied("Bạn không có quyền với văn bản đã chọn.")
    campaign.documents.set(documents)


def _set_units(*, actor, campaign: StudyCampaign, units: list[Unit]) -> None:
    current = set(StudyCampaignUnit.objects.filter(campaign=campaign).values_list("unit_id", flat=True))
    wanted = {u.pk for u in units}
    added = [u for u in units if u.pk not in current]
    removed = current - wanted
    _require_units(actor, added)
    if removed:
        removed_units = list(Unit.objects.filter(pk__in=removed))
        _require_units(actor, removed_units)
        filed = list(
            Unit.objects.filter(pk__in=removed, study_returns__campaign=campaign).values_list("name", flat=True)
        )
        if filed:
            raise ValidationError(
                f"Đơn vị “{filed[0]}” đã nộp báo cáo kết quả học tập, không thể bỏ khỏi đợt học tập này."
            )
        StudyCampaignUnit.objects.filter(campaign=campaign, unit_id__in=removed).delete()
    StudyCampaignUnit.objects.bulk_create(
        [StudyCampaignUnit(campaign=campaign, unit=u) for u in added], batch_size=1000
    )


@transaction.atomic
def campaign_add_cells_under(*, actor, campaign: StudyCampaign, unit: Unit) -> int:
    """The "all cells under ward X" helper: adds every open Party cell below `unit`; returns how many were added."""
    _require_staff(actor)
    require_unit_access(actor, campaign.issuing_unit)
    unit = Unit.objects.get(pk=unit.pk)  # a fresh path: the tree may have moved since it was loaded
    require_unit_access(actor, unit)
    current = set(StudyCampaignUnit.objects.filter(campaign=campaign).values_list("unit_id", flat=True))
    new = [u for u in selectors.cells_under(unit, on=campaign.starts_on) if u.pk not in current]
    StudyCampaignUnit.objects.bulk_create([StudyCampaignUnit(campaign=campaign, unit=u) for u in new], batch_size=1000)
    log(campaign, "wagtail.edit", user=actor)
    return len(new)


@transaction.atomic
def campaign_delete(*, actor, campaign: StudyCampaign) -> None:
    require_unit_access(actor, campaign.issuing_unit)
    if campaign.returns.exists():
        raise ValidationError("Đợt học tập đã có báo cáo kết quả của đơn vị, không thể xóa.")
    log(campaign, "wagtail.delete", user=actor)
    campaign.delete()


def check_unit_in_campaign(campaign: StudyCampaign, unit: Unit) -> None:
    if not StudyCampaignUnit.objects.filter(campaign=campaign, unit=unit).exists():
        raise ValidationError(f"Đơn vị “{unit.name}” không thuộc đợt học tập này.")


def return_date_errors(campaign: StudyCampaign, studied_on: datetime.date | None) -> dict[str, str]:
    if studied_on and studied_on < campaign.starts_on:
        return {
            "studied_on": f"Ngày học tập ({format_date(studied_on)}) trước ngày triển khai đợt học tập "
            f"({format_date(campaign.starts_on)})."
        }
    return {}


@transaction.atomic
def study_return_submit(
    *,
    actor,
    campaign: StudyCampaign,
    unit: Unit,
    members_total: int,
    members_present: int,
    makeup_sessions: int = 0,
    makeup_attendance: int = 0,
    summaries_submitted: int = 0,
    studied_on: datetime.date,
    submitted_on: datetime.date | None = None,
    note: str = "",
) -> StudyReturn:
    """File a unit's return; filing again for the same campaign and unit replaces the earlier one."""
    _require_staff(actor)
    require_unit_access(actor, unit)
    check_unit_in_campaign(campaign, unit)
    submitted_on = submitted_on or timezone.localdate()
    values = {
        "members_total": members_total,
        "members_present": members_present,
        "makeup_sessions": makeup_sessions,
        "makeup_attendance": makeup_attendance,
        "summaries_submitted": summaries_submitted,
        "studied_on": studied_on,
        "submitted_on": submitted_on,
    }
    errors = {**StudyReturn.count_errors(**values), **return_date_errors(campaign, studied_on)}
    if errors:
        raise ValidationError(errors)
    study_return, created = StudyReturn.objects.update_or_create(
        campaign=campaign, unit=unit, defaults={**values, "note": note.strip(), "updated_by": actor}
    )
    log(study_return, "wagtail.create" if created else "wagtail.edit", user=actor)
    return study_return


@transaction.atomic
def study_return_delete(*, actor, study_return: StudyReturn) -> None:
    require_unit_access(actor, study_return.unit)
    log(study_return, "wagtail.delete", user=actor)
    study_return.delete()


# --- classes, conferences, attendance -----------------------------------------------


def _recorded_attendance(education_class: EducationClass, *, excluding_units: Iterable[int] = ()) -> int:
    rows = Attendance.objects.filter(education_class=education_class).exclude(unit_id__in=list(excluding_units))
    return rows.aggregate(total=Sum("count"))["total"] or 0


@transaction.atomic
def class_save(*, actor, education_class: EducationClass, lecturers: Iterable | None = None) -> EducationClass:
    """Create or update a class; its attendance rows follow its opening date."""
    _require_staff(actor)
    creating = education_class.pk is None
    require_record_access(actor, education_class, unit_field="organiser")
    _full_clean(education_class)
    if not creating:
        recorded = _recorded_attendance(education_class)
        if recorded > education_class.enrolled:
            raise ValidationError(
                {"enrolled": f"Số học viên ({education_class.enrolled}) nhỏ hơn tổng số người dự đã ghi ({recorded})."}
            )
    education_class.save()
    if lecturers is not None:
        education_class.lecturers.set(lecturers)
    if not creating:
        Attendance.objects.filter(education_class=education_class).update(held_on=education_class.starts_on)
        ParticipantAttendance.objects.filter(education_class=education_class).update(held_on=education_class.starts_on)
    log(education_class, "wagtail.create" if creating else "wagtail.edit", user=actor)
    return education_class


@transaction.atomic
def conference_save(*, actor, conference: BriefingConference) -> BriefingConference:
    _require_staff(actor)
    creating = conference.pk is None
    require_record_access(actor, conference, unit_field="organiser")
    _full_clean(conference)
    conference.save()
    if not creating:
        Attendance.objects.filter(conference=conference).update(held_on=conference.held_on)
        ParticipantAttendance.objects.filter(conference=conference).update(held_on=conference.held_on)
    log(conference, "wagtail.create" if creating else "wagtail.edit", user=actor)
    return conference


@transaction.atomic
def event_delete(*, actor, event: EducationClass | BriefingConference) -> None:
    require_unit_access(actor, event.organiser)
    log(event, "wagtail.delete", user=actor)
    event.delete()


def require_attendance_access(actor, event: EducationClass | BriefingConference, unit: Unit) -> None:
    """The organiser records everyone's attendance; a unit may record its own people's."""
    if actor.is_superuser:
        return
    visible = units_visible_to(actor).filter(pk__in=[event.organiser_id, unit.pk]).exists()
    if not visible:
        raise PermissionDenied(f"Bạn không có quyền ghi số người dự của đơn vị “{unit.name}” tại “{event}”.")


def enrolment_error(education_class: EducationClass, total: int) -> str | None:
    if total > education_class.enrolled:
        return f"số người dự ({total}) lớn hơn số học viên ({education_class.enrolled})"
    return None


@transaction.atomic
def attendance_record(*, actor, event: EducationClass | BriefingConference, unit: Unit, count: int) -> Attendance:
    """Set how many people of `unit` attended `event` (lượt); recording again replaces the count.

    For a class, the attendance of all units together may not exceed the enrolment.
    """
    _require_staff(actor)
    require_attendance_access(actor, event, unit)
    if count is None or count < 0:
        raise ValidationError({"count": "Số lượt người dự phải là số không âm."})
    if isinstance(event, EducationClass):
        # Lock the class row so two concurrent writers cannot both pass the enrolment check.
        event = EducationClass.objects.select_for_update().get(pk=event.pk)
        total = _recorded_attendance(event, excluding_units=[unit.pk]) + count
        if error := enrolment_error(event, total):
            raise ValidationError({"count": error[0].upper() + error[1:] + "."})
    attendance, created = Attendance.objects.update_or_create(
        **EventRecord.event_lookup(event), unit=unit, defaults={"count": count, "held_on": event.event_date}
    )
    log(attendance, "wagtail.create" if created else "wagtail.edit", user=actor)
    return attendance


@transaction.atomic
def attendance_delete(*, actor, attendance: Attendance) -> None:
    require_attendance_access(actor, attendance.event, attendance.unit)
    log(attendance, "wagtail.delete", user=actor)
    attendance.delete()


def clean_full_name(full_name: str) -> str:
    full_name = unicodedata.normalize("NFC", " ".join((full_name or "").split()))
    if not full_name:
        raise ValidationError({"full_name": "Họ và tên không được để trống."})
    if len(full_name) > 255:
        raise ValidationError({"full_name": "Họ và tên dài quá 255 ký tự."})
    return full_name


def named_list_error(event: EducationClass | BriefingConference, total: int) -> str | None:
    """A class's list of names cannot be longer than its enrolment (a conference has no enrolment)."""
    if isinstance(event, EducationClass) and total > event.enrolled:
        return f"Danh sách người dự lớp “{event.title}” ({total} người) dài hơn số học viên ({event.enrolled})."
    return None


@transaction.atomic
def participant_attendance_record(
    *, actor, event: EducationClass | BriefingConference, full_name: str, unit: Unit
) -> ParticipantAttendance:
    """Put one named person on an event's list (the source of distinct-people counts).

    The same name in the same unit is the same person across events, so they
    count once however many events they attend. The organiser records
    anyone; a unit records its own people.
    """
    _require_staff(actor)
    require_attendance_access(actor, event, unit)
    full_name = clean_full_name(full_name)
    if isinstance(event, EducationClass):  # lock the class: two writers must not both pass the enrolment check
        event = EducationClass.objects.select_for_update().get(pk=event.pk)
    participant, _ = Participant.objects.get_or_create(full_name=full_name, unit=unit)
    lookup = EventRecord.event_lookup(event)
    if ParticipantAttendance.objects.filter(participant=participant, **lookup).exists():
        raise ValidationError({"full_name": f"{full_name} ({unit.name}) đã có trong danh sách người dự “{event}”."})
    if error := named_list_error(event, ParticipantAttendance.objects.filter(**lookup).count() + 1):
        raise ValidationError({"full_name": error})
    record = ParticipantAttendance.objects.create(participant=participant, held_on=event.event_date, **lookup)
    log(record, "wagtail.create", user=actor)
    return record


@transaction.atomic
def participant_attendance_delete(*, actor, record: ParticipantAttendance) -> None:
    """Take a person off an event's list; a person on no list any more is forgotten too."""
    record = ParticipantAttendance.objects.select_related(
        "participant__unit", "education_class__organiser", "conference__organiser"
    ).get(pk=record.pk)
    require_attendance_access(actor, record.event, record.participant.unit)
    log(record, "wagtail.delete", user=actor)
    participant = record.participant
    record.delete()
    if not participant.attendances.exists():
        participant.delete()


# --- reporters, programmes ---------------------------------------------------------------


@transaction.atomic
def reporter_save(*, actor, reporter: Reporter) -> Reporter:
    _require_staff(actor)
    creating = reporter.pk is None
    require_record_access(actor, reporter)
    _full_clean(reporter)
    reporter.save()
    log(reporter, "wagtail.create" if creating else "wagtail.edit", user=actor)
    return reporter


@transaction.atomic
def reporter_delete(*, actor, reporter: Reporter) -> None:
    require_unit_access(actor, reporter.unit)
    log(reporter, "wagtail.delete", user=actor)
    reporter.delete()


@transaction.atomic
def programme_delete(*, actor, programme: Programme) -> None:
    if programme.classes.exists():
        raise ValidationError("Chương trình đã có lớp bồi dưỡng: hãy bỏ chọn “đang dùng” thay vì xóa.")
    log(programme, "wagtail.delete", user=actor)
    programme.delete()
