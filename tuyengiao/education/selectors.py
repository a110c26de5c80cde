"""Reads for study campaigns and political education: rights, progress, roll-ups and report figures.

Two rules hold on every function here:

- Rights follow the unit tree (tuyengiao.units.selectors): `*_visible_to(user)`
  querysets are what the admin lists, inspects, edits and exports.
- Figures are aggregate queries, never a Python loop over units; each figure
  comes with the queryset of the records behind it (issue 5 links a figure to
  that list, whose count or sum equals the figure). A merged unit's records
  count for its successor from the merge date (`rollup_q`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Substr, TruncMonth
from django.utils import timezone

from tuyengiao.units.models import Unit, UnitKind
from tuyengiao.units.selectors import has_unit_rights, rollup_q, scope_to_user, unit_in_reach, units_visible_to

from .models import (
    ONLINE_MODES,
    Attendance,
    BriefingConference,
    EducationClass,
    ImportBatch,
    Participant,
    ParticipantAttendance,
    Programme,
    Reporter,
    StudyCampaign,
    StudyCampaignUnit,
    StudyReturn,
)

STEPLEN = Unit.steplen


# --- rights ---------------------------------------------------------------------


def is_staff_anywhere(user) -> bool:
    """Superusers, and anyone holding a staff role in some unit today (cached on the user for the request)."""
    return has_unit_rights(user)


def visible_units(user) -> QuerySet[Unit]:
    return units_visible_to(user).order_by("path")


def campaigns_visible_to(user) -> QuerySet[StudyCampaign]:
    """Campaigns the user's units issued, or in which one of the user's units must study."""
    if not is_staff_anywhere(user):
        return StudyCampaign.objects.none()
    if user.is_superuser:
        return StudyCampaign.objects.all()
    visible = units_visible_to(user)
    required_here = StudyCampaignUnit.objects.filter(campaign=OuterRef("pk"), unit__in=visible)
    return StudyCampaign.objects.filter(Q(issuing_unit__in=visible) | Exists(required_here))


def campaigns_editable_by(user) -> QuerySet[StudyCampaign]:
    """Only the issuing unit's side of the tree changes a campaign."""
    return scope_to_user(StudyCampaign.objects.all(), user, unit_field="issuing_unit")


def returns_visible_to(user) -> QuerySet[StudyReturn]:
    return scope_to_user(StudyReturn.objects.all(), user)


def classes_visible_to(user) -> QuerySet[EducationClass]:
    return scope_to_user(EducationClass.objects.all(), user, unit_field="organiser")


def conferences_visible_to(user) -> QuerySet[BriefingConference]:
    return scope_to_user(BriefingConference.objects.all(), user, unit_field="organiser")


def attendances_visible_to(user) -> QuerySet[Attendance]:
    """Rows of the user's units, and every row of the events the user's units organised."""
    return _attendance_rows_visible_to(Attendance.objects.all(), user)


def participant_attendances_visible_to(user) -> QuerySet[ParticipantAttendance]:
    """Named people of the user's units, and everyone on the lists of the events the user's units organised."""
    return _attendance_rows_visible_to(ParticipantAttendance.objects.all(), user, unit_field="participant__unit")


def _attendance_rows_visible_to(rows: QuerySet, user, *, unit_field: str = "unit") -> QuerySet:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return rows.none()
    if user.is_superuser:
        return rows
    visible = units_visible_to(user)
    return rows.filter(
        Q(**{f"{unit_field}__in": visible})
        | Q(education_class__organiser__in=visible)
        | Q(conference__organiser__in=visible)
    )


def reporters_visible_to(user) -> QuerySet[Reporter]:
    return scope_to_user(Reporter.objects.all(), user)


def participants_visible_to(user) -> QuerySet[Participant]:
    return scope_to_user(Participant.objects.all(), user)


# Python twins of the querysets above for a loaded record (asked once per listed row, no query).


def can_edit_campaign(user, campaign) -> bool:
    """A campaign belongs to its issuing unit's side of the tree (units required to study only read it)."""
    return unit_in_reach(user, campaign.issuing_unit)


def can_edit_by_unit(user, obj) -> bool:
    return unit_in_reach(user, obj.unit)


