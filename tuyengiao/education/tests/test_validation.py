"""Bad input is refused in Vietnamese and nothing is saved."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tuyengiao.education.models import Attendance, BriefingConference, Level, Mode, StudyReturn
from tuyengiao.education.services import attendance_record, conference_save, study_return_submit

from .conftest import make_class

STUDIED = datetime.date(2025, 6, 20)


def submit(campaign, unit, actor, **numbers):
    values = {"members_total": 25, "members_present": 20, "studied_on": STUDIED, "submitted_on": STUDIED}
    return study_return_submit(actor=actor, campaign=campaign, unit=unit, **{**values, **numbers})


def messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def test_more_present_than_members_is_refused(campaign, tree, users):
    with pytest.raises(ValidationError) as error:
        submit(campaign, tree.a1, users["a"], members_total=25, members_present=30)

    assert "Số đảng viên dự học (30) lớn hơn tổng số đảng viên (25)." in messages(error.value)
    assert not StudyReturn.objects.exists()


def test_make_up_attendance_is_limited_to_the_absent(campaign, tree, users):
    with pytest.raises(ValidationError) as error:
        submit(campaign, tree.a1, users["a"], members_present=20, makeup_sessions=1, makeup_attendance=6)

    assert "Số đảng viên học bù (6) lớn hơn số đảng viên vắng (5)." in messages(error.value)


def test_more_summaries_than_members_is_refused(campaign, tree, users):
    with pytest.raises(ValidationError) as error:
        submit(campaign, tree.a1, users["a"], summaries_submitted=26)

    assert "Số bài thu hoạch (26) lớn hơn tổng số đảng viên (25)." in messages(error.value)


def test_a_return_from_a_unit_outside_the_campaign_is_refused(campaign, tree, users):
    with pytest.raises(ValidationError) as error:
        submit(campaign, tree.board, users["admin"])

    assert messages(error.value) == "Đơn vị “Ban Tuyên giáo và Dân vận Tỉnh ủy” không thuộc đợt học tập này."
    assert not StudyReturn.objects.exists()


def test_filing_again_replaces_the_units_return(campaign, tree, users):
    submit(campaign, tree.a1, users["a"], members_present=18)
    submit(campaign, tree.a1, users["a"], members_present=22)

    assert list(StudyReturn.objects.values_list("unit", "members_present")) == [(tree.a1.pk, 22)]


def test_a_sibling_wards_staff_cannot_file_for_the_other_ward(campaign, tree, users):
    with pytest.raises(PermissionDenied):
        submit(campaign, tree.l1, users["a"])
    assert not StudyReturn.objects.exists()


def test_attendance_above_enrolment_is_refused(tree, users, programme):
    course = make_class(actor=users["p"], organiser=tree.province, programme=programme, enrolled=40)
    attendance_record(actor=users["p"], event=course, unit=tree.a1, count=25)

    with pytest.raises(ValidationError) as error:
        attendance_record(actor=users["p"], event=course, unit=tree.a2, count=20)
    assert "Số người dự (45) lớn hơn số học viên (40)." in messages(error.value)

    with pytest.raises(ValidationError):
        attendance_record(actor=users["p"], event=course, unit=tree.l1, count=41)
    assert list(Attendance.objects.values_list("unit", "count")) == [(tree.a1.pk, 25)]

    # Replacing a unit's own count is checked against the others only.
    attendance_record(actor=users["p"], event=course, unit=tree.a1, count=40)
    assert Attendance.objects.get().count == 40


def test_completed_above_enrolled_is_refused(tree, users, programme):
    with pytest.raises(ValidationError) as error:
        make_class(actor=users["p"], organiser=tree.province, programme=programme, enrolled=30, completed=31)
    assert "Số học viên hoàn thành (31) lớn hơn số học viên (30)." in messages(error.value)


def test_online_conference_needs_connection_points(tree, users):
    conference = BriefingConference(
        title="Hội nghị báo cáo viên tháng 8/2025",
        organiser=tree.province,
        held_on=datetime.date(2025, 8, 12),
        level=Level.PROVINCIAL,
        mode=Mode.ONLINE,
        connection_points=0,
    )
    with pytest.raises(ValidationError) as error:
        conference_save(actor=users["p"], conference=conference)
    assert "Hội nghị trực tuyến phải có ít nhất 01 điểm cầu." in messages(error.value)
    assert not BriefingConference.objects.exists()


def test_moving_a_class_moves_its_attendance_date(tree, users, programme):
    course = make_class(actor=users["p"], organiser=tree.province, programme=programme)
    attendance_record(actor=users["p"], event=course, unit=tree.a1, count=10)

    course.starts_on = datetime.date(2025, 9, 1)
    course.ends_on = datetime.date(2025, 9, 5)
    from tuyengiao.education.services import class_save

    class_save(actor=users["p"], education_class=course)

    assert Attendance.objects.get().held_on == datetime.date(2025, 9, 1)
