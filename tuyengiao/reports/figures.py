"""The figures of a review report, computed from the records, each traceable to the records behind it.

A figure is a key (``classes``, ``conferences.online``, ``study.12.studied``…),
a Vietnamese label, a value, and its breakdown by the children of the
report's unit (for the XLSX annex). For every key, `records_for(key, …)`
returns exactly the records the value was computed from: their count equals
the value, or — for figures in lượt or Party members — the sum of
`sum_field` over them does (`records_total`).

The scope of every figure is the unit's subtree over [start, end], with
merges honoured as everywhere else (`rollup_q`): a merged ward's records
count for its successor from the merge date. `compute_figures` works with a
handful of GROUP BY queries whatever the size of the tree — never a loop
over units — and the breakdown uses the same roll-up key as the admin's
tables (`child_key`), so the rows of a figure add up to it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from tuyengiao.documents.models import DocumentType
from tuyengiao.documents.selectors import documents_issued
from tuyengiao.education.models import ONLINE_MODES, Attendance, Programme, StudyCampaignUnit, StudyReturn
from tuyengiao.education.selectors import (
    campaigns_in,
    child_key,
    classes_in,
    conferences_in,
    late_requirements,
    rollup_q,
)
from tuyengiao.opinion.models import OpinionTopic, Tendency
from tuyengiao.opinion.selectors import items_in
from tuyengiao.tasks.selectors import late_as_of_q, tasks_done, tasks_due, tasks_late
from tuyengiao.units.models import Unit

from .periods import END_BEFORE_START

SECTIONS = {
    "study": "Học tập, quán triệt nghị quyết, chỉ thị",
    "education": "Giáo dục lý luận chính trị, hội nghị báo cáo viên",
    "opinion": "Tình hình tư tưởng, dư luận xã hội",
    "documents": "Văn bản ban hành",
    "tasks": "Thực hiện nhiệm vụ",
}


LABELS = {
    "classes": "Số lớp bồi dưỡng, học tập lý luận chính trị",
    "conferences": "Số hội nghị báo cáo viên",
    "conferences.online": "Hội nghị báo cáo viên trực tuyến",
    "attendance": "Tổng số lượt người dự",
    "attendance.classes": "Lượt người dự lớp bồi dưỡng",
    "attendance.conferences": "Lượt người dự hội nghị báo cáo viên",
    "opinion": "Số tin dư luận xã hội",
    "documents": "Số văn bản ban hành",
    "tasks.due": "Số nhiệm vụ đến hạn trong kỳ",
    "tasks.done": "Số nhiệm vụ hoàn thành trong kỳ",
    "tasks.late": "Số nhiệm vụ trễ hạn",
}
STUDY_LABELS = {
    "required": "Số đơn vị phải học tập",
    "returned": "Số đơn vị đã báo cáo",
    "late": "Số đơn vị báo cáo chậm",
    "members": "Tổng số đảng viên",
    "studied": "Số đảng viên đã học tập (kể cả học bù)",
}


def programme_label(name: str) -> str:
    return f"Lớp {name[:1].lower()}{name[1:]}"


def tendency_label(label: str) -> str:
    return f"Xu hướng {label.lower()}"


def topic_label(name: str) -> str:
    return f"Chủ đề: {name}"


def study_label(what: str, title: str) -> str:
    return f"{STUDY_LABELS[what]} — {title}"


def label_for(key: str) -> str:
    """A figure's label from its key alone (for the records page, without computing every figure)."""
    from tuyengiao.education.models import StudyCampaign

    if key in LABELS:
        return LABELS[key]
    parts = key.split(".")
    found = None
    if parts[0] == "classes" and len(parts) == 2:
        found = Programme.objects.filter(code=parts[1]).values_list("name", flat=True).first()
        return programme_label(found) if found else key
    if parts[0] == "opinion" and len(parts) == 3 and parts[1] == "tendency":
        return tendency_label(dict(Tendency.choices).get(parts[2], parts[2]))
    if parts[0] == "opinion" and len(parts) == 3 and parts[2].isascii() and parts[2].isdigit():
        found = OpinionTopic.objects.filter(pk=parts[2]).values_list("name", flat=True).first()
        return topic_label(found) if found else key
    if parts[0] == "documents" and len(parts) == 3 and parts[2].isascii() and parts[2].isdigit():
        return DocumentType.objects.filter(pk=parts[2]).values_list("name", flat=True).first() or key
    if parts[0] == "study" and len(parts) == 3 and parts[1].isascii() and parts[1].isdigit() and parts[2] in STUDY_LABELS:
        found = StudyCampaign.objects.filter(pk=parts[1]).values_list("title", flat=True).first()
        return study_label(parts[2], found) if found else key
    return key


