"""Reads for tasks and emulation movements: the user's records, and figures over a unit subtree and a period.

For a review report over [start, end] (issue 5), judged as of `as_of`
(default: the earlier of `end` and today, so a past period's figures do not
change later):

- due: tasks whose deadline falls in the period;
- done: tasks completed in the period (whatever their deadline);
- late: tasks due in the period that were overdue on `as_of` (deadline before
  `as_of` and not completed by then) or were completed after their deadline
  (by `as_of`).

Roll-ups follow the tree and merges (`rollup_q`): a merged unit's tasks count
for its successor from the merge date (by deadline, or completion date for
"done"). Each count is `.count()` of the queryset returned here.
"""

from __future__ import annotations

import datetime

from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet
from django.utils import timezone

from tuyengiao.units.models import Unit
from tuyengiao.units.selectors import rollup_q, scope_to_user

from .models import EmulationMovement, Task, TaskStatus, late_q


def with_late_flag(tasks: QuerySet[Task], *, today: datetime.date | None = None) -> QuerySet[Task]:
    """Annotate `late` (bool) as of today, for list badges and filters."""
    today = today or timezone.localdate()
    return tasks.annotate(late=ExpressionWrapper(late_q(today), output_field=BooleanField()))


def tasks_visible_to(user) -> QuerySet[Task]:
    return scope_to_user(Task.objects.select_related("unit", "movement"), user)


def movements_visible_to(user) -> QuerySet[EmulationMovement]:
    return scope_to_user(EmulationMovement.objects.select_related("unit"), user)


def _in_subtree(unit: Unit, date_field: str, start, end) -> QuerySet[Task]:
    tasks = Task.objects.filter(rollup_q(unit, date_field=date_field))
    if start:
        tasks = tasks.filter(**{f"{date_field}__gte": start})
    if end:
        tasks = tasks.filter(**{f"{date_field}__lte": end})
    return tasks


def _as_of(end: datetime.date | None, as_of: datetime.date | None) -> datetime.date:
    today = timezone.localdate()
    return as_of or (min(end, today) if end else today)


def tasks_due(*, unit: Unit, start: datetime.date | None, end: datetime.date | None) -> QuerySet[Task]:
    return _in_subtree(unit, "deadline", start, end)


def tasks_done(*, unit: Unit, start: datetime.date | None, end: datetime.date | None) -> QuerySet[Task]:
    return _in_subtree(unit, "completed_on", start, end).filter(status=TaskStatus.DONE)


def late_as_of_q(as_of: datetime.date) -> Q:
    """Late as seen on `as_of`: overdue then (deadline passed, not completed by then) or completed late by then.

    With `as_of` = today this is `models.late_q(today)`, the rule of the list badge.
    """
    overdue = Q(deadline__lt=as_of) & (~Q(status=TaskStatus.DONE) | Q(completed_on__gt=as_of))
    return overdue | _done_late_q(as_of)


def _done_late_q(as_of: datetime.date) -> Q:
    return Q(status=TaskStatus.DONE, completed_on__gt=F("deadline"), completed_on__lte=as_of)


def tasks_late(
    *, unit: Unit, start: datetime.date | None, end: datetime.date | None, as_of: datetime.date | None = None
) -> QuerySet[Task]:
    return tasks_due(unit=unit, start=start, end=end).filter(late_as_of_q(_as_of(end, as_of)))


def task_counts(
    *, unit: Unit, start: datetime.date | None, end: datetime.date | None, as_of: datetime.date | None = None
) -> dict[str, int]:
    """{"due", "done", "late", "done_late", "overdue"} for the subtree and period (see module docstring)."""
    as_of = _as_of(end, as_of)
    late = tasks_late(unit=unit, start=start, end=end, as_of=as_of)
    done_late = late.filter(_done_late_q(as_of)).count()
    late_count = late.count()
    return {
        "due": tasks_due(unit=unit, start=start, end=end).count(),
        "done": tasks_done(unit=unit, start=start, end=end).count(),
        "late": late_count,
        "done_late": done_late,
        "overdue": late_count - done_late,
    }


def movements_in(*, unit: Unit, start: datetime.date, end: datetime.date) -> QuerySet[EmulationMovement]:
    """Movements launched in the subtree (with merges, by start date) that overlap the period."""
    return EmulationMovement.objects.filter(
        rollup_q(unit, date_field="start_date"), start_date__lte=end, end_date__gte=start
    ).select_related("unit")
