"""Reads for public-opinion reports: the user's records, and figures over a unit subtree and a period.

A report belongs to the period it starts in: an item counts in [start, end]
when its report's `period_start` falls in that range. Roll-ups follow the
unit tree and merges (`rollup_q`): a ward merged into another counts for its
successor from the merge date. Issue 5 (review reports) computes its figures
here, and each figure's records are `items_in(...)` with the same arguments.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, DateField, QuerySet, Sum
from django.db.models.functions import Trunc

from tuyengiao.units.models import Unit
from tuyengiao.units.selectors import rollup_q, scope_to_user

from .models import OpinionItem, OpinionReport, Tendency
from .periods import Grouping, bucket_label, month_bounds, quarter_bounds

DATE_FIELD = "report__period_start"


def reports_visible_to(user) -> QuerySet[OpinionReport]:
    return scope_to_user(OpinionReport.objects.select_related("unit"), user)


def items_visible_to(user) -> QuerySet[OpinionItem]:
    return scope_to_user(OpinionItem.objects.select_related("report__unit", "topic"), user, unit_field="report__unit")


def items_in(
    *,
    unit: Unit,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    field: str | None = None,
    topic=None,
    tendency: str | None = None,
) -> QuerySet[OpinionItem]:
    """The items behind every figure: the unit's subtree (with merges) and reports starting in [start, end]."""
    items = OpinionItem.objects.filter(rollup_q(unit, date_field=DATE_FIELD, unit_field="report__unit"))
    if start:
        items = items.filter(**{f"{DATE_FIELD}__gte": start})
    if end:
        items = items.filter(**{f"{DATE_FIELD}__lte": end})
    if field:
        items = items.filter(field=field)
    if topic:
        items = items.filter(topic=topic)
    if tendency:
        items = items.filter(tendency=tendency)
    return items


def bucket_bounds(grouping: str, day: datetime.date) -> tuple[datetime.date, datetime.date]:
    if grouping == Grouping.YEAR:
        return datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31)
    if grouping == Grouping.QUARTER:
        return quarter_bounds(day)
    return month_bounds(day)


@dataclass
class AggregateRow:
    bucket: datetime.date
    bucket_label: str
    bucket_start: datetime.date
    bucket_end: datetime.date
    topic_id: int
    topic_name: str
    by_tendency: dict[str, int] = field(default_factory=dict)
    items: int = 0
    sources: int = 0

    def count(self, tendency: str) -> int:
        return self.by_tendency.get(tendency, 0)


@dataclass
class Aggregate:
    unit: Unit
    start: datetime.date
    end: datetime.date
    grouping: str
    field: str | None
    rows: list[AggregateRow]
    topic_totals: list[AggregateRow]
    by_tendency: dict[str, int]
    items: int
    sources: int

    @property
    def is_empty(self) -> bool:
        return not self.rows


def aggregate(
    *, unit: Unit, start: datetime.date, end: datetime.date, grouping: str = Grouping.MONTH, field: str | None = None
) -> Aggregate:
    """Items and sources by period bucket, topic and tendency over the unit's subtree (one GROUP BY query)."""
    grouped = (
        items_in(unit=unit, start=start, end=end, field=field)
        .annotate(bucket=Trunc(DATE_FIELD, grouping, output_field=DateField()))
        .values("bucket", "topic_id", "topic__name", "topic__sort_order", "tendency")
        .annotate(n=Count("pk"), sources=Sum("source_count"))
        .order_by("bucket", "topic__sort_order", "topic__name", "tendency")
    )
    rows: dict[tuple, AggregateRow] = {}
    topics: dict[int, AggregateRow] = {}
    by_tendency = {value: 0 for value in Tendency.values}
    for entry in grouped:
        bucket = entry["bucket"]
        if isinstance(bucket, datetime.datetime):  # some backends return datetimes for Trunc on dates
            bucket = bucket.date()
        key = (bucket, entry["topic_id"])
        if key not in rows:
            bucket_start, bucket_end = bucket_bounds(grouping, bucket)
            rows[key] = AggregateRow(
                bucket=bucket,
                bucket_label=bucket_label(grouping, bucket),
                bucket_start=max(bucket_start, start),
                bucket_end=min(bucket_end, end),
                topic_id=entry["topic_id"],
                topic_name=entry["topic__name"],
            )
        topic_total = topics.setdefault(
            entry["topic_id"],
            AggregateRow(
                bucket=start,
                bucket_label="Cả kỳ",
                bucket_start=start,
                bucket_end=end,
                topic_id=entry["topic_id"],
                topic_name=entry["topic__name"],
            ),
        )
        for row in (rows[key], topic_total):
            row.by_tendency[entry["tendency"]] = row.by_tendency.get(entry["tendency"], 0) + entry["n"]
            row.items += entry["n"]
            row.sources += entry["sources"] or 0
        by_tendency[entry["tendency"]] = by_tendency.get(entry["tendency"], 0) + entry["n"]
    return Aggregate(
        unit=unit,
        start=start,
        end=end,
        grouping=grouping,
        field=field,
        rows=list(rows.values()),
        topic_totals=sorted(topics.values(), key=lambda row: -row.items),
        by_tendency=by_tendency,
        items=sum(row.items for row in rows.values()),
        sources=sum(row.sources for row in rows.values()),
    )


def topic_tendency_counts(*, unit: Unit, start: datetime.date, end: datetime.date) -> list[dict]:
    """Issue 5: [{"topic": name, "tendency": value, "items": n, "sources": n}] for the subtree and period."""
    return [
        {"topic": e["topic__name"], "tendency": e["tendency"], "items": e["items"], "sources": e["sources"] or 0}
        for e in items_in(unit=unit, start=start, end=end)
        .values("topic__name", "topic__sort_order", "tendency")
        .annotate(items=Count("pk"), sources=Sum("source_count"))
        .order_by("topic__sort_order", "topic__name", "tendency")
    ]


def item_counts_by_unit(*, units: list[Unit], start: datetime.date, end: datetime.date) -> dict[int, int]:
    """Issue 5 breakdowns: items per given unit (each with its own subtree and merges), keyed by unit pk."""
    return {unit.pk: items_in(unit=unit, start=start, end=end).count() for unit in units}