class UnknownFigure(LookupError):
    """A key that names no figure (or a record that no longer exists)."""


@dataclass
class Figure:
    key: str
    label: str
    value: int
    unit_label: str  # what is counted: "lớp", "lượt", "tin"…
    section: str
    level: int = 0  # 1: a part of the figure above it ("trong đó")
    sum_field: str | None = None  # the records' total of this field is the value (else their count)
    by_unit: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class FigureSet:
    """Every figure of a unit's subtree over a period, plus the series the dashboard draws."""

    unit_id: int
    unit_name: str
    start: datetime.date
    end: datetime.date
    figures: list[Figure]
    attendance_by_month: list[tuple[datetime.date, int]] = field(default_factory=list)
    opinion_by_month: list[tuple[datetime.date, str, int]] = field(default_factory=list)  # month, topic, items
    campaigns: list[dict] = field(default_factory=list)  # {"pk", "title", "documents"}

    def get(self, key: str) -> Figure | None:
        return next((figure for figure in self.figures if figure.key == key), None)

    def value(self, key: str) -> int:
        figure = self.get(key)
        return figure.value if figure else 0

    def section(self, name: str) -> list[Figure]:
        return [figure for figure in self.figures if figure.section == name]

    def prefixed(self, prefix: str) -> list[Figure]:
        return [figure for figure in self.figures if figure.key.startswith(prefix)]

    @property
    def is_empty(self) -> bool:
        return not any(figure.value for figure in self.figures)

    def section_is_empty(self, name: str) -> bool:
        return not any(figure.value for figure in self.section(name))

    def to_json(self) -> dict:
        return {
            "unit_id": self.unit_id,
            "unit_name": self.unit_name,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "figures": [asdict(figure) for figure in self.figures],
            "attendance_by_month": [[month.isoformat(), value] for month, value in self.attendance_by_month],
            "opinion_by_month": [[month.isoformat(), topic, value] for month, topic, value in self.opinion_by_month],
            "campaigns": self.campaigns,
        }

    @classmethod
    def from_json(cls, data: dict) -> FigureSet:
        day = datetime.date.fromisoformat
        return cls(
            unit_id=data["unit_id"],
            unit_name=data["unit_name"],
            start=day(data["start"]),
            end=day(data["end"]),
            figures=[
                Figure(**{**item, "by_unit": [tuple(row) for row in item.get("by_unit", [])]})
                for item in data.get("figures", [])
            ],
            attendance_by_month=[(day(month), value) for month, value in data.get("attendance_by_month", [])],
            opinion_by_month=[(day(month), topic, value) for month, topic, value in data.get("opinion_by_month", [])],
            campaigns=data.get("campaigns", []),
        )


def check_period(start: datetime.date, end: datetime.date) -> None:
    if end < start:
        raise ValueError(END_BEFORE_START)


def _as_of(end: datetime.date) -> datetime.date:
    """Lateness is judged at the end of the period, or today for a period still running."""
    return min(end, timezone.localdate())


# --- the records behind each figure ------------------------------------------------------------


def attendance_in(*, unit: Unit, start: datetime.date, end: datetime.date) -> QuerySet[Attendance]:
    """Attendance rows at the classes and conferences the subtree organised in the period (lượt = their sum)."""
    check_period(start, end)
    classes = classes_in(unit=unit, start=start, end=end).values("pk")
    conferences = conferences_in(unit=unit, start=start, end=end).values("pk")
    return Attendance.objects.filter(
        Q(conference__in=conferences) | Q(education_class__in=classes), held_on__range=(start, end)
    )


def _campaign(unit: Unit, start, end, pk: str):
    campaign = campaigns_in(unit=unit, start=start, end=end).filter(pk=pk).first() if pk.isascii() and pk.isdigit() else None
    if campaign is None:
        raise UnknownFigure(pk)
    return campaign


def _study_returns(unit: Unit, campaign) -> QuerySet[StudyReturn]:
    return StudyReturn.objects.filter(
        rollup_q(unit, date_field="campaign__deadline", unit_field="unit"), campaign=campaign
    ).annotate(studied=F("members_present") + F("makeup_attendance"))


