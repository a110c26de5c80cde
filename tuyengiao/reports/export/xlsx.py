"""The figures of a review report as an XLSX annex (openpyxl).

Sheet "Tổng hợp": one row per figure (STT, code, label, value).
Sheet "Theo đơn vị": each figure broken down by unit, one row per unit with the
figure repeated (so the sheet filters and pivots), then a "Cộng" row equal to
the figure. When the units add up to less than the figure, a "Chưa phân theo
đơn vị" row carries the rest; when they add up to more (people counted in
several units), a note says so — the total stays the figure from the records.

Numbers stay numbers; they are displayed with the Vietnamese thousands
separator (2.302) whatever the reader's locale.
"""

from __future__ import annotations

import datetime
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, NamedStyle
from openpyxl.utils import get_column_letter

from ..document import FigureRow, ReportDocument
from .text import format_date, format_number, nfc, number_only, sentence_case

SUMMARY_SHEET = "Tổng hợp"
BY_UNIT_SHEET = "Theo đơn vị"
TOTAL_LABEL = "Cộng"
UNASSIGNED_LABEL = "Chưa phân theo đơn vị"
# Literal dots as thousands separators, independent of the reader's locale (two conditions
# are the most a number format allows: up to 999.999.999 displays correctly).
NUMBER_FORMAT = r"[>=1000000]#\.###\.##0;[>=1000]#\.##0;0"
HEADER_ROW = 4

_FONT = "Times New Roman"


def _styles() -> list[NamedStyle]:
    """Named styles, registered once per workbook: assigning a name is far cheaper than a Font per cell."""
    top = Alignment(vertical="top", wrap_text=True)
    centre_top = Alignment(horizontal="center", vertical="top")
    return [
        NamedStyle("BC Tiêu đề", font=Font(name=_FONT, bold=True, size=13)),
        NamedStyle("BC Ghi chú tiêu đề", font=Font(name=_FONT, italic=True, size=12)),
        NamedStyle(
            "BC Tiêu đề cột",
            font=Font(name=_FONT, bold=True, size=12),
            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True),
        ),
        NamedStyle("BC STT", font=Font(name=_FONT, size=12), alignment=centre_top),
        NamedStyle("BC STT đậm", font=Font(name=_FONT, bold=True, size=12), alignment=centre_top),
        NamedStyle("BC Chữ", font=Font(name=_FONT, size=12), alignment=top),
        NamedStyle("BC Chữ đậm", font=Font(name=_FONT, bold=True, size=12), alignment=top),
        NamedStyle("BC Số", font=Font(name=_FONT, size=12), number_format=NUMBER_FORMAT),
        NamedStyle("BC Số đậm", font=Font(name=_FONT, bold=True, size=12), number_format=NUMBER_FORMAT),
    ]


def render_xlsx(doc: ReportDocument) -> bytes:
    workbook = Workbook()
    for style in _styles():
        workbook.add_named_style(style)
    summary = _Sheet(workbook.active, SUMMARY_SHEET, doc, "SỐ LIỆU TỔNG HỢP")
    summary.header(("STT", "Mã chỉ tiêu", "Chỉ tiêu", "Số liệu"), widths=(6, 22, 60, 14))
    for index, figure in enumerate(doc.figures, start=1):
        summary.row((index, nfc(figure.key), nfc(figure.label), figure.value))
    summary.finish()

    by_unit = _Sheet(workbook.create_sheet(), BY_UNIT_SHEET, doc, "SỐ LIỆU THEO ĐƠN VỊ")
    by_unit.header(("STT", "Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị", "Số liệu", "Ghi chú"), widths=(6, 22, 48, 40, 14, 40))
    for index, figure in enumerate(doc.figures, start=1):
        _breakdown(by_unit, index, figure)
    by_unit.finish()

    props = workbook.properties
    props.title = nfc(doc.summary)
    props.subject = f"{sentence_case(doc.type_name)} {number_only(doc.number_symbol)}"
    props.creator = nfc(doc.issuing_body)
    props.lastModifiedBy = nfc(doc.issuing_body)
    props.language = "vi-VN"
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0, tzinfo=None)
    props.created = now
    props.modified = now
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _breakdown(sheet: _Sheet, index: int, figure: FigureRow) -> None:
    key, label = nfc(figure.key), nfc(figure.label)
    units_total = 0
    for unit, value in figure.by_unit:
        sheet.row((index, key, label, nfc(unit), value, None))
        units_total += value
    note = None
    if units_total < figure.value:
        sheet.row((index, key, label, UNASSIGNED_LABEL, figure.value - units_total, None))
    elif units_total > figure.value:
        note = (
            f"Tổng các đơn vị là {format_number(units_total)}, lớn hơn số liệu chung "
            f"{format_number(figure.value)} vì một đối tượng được tính ở nhiều đơn vị."
        )
    sheet.row((index, key, label, TOTAL_LABEL, figure.value, note), bold=True)


class _Sheet:
    """Writes rows below a title and a header row, keeping its own row count (``max_row`` is O(n))."""

    def __init__(self, worksheet, title: str, doc: ReportDocument, heading: str) -> None:
        self.ws = worksheet
        worksheet.title = title
        worksheet.cell(row=1, column=1, value=heading).style = "BC Tiêu đề"
        reference = (
            f"Kèm theo {sentence_case(doc.type_name)} số {number_only(doc.number_symbol)}, "
            f"ngày {format_date(doc.date)}: {doc.summary.strip()}"
        )
        worksheet.cell(row=2, column=1, value=nfc(reference)).style = "BC Ghi chú tiêu đề"
        self.columns = 0
        self.last_row = HEADER_ROW

    def header(self, titles: tuple[str, ...], *, widths: tuple[int, ...]) -> None:
        for column, (title, width) in enumerate(zip(titles, widths, strict=True), start=1):
            self.ws.cell(row=HEADER_ROW, column=column, value=title).style = "BC Tiêu đề cột"
            self.ws.column_dimensions[get_column_letter(column)].width = width
        self.columns = len(titles)

    def row(self, values: tuple, *, bold: bool = False) -> None:
        self.last_row += 1
        suffix = " đậm" if bold else ""
        for column, value in enumerate(values, start=1):
            cell = self.ws.cell(row=self.last_row, column=column, value=value)
            if column == 1:
                cell.style = "BC STT" + suffix
            elif isinstance(value, int):
                cell.style = "BC Số" + suffix
            else:
                cell.style = "BC Chữ" + suffix

    def finish(self) -> None:
        ws = self.ws
        ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1)
        ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(self.columns)}{self.last_row}"
        ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        ws.page_setup.orientation = "landscape" if self.columns > 4 else "portrait"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
