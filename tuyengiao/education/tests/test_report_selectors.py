"""Figures for the review reports: numbers for a subtree and period, each with the records behind it."""

import datetime

import pytest
from django.db.models import Sum

from tuyengiao.education import selectors
from tuyengiao.education.models import BriefingConference, Level, Mode, Programme
from tuyengiao.education.services import (
    attendance_record,
    conference_save,
    participant_attendance_record,
    study_return_submit,
)

from .conftest import make_class

YEAR = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))


def conference(actor, organiser, day, mode=Mode.IN_PERSON, points=0):
    return conference_save(
        actor=actor,
        conference=BriefingConference(
            title=f"Hội nghị báo cáo viên {day:%m/%Y} — {organiser.name}",
            organiser=organiser,
            held_on=day,
            level=Level.LOCAL,
            mode=mode,
            connection_points=points,
        ),
    )


def traced(figure) -> int:
    """What the figure's records add up to: their count, or the sum of the named field."""
    if figure.sum_field:
        return figure.records.aggregate(total=Sum(figure.sum_field))["total"] or 0
    return figure.records.count()


@pytest.fixture
def events(tree, users, programme):
    admin = users["admin"]
    new_members = Programme.objects.get(code="dang-vien-moi")
    classes = [
        make_class(actor=admin, organiser=tree.ward_a, programme=programme, enrolled=40, completed=38),
        make_class(actor=admin, organiser=tree.a1, programme=programme, enrolled=20, completed=20, title="Lớp 2"),
        make_class(actor=admin, organiser=tree.ward_l, programme=new_members, enrolled=30, completed=29, title="Lớp 3"),
        # Next year: outside the period.
        make_class(
            actor=admin, organiser=tree.ward_a, programme=programme, enrolled=50, starts_on=datetime.date(2026, 2, 2)
        ),
        # The merged ward's class after the merge counts for Long Hòa.
        make_class(actor=admin, organiser=tree.ward_m, programme=new_members, enrolled=10, title="Lớp 5"),
    ]
    conferences = [
        conference(admin, tree.ward_a, datetime.date(2025, 3, 10)),
        conference(admin, tree.ward_a, datetime.date(2025, 4, 10), Mode.ONLINE, 6),
        conference(admin, tree.ward_a, datetime.date(2025, 5, 10), Mode.BOTH, 4),
        conference(admin, tree.ward_l, datetime.date(2025, 5, 12), Mode.ONLINE, 3),
    ]
    for event, unit, count in [
        (classes[0], tree.a1, 25),
        (classes[0], tree.a2, 15),
        (classes[1], tree.a1, 20),
        (conferences[0], tree.a1, 30),
        (conferences[0], tree.l1, 12),  # someone from a sibling ward at An Thới's conference
        (conferences[1], tree.a2, 44),
        (conferences[3], tree.l1, 18),
    ]:
        attendance_record(actor=admin, event=event, unit=unit, count=count)
    # By-name lists only for two events; one person came to both.
    for event, name, unit in [
        (classes[0], "Trần Văn Bình", tree.a1),
        (classes[0], "Lê Thị Cúc", tree.a2),
        (conferences[0], "Trần Văn Bình", tree.a1),
    ]:
        participant_attendance_record(actor=admin, event=event, full_name=name, unit=unit)
    return classes, conferences


def test_classes_by_programme(tree, events):
    figures = selectors.class_figures(unit=tree.ward_a, start=YEAR[0], end=YEAR[1])

    assert (figures.classes.value, figures.enrolled.value, figures.completed.value) == (2, 60, 58)
    assert [(p.programme.code, p.classes.value, p.enrolled.value) for p in figures.by_programme] == [
        ("nhan-thuc-ve-dang", 2, 60)
    ]
    long_hoa = selectors.class_figures(unit=tree.ward_l, start=YEAR[0], end=YEAR[1])
    assert (long_hoa.classes.value, long_hoa.enrolled.value) == (2, 40)  # incl. the merged ward's class


def test_conferences_and_online_ones(tree, events):
    figures = selectors.conference_figures(unit=tree.province, start=YEAR[0], end=YEAR[1])

    assert (figures.conferences.value, figures.online.value, figures.connection_points.value) == (4, 3, 13)
    ward = selectors.conference_figures(
        unit=tree.ward_a, start=datetime.date(2025, 4, 1), end=datetime.date(2025, 4, 30)
    )
    assert (ward.conferences.value, ward.online.value) == (1, 1)


