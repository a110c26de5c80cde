"""Writes for tasks and emulation movements: rights checked, validated, one transaction, an audit entry."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from tuyengiao.units.models import Unit
from tuyengiao.units.selectors import require_record_access, require_unit_access

from .models import EmulationMovement, Task, TaskProgressNote, TaskStatus, participants_error


@transaction.atomic
def task_save(*, actor, task: Task, action: str = "wagtail.edit") -> Task:
    """Save a task built elsewhere (e.g. the admin form, progress notes attached in memory)."""
    require_record_access(actor, task)
    task.full_clean()
    for note in task.progress_notes.all():
        note.full_clean(exclude=["task"])
    task.save()
    log(instance=task, action=action, user=actor)
    return task


@transaction.atomic
def task_create(
    *,
    actor,
    unit: Unit,
    title: str,
    deadline: datetime.date,
    assigned_on: datetime.date | None = None,
    description: str = "",
    status: str = TaskStatus.NOT_STARTED,
    completed_on: datetime.date | None = None,
    movement: EmulationMovement | None = None,
    progress: list[tuple[datetime.date, str]] = (),
) -> Task:
    require_unit_access(actor, unit)
    task = Task(
        unit=unit,
        title=title,
        description=description,
        deadline=deadline,
        status=status,
        completed_on=completed_on,
        movement=movement,
    )
    if assigned_on:
        task.assigned_on = assigned_on
    task.progress_notes = [TaskProgressNote(date=day, note=note) for day, note in progress]
    return task_save(actor=actor, task=task, action="wagtail.create")


@transaction.atomic
def task_set_status(
    *, actor, task: Task, status: str, completed_on: datetime.date | None = None, note: str = ""
) -> Task:
    """Change the status (e.g. mark done on a date), optionally with a dated progress note."""
    task = Task.objects.select_related("unit").get(pk=task.pk)
    task.status = status
    task.completed_on = completed_on if status == TaskStatus.DONE else None
    if note:
        task.progress_notes.add(TaskProgressNote(date=completed_on or timezone.localdate(), note=note))
    return task_save(actor=actor, task=task)


@transaction.atomic
def task_delete(*, actor, task: Task) -> None:
    task = Task.objects.select_related("unit").get(pk=task.pk)
    require_unit_access(actor, task.unit)
    log(instance=task, action="wagtail.delete", user=actor)
    task.delete()


@transaction.atomic
def movement_save(
    *, actor, movement: EmulationMovement, participants=None, action: str = "wagtail.edit"
) -> EmulationMovement:
    """Save a movement; `participants` (units) replaces the list when given, else the in-memory one is kept."""
    require_record_access(actor, movement)
    if participants is not None:
        movement.participants = list(participants)
    movement.full_clean()
    if error := participants_error(movement.unit, movement.participants.all()):
        raise ValidationError({"participants": error})
    movement.save()
    log(instance=movement, action=action, user=actor)
    return movement


@transaction.atomic
def movement_create(
    *,
    actor,
    unit: Unit,
    title: str,
    start_date: datetime.date,
    end_date: datetime.date,
    description: str = "",
    participants: list[Unit] = (),
) -> EmulationMovement:
    require_unit_access(actor, unit)
    movement = EmulationMovement(
        unit=unit, title=title, description=description, start_date=start_date, end_date=end_date
    )
    return movement_save(actor=actor, movement=movement, participants=participants, action="wagtail.create")


@transaction.atomic
def movement_delete(*, actor, movement: EmulationMovement) -> None:
    movement = EmulationMovement.objects.select_related("unit").get(pk=movement.pk)
    require_unit_access(actor, movement.unit)
    log(instance=movement, action="wagtail.delete", user=actor)
    movement.delete()
