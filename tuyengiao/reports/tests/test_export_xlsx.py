"""The figures annex in XLSX: every figure, and per-unit totals that equal the figure."""

import io
import time
from collections import defaultdict
from dataclasses import replace

from openpyxl import load_workbook

from tuyengiao.reports.document import FigureRow
from tuyengiao.reports.export import render_xlsx
from tuyengiao.reports.export.samples import sample_document
from tuyengiao.reports.export.xlsx import HEADER_ROW, NUMBER_FORMAT


def _open(doc):
    return load_workbook(io.BytesIO(render_xlsx(doc)))


def _rows(sheet):
    return [row for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True) if any(v is not None for v in row)]


def test_sheets_have_vietnamese_bold_frozen_headers():
    workbook = _open(sample_document())
    assert workbook.sheetnames == ["Tổng hợp", "Theo đơn vị"]
    summary, by_unit = workbook["Tổng hợp"], workbook["Theo đơn vị"]
    assert [c.value for c in summary[HEADER_ROW]] == ["STT", "Mã chỉ tiêu", "Chỉ tiêu", "Số liệu"]
    assert [c.value for c in by_unit[HEADER_ROW]] == ["STT", "Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị", "Số liệu", "Ghi chú"]
    for sheet in (summary, by_unit):
        assert all(cell.font.bold for cell in sheet[HEADER_ROW])
        assert sheet.freeze_panes == f"A{HEADER_ROW + 1}"
        assert sheet.column_dimensions["C"].width >= 40
    assert summary["A2"].value.startswith("Kèm theo Báo cáo số 12-BC/BTGDVTU, ngày 08/07/2026")


def test_summary_has_every_figure_as_a_number():
    doc = sample_document(figures=12)
    sheet = _open(doc)["Tổng hợp"]
    rows = _rows(sheet)
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        (i, f.key, f.label, f.value) for i, f in enumerate(doc.figures, start=1)
    ]
    assert all(isinstance(r[3], int) for r in rows)
    assert {sheet.cell(row=HEADER_ROW + 1 + i, column=4).number_format for i in range(len(rows))} == {NUMBER_FORMAT}


def test_units_add_up_to_the_figure():
    doc = sample_document(figures=5, units=30)
    rows = _rows(_open(doc)["Theo đơn vị"])
    units, totals = defaultdict(list), {}
    for _stt, key, _label, unit, value, _note in rows:
        if unit == "Cộng":
            totals[key] = value
        else:
            units[key].append((unit, value))
    for figure in doc.figures:
        assert units[figure.key] == figure.by_unit
        assert sum(v for _, v in units[figure.key]) == totals[figure.key] == figure.value


def test_unassigned_remainder_and_overlap_keep_the_total_equal_to_the_figure():
    doc = replace(
        sample_document(),
        figures=[
            FigureRow("hoi_nghi", "Số hội nghị", 10, [("Phường An Thới", 3), ("Phường Long Hòa", 4)]),
            FigureRow("nguoi", "Số người dự", 5, [("Phường An Thới", 4), ("Phường Long Hòa", 3)]),
            FigureRow("tin", "Số tin dư luận", 0, []),
        ],
    )
    rows = _rows(_open(doc)["Theo đơn vị"])
    by_key = defaultdict(list)
    for row in rows:
        by_key[row[1]].append(row)
    assert [(r[3], r[4]) for r in by_key["hoi_nghi"]] == [
        ("Phường An Thới", 3),
        ("Phường Long Hòa", 4),
        ("Chưa phân theo đơn vị", 3),
        ("Cộng", 10),
    ]
    total = by_key["nguoi"][-1]
    assert (total[3], total[4]) == ("Cộng", 5)
    assert "Tổng các đơn vị là 7, lớn hơn số liệu chung 5" in total[5]
    assert [(r[3], r[4]) for r in by_key["tin"]] == [("Cộng", 0)]


def test_large_annex_renders_quickly():
    doc = sample_document(figures=40, units=100)
    started = time.perf_counter()
    data = render_xlsx(doc)
    elapsed = time.perf_counter() - started
    assert elapsed < 5, f"render_xlsx took {elapsed:.2f} s"
    assert len(_rows(load_workbook(io.BytesIO(data))["Theo đơn vị"])) == 40 * 101