def _study_requirements(unit: Unit, campaign) -> QuerySet[StudyCampaignUnit]:
    return StudyCampaignUnit.objects.filter(
        rollup_q(unit, date_field="campaign__deadline", unit_field="unit"), campaign=campaign
    )


def records_for(key: str, *, unit: Unit, start: datetime.date, end: datetime.date) -> tuple[QuerySet, str | None]:
    """The records behind figure `key` and the field summed into its value (None: the value is their count).

    Raises UnknownFigure for a key that names no figure, ValueError for an end before the start.
    """
    check_period(start, end)
    parts = key.split(".")
    head, rest = parts[0], parts[1:]
    if head == "classes" and not rest:
        return classes_in(unit=unit, start=start, end=end), None
    if head == "classes" and len(rest) == 1:
        return classes_in(unit=unit, start=start, end=end).filter(programme__code=rest[0]), None
    if head == "conferences" and not rest:
        return conferences_in(unit=unit, start=start, end=end), None
    if key == "conferences.online":
        return conferences_in(unit=unit, start=start, end=end).filter(mode__in=ONLINE_MODES), None
    if head == "attendance":
        rows = attendance_in(unit=unit, start=start, end=end)
        if not rest:
            return rows, "count"
        if rest == ["classes"]:
            return rows.filter(education_class__isnull=False), "count"
        if rest == ["conferences"]:
            return rows.filter(conference__isnull=False), "count"
    if head == "study" and len(rest) == 2:
        campaign = _campaign(unit, start, end, rest[0])
        what = rest[1]
        if what == "required":
            return _study_requirements(unit, campaign), None
        if what == "returned":
            return _study_returns(unit, campaign), None
        if what == "members":
            return _study_returns(unit, campaign), "members_total"
        if what == "studied":
            return _study_returns(unit, campaign), "studied"
        if what == "late":
            return late_requirements(campaign, root=unit, on=_as_of(end)), None
    if head == "opinion":
        items = items_in(unit=unit, start=start, end=end)
        if not rest:
            return items, None
        if len(rest) == 2 and rest[0] == "tendency" and rest[1] in Tendency.values:
            return items.filter(tendency=rest[1]), None
        # isascii: int("²") fails; topic__id: an id past the column's range matches nothing (no 500).
        if len(rest) == 2 and rest[0] == "topic" and rest[1].isascii() and rest[1].isdigit():
            return items.filter(topic__id=int(rest[1])), None
    if head == "documents":
        documents = documents_issued(unit=unit, start=start, end=end)
        if not rest:
            return documents, None
        if len(rest) == 2 and rest[0] == "type" and rest[1].isascii() and rest[1].isdigit():
            return documents.filter(doc_type__id=int(rest[1])), None
    if head == "tasks" and len(rest) == 1:
        if rest[0] == "due":
            return tasks_due(unit=unit, start=start, end=end), None
        if rest[0] == "done":
            return tasks_done(unit=unit, start=start, end=end), None
        if rest[0] == "late":
            return tasks_late(unit=unit, start=start, end=end, as_of=_as_of(end)), None
    raise UnknownFigure(key)


def records_total(records: QuerySet, sum_field: str | None) -> int:
    """What the records add up to: their count, or the sum of `sum_field`."""
    if sum_field is None:
        return records.count()
    return records.order_by().aggregate(total=Coalesce(Sum(sum_field), 0))["total"]


# --- computing every figure at once ------------------------------------------------------------


def _grouped(queryset: QuerySet, key, *fields: str, **aggregates) -> list[dict]:
    """Rows of `aggregates` per child path (and per `fields`), in one GROUP BY query."""
    return list(queryset.annotate(child=key).order_by().values("child", *fields).annotate(**aggregates))


