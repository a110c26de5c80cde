"""XLSX layouts shared by the templates users download and the importers that read them back.

Each layout starts with an "STT" column, as Vietnamese spreadsheets do; the
template's example row has "Ví dụ" there and the importer skips such rows, so
a user who leaves the example in place imports nothing wrong.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

EXAMPLE_MARK = "Ví dụ"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Col:
    key: str
    heading: str
    width: int = 16
    required: bool = True


# An event (class or conference) and a unit: the first columns of both attendance layouts.
EVENT_UNIT_COLUMNS = [
    Col("stt", "STT", 8, required=False),
    Col("event_kind", "Loại hoạt động (lớp / hội nghị)", 20),
    Col("event_id", "Mã hoạt động", 14),
    Col("event_name", "Tên hoạt động (để đối chiếu)", 44, required=False),
    Col("unit_id", "Mã đơn vị", 12),
    Col("unit_name", "Tên đơn vị (để đối chiếu)", 44, required=False),
]

ATTENDANCE_COLUMNS = [*EVENT_UNIT_COLUMNS, Col("count", "Số lượt người dự", 16)]

PARTICIPANT_COLUMNS = [*EVENT_UNIT_COLUMNS, Col("full_name", "Họ và tên người dự", 30)]

STUDY_RETURN_COLUMNS = [
    Col("stt", "STT", 8, required=False),
    Col("campaign_id", "Mã đợt học tập", 14),
    Col("unit_id", "Mã đơn vị", 12),
    Col("unit_name", "Tên đơn vị (để đối chiếu)", 44, required=False),
    Col("members_total", "Tổng số đảng viên", 14),
    Col("members_present", "Số đảng viên dự học", 14),
    Col("makeup_sessions", "Số buổi học bù", 12),
    Col("makeup_attendance", "Số đảng viên học bù", 14),
    Col("summaries_submitted", "Số bài thu hoạch", 14),
    Col("studied_on", "Ngày học tập (dd/mm/yyyy)", 16),
    Col("submitted_on", "Ngày báo cáo (dd/mm/yyyy, để trống = hôm nay)", 22, required=False),
    Col("note", "Ghi chú", 30, required=False),
]

ATTENDANCE_HELP = [
    "Mỗi dòng là số lượt người của một đơn vị dự một lớp bồi dưỡng hoặc một hội nghị báo cáo viên.",
    "Loại hoạt động: ghi “lớp” hoặc “hội nghị”. Mã hoạt động xem ở cột “Mã” trong trang quản trị; "
    "mã đơn vị là số định danh hoặc mã đơn vị (ví dụ CB-LH-01).",
    "Số lượt người dự là số nguyên không âm; tổng số người dự một lớp không được lớn hơn số học viên của lớp.",
    "Nhập lại cùng hoạt động và đơn vị thì số mới thay số cũ. Dòng có STT “Ví dụ” được bỏ qua.",
    "Chỉ cần một dòng sai, cả tệp bị từ chối và không có dữ liệu nào được lưu.",
]

PARTICIPANT_HELP = [
    "Mỗi dòng là một người dự (theo danh sách có tên) một lớp bồi dưỡng hoặc một hội nghị báo cáo viên.",
    "Loại hoạt động: ghi “lớp” hoặc “hội nghị”. Mã hoạt động xem ở cột “Mã” trong trang quản trị; "
    "mã đơn vị (đơn vị của người dự) là số định danh hoặc mã đơn vị (ví dụ CB-LH-01).",
    "Cùng họ tên trong cùng đơn vị là một người: dự nhiều hoạt động vẫn chỉ tính một người. "
    "Người đã có trong danh sách của hoạt động thì được giữ nguyên.",
    "Danh sách người dự một lớp không được dài hơn số học viên của lớp. Dòng có STT “Ví dụ” được bỏ qua.",
    "Chỉ cần một dòng sai, cả tệp bị từ chối và không có dữ liệu nào được lưu.",
]

STUDY_RETURN_HELP = [
    "Mỗi dòng là báo cáo kết quả học tập của một đơn vị trong một đợt học tập, quán triệt.",
    "Số đảng viên dự học không lớn hơn tổng số; số học bù không lớn hơn số vắng; số bài thu hoạch không lớn hơn tổng số.",
    "Ngày ghi theo dạng dd/mm/yyyy. Báo cáo lại cùng đợt và đơn vị thì báo cáo mới thay báo cáo cũ.",
    "Mã đơn vị là số định danh hoặc mã đơn vị (ví dụ CB-LH-01); tên đơn vị chỉ để đối chiếu.",
    "Dòng có STT “Ví dụ” được bỏ qua. Chỉ cần một dòng sai, cả tệp bị từ chối và không có dữ liệu nào được lưu.",
]


def build_workbook(
    *, title: str, columns: list[Col], rows: list[list], help_lines: list[str], example: list | None = None
) -> bytes:
    """A sheet with the header row, an optional example row and data rows, plus a "Hướng dẫn" sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([col.heading for col in columns])
    for index, col in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE7F0")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = col.width
    if example:
        sheet.append(example)
        for index in range(1, len(columns) + 1):
            sheet.cell(row=2, column=index).font = Font(italic=True, color="666666")
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet("Hướng dẫn")
    guide.column_dimensions["A"].width = 120
    for line in help_lines:
        guide.append([line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def attendance_template() -> bytes:
    example = [EXAMPLE_MARK, "hội nghị", 12, "Hội nghị báo cáo viên tháng 7/2025", 345, "Chi bộ khu vực 1", 25]
    return build_workbook(
        title="Số lượt người dự", columns=ATTENDANCE_COLUMNS, rows=[], help_lines=ATTENDANCE_HELP, example=example
    )


def participants_template() -> bytes:
    example = [
        EXAMPLE_MARK,
        "lớp",
        7,
        "Lớp bồi dưỡng nhận thức về Đảng khóa 1",
        345,
        "Chi bộ khu vực 1",
        "Nguyễn Văn An",
    ]
    return build_workbook(
        title="Người dự theo danh sách",
        columns=PARTICIPANT_COLUMNS,
        rows=[],
        help_lines=PARTICIPANT_HELP,
        example=example,
    )


def study_returns_template(*, campaign=None, requirements=()) -> bytes:
    """The template; for a campaign, one pre-filled row per required unit (ids and names)."""
    example = [EXAMPLE_MARK, 3, 345, "Chi bộ khu vực 1", 25, 23, 1, 2, 25, "15/08/2025", "20/08/2025", ""]
    rows = [
        [n, campaign.pk, requirement.unit_id, requirement.unit.name] + [None] * 8
        for n, requirement in enumerate(requirements, start=1)
    ]
    return build_workbook(
        title="Kết quả học tập",
        columns=STUDY_RETURN_COLUMNS,
        rows=rows,
        help_lines=STUDY_RETURN_HELP,
        example=example,
    )