def can_edit_by_organiser(user, obj) -> bool:
    return unit_in_reach(user, obj.organiser)


def can_edit_attendance(user, attendance) -> bool:
    """The organiser records everyone's attendance at its event; a unit records its own people's."""
    return unit_in_reach(user, attendance.unit) or unit_in_reach(user, attendance.event.organiser)


def can_edit_participant_attendance(user, record) -> bool:
    return unit_in_reach(user, record.participant.unit) or unit_in_reach(user, record.event.organiser)


def programmes_active() -> QuerySet[Programme]:
    return Programme.objects.filter(is_active=True)


def import_batches_by(user, *, kind: str, limit: int = 10) -> list[ImportBatch]:
    return list(ImportBatch.objects.filter(kind=kind, created_by=user)[:limit])


# --- roll-ups up the tree ------------------------------------------------------------


def _chain_end(unit: Unit, merged: dict[int, Unit]) -> Unit:
    """Follow successor links to the unit that finally took over (guarding against cycles)."""
    seen = {unit.pk}
    while unit.successor_id and unit.successor_id in merged and unit.successor_id not in seen:
        seen.add(unit.successor_id)
        unit = merged[unit.successor_id]
    return unit


def _merge_targets(root: Unit) -> list[tuple[Unit, datetime.date, str]]:
    """Merged units whose records from the merge date roll up to a child of `root`: (unit, date, child path).

    Deepest first, so a merged unit inside another merged unit takes its own rule.
    """
    length = (root.depth + 1) * STEPLEN
    merged_units = list(
        Unit.objects.filter(successor__isnull=False, valid_to__isnull=False).select_related("successor")
    )
    by_pk = {u.pk: u for u in merged_units}
    targets = []
    for unit in sorted(merged_units, key=lambda u: (-u.depth, u.path)):
        final = _chain_end(unit, by_pk)
        target = final.successor
        if not target.path.startswith(root.path):
            continue  # taken over outside this subtree: the record stays where rollup_q(root) counts it
        targets.append((unit, unit.valid_to + datetime.timedelta(days=1), target.path[:length]))
    return targets


def child_key(root: Unit, *, date_field: str, unit_field: str = "unit"):
    """An expression giving, for each record, the path of the child of `root` it rolls up to.

    The default is the record's unit path cut at the child's depth (the root's
    own records keep the root's path). A record of a merged unit dated from the
    merge date goes to the child holding the unit that took it over — the same
    rule as `rollup_q`, so per-child rows add up to the subtree total.
    """
    length = (root.depth + 1) * STEPLEN
    default = Substr(f"{unit_field}__path", 1, length)
    whens = [
        When(
            Q(**{f"{unit_field}__path__startswith": unit.path, f"{date_field}__gte": merged_on}),
            then=Value(key),
        )
        for unit, merged_on, key in _merge_targets(root)
    ]
    if not whens:
        return default
    return Case(*whens, default=default, output_field=CharField())


def unit_rollup(root: Unit, *, records: QuerySet, date_field: str, value: str) -> dict[str, int]:
    """{child path: Sum(value)} of `records` over root's roll-up, driven by the units, not by the records.

    For a big table (a year of attendance: hundreds of thousands of rows) a
    query grouping the records by their unit's path joins every row to its
    unit. Here each unit sums its own records through the (unit, date, value)
    index — one index range per unit — and the units are grouped by child in
    the same query. Records under merged units (a few) are grouped separately
    with `child_key`, which splits them at the merge date exactly as
    `rollup_q` does; the two small results are added up here.
    """
    length = (root.depth + 1) * STEPLEN
    targets = _merge_targets(root)
    merged_q = Q(pk__in=[])
    for unit, _merged_on, _key in targets:
        merged_q |= Q(path__startswith=unit.path)
    # SUM as a plain function: one aggregate row per unit without a GROUP BY (measurably cheaper per unit).
    own_sum = Func(F(value), function="SUM", output_field=IntegerField())
    summed = Subquery(records.filter(unit=OuterRef("pk")).order_by().annotate(total=own_sum).values("total"))
    plain = (
        Unit.objects.filter(path__startswith=root.path)
        .exclude(merged_q)
        .annotate(child=Substr("path", 1, length), total=summed)
        .order_by()
        .values("child")
        .annotate(sum=Sum("total"))
        .values_list("child", "sum")
    )
    totals = {child: total for child, total in plain if total}
    if targets:
        in_merged = Q(pk__in=[])
        for unit, merged_on, _key in targets:
            part = Q(**{"unit__path__startswith": unit.path})
            if not unit.path.startswith(root.path):  # from outside the subtree: only from the merge date on
                part &= Q(**{f"{date_field}__gte": merged_on})
            in_merged |= part
        merged = (
            records.filter(in_merged)
            .annotate(child=child_key(root, date_field=date_field))
            .order_by()
            .values("child")
            .annotate(sum=Sum(value))
            .values_list("child", "sum")
        )
        for child, total in merged:
            totals[child] = totals.get(child, 0) + (total or 0)
    return totals


