"""The admin home panel: the user's unit over the current six months, as server-drawn charts.

The panel draws the same `compute_figures` result a report for the same unit
and period stores, so its numbers are the report's: attendance by month (the
bars add up to the report's lượt), study completion by unit, late units
(late study returns and late tasks), public-opinion topics over time. The
charts are inline SVG (no JavaScript, nothing from a CDN), each with the
same numbers as a table for screen readers and for copying.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils import timezone
from wagtail.admin.ui.components import Component

from tuyengiao.education.selectors import format_percent, ratio
from tuyengiao.portal.dates import vietnamese_number

from . import selectors
from .admin_views import figure_url
from .figures import FigureSet, compute_figures
from .periods import PeriodKind, current_half, format_date, month_starts, period_bounds, period_phrase

CACHE_SECONDS = 300
WIDTH = 640
PALETTE = ["#1d4f91", "#c0392b", "#2e7d32", "#8e44ad", "#b9770e"]


@dataclass
class Bar:
    label: str
    value: int
    text: str
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    url: str = ""
    note: str = ""


@dataclass
class Series:
    name: str
    colour: str
    points: str  # SVG polyline points
    values: list[int] = field(default_factory=list)


def column_chart(bars: list[Bar], *, height: int = 180) -> dict:
    """Vertical bars, one per item (months)."""
    top = max([bar.value for bar in bars] + [1])
    slot = WIDTH / max(len(bars), 1)
    for n, bar in enumerate(bars):
        bar.height = round(height * bar.value / top, 1)
        bar.width = round(slot * 0.7, 1)
        bar.x = round(n * slot + slot * 0.15, 1)
        bar.y = round(height - bar.height + 20, 1)
    return {"bars": bars, "width": WIDTH, "height": height + 50, "base": height + 20}


def row_chart(bars: list[Bar], *, label_width: int = 230) -> dict:
    """Horizontal bars, one per unit."""
    top = max([bar.value for bar in bars] + [1])
    room = WIDTH - label_width - 70
    for n, bar in enumerate(bars):
        bar.x = label_width
        bar.y = n * 26 + 4
        bar.height = 18
        bar.width = round(room * bar.value / top, 1)
    return {"bars": bars, "width": WIDTH, "height": len(bars) * 26 + 8, "label_width": label_width}


def line_chart(months: list[datetime.date], series: dict[str, list[int]], *, height: int = 160) -> dict:
    top = max([v for values in series.values() for v in values] + [1])
    step = WIDTH / max(len(months), 1)
    lines = []
    for n, (name, values) in enumerate(series.items()):
        points = " ".join(
            f"{round(i * step + step / 2, 1)},{round(height - height * v / top + 10, 1)}" for i, v in enumerate(values)
        )
        lines.append(Series(name=name, colour=PALETTE[n % len(PALETTE)], points=points, values=values))
    labels = [(round(i * step + step / 2, 1), f"{month:%m/%Y}") for i, month in enumerate(months)]
    return {"series": lines, "labels": labels, "width": WIDTH, "height": height + 40, "base": height + 10}


def _month_end(month: datetime.date) -> datetime.date:
    return period_bounds(PeriodKind.MONTH, month)[1]


def dashboard_data(figures: FigureSet) -> dict:
    """Everything the panel shows, from one FigureSet."""
    unit_id, start, end = figures.unit_id, figures.start, figures.end
    months = month_starts(start, end)
    luot = dict(figures.attendance_by_month)
    attendance = column_chart(
        [
            Bar(
                label=f"{month:%m/%Y}",
                value=luot.get(month, 0),
                text=vietnamese_number(luot.get(month, 0)),
                url=figure_url("attendance", unit=unit_id, start=max(month, start), end=min(_month_end(month), end)),
            )
            for month in months
        ]
    )
    studies = []
    for campaign in figures.campaigns[-3:]:
        prefix = f"study.{campaign['pk']}"
        members = dict(figures.get(f"{prefix}.members").by_unit)
        studied = dict(figures.get(f"{prefix}.studied").by_unit)
        returned = dict(figures.get(f"{prefix}.returned").by_unit)
        required = dict(figures.get(f"{prefix}.required").by_unit)
        bars = []
        for name in sorted(set(required) | set(members), key=lambda n: (-required.get(n, 0), n)):
            rate = ratio(studied.get(name, 0), members.get(name, 0))
            bars.append(
                Bar(
                    label=name,
                    value=int((rate or 0) * 100),
                    text=format_percent(rate),
                    note=f"{vietnamese_number(returned.get(name, 0))}/{vietnamese_number(required.get(name, 0))} "
                    f"đơn vị đã báo cáo; {vietnamese_number(studied.get(name, 0))}/"
                    f"{vietnamese_number(members.get(name, 0))} đảng viên",
                )
            )
        studies.append(
            {
                "title": campaign["title"],
                "chart": row_chart(bars),
                "total": format_percent(ratio(figures.value(f"{prefix}.studied"), figures.value(f"{prefix}.members"))),
                "members": vietnamese_number(figures.value(f"{prefix}.members")),
                "studied": vietnamese_number(figures.value(f"{prefix}.studied")),
                "url": figure_url(f"{prefix}.studied", unit=unit_id, start=start, end=end),
            }
        )
    late: dict[str, dict[str, int]] = {}
    for figure in figures.figures:
        if figure.key == "tasks.late" or (figure.key.startswith("study.") and figure.key.endswith(".late")):
            kind = "tasks" if figure.key == "tasks.late" else "study"
            for name, n in figure.by_unit:
                late.setdefault(name, {"study": 0, "tasks": 0})[kind] += n
    late_bars = [
        Bar(
            label=name,
            value=counts["study"] + counts["tasks"],
            text=vietnamese_number(counts["study"] + counts["tasks"]),
            note=f"{vietnamese_number(counts['study'])} báo cáo học tập chậm, {vietnamese_number(counts['tasks'])} nhiệm vụ trễ hạn",
        )
        for name, counts in sorted(late.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    ]
    topics: dict[str, dict[datetime.date, int]] = {}
    for month, topic, n in figures.opinion_by_month:
        topics.setdefault(topic, {})[month] = topics.get(topic, {}).get(month, 0) + n
    top_topics = sorted(topics, key=lambda t: (-sum(topics[t].values()), t))[:5]
    opinion = line_chart(months, {t: [topics[t].get(month, 0) for month in months] for t in top_topics})
    return {
        "attendance": attendance,
        "attendance_total": vietnamese_number(figures.value("attendance")),
        "attendance_url": figure_url("attendance", unit=unit_id, start=start, end=end),
        "studies": studies,
        "late": row_chart(late_bars),
        "late_tasks": vietnamese_number(figures.value("tasks.late")),
        "opinion": opinion,
        "opinion_total": vietnamese_number(figures.value("opinion")),
        "opinion_url": figure_url("opinion", unit=unit_id, start=start, end=end),
        "months": [f"{month:%m/%Y}" for month in months],
    }


def cached_figures(unit, start: datetime.date, end: datetime.date) -> FigureSet:
    key = f"reports:dashboard:{unit.pk}:{start.isoformat()}:{end.isoformat()}"
    data = cache.get(key)
    if data is None:
        data = compute_figures(unit=unit, start=start, end=end).to_json()
        cache.set(key, data, CACHE_SECONDS)
    return FigureSet.from_json(data)


def today() -> datetime.date:
    return timezone.localdate()


class ReportsDashboardPanel(Component):
    """Admin home: the figures of the user's unit for the current six months (same numbers as the report)."""

    name = "reports_dashboard"
    template_name = "reports/dashboard/panel.html"
    order = 50

    def __init__(self, unit):
        self.unit = unit

    def get_context_data(self, parent_context):
        start, end = current_half(today())
        figures = cached_figures(self.unit, start, end)
        return {
            "unit": self.unit,
            "period": period_phrase(PeriodKind.HALF, start, end),
            "period_dates": f"{format_date(start)} – {format_date(end)}",
            "empty": figures.is_empty,
            **dashboard_data(figures),
        }


def panel_for(user) -> ReportsDashboardPanel | None:
    unit = selectors.home_unit(user)
    return ReportsDashboardPanel(unit) if unit is not None else None