def compute_figures(*, unit: Unit, start: datetime.date, end: datetime.date) -> FigureSet:
    """Every figure of the unit's subtree over [start, end], with its breakdown by child unit."""
    check_period(start, end)
    as_of = _as_of(end)
    pending: list[tuple[Figure, dict[str, int]]] = []
    attendance_months: dict[datetime.date, int] = defaultdict(int)
    opinion_months: dict[tuple[datetime.date, str], int] = defaultdict(int)

    def add(key, label, unit_label, section, rows: dict[str, int], *, level=0, sum_field=None, value=None):
        rows = {path: n for path, n in rows.items() if n}
        figure = Figure(
            key=key,
            label=label,
            value=sum(rows.values()) if value is None else value,
            unit_label=unit_label,
            section=section,
            level=level,
            sum_field=sum_field,
        )
        pending.append((figure, rows))
        return figure

    def month_of(day) -> datetime.date:
        if isinstance(day, datetime.datetime):
            day = day.date()
        return day.replace(day=1)

    # Study campaigns running in the period: units required, returned, late; Party members studied.
    campaign_rows = []
    for campaign in campaigns_in(unit=unit, start=start, end=end).order_by("starts_on", "pk"):
        key = child_key(unit, date_field="campaign__deadline")
        required = {r["child"]: r["n"] for r in _grouped(_study_requirements(unit, campaign), key, n=Count("pk"))}
        returned = _grouped(
            _study_returns(unit, campaign),
            key,
            n=Count("pk"),
            members=Sum("members_total"),
            studied=Sum(F("members_present") + F("makeup_attendance")),
        )
        late = late_requirements(campaign, root=unit, on=as_of)
        late_rows = {r["child"]: r["n"] for r in _grouped(late.select_related(None), key, n=Count("pk"))}
        title = campaign.title
        prefix = f"study.{campaign.pk}"
        add(f"{prefix}.required", study_label("required", title), "đơn vị", "study", required)
        add(
            f"{prefix}.returned",
            study_label("returned", title),
            "đơn vị",
            "study",
            {r["child"]: r["n"] for r in returned},
        )
        add(f"{prefix}.late", study_label("late", title), "đơn vị", "study", late_rows)
        add(
            f"{prefix}.members",
            study_label("members", title),
            "đảng viên",
            "study",
            {r["child"]: r["members"] or 0 for r in returned},
            sum_field="members_total",
        )
        add(
            f"{prefix}.studied",
            study_label("studied", title),
            "đảng viên",
            "study",
            {r["child"]: r["studied"] or 0 for r in returned},
            level=1,
            sum_field="studied",
        )
        campaign_rows.append({"pk": campaign.pk, "title": title, "documents": campaign.document_lines})

    # Classes (by programme) and briefing conferences (how many online), then the lượt at them.
    class_list = list(
        classes_in(unit=unit, start=start, end=end)
        .annotate(child=child_key(unit, date_field="starts_on", unit_field="organiser"))
        .order_by()
        .values_list("pk", "child", "programme_id", "starts_on")
    )
    conference_list = list(
        conferences_in(unit=unit, start=start, end=end)
        .annotate(child=child_key(unit, date_field="held_on", unit_field="organiser"))
        .order_by()
        .values_list("pk", "child", "mode", "held_on")
    )
    classes_by_child: dict[str, int] = defaultdict(int)
    by_programme: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for _pk, child, programme_id, _day in class_list:
        classes_by_child[child] += 1
        by_programme[programme_id][child] += 1
    add("classes", LABELS["classes"], "lớp", "education", classes_by_child)
    for programme in Programme.objects.filter(pk__in=by_programme).order_by("sort_order", "name"):
        add(
            f"classes.{programme.code}",
            programme_label(programme.name),
            "lớp",
            "education",
            by_programme[programme.pk],
            level=1,
        )
    conferences_by_child: dict[str, int] = defaultdict(int)
    online_by_child: dict[str, int] = defaultdict(int)
    for _pk, child, mode, _day in conference_list:
        conferences_by_child[child] += 1
        if mode in ONLINE_MODES:
            online_by_child[child] += 1
    add("conferences", LABELS["conferences"], "hội nghị", "education", conferences_by_child)
    add("conferences.online", LABELS["conferences.online"], "hội nghị", "education", online_by_child, level=1)

    # Lượt per event, one query per kind of event: "event in (the events above)" lets each use its own index.
    # The same rows as attendance_in() (every row belongs to exactly one class or one conference).
    class_of = {pk: (child, day) for pk, child, _p, day in class_list}
    conference_of = {pk: (child, day) for pk, child, _m, day in conference_list}
    class_luot: dict[str, int] = defaultdict(int)
    conference_luot: dict[str, int] = defaultdict(int)
    for field_name, events, event_of, luot in (
        ("education_class", classes_in(unit=unit, start=start, end=end), class_of, class_luot),
        ("conference", conferences_in(unit=unit, start=start, end=end), conference_of, conference_luot),
    ):
        if not event_of:
            continue
        summed = (
            Attendance.objects.filter(**{f"{field_name}__in": events.values("pk")}, held_on__range=(start, end))
            .order_by()
            .values(field_name)
            .annotate(n=Sum("count"))
            .values_list(field_name, "n")
        )
        for pk, n in summed:
            child, day = event_of[pk]
            luot[child] += n
            attendance_months[month_of(day)] += n
    total_luot = defaultdict(int)
    for source in (class_luot, conference_luot):
        for child, n in source.items():
            total_luot[child] += n
    add("attendance", LABELS["attendance"], "lượt", "education", total_luot, sum_field="count")
    add("attendance.classes", LABELS["attendance.classes"], "lượt", "education", class_luot, level=1, sum_field="count")
    add(
        "attendance.conferences",
        LABELS["attendance.conferences"],
        "lượt",
        "education",
        conference_luot,
        level=1,
        sum_field="count",
    )

    # Public opinion: items by topic and tendency (one grouped query, also by month for the dashboard).
    opinion = list(
        items_in(unit=unit, start=start, end=end)
        .annotate(
            child=child_key(unit, date_field="report__period_start", unit_field="report__unit"),
            month=TruncMonth("report__period_start"),
        )
        .order_by()
        .values("child", "month", "topic_id", "tendency")
        .annotate(n=Count("pk"))
    )
    items_by_child: dict[str, int] = defaultdict(int)
    by_tendency: dict[str, dict[str, int]] = {value: defaultdict(int) for value in Tendency.values}
    by_topic: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    topic_names = dict(OpinionTopic.objects.filter(pk__in={r["topic_id"] for r in opinion}).values_list("pk", "name"))
    for row in opinion:
        items_by_child[row["child"]] += row["n"]
        by_tendency[row["tendency"]][row["child"]] += row["n"]
        by_topic[row["topic_id"]][row["child"]] += row["n"]
        opinion_months[(month_of(row["month"]), topic_names[row["topic_id"]])] += row["n"]
    add("opinion", LABELS["opinion"], "tin", "opinion", items_by_child)
    for value, label in Tendency.choices:
        add(f"opinion.tendency.{value}", tendency_label(label), "tin", "opinion", by_tendency[value], level=1)
    topics = sorted(by_topic, key=lambda pk: (-sum(by_topic[pk].values()), topic_names[pk]))
    for pk in topics:
        add(f"opinion.topic.{pk}", topic_label(topic_names[pk]), "tin", "opinion", by_topic[pk], level=1)

    # Documents issued by type.
    documents = _grouped(
        documents_issued(unit=unit, start=start, end=end),
        child_key(unit, date_field="issued_on"),
        "doc_type_id",
        n=Count("pk"),
    )
    documents_by_child: dict[str, int] = defaultdict(int)
    by_type: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in documents:
        documents_by_child[row["child"]] += row["n"]
        by_type[row["doc_type_id"]][row["child"]] += row["n"]
    add("documents", LABELS["documents"], "văn bản", "documents", documents_by_child)
    for doc_type in DocumentType.objects.filter(pk__in=by_type).order_by("sort_order", "name"):
        add(f"documents.type.{doc_type.pk}", doc_type.name, "văn bản", "documents", by_type[doc_type.pk], level=1)

    # Tasks due in the period, done in it, late.
    due = _grouped(
        tasks_due(unit=unit, start=start, end=end),
        child_key(unit, date_field="deadline"),
        n=Count("pk"),
        late=Count("pk", filter=late_as_of_q(as_of)),
    )
    done = _grouped(
        tasks_done(unit=unit, start=start, end=end), child_key(unit, date_field="completed_on"), n=Count("pk")
    )
    add("tasks.due", LABELS["tasks.due"], "nhiệm vụ", "tasks", {r["child"]: r["n"] for r in due})
    add("tasks.done", LABELS["tasks.done"], "nhiệm vụ", "tasks", {r["child"]: r["n"] for r in done})
    add("tasks.late", LABELS["tasks.late"], "nhiệm vụ", "tasks", {r["child"]: r["late"] for r in due}, level=1)

    paths = {path for _figure, rows in pending for path in rows}
    names = dict(Unit.objects.filter(path__in=paths).values_list("path", "name"))
    figures = []
    for figure, rows in pending:
        figure.by_unit = [(names.get(path, path), n) for path, n in sorted(rows.items())]
        figures.append(figure)
    return FigureSet(
        unit_id=unit.pk,
        unit_name=unit.name,
        start=start,
        end=end,
        figures=figures,
        attendance_by_month=sorted(attendance_months.items()),
        opinion_by_month=sorted((month, topic, n) for (month, topic), n in opinion_months.items()),
        campaigns=campaign_rows,
    )