def indexed_rollup_q(unit: Unit, *, date_field: str, unit_field: str = "unit") -> Q:
    """`rollup_q`, with each "unit's path starts with …" turned into "unit in (units whose path starts with …)".

    Same records; but a big table then filters on its own (unit, date) index
    through a small list of unit ids instead of joining every row to its unit.
    """
    suffix = "__path__startswith"

    def rewrite(node):
        if isinstance(node, Q):
            clone = Q(*[rewrite(child) for child in node.children], _connector=node.connector, _negated=node.negated)
            return clone
        key, value = node
        if key.endswith(suffix) and isinstance(value, str):
            return (f"{key.removesuffix(suffix)}__in", Unit.objects.filter(path__startswith=value).values("pk"))
        return node

    return rewrite(rollup_q(unit, date_field=date_field, unit_field=unit_field))


def _children_by_key(root: Unit, keys) -> dict[str, Unit]:
    keys = {key for key in keys if key}
    return {unit.path: unit for unit in Unit.objects.filter(path__in=keys)}


# --- study campaigns --------------------------------------------------------------


def ratio(part, whole) -> Decimal | None:
    """part/whole as a fraction with four decimals; None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def format_percent(value: Decimal | None) -> str:
    """0.9523 → ``95,23%`` (Vietnamese decimal comma); None → ``—``."""
    if value is None:
        return "—"
    percent = (value * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{percent:f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") + "%"


@dataclass
class CampaignProgress:
    """Completion of one campaign over a subtree (or the whole campaign when root is None)."""

    campaign: StudyCampaign
    root: Unit | None
    on: datetime.date
    required: int
    returned: int
    returned_late: int
    members_total: int
    members_present: int
    makeup_attendance: int
    summaries_submitted: int
    requirements: QuerySet = field(repr=False)
    returns: QuerySet = field(repr=False)

    @property
    def missing(self) -> int:
        return self.required - self.returned

    @property
    def overdue_missing(self) -> int:
        """Units with no return although the deadline has passed."""
        return self.missing if self.on > self.campaign.deadline else 0

    @property
    def late_units(self) -> int:
        return self.returned_late + self.overdue_missing

    @property
    def members_studied(self) -> int:
        return self.members_present + self.makeup_attendance

    @property
    def completion_rate(self) -> Decimal | None:
        return ratio(self.returned, self.required)

    @property
    def studied_rate(self) -> Decimal | None:
        return ratio(self.members_studied, self.members_total)


def _campaign_scope(campaign: StudyCampaign, root: Unit | None) -> Q:
    """Requirements or returns of a campaign within a root's roll-up.

    Both are dated by the campaign's deadline, so a unit merged before the
    deadline counts for its successor in both — rates stay consistent.
    """
    if root is None:
        return Q(campaign=campaign)
    return Q(campaign=campaign) & rollup_q(root, date_field="campaign__deadline", unit_field="unit")


RETURN_SUMS = {
    "members_total": Coalesce(Sum("members_total"), 0),
    "members_present": Coalesce(Sum("members_present"), 0),
    "makeup_attendance": Coalesce(Sum("makeup_attendance"), 0),
    "summaries_submitted": Coalesce(Sum("summaries_submitted"), 0),
}


def campaign_progress(
    campaign: StudyCampaign, *, root: Unit | None = None, on: datetime.date | None = None, scope: Q | None = None
) -> CampaignProgress:
    """Units returned / required, members studied / total, and late returns — two aggregate queries."""
    on = on or timezone.localdate()
    requirement_q = return_q = scope if scope is not None else _campaign_scope(campaign, root)
    requirements = StudyCampaignUnit.objects.filter(requirement_q)
    returns = StudyReturn.objects.filter(return_q)
    totals = returns.aggregate(
        returned=Count("pk"),
        returned_late=Count("pk", filter=Q(submitted_on__gt=campaign.deadline)),
        **RETURN_SUMS,
    )
    return CampaignProgress(
        campaign=campaign,
        root=root,
        on=on,
        required=requirements.count(),
        requirements=requirements,
        returns=returns,
        **totals,
    )


@dataclass
class RollupRow:
    unit: Unit
    required: int = 0
    returned: int = 0
    returned_late: int = 0
    members_total: int = 0
    members_present: int = 0
    makeup_attendance: int = 0
    summaries_submitted: int = 0
    overdue: bool = False

    @property
    def missing(self) -> int:
        return self.required - self.returned

    @property
    def late_units(self) -> int:
        return self.returned_late + (self.missing if self.overdue else 0)

    @property
    def members_studied(self) -> int:
        return self.members_present + self.makeup_attendance

    @property
    def completion_rate(self) -> Decimal | None:
        return ratio(self.returned, self.required)

    @property
    def studied_rate(self) -> Decimal | None:
        return ratio(self.members_studied, self.members_total)


def campaign_rollup(
    campaign: StudyCampaign, *, root: Unit, on: datetime.date | None = None, scope: Q | None = None
) -> list[RollupRow]:
    """One row per child of `root` (plus the root itself if it must study): its subtree's totals.

    Two grouped queries whatever the size of the tree.
    """
    on = on or timezone.localdate()
    key = child_key(root, date_field="campaign__deadline")
    requirement_q = return_q = scope if scope is not None else _campaign_scope(campaign, root)
    required = dict(
        StudyCampaignUnit.objects.filter(requirement_q)
        .annotate(child=key)
        .values("child")
        .annotate(n=Count("pk"))
        .values_list("child", "n")
    )
    returned = {
        row["child"]: row
        for row in StudyReturn.objects.filter(return_q)
        .annotate(child=key)
        .values("child")
        .annotate(
            returned=Count("pk"),
            returned_late=Count("pk", filter=Q(submitted_on__gt=campaign.deadline)),
            **RETURN_SUMS,
        )
    }
    units = _children_by_key(root, set(required) | set(returned))
    rows = []
    for path in sorted(units):
        numbers = {k: v for k, v in returned.get(path, {}).items() if k != "child"}
        rows.append(
            RollupRow(unit=units[path], required=required.get(path, 0), overdue=on > campaign.deadline, **numbers)
        )
    return rows


def late_requirements(
    campaign: StudyCampaign, *, root: Unit | None = None, on: datetime.date | None = None, scope: Q | None = None
) -> QuerySet[StudyCampaignUnit]:
    """Required units that are late: no return although the deadline passed, or a return filed after it.

    Each row carries `returned_on` (None when nothing was filed).
    """
    on = on or timezone.localdate()
    requirement_q = scope if scope is not None else _campaign_scope(campaign, root)
    returns = StudyReturn.objects.filter(campaign=campaign)
    # Uncorrelated "unit in (…)" tests (one hashed list each), not a lookup per required unit.
    late = Q(unit__in=returns.filter(submitted_on__gt=campaign.deadline).values("unit"))
    if on > campaign.deadline:
        late |= ~Q(unit__in=returns.values("unit"))
    filed = StudyReturn.objects.filter(campaign=OuterRef("campaign"), unit=OuterRef("unit")).values("submitted_on")[:1]
    return (
        StudyCampaignUnit.objects.filter(requirement_q)
        .filter(late)
        .annotate(returned_on=Subquery(filed))
        .select_related("unit")
        .order_by("unit__path")
    )


@dataclass
class CampaignOverview:
    """What the board sees for a campaign under a unit: totals, the table per child unit, the late units."""

    progress: CampaignProgress
    rows: list[RollupRow]
    late: QuerySet[StudyCampaignUnit]


def campaign_overview(campaign: StudyCampaign, *, root: Unit, on: datetime.date | None = None) -> CampaignOverview:
    """The three reads above over one roll-up scope (`rollup_q` is worked out once)."""
    on = on or timezone.localdate()
    scope = _campaign_scope(campaign, root)
    return CampaignOverview(
        progress=campaign_progress(campaign, root=root, on=on, scope=scope),
        rows=campaign_rollup(campaign, root=root, on=on, scope=scope),
        late=late_requirements(campaign, root=root, on=on, scope=scope),
    )


def requirements_with_returns(campaign: StudyCampaign, *, units: QuerySet[Unit] | None = None):
    """Required units (optionally limited) annotated with their return's id and date, in tree order."""
    filed = StudyReturn.objects.filter(campaign=OuterRef("campaign"), unit=OuterRef("unit"))
    queryset = StudyCampaignUnit.objects.filter(campaign=campaign)
    if units is not None:
        queryset = queryset.filter(unit__in=units)
    return (
        queryset.annotate(
            return_id=Subquery(filed.values("pk")[:1]), returned_on=Subquery(filed.values("submitted_on")[:1])
        )
        .select_related("unit")
        .order_by("unit__path")
    )


