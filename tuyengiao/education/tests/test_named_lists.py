"""People recorded by name at events: the admin list per event, adding and removing names, the XLSX import.

Distinct people (người) come only from these lists, never from lượt: a person
at two events is two lượt but one person. The figure on the event (the
classes' and conferences' lists) and in the roll-up (`people_figures`) follow
every addition and removal.
"""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from tuyengiao.education import selectors, spreadsheets
from tuyengiao.education.importers import ImportRejected, import_participants
from tuyengiao.education.models import BriefingConference, Level, Mode, Participant, ParticipantAttendance
from tuyengiao.education.services import conference_save, participant_attendance_record

from .conftest import client_for, make_class

NAMED = "/admin/education/participants/"
YEAR = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))


def people(unit) -> int:
    return selectors.people_figures(unit=unit, start=YEAR[0], end=YEAR[1]).people.value


def named_rows(**filters) -> list[tuple[str, str]]:
    return sorted(
        ParticipantAttendance.objects.filter(**filters).values_list("participant__full_name", "participant__unit__name")
    )


@pytest.fixture
def events(tree, users, programme):
    course = make_class(
        actor=users["a"], organiser=tree.ward_a, programme=programme, enrolled=3, starts_on=datetime.date(2025, 8, 4)
    )
    meeting = conference_save(
        actor=users["a"],
        conference=BriefingConference(
            title="Hội nghị báo cáo viên tháng 9/2025",
            organiser=tree.ward_a,
            held_on=datetime.date(2025, 9, 10),
            level=Level.LOCAL,
            mode=Mode.IN_PERSON,
        ),
    )
    return {"class": course, "conference": meeting}


def add(client, *, unit, full_name, education_class="", conference=""):
    form = {"education_class": education_class, "conference": conference, "unit": unit.pk, "full_name": full_name}
    return client.post(f"{NAMED}new/", form)


def test_staff_add_names_to_their_events_and_the_distinct_people_figure_follows(tree, users, events):
    client = client_for(users["a"])
    course, meeting = events["class"], events["conference"]

    first = add(client, unit=tree.a1, full_name="  Trần   Văn Bình ", education_class=course.pk)
    add(client, unit=tree.a2, full_name="Lê Thị Cúc", education_class=course.pk)
    add(client, unit=tree.a1, full_name="Trần Văn Bình", conference=meeting.pk)  # the same person, another event

    assert first.status_code == 302 and first["Location"] == f"{NAMED}?education_class={course.pk}"
    assert named_rows(education_class=course) == [
        ("Lê Thị Cúc", "Chi bộ khu vực 2 (An Thới)"),
        ("Trần Văn Bình", "Chi bộ khu vực 1 (An Thới)"),
    ]
    figures = selectors.people_figures(unit=tree.ward_a, start=YEAR[0], end=YEAR[1])
    assert (figures.people.value, figures.events_with_lists) == (2, 2)  # three names on lists, two people
    assert people(tree.province) == 2 and people(tree.ward_l) == 0
    # The per-event list, and the figure on the classes' list linking to it.
    listing = client.get(NAMED, {"education_class": course.pk}).content.decode()
    assert "Trần Văn Bình" in listing and "Lê Thị Cúc" in listing and course.title in listing
    classes = client.get("/admin/education/classes/").content.decode()
    assert f'href="{NAMED}?education_class={course.pk}">2</a>' in classes


def test_the_same_person_twice_or_a_list_longer_than_the_class_is_refused(tree, users, events):
    client = client_for(users["a"])
    course = events["class"]
    for name in ("Trần Văn Bình", "Lê Thị Cúc", "Phạm Văn Dũng"):
        add(client, unit=tree.a1, full_name=name, education_class=course.pk)

    again = add(client, unit=tree.a1, full_name="Trần Văn Bình", education_class=course.pk)
    fourth = add(client, unit=tree.a2, full_name="Võ Thị Em", education_class=course.pk)
    blank = add(client, unit=tree.a2, full_name="   ", conference=events["conference"].pk)
    both = add(
        client, unit=tree.a2, full_name="Võ Thị Em", education_class=course.pk, conference=events["conference"].pk
    )

    assert again.status_code == 200
    assert "Trần Văn Bình (Chi bộ khu vực 1 (An Thới)) đã có trong danh sách người dự" in again.content.decode()
    assert "dài hơn số học viên (3)" in fourth.content.decode()
    assert blank.status_code == 200 and both.status_code == 200
    assert "Chọn đúng một lớp bồi dưỡng hoặc một hội nghị báo cáo viên." in both.content.decode()
    assert ParticipantAttendance.objects.count() == 3 and people(tree.ward_a) == 3


def test_removing_a_name_updates_the_figures(tree, users, events):
    client = client_for(users["a"])
    course, meeting = events["class"], events["conference"]
    add(client, unit=tree.a1, full_name="Trần Văn Bình", education_class=course.pk)
    add(client, unit=tree.a1, full_name="Trần Văn Bình", conference=meeting.pk)
    add(client, unit=tree.a2, full_name="Lê Thị Cúc", education_class=course.pk)
    cuc = ParticipantAttendance.objects.get(participant__full_name="Lê Thị Cúc")
    binh_at_class = ParticipantAttendance.objects.get(participant__full_name="Trần Văn Bình", education_class=course)

    assert client.post(f"{NAMED}delete/{cuc.pk}/").status_code == 302
    assert people(tree.ward_a) == 1 and not Participant.objects.filter(full_name="Lê Thị Cúc").exists()
    client.post(f"{NAMED}delete/{binh_at_class.pk}/")
    assert people(tree.ward_a) == 1  # still at the conference
    assert named_rows(education_class=course) == []


