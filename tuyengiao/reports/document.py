"""A review report as the renderers see it: plain data, no Django models.

The reports app builds a ``ReportDocument`` from its records (figures computed
by the selectors, text written by the board); ``tuyengiao.reports.export``
turns it into DOCX, XLSX and PDF. Keeping this layer free of the ORM lets the
renderers be tested and benchmarked without a database.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


@dataclass
class ReportSection:
    """A heading (``I. KẾT QUẢ ĐẠT ĐƯỢC``) and its paragraphs; level 1–3."""

    heading: str
    paragraphs: list[str] = field(default_factory=list)
    level: int = 1


@dataclass
class FigureRow:
    """One figure of the report and its breakdown by unit.

    ``by_unit`` holds ``(unit name, value)`` pairs. Their sum need not equal
    ``value``: distinct people (người) counted across units can add up to more
    than the whole, and part of a figure can belong to no unit below.
    """

    key: str
    label: str
    value: int
    by_unit: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class ReportDocument:
    superior_body: str  # "ĐẢNG BỘ TỈNH AN GIANG"
    issuing_body: str  # "BAN TUYÊN GIÁO VÀ DÂN VẬN"
    number_symbol: str  # "Số 12-BC/BTGDVTU"
    place: str  # "Cần Thơ"
    date: datetime.date
    type_name: str  # "BÁO CÁO"
    summary: str  # "Sơ kết công tác tuyên giáo và dân vận 6 tháng đầu năm 2026"
    sections: list[ReportSection]
    signer_authority: str  # "T/M BAN THƯỜNG VỤ", "K/T TRƯỞNG BAN" or ""
    signer_position: str  # "PHÓ TRƯỞNG BAN"
    signer_name: str  # "Nguyễn Văn A"
    recipients: list[str]  # ["Ban Tuyên giáo và Dân vận Trung ương,", …, "Lưu Văn phòng."]
    figures: list[FigureRow]
    profile: str = "HD36-2018"