def campaign_scope_root(campaign: StudyCampaign) -> Unit:
    """The deepest unit whose subtree holds every required unit (the issuing unit if none yet).

    The common prefix of the smallest and the largest path is the common
    prefix of all of them: one aggregate query, however many units study.
    """
    bounds = StudyCampaignUnit.objects.filter(campaign=campaign).aggregate(
        low=Min("unit__path"), high=Max("unit__path")
    )
    low, high = bounds["low"], bounds["high"]
    if not low:
        return campaign.issuing_unit
    common = 0
    for a, b in zip(low, high, strict=False):
        if a != b:
            break
        common += 1
    common -= common % STEPLEN
    if low == high:
        common = len(low)
    prefix = low[:common]
    if not prefix:
        return campaign.issuing_unit
    return Unit.objects.get(path=prefix)


def cells_under(unit: Unit, *, on: datetime.date | None = None) -> QuerySet[Unit]:
    """Party cells in a unit's subtree that are open on the given day."""
    queryset = Unit.objects.filter(path__startswith=unit.path, depth__gt=unit.depth, kind=UnitKind.PARTY_CELL)
    if on:
        queryset = queryset.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
    return queryset.order_by("path")


# --- report figures (issue 5) ---------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A number and the records it was computed from (their count, or the sum of `field`, equals it)."""

    label: str
    value: int
    records: QuerySet = field(repr=False, compare=False)
    sum_field: str | None = None


