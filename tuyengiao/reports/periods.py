"""Report periods: month, quarter, six months, year or any range, and how Party reports name them.

`period_bounds` turns a kind and a day inside the period into its first and
last day; `period_phrase` writes it the way a report does (`6 tháng đầu năm
2025`, `quý II năm 2025`); `next_period_phrase` names the period the
"directions and tasks" section looks ahead to.
"""

from __future__ import annotations

import calendar
import datetime
import re

from django.core.exceptions import ValidationError
from django.db import models

END_BEFORE_START = "Ngày kết thúc không được trước ngày bắt đầu."
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class PeriodKind(models.TextChoices):
    MONTH = "month", "Tháng"
    QUARTER = "quarter", "Quý"
    HALF = "half", "6 tháng (sơ kết)"
    YEAR = "year", "Năm (tổng kết)"
    CUSTOM = "custom", "Khoảng thời gian khác"


def format_date(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def parse_date(text: str) -> datetime.date | None:
    """``dd/mm/yyyy`` (or ISO ``yyyy-mm-dd``) → date; None for anything else."""
    text = (text or "").strip()
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    try:
        if match:
            day, month, year = (int(part) for part in match.groups())
            return datetime.date(year, month, day)
        return datetime.date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        return None


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def period_bounds(
    kind: str, start: datetime.date, end: datetime.date | None = None
) -> tuple[datetime.date, datetime.date]:
    """First and last day of the period of `kind` holding `start` (for "custom": start and end as given)."""
    if kind == PeriodKind.MONTH:
        return start.replace(day=1), _month_end(start.year, start.month)
    if kind == PeriodKind.QUARTER:
        first = 3 * ((start.month - 1) // 3) + 1
        return datetime.date(start.year, first, 1), _month_end(start.year, first + 2)
    if kind == PeriodKind.HALF:
        first = 1 if start.month <= 6 else 7
        return datetime.date(start.year, first, 1), _month_end(start.year, first + 5)
    if kind == PeriodKind.YEAR:
        return datetime.date(start.year, 1, 1), datetime.date(start.year, 12, 31)
    if end is None:
        raise ValidationError({"period_end": "Vui lòng nhập ngày kết thúc kỳ báo cáo."})
    if end < start:
        raise ValidationError({"period_end": END_BEFORE_START})
    return start, end


def current_half(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    return period_bounds(PeriodKind.HALF, today)


def period_phrase(kind: str, start: datetime.date, end: datetime.date) -> str:
    """``tháng 3 năm 2025``, ``quý II năm 2025``, ``6 tháng đầu năm 2025``, ``năm 2025``, ``từ ngày … đến ngày …``."""
    if kind == PeriodKind.MONTH:
        return f"tháng {start.month} năm {start.year}"
    if kind == PeriodKind.QUARTER:
        return f"quý {ROMAN[(start.month - 1) // 3 + 1]} năm {start.year}"
    if kind == PeriodKind.HALF:
        return f"6 tháng {'đầu' if start.month <= 6 else 'cuối'} năm {start.year}"
    if kind == PeriodKind.YEAR:
        return f"năm {start.year}"
    return f"từ ngày {format_date(start)} đến ngày {format_date(end)}"


def next_period_phrase(kind: str, start: datetime.date, end: datetime.date) -> str:
    """The period a report's "directions and tasks" look ahead to."""
    following = end + datetime.timedelta(days=1)
    if kind == PeriodKind.CUSTOM:
        return "thời gian tới"
    return period_phrase(kind, following, following)


def review_word(kind: str) -> str:
    """``sơ kết`` for six months, ``tổng kết`` for a year, else empty."""
    return {PeriodKind.HALF: "sơ kết", PeriodKind.YEAR: "tổng kết"}.get(kind, "")


def month_starts(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The first day of every month the period touches."""
    months = []
    day = start.replace(day=1)
    while day <= end:
        months.append(day)
        day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return months
