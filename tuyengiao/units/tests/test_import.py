"""Importing a unit tree from XLSX: the template, good files, and every kind of bad file (nothing saved)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from tuyengiao.units import importer, services
from tuyengiao.units.models import Unit, UnitGroup, UnitImport

D = datetime.date
HEADINGS = ["Mã đơn vị", "Tên", "Loại", "Cấp", "Ký hiệu", "Mã đơn vị cấp trên", "Hiệu lực từ", "Khối"]


def xlsx(rows: list[list], headings: list[str] = HEADINGS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headings)
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def run_import(world, content: bytes, user: str = "superuser", name: str = "don-vi.xlsx"):
    return services.unit_tree_import(content=content, file_name=name, actor=world.users[user])


def refused(world, content: bytes, user: str = "superuser") -> list[str]:
    before = (Unit.objects.count(), UnitImport.objects.count())
    with pytest.raises(ValidationError) as error:
        run_import(world, content, user)
    assert (Unit.objects.count(), UnitImport.objects.count()) == before
    return error.value.messages


def test_template_has_the_headings_examples_and_accepted_values(world):
    response = world.client("head_a").get("/admin/units/import/template/")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook["Đơn vị"].iter_rows(values_only=True))
    assert list(rows[0]) == HEADINGS
    assert rows[1][:2] == ("DU-LH", "Đảng ủy phường Long Hòa")
    accepted = [row[0] for row in workbook["Hướng dẫn"].iter_rows(min_row=2, max_row=6, values_only=True)]
    assert "Chi bộ" in accepted


def test_the_filled_template_imports(world):
    UnitGroup.objects.create(name="Khối phường")
    record = run_import(world, importer.template_workbook(), name="mau.xlsx")
    ward = Unit.objects.get(code="DU-LH")
    cell = Unit.objects.get(code="CB-LH-01")
    assert ward.get_parent().pk == world.units["P"].pk and cell.get_parent().pk == ward.pk
    assert ward.valid_from == D(2025, 7, 1) and [g.name for g in ward.groups.all()] == ["Khối phường"]
    assert (record.unit_count, record.file_name, record.imported_by) == (2, "mau.xlsx", world.users["superuser"])


def test_parents_may_come_after_children_and_labels_are_read_leniently(world):
    content = xlsx(
        [
            ["CB-C1", "Chi bộ C1", "chi bộ", "Chi bộ trực thuộc", "CB", "DU-C", datetime.datetime(2025, 7, 1), ""],
            ["DU-C", "Đảng ủy phường C", "Cấp uỷ / Đảng bộ", "phường", "ĐU", "TU", "1/7/2025", None],
        ]
    )
    run_import(world, content)
    ward, cell = Unit.objects.get(code="DU-C"), Unit.objects.get(code="CB-C1")
    assert (ward.kind, ward.level) == ("party_committee", "commune")
    assert cell.get_parent().pk == ward.pk and cell.valid_from == D(2025, 7, 1)


def test_imported_subtrees_keep_the_tree_valid_and_sorted(world):
    rows = [["DU-C", "Đảng ủy phường C", "Cấp ủy / Đảng bộ", "phường", "ĐU", "TU", "", ""]]
    rows += [[f"CB-C{n}", f"Chi bộ C{n}", "Chi bộ", "Chi bộ trực thuộc", "CB", "DU-C", "", ""] for n in (3, 1, 2)]
    rows += [["CB-A0", "Chi bộ A0", "Chi bộ", "Chi bộ trực thuộc", "CB", "DU-A", "", ""]]
    run_import(world, xlsx(rows))

    assert all(not problems for problems in Unit.find_problems())
    ward = Unit.objects.get(code="DU-C")
    assert [u.name for u in ward.get_children()] == ["Chi bộ C1", "Chi bộ C2", "Chi bộ C3"]
    assert [u.code for u in world.unit("A").get_children()] == ["CB-A1", "CB-A2", "CB-A0"]  # after the existing ones
    assert world.unit("P").numchild == 3
    # The tree keeps working with treebeard afterwards.
    services.unit_create(name="Chi bộ C0", kind="party_cell", level="cell", short_code="CB", parent=ward)
    assert all(not problems for problems in Unit.find_problems())


def test_staff_import_under_their_own_ward(world):
    content = xlsx([["CB-A3", "Chi bộ A3", "Chi bộ", "Chi bộ trực thuộc", "CB", "DU-A", "", ""]])
    run_import(world, content, user="head_a")
    assert Unit.objects.get(code="CB-A3").get_parent().pk == world.units["A"].pk


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            ["X1", "Chi bộ X", "Chi bộ", "Chi bộ trực thuộc", "CB", "KHONG-CO", "", ""],
            "Dòng 3: không tìm thấy đơn vị cấp trên có mã “KHONG-CO”.",
        ),
        (
            ["X1", "Chi bộ X", "Chi bộ", "Chi bộ trực thuộc", "CB", "TU", "31/02/2025", ""],
            "Dòng 3: ngày hiệu lực “31/02/2025” không hợp lệ (ghi dạng dd/mm/yyyy).",
        ),
        (
            ["X1", "Chi bộ X", "Chi bộ", "Chi bộ trực thuộc", "CB", "TU", "2025-07-01", ""],
            "Dòng 3: ngày hiệu lực “2025-07-01” không hợp lệ",
        ),
        (
            ["X1", "Chi bộ X", "Tổ dân phố", "Chi bộ trực thuộc", "CB", "TU", "", ""],
            "Dòng 3: loại “Tổ dân phố” không hợp lệ",
        ),
        (["X1", "Chi bộ X", "Chi bộ", "Ấp", "CB", "TU", "", ""], "Dòng 3: cấp “Ấp” không hợp lệ"),
        (
            ["CB-A1", "Chi bộ X", "Chi bộ", "Chi bộ trực thuộc", "CB", "TU", "", ""],
            "Dòng 3: mã đơn vị “CB-A1” đã có trong hệ thống (“Chi bộ A1”).",
        ),
        (
            ["X1", "Chi bộ X", "Chi bộ", "Chi bộ trực thuộc", "CB", "TU", "", "Khối lạ"],
            "Dòng 3: chưa có khối “Khối lạ”",
        ),
        (["X1", "", "Chi bộ", "Chi bộ trực thuộc", "", "TU", "", ""], "Dòng 3: thiếu tên đơn vị."),
        (
            ["X1", "Chi bộ X", "Chi bộ", "Chi bộ trực thuộc", "CB", "X1", "", ""],
            "Dòng 3: đơn vị không thể là cấp trên của chính nó.",
        ),
    ],
)
def test_a_bad_row_refuses_the_whole_file(world, row, message):
    good = ["OK1", "Chi bộ tốt", "Chi bộ", "Chi bộ trực thuộc", "CB", "TU", "01/07/2025", ""]
    messages = refused(world, xlsx([good, row]))
    assert messages[0].startswith("Không nhập tệp")
    assert any(m.startswith(message) for m in messages), messages  # the good row 2 is not blamed
    assert not any(m.startswith("Dòng 2") for m in messages)


def test_cycles_and_duplicate_codes_are_reported_with_their_rows(world):
    rows = [
        ["X1", "Đơn vị 1", "Chi bộ", "Chi bộ trực thuộc", "CB", "X2", "", ""],
        ["X2", "Đơn vị 2", "Chi bộ", "Chi bộ trực thuộc", "CB", "X1", "", ""],
        ["X1", "Đơn vị 3", "Chi bộ", "Chi bộ trực thuộc", "CB", "TU", "", ""],
    ]
    messages = refused(world, xlsx(rows))
    assert "Dòng 2: các đơn vị là cấp trên của nhau thành vòng lặp (X1 → X2 → X1)." in messages
    assert "Dòng 4: mã đơn vị “X1” trùng với dòng 2." in messages


def test_staff_cannot_import_roots_or_under_other_wards(world):
    rows = [
        ["R1", "Tỉnh ủy mới", "Cấp ủy / Đảng bộ", "Tỉnh, thành phố", "TU", "", "", ""],
        ["B9", "Chi bộ B9", "Chi bộ", "Chi bộ trực thuộc", "CB", "DU-B", "", ""],
    ]
    messages = refused(world, xlsx(rows), user="head_a")
    assert "Dòng 2: chỉ quản trị hệ thống được tạo đơn vị gốc; hãy ghi mã đơn vị cấp trên." in messages
    assert "Dòng 3: bạn không có quyền với đơn vị cấp trên “Đảng ủy phường B”." in messages


def test_missing_columns_are_named(world):
    messages = refused(world, xlsx([["X1", "Chi bộ X"]], headings=["Mã đơn vị", "Tên"]))
    assert messages == ["Dòng 1 (tiêu đề) thiếu cột: Loại, Cấp, Ký hiệu. Hãy dùng đúng tiêu đề như tệp mẫu."]


def test_the_same_file_twice_is_refused(world):
    content = xlsx([["X1", "Chi bộ X", "Chi bộ", "Chi bộ trực thuộc", "CB", "TU", "", ""]])
    run_import(world, content)
    messages = refused(world, content)
    assert "đã được nhập lúc" in messages[0] and "Không nhập lại cùng một tệp." in messages[0]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7 not a spreadsheet", "không phải là tệp Excel .xlsx"),
        ("Mã đơn vị,Tên\nX1,Chi bộ X\n".encode(), "không phải là tệp Excel .xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "Excel 97-2003 (.xls)"),
        (b"PK\x03\x04 broken zip", "không phải là tệp Excel .xlsx"),
    ],
)
def test_a_file_that_is_not_xlsx_is_refused(world, content, message):
    messages = refused(world, content)
    assert message in messages[0]


def test_import_page_shows_row_errors_then_imports(world):
    client = world.client("head_a")
    assert "Mã đơn vị cấp trên" in client.get("/admin/units/import/").content.decode()
    bad = xlsx([["X1", "Chi bộ X", "Chi bộ", "Chi bộ trực thuộc", "CB", "DU-B", "", ""]])
    response = client.post("/admin/units/import/", {"file": SimpleUploadedFile("sai.xlsx", bad)})
    assert response.status_code == 200
    assert "Dòng 2: bạn không có quyền với đơn vị cấp trên “Đảng ủy phường B”." in response.content.decode()

    good = xlsx([["X1", "Chi bộ X", "Chi bộ", "Chi bộ trực thuộc", "CB", "DU-A", "", ""]])
    response = client.post("/admin/units/import/", {"file": SimpleUploadedFile("dung.xlsx", good)}, follow=True)
    assert "Đã nhập 1 đơn vị từ tệp “dung.xlsx”." in response.content.decode()
    assert Unit.objects.get(code="X1").get_parent().pk == world.units["A"].pk


def test_export_can_be_filled_in_as_an_import_file(world):
    response = world.client("superuser").get("/admin/units/?export=xlsx")
    rows = list(
        load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0].iter_rows(values_only=True)
    )
    assert list(rows[0][: len(HEADINGS)]) == HEADINGS
    ward_a = next(row for row in rows if row[0] == "DU-A")
    assert ward_a[2:6] == ("Cấp ủy / Đảng bộ", "Xã, phường, đặc khu", "ĐU", "TU")
    assert str(ward_a[6])[:10] == "2020-01-01"  # a real date cell, which the importer reads