def _period(start: datetime.date, end: datetime.date) -> None:
    if end < start:
        raise ValueError("Ngày kết thúc không được trước ngày bắt đầu.")


@dataclass
class ProgrammeFigures:
    programme: Programme
    classes: Figure
    enrolled: Figure
    completed: Figure


@dataclass
class ClassFigures:
    classes: Figure
    enrolled: Figure
    completed: Figure
    by_programme: list[ProgrammeFigures]


def classes_in(*, unit: Unit, start: datetime.date, end: datetime.date) -> QuerySet[EducationClass]:
    """Classes opened (khai giảng) in the period by the unit's subtree."""
    _period(start, end)
    return EducationClass.objects.filter(
        rollup_q(unit, date_field="starts_on", unit_field="organiser"), starts_on__range=(start, end)
    )


def class_figures(*, unit: Unit, start: datetime.date, end: datetime.date) -> ClassFigures:
    """Classes by programme: count, enrolled, completed (two grouped queries)."""
    classes = classes_in(unit=unit, start=start, end=end)
    sums = {"n": Count("pk"), "enrolled": Coalesce(Sum("enrolled"), 0), "completed": Coalesce(Sum("completed"), 0)}
    totals = classes.aggregate(**sums)
    grouped = {row["programme"]: row for row in classes.values("programme").annotate(**sums).order_by()}
    by_programme = []
    for programme in Programme.objects.filter(pk__in=grouped):
        row = grouped[programme.pk]
        records = classes.filter(programme=programme)
        by_programme.append(
            ProgrammeFigures(
                programme=programme,
                classes=Figure(f"Số lớp {programme.name}", row["n"], records),
                enrolled=Figure(f"Số học viên {programme.name}", row["enrolled"], records, "enrolled"),
                completed=Figure(f"Số học viên hoàn thành {programme.name}", row["completed"], records, "completed"),
            )
        )
    return ClassFigures(
        classes=Figure("Số lớp bồi dưỡng", totals["n"], classes),
        enrolled=Figure("Số học viên", totals["enrolled"], classes, "enrolled"),
        completed=Figure("Số học viên hoàn thành", totals["completed"], classes, "completed"),
        by_programme=by_programme,
    )


