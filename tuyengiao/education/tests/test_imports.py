"""XLSX imports: a good file, a bad row (whole file refused), the same file twice, a file that is not an XLSX."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from tuyengiao.education import spreadsheets
from tuyengiao.education.importers import UNIT_HAS_CODE, ImportRejected, import_attendance, import_study_returns
from tuyengiao.education.models import Attendance, ImportBatch, StudyReturn
from tuyengiao.education.services import attendance_record
from tuyengiao.units.models import Unit

from .conftest import client_for, make_class


def xlsx(columns, rows, *, name="bao-cao.xlsx") -> SimpleUploadedFile:
    """A file laid out like the downloadable template (header, example row, then `rows`)."""
    example = [spreadsheets.EXAMPLE_MARK] + ["x"] * (len(columns) - 1)
    data = spreadsheets.build_workbook(title="Dữ liệu", columns=columns, rows=rows, help_lines=[], example=example)
    return SimpleUploadedFile(name, data, content_type=spreadsheets.XLSX_CONTENT_TYPE)


def return_row(n, campaign, unit, total, present, makeup_sessions=0, makeup=0, summaries=0, studied="10/06/2025"):
    return [
        n,
        campaign.pk,
        unit.pk,
        unit.name,
        total,
        present,
        makeup_sessions,
        makeup,
        summaries,
        studied,
        "20/07/2025",
        "",
    ]


def test_a_good_file_files_every_return(campaign, tree, users):
    upload = xlsx(
        spreadsheets.STUDY_RETURN_COLUMNS,
        [
            return_row(1, campaign, tree.a1, 20, 18, 1, 2, 20),
            return_row(2, campaign, tree.a2, 12, 12, studied=datetime.datetime(2025, 6, 12)),
        ],
    )

    result = import_study_returns(actor=users["a"], uploaded=upload)

    assert (result.created, result.updated) == (2, 0)
    rows = {r.unit: r for r in StudyReturn.objects.all()}
    assert (rows[tree.a1].members_present, rows[tree.a1].makeup_attendance) == (18, 2)
    assert rows[tree.a2].studied_on == datetime.date(2025, 6, 12)
    assert rows[tree.a1].submitted_on == datetime.date(2025, 7, 20)
    assert rows[tree.a1].import_batch == result.batch


def test_one_bad_row_rejects_the_whole_file(campaign, tree, users):
    upload = xlsx(
        spreadsheets.STUDY_RETURN_COLUMNS,
        [
            return_row(1, campaign, tree.a1, 20, 18),
            return_row(2, campaign, tree.a2, 25, 30),
            return_row(3, campaign, tree.board, 5, 5),
            return_row(4, campaign, tree.l1, 10, 10),
        ],
    )

    with pytest.raises(ImportRejected) as rejected:
        import_study_returns(actor=users["p"], uploaded=upload)

    assert rejected.value.errors == [
        "Dòng 4: số đảng viên dự học (30) lớn hơn tổng số đảng viên (25).",
        "Dòng 5: đơn vị “Ban Tuyên giáo và Dân vận Tỉnh ủy” không thuộc đợt học tập này (“Học tập Chỉ thị 05-CT/TW”).",
    ]
    assert not StudyReturn.objects.exists()
    assert not ImportBatch.objects.exists()


def test_rows_for_units_outside_the_users_subtree_are_refused(campaign, tree, users):
    upload = xlsx(spreadsheets.STUDY_RETURN_COLUMNS, [return_row(1, campaign, tree.l1, 10, 10)])

    with pytest.raises(ImportRejected) as rejected:
        import_study_returns(actor=users["a"], uploaded=upload)

    assert rejected.value.errors == ["Dòng 3: bạn không có quyền với đơn vị “Chi bộ khu vực 1 (Long Hòa)”."]
    assert not StudyReturn.objects.exists()


def test_the_same_file_twice_is_refused(campaign, tree, users):
    data = xlsx(spreadsheets.STUDY_RETURN_COLUMNS, [return_row(1, campaign, tree.a1, 20, 18)]).read()
    import_study_returns(actor=users["a"], uploaded=SimpleUploadedFile("bao-cao.xlsx", data))
    StudyReturn.objects.update(members_present=5)

    with pytest.raises(ImportRejected) as rejected:  # same bytes under another name, by another user
        import_study_returns(actor=users["p"], uploaded=SimpleUploadedFile("lan-2.xlsx", data))

    assert "Tệp này đã được nhập lúc" in rejected.value.errors[0]
    assert "“bao-cao.xlsx”, 1 dòng" in rejected.value.errors[0]
    assert StudyReturn.objects.get().members_present == 5  # nothing re-imported
    assert ImportBatch.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"STT;Ma don vi\n1;2\n", "không phải tệp Excel .xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "Excel 97–2003 (.xls)"),
        (b"PK\x03\x04 not really a zip", "không phải tệp Excel .xlsx"),
    ],
)
def test_a_file_that_is_not_an_xlsx_is_refused(campaign, users, content, expected):
    with pytest.raises(ImportRejected) as rejected:
        import_study_returns(actor=users["a"], uploaded=SimpleUploadedFile("bao-cao.xlsx", content))

    assert expected in rejected.value.errors[0]
    assert not ImportBatch.objects.exists()


def test_a_file_of_another_layout_is_refused(campaign, users):
    upload = xlsx(spreadsheets.ATTENDANCE_COLUMNS, [[1, "lớp", 1, "", 1, "", 5]])

    with pytest.raises(ImportRejected) as rejected:
        import_study_returns(actor=users["a"], uploaded=upload)

    assert rejected.value.errors[0].startswith(
        "Tệp không đúng mẫu (dòng 1 là dòng tiêu đề): cột B phải là “Mã đợt học tập”"
    )


def test_the_downloaded_template_has_the_header_an_example_and_the_campaigns_units(campaign, tree, users):
    client = client_for(users["a"])

    response = client.get(f"/admin/education/import/mau/study_returns/?dot={campaign.pk}")

    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [col.heading for col in spreadsheets.STUDY_RETURN_COLUMNS]
    assert rows[1][0] == "Ví dụ"
    assert [(r[1], r[3]) for r in rows[2:]] == [(campaign.pk, tree.a1.name), (campaign.pk, tree.a2.name)]
    # The template as downloaded has no figures yet: importing it says what is missing, row by row.
    with pytest.raises(ImportRejected) as rejected:
        import_study_returns(actor=users["a"], uploaded=SimpleUploadedFile("mau.xlsx", response.content))
    assert rejected.value.errors == ["Dòng 3: thiếu tổng số đảng viên.", "Dòng 4: thiếu tổng số đảng viên."]


def test_attendance_import_and_enrolment(tree, users, programme):
    course = make_class(actor=users["p"], organiser=tree.province, programme=programme, enrolled=100)
    attendance_record(actor=users["p"], event=course, unit=tree.l1, count=30)
    good = xlsx(
        spreadsheets.ATTENDANCE_COLUMNS,
        [
            [1, "Lớp", course.pk, course.title, tree.a1.pk, tree.a1.name, 40],
            [2, "lớp", course.pk, "", tree.a2.pk, "", 20],
        ],
    )

    result = import_attendance(actor=users["p"], uploaded=good)

    assert (result.created, result.updated) == (2, 0)
    assert sorted(Attendance.objects.values_list("count", flat=True)) == [20, 30, 40]

    too_many = xlsx(
        spreadsheets.ATTENDANCE_COLUMNS,
        [[1, "lớp", course.pk, "", tree.a1.pk, "", 120], [2, "lớp", course.pk, "", tree.l2.pk, "", 11]],
    )
    with pytest.raises(ImportRejected) as rejected:
        import_attendance(actor=users["p"], uploaded=too_many)
    assert rejected.value.errors == [
        "Dòng 3: số người dự (120) lớn hơn số học viên (100).",
        # A1's earlier 40 still stands since its new row was refused: 30 + 40 + 20 + 11 = 101.
        f"Dòng 4: tổng số người dự lớp “{course.title}” (101, gồm các dòng 4 và 90 lượt đã ghi trước) "
        "lớn hơn số học viên (100).",
    ]

    over_total = xlsx(spreadsheets.ATTENDANCE_COLUMNS, [[1, "lớp", course.pk, "", tree.l2.pk, "", 11]])
    with pytest.raises(ImportRejected) as rejected:
        import_attendance(actor=users["p"], uploaded=over_total)
    assert rejected.value.errors == [
        f"Dòng 3: tổng số người dự lớp “{course.title}” (101, gồm các dòng 3 và 90 lượt đã ghi trước) "
        "lớn hơn số học viên (100)."
    ]
    assert sorted(Attendance.objects.values_list("count", flat=True)) == [20, 30, 40]


def test_attendance_rows_must_name_a_real_event(tree, users):
    upload = xlsx(
        spreadsheets.ATTENDANCE_COLUMNS,
        [[1, "hội thảo", 1, "", tree.a1.pk, "", 5], [2, "hội nghị", 999, "", tree.a1.pk, "", 5]],
    )

    with pytest.raises(ImportRejected) as rejected:
        import_attendance(actor=users["p"], uploaded=upload)

    assert rejected.value.errors == [
        "Dòng 3: loại hoạt động “hội thảo” không hợp lệ (ghi “lớp” hoặc “hội nghị”).",
        "Dòng 4: không có hội nghị báo cáo viên mã 999.",
    ]


def test_upload_page_lists_row_errors_and_saves_nothing(campaign, tree, users):
    client = client_for(users["a"])
    bad = xlsx(spreadsheets.STUDY_RETURN_COLUMNS, [return_row(1, campaign, tree.a1, 25, 30)])

    response = client.post("/admin/education/import/", {"kind": "study_returns", "file": bad})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Tệp bị từ chối (1 lỗi), không có số liệu nào được lưu:" in html
    assert "Dòng 3: số đảng viên dự học (30) lớn hơn tổng số đảng viên (25)." in html
    assert not StudyReturn.objects.exists()

    good = xlsx(spreadsheets.STUDY_RETURN_COLUMNS, [return_row(1, campaign, tree.a1, 25, 20)])
    response = client.post("/admin/education/import/", {"kind": "study_returns", "file": good}, follow=True)
    assert "thêm mới 1, cập nhật 0 dòng" in response.content.decode()
    assert StudyReturn.objects.get().members_present == 20


@pytest.mark.skipif(not UNIT_HAS_CODE, reason="the unit tree has no stable codes")
def test_units_may_be_named_by_their_stable_code(campaign, tree, users):
    Unit.objects.filter(pk=tree.a2.pk).update(code="CB-AT-02")
    row = return_row(1, campaign, tree.a2, 12, 12)
    row[2] = "CB-AT-02"
    unknown = return_row(2, campaign, tree.a1, 12, 12)
    unknown[2] = "CB-XX-99"

    with pytest.raises(ImportRejected) as rejected:
        import_study_returns(actor=users["a"], uploaded=xlsx(spreadsheets.STUDY_RETURN_COLUMNS, [row, unknown]))
    assert rejected.value.errors == ["Dòng 4: không có đơn vị mã CB-XX-99."]

    import_study_returns(actor=users["a"], uploaded=xlsx(spreadsheets.STUDY_RETURN_COLUMNS, [row]))
    assert StudyReturn.objects.get().unit == tree.a2
