"""Report periods (month, quarter, any range) and their Vietnamese labels."""

from __future__ import annotations

import calendar
import datetime

from django.db import models


class PeriodKind(models.TextChoices):
    MONTH = "month", "Tháng"
    QUARTER = "quarter", "Quý"
    CUSTOM = "custom", "Khoảng thời gian khác"


class Grouping(models.TextChoices):
    MONTH = "month", "Theo tháng"
    QUARTER = "quarter", "Theo quý"
    YEAR = "year", "Theo năm"


def month_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


def quarter_of(day: datetime.date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    first_month = 3 * (quarter_of(day) - 1) + 1
    start = datetime.date(day.year, first_month, 1)
    return start, month_bounds(datetime.date(day.year, first_month + 2, 1))[1]


def format_date(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def period_label(kind: str, start: datetime.date, end: datetime.date) -> str:
    """ "Tháng 03/2025", "Quý 1/2025" or "01/03/2025 – 15/03/2025"."""
    if kind == PeriodKind.MONTH:
        return f"Tháng {start:%m/%Y}"
    if kind == PeriodKind.QUARTER:
        return f"Quý {quarter_of(start)}/{start.year}"
    return f"{format_date(start)} – {format_date(end)}"


def bucket_label(grouping: str, day: datetime.date) -> str:
    """Label of the month, quarter or year bucket a date falls in."""
    if grouping == Grouping.YEAR:
        return f"Năm {day.year}"
    if grouping == Grouping.QUARTER:
        return f"Quý {quarter_of(day)}/{day.year}"
    return f"Tháng {day:%m/%Y}"


def unit_period_error(unit, start: datetime.date, end: datetime.date) -> str | None:
    """Why a record of `unit` for start–end cannot be filed (the unit did not exist then), or None."""
    if unit is None:
        return None
    if unit.valid_from and end < unit.valid_from:
        return f"Đơn vị “{unit.name}” bắt đầu hoạt động từ {format_date(unit.valid_from)}, sau kỳ này."
    if unit.valid_to and start > unit.valid_to:
        successor = f"; hãy ghi cho đơn vị kế thừa “{unit.successor.name}”" if unit.successor_id else ""
        stopped = unit.valid_to + datetime.timedelta(days=1)
        return f"Đơn vị “{unit.name}” đã ngừng hoạt động từ {format_date(stopped)}{successor}."
    return None