def test_attendance_in_luot_and_people_only_from_named_lists(tree, events):
    by_organiser = selectors.attendance_figures(unit=tree.ward_a, start=YEAR[0], end=YEAR[1])
    by_attendee = selectors.attendance_figures(unit=tree.ward_a, start=YEAR[0], end=YEAR[1], by="attendee")
    people = selectors.people_figures(unit=tree.ward_a, start=YEAR[0], end=YEAR[1])

    assert (by_organiser.total.value, by_organiser.classes.value, by_organiser.conferences.value) == (146, 60, 86)
    assert by_attendee.total.value == 134  # An Thới's people anywhere; the Long Hòa visitor is not one
    # Three named attendances, two distinct people; never derived from the 146 lượt.
    assert (people.people.value, people.events_with_lists) == (2, 2)


def test_every_figure_equals_its_records(tree, users, campaign, events):
    study_return_submit(
        actor=users["admin"],
        campaign=campaign,
        unit=tree.a1,
        members_total=20,
        members_present=17,
        makeup_sessions=1,
        makeup_attendance=2,
        studied_on=datetime.date(2025, 6, 10),
    )
    start, end = YEAR
    classes = selectors.class_figures(unit=tree.province, start=start, end=end)
    conferences = selectors.conference_figures(unit=tree.province, start=start, end=end)
    attendance = selectors.attendance_figures(unit=tree.province, start=start, end=end)
    study = selectors.study_figures(unit=tree.province, start=start, end=end)
    figures = [
        classes.classes,
        classes.enrolled,
        classes.completed,
        *[f for p in classes.by_programme for f in (p.classes, p.enrolled, p.completed)],
        conferences.conferences,
        conferences.online,
        conferences.connection_points,
        attendance.total,
        attendance.classes,
        attendance.conferences,
        selectors.people_figures(unit=tree.province, start=start, end=end).people,
        *[f for c in study for f in (c.required, c.returned, c.members_total, c.members_studied)],
    ]

    assert [traced(f) for f in figures] == [f.value for f in figures]
    assert [(c.campaign, c.returned.value, c.members_studied.value) for c in study] == [(campaign, 1, 19)]
    assert selectors.format_percent(study[0].studied_rate) == "95%"


def test_an_empty_period_gives_zeros_not_errors(tree, events):
    quiet = (datetime.date(2024, 1, 1), datetime.date(2024, 6, 30))

    assert selectors.class_figures(unit=tree.province, start=quiet[0], end=quiet[1]).classes.value == 0
    assert selectors.attendance_figures(unit=tree.province, start=quiet[0], end=quiet[1]).total.value == 0
    assert selectors.study_figures(unit=tree.province, start=quiet[0], end=quiet[1]) == []
    with pytest.raises(ValueError, match="Ngày kết thúc không được trước ngày bắt đầu."):
        selectors.class_figures(unit=tree.province, start=quiet[1], end=quiet[0])


def test_attendance_rollup_per_ward(tree, events):
    rows = selectors.attendance_rollup(root=tree.province, start=YEAR[0], end=YEAR[1])

    assert [(row.unit, row.attendances) for row in rows] == [(tree.ward_a, 134), (tree.ward_l, 30)]


def test_attendance_of_a_merged_ward_counts_for_its_successor_from_the_merge_date(tree, users, events):
    admin = users["admin"]
    before = conference(admin, tree.province, datetime.date(2025, 6, 10))
    after = conference(admin, tree.province, datetime.date(2025, 8, 10))
    attendance_record(actor=admin, event=before, unit=tree.ward_m, count=7)
    attendance_record(actor=admin, event=after, unit=tree.ward_m, count=5)

    rows = selectors.attendance_rollup(root=tree.province, start=YEAR[0], end=YEAR[1])
    total = selectors.attendance_figures(unit=tree.province, start=YEAR[0], end=YEAR[1], by="attendee").total

    assert [(row.unit, row.attendances) for row in rows] == [(tree.ward_a, 134), (tree.ward_l, 35), (tree.ward_m, 7)]
    assert sum(row.attendances for row in rows) == total.value == traced(total)
    long_hoa = selectors.attendance_figures(unit=tree.ward_l, start=YEAR[0], end=YEAR[1], by="attendee").total
    assert long_hoa.value == 35 == traced(long_hoa)