@dataclass
class ConferenceFigures:
    conferences: Figure
    online: Figure
    connection_points: Figure


def conferences_in(*, unit: Unit, start: datetime.date, end: datetime.date) -> QuerySet[BriefingConference]:
    _period(start, end)
    return BriefingConference.objects.filter(
        rollup_q(unit, date_field="held_on", unit_field="organiser"), held_on__range=(start, end)
    )


def conference_figures(*, unit: Unit, start: datetime.date, end: datetime.date) -> ConferenceFigures:
    """Briefing conferences held, how many online (online or both), and connection points."""
    conferences = conferences_in(unit=unit, start=start, end=end)
    online = conferences.filter(mode__in=ONLINE_MODES)
    totals = conferences.aggregate(
        n=Count("pk"),
        online=Count("pk", filter=Q(mode__in=ONLINE_MODES)),
        points=Coalesce(Sum("connection_points"), 0),
    )
    return ConferenceFigures(
        conferences=Figure("Số hội nghị báo cáo viên", totals["n"], conferences),
        online=Figure("Số hội nghị báo cáo viên trực tuyến", totals["online"], online),
        connection_points=Figure("Số điểm cầu", totals["points"], conferences, "connection_points"),
    )


@dataclass
class AttendanceFigures:
    total: Figure
    classes: Figure
    conferences: Figure


def attendances_in(
    *, unit: Unit, start: datetime.date, end: datetime.date, by: str = "organiser"
) -> QuerySet[Attendance]:
    """Attendance rows in the period.

    by="organiser": at events the unit's subtree organised (the usual "tổng số
    … lượt người dự" of a report); by="attendee": people of the unit's subtree
    at any event.
    """
    _period(start, end)
    if by == "attendee":
        scope = indexed_rollup_q(unit, date_field="held_on", unit_field="unit")
    elif by == "organiser":
        scope = indexed_rollup_q(
            unit, date_field="held_on", unit_field="education_class__organiser"
        ) | indexed_rollup_q(unit, date_field="held_on", unit_field="conference__organiser")
    else:
        raise ValueError(by)
    return Attendance.objects.filter(scope, held_on__range=(start, end))


def attendance_figures(
    *, unit: Unit, start: datetime.date, end: datetime.date, by: str = "organiser"
) -> AttendanceFigures:
    """Attendances in lượt (sums of the per-event, per-unit counts)."""
    rows = attendances_in(unit=unit, start=start, end=end, by=by)
    totals = rows.aggregate(
        total=Coalesce(Sum("count"), 0), classes=Coalesce(Sum("count", filter=Q(education_class__isnull=False)), 0)
    )
    # Every row is at exactly one class or one conference (a check constraint), so the rest are conferences;
    # the (unit, date, count, class) index then covers the whole query.
    totals["conferences"] = totals["total"] - totals["classes"]
    return AttendanceFigures(
        total=Figure("Tổng số lượt người dự", totals["total"], rows, "count"),
        classes=Figure(
            "Lượt người dự lớp bồi dưỡng", totals["classes"], rows.filter(education_class__isnull=False), "count"
        ),
        conferences=Figure(
            "Lượt người dự hội nghị báo cáo viên", totals["conferences"], rows.filter(conference__isnull=False), "count"
        ),
    )


@dataclass
class AttendanceRollupRow:
    unit: Unit
    attendances: int


def attendance_rollup(*, root: Unit, start: datetime.date, end: datetime.date) -> list[AttendanceRollupRow]:
    """Lượt per child of `root` over the period, by the attending unit (see `unit_rollup`: one query)."""
    _period(start, end)
    records = Attendance.objects.filter(held_on__range=(start, end))
    totals = unit_rollup(root, records=records, date_field="held_on", value="count")
    units = _children_by_key(root, totals)
    rows = [AttendanceRollupRow(unit=units[key], attendances=total) for key, total in totals.items() if key in units]
    return sorted(rows, key=lambda row: row.unit.path)