def test_names_follow_the_unit_tree(tree, users, events):
    course = events["class"]
    record = participant_attendance_record(actor=users["a"], event=course, full_name="Trần Văn Bình", unit=tree.a1)
    sibling = client_for(users["l"])

    listing = sibling.get(NAMED, {"education_class": course.pk})
    assert listing.status_code == 200 and "Trần Văn Bình" not in listing.content.decode()
    assert course.title not in listing.content.decode()  # not even the event's name
    for path in (f"inspect/{record.pk}/", f"delete/{record.pk}/"):
        assert sibling.get(f"{NAMED}{path}").status_code == 404
    assert sibling.post(f"{NAMED}delete/{record.pk}/").status_code == 404
    refused = add(sibling, unit=tree.l1, full_name="Nguyễn Văn Hậu", education_class=course.pk)
    assert refused.status_code == 200  # ward A's class is not offered to ward L
    assert ParticipantAttendance.objects.count() == 1
    # The province sees ward A's list; names are added or removed, never edited.
    province = client_for(users["p"])
    assert "Trần Văn Bình" in province.get(NAMED).content.decode()
    assert province.get(f"{NAMED}edit/{record.pk}/").status_code == 302


def xlsx(rows, *, name="danh-sach.xlsx") -> SimpleUploadedFile:
    columns = spreadsheets.PARTICIPANT_COLUMNS
    example = [spreadsheets.EXAMPLE_MARK] + ["x"] * (len(columns) - 1)
    data = spreadsheets.build_workbook(title="Dữ liệu", columns=columns, rows=rows, help_lines=[], example=example)
    return SimpleUploadedFile(name, data, content_type=spreadsheets.XLSX_CONTENT_TYPE)


def test_importing_a_named_list(tree, users, events):
    course, meeting = events["class"], events["conference"]
    participant_attendance_record(actor=users["a"], event=course, full_name="Trần Văn Bình", unit=tree.a1)
    upload = xlsx(
        [
            [1, "lớp", course.pk, course.title, tree.a1.pk, tree.a1.name, "Trần Văn Bình"],  # already listed
            [2, "lớp", course.pk, "", tree.a2.pk, "", "Lê  Thị Cúc"],
            [3, "hội nghị", meeting.pk, "", tree.a1.pk, "", "Trần Văn Bình"],
            [4, "hội nghị", meeting.pk, "", tree.l1.pk, "", "Nguyễn Văn Hậu"],  # ward L's person at ward A's event
        ]
    )

    result = import_participants(actor=users["a"], uploaded=upload)

    assert (result.created, result.updated) == (3, 1)
    assert people(tree.ward_a) == 3  # Bình (twice), Cúc, Hậu
    assert named_rows(conference=meeting) == [
        ("Nguyễn Văn Hậu", "Chi bộ khu vực 1 (Long Hòa)"),
        ("Trần Văn Bình", "Chi bộ khu vực 1 (An Thới)"),
    ]
    upload.seek(0)
    with pytest.raises(ImportRejected) as twice:
        import_participants(actor=users["a"], uploaded=upload)
    assert "Tệp này đã được nhập" in twice.value.errors[0]


def test_a_bad_named_list_is_refused_whole(tree, users, events):
    course = events["class"]
    upload = xlsx(
        [
            [1, "lớp", course.pk, "", tree.a1.pk, "", "Trần Văn Bình"],
            [2, "lớp", course.pk, "", tree.a1.pk, "", ""],
            [3, "lớp", course.pk, "", tree.a1.pk, "", "Trần Văn Bình"],
            [4, "lớp", course.pk, "", tree.a2.pk, "", "Lê Thị Cúc"],
            [5, "lớp", course.pk, "", tree.a2.pk, "", "Phạm Văn Dũng"],
            [6, "lớp", course.pk, "", tree.a2.pk, "", "Võ Thị Em"],
        ]
    )

    with pytest.raises(ImportRejected) as rejected:
        import_participants(actor=users["a"], uploaded=upload)

    assert rejected.value.errors == [
        f"Danh sách người dự lớp “{course.title}” (4 người) dài hơn số học viên (3).",
        "Dòng 4: thiếu họ và tên.",
        "Dòng 5: trùng người dự với dòng 3.",
    ]
    # Ward L may list its own people at ward A's class, not ward A's people.
    sibling_rows = xlsx([[1, "lớp", course.pk, "", tree.a2.pk, "", "Lê Thị Cúc"]], name="khac.xlsx")
    with pytest.raises(ImportRejected) as refused:
        import_participants(actor=users["l"], uploaded=sibling_rows)
    assert refused.value.errors == [
        f"Dòng 3: bạn không có quyền ghi người dự của đơn vị “{tree.a2.name}” tại “{course.title}”."
    ]
    assert not ParticipantAttendance.objects.exists() and not Participant.objects.exists()


def test_the_named_list_template_and_upload_page(users, tree, events):
    client = client_for(users["a"])

    template = client.get("/admin/education/import/mau/participants/")
    page = client.get("/admin/education/import/")

    assert template.status_code == 200
    sheet = load_workbook(io.BytesIO(template.content)).active
    assert [cell.value for cell in sheet[1]][-1] == "Họ và tên người dự"
    assert "Mẫu nhập người dự theo danh sách" in page.content.decode()