def attendance_by_month(*, unit: Unit, start: datetime.date, end: datetime.date, by: str = "organiser") -> list[dict]:
    """[{"month": date, "attendances": lượt}] for charts; same rows as `attendance_figures`."""
    rows = attendances_in(unit=unit, start=start, end=end, by=by)
    return list(
        rows.annotate(month=TruncMonth("held_on")).values("month").annotate(attendances=Sum("count")).order_by("month")
    )


@dataclass
class PeopleFigures:
    people: Figure
    events_with_lists: int


def people_figures(*, unit: Unit, start: datetime.date, end: datetime.date) -> PeopleFigures:
    """Distinct people at events the subtree organised — only from by-name lists, never from lượt."""
    _period(start, end)
    named = ParticipantAttendance.objects.filter(
        rollup_q(unit, date_field="held_on", unit_field="education_class__organiser")
        | rollup_q(unit, date_field="held_on", unit_field="conference__organiser"),
        held_on__range=(start, end),
    )
    people = Participant.objects.filter(pk__in=named.values("participant"))
    events = named.aggregate(
        classes=Count("education_class", distinct=True), conferences=Count("conference", distinct=True)
    )
    return PeopleFigures(
        people=Figure("Số người dự (theo danh sách)", people.count(), people),
        events_with_lists=events["classes"] + events["conferences"],
    )


@dataclass
class CampaignFigures:
    campaign: StudyCampaign
    required: Figure
    returned: Figure
    members_total: Figure
    members_studied: Figure

    @property
    def studied_rate(self) -> Decimal | None:
        return ratio(self.members_studied.value, self.members_total.value)

    @property
    def completion_rate(self) -> Decimal | None:
        return ratio(self.returned.value, self.required.value)


def campaigns_in(*, unit: Unit, start: datetime.date, end: datetime.date) -> QuerySet[StudyCampaign]:
    """Campaigns running in the period ([starts_on, deadline] overlaps it) with units to study in the subtree."""
    _period(start, end)
    required_here = StudyCampaignUnit.objects.filter(
        rollup_q(unit, date_field="campaign__deadline", unit_field="unit"), campaign=OuterRef("pk")
    )
    return StudyCampaign.objects.filter(Exists(required_here), starts_on__lte=end, deadline__gte=start)


def study_figures(*, unit: Unit, start: datetime.date, end: datetime.date) -> list[CampaignFigures]:
    """The share of Party members who studied, per campaign (document or theme) in the period."""
    campaigns = list(campaigns_in(unit=unit, start=start, end=end).order_by("starts_on", "pk"))
    if not campaigns:
        return []
    scope = rollup_q(unit, date_field="campaign__deadline", unit_field="unit")
    returns = StudyReturn.objects.filter(scope, campaign__in=campaigns)
    requirements = StudyCampaignUnit.objects.filter(scope, campaign__in=campaigns)
    required = dict(requirements.values("campaign").annotate(n=Count("pk")).values_list("campaign", "n").order_by())
    sums = {
        row["campaign"]: row
        for row in returns.values("campaign")
        .annotate(n=Count("pk"), total=Sum("members_total"), studied=Sum(F("members_present") + F("makeup_attendance")))
        .order_by()
    }
    figures = []
    for campaign in campaigns:
        row = sums.get(campaign.pk, {"n": 0, "total": 0, "studied": 0})
        own_returns = returns.filter(campaign=campaign).annotate(studied=F("members_present") + F("makeup_attendance"))
        figures.append(
            CampaignFigures(
                campaign=campaign,
                required=Figure(
                    "Số đơn vị phải học tập", required.get(campaign.pk, 0), requirements.filter(campaign=campaign)
                ),
                returned=Figure("Số đơn vị đã báo cáo", row["n"], own_returns),
                members_total=Figure("Tổng số đảng viên", row["total"] or 0, own_returns, "members_total"),
                members_studied=Figure(
                    "Số đảng viên đã học tập (kể cả học bù)", row["studied"] or 0, own_returns, "studied"
                ),
            )
        )
    return figures
