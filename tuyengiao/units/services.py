"""Writes to the unit tree. Each function runs in one transaction and refuses bad input in Vietnamese.

Units are never deleted: closing, merging and splitting set `valid_to` and
link successors, so records and reports over a period that spans the change
still add up (DESIGN.md §1).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import RoleAssignment, Unit


@transaction.atomic
def unit_create(
    *,
    name: str,
    kind: str,
    level: str,
    short_code: str,
    parent: Unit | None = None,
    valid_from: datetime.date | None = None,
) -> Unit:
    if parent is not None and not _is_open_on(parent, valid_from):
        raise ValidationError(f"Đơn vị cấp trên “{parent.name}” đã ngừng hoạt động.")
    fields = {"name": name, "kind": kind, "level": level, "short_code": short_code, "valid_from": valid_from}
    if parent is None:
        return Unit.add_root(**fields)
    return parent.add_child(**fields)


@transaction.atomic
def unit_rename(*, unit: Unit, name: str, short_code: str | None = None) -> Unit:
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Tên đơn vị không được để trống.")
    unit.name = name
    if short_code is not None:
        unit.short_code = short_code.strip()
    unit.save(update_fields=["name", "short_code"])
    return unit


@transaction.atomic
def unit_move(*, unit: Unit, new_parent: Unit) -> Unit:
    unit.refresh_from_db()
    new_parent.refresh_from_db()
    if new_parent.path.startswith(unit.path):
        raise ValidationError("Không thể chuyển đơn vị vào chính nó hoặc đơn vị cấp dưới của nó.")
    if not new_parent.is_active:
        raise ValidationError(f"Đơn vị cấp trên “{new_parent.name}” đã ngừng hoạt động.")
    unit.move(new_parent, pos="sorted-child")
    unit.refresh_from_db()
    return unit


@transaction.atomic
def unit_close(*, unit: Unit, on: datetime.date) -> Unit:
    """The unit stops on `on` (its last day is the day before); active units below it must move or close first."""
    unit.refresh_from_db()
    if not unit.is_active:
        raise ValidationError(f"Đơn vị “{unit.name}” đã ngừng hoạt động từ trước.")
    if unit.valid_from and on <= unit.valid_from:
        raise ValidationError("Ngày ngừng hoạt động phải sau ngày bắt đầu hiệu lực.")
    if unit.get_children().filter(valid_to__isnull=True).exists():
        raise ValidationError("Đơn vị còn đơn vị cấp dưới đang hoạt động: hãy chuyển hoặc đóng chúng trước.")
    unit.valid_to = on - datetime.timedelta(days=1)
    unit.save(update_fields=["valid_to"])
    return unit


@transaction.atomic
def unit_merge(*, source: Unit, target: Unit, on: datetime.date) -> Unit:
    """Merge `source` into `target` from `on`: its active sub-units move under the target.

    The source keeps its history; its records dated from `on` count for the
    target (see selectors.rollup_q).
    """
    source.refresh_from_db()
    target.refresh_from_db()
    if source.pk == target.pk or target.path.startswith(source.path):
        raise ValidationError("Không thể sáp nhập đơn vị vào chính nó hoặc vào đơn vị cấp dưới của nó.")
    if not _is_open_on(target, on):
        raise ValidationError(f"Không thể sáp nhập vào “{target.name}”: đơn vị này đã ngừng hoạt động.")
    if not source.is_active:
        raise ValidationError(f"Đơn vị “{source.name}” đã ngừng hoạt động từ trước.")
    if source.valid_from and on <= source.valid_from:
        raise ValidationError("Ngày sáp nhập phải sau ngày bắt đầu hiệu lực của đơn vị bị sáp nhập.")
    for child in list(source.get_children().filter(valid_to__isnull=True)):
        child.move(Unit.objects.get(pk=target.pk), pos="sorted-child")
    source = Unit.objects.get(pk=source.pk)
    source.valid_to = on - datetime.timedelta(days=1)
    source.successor = target
    source.save(update_fields=["valid_to", "successor"])
    return source


@transaction.atomic
def unit_split(*, source: Unit, parts: list[dict], on: datetime.date) -> list[Unit]:
    """Split `source` into new sibling units from `on`; each part is {"name", "short_code"}."""
    source.refresh_from_db()
    if not source.is_active:
        raise ValidationError(f"Đơn vị “{source.name}” đã ngừng hoạt động từ trước.")
    if len(parts) < 2:
        raise ValidationError("Chia tách cần ít nhất hai đơn vị mới.")
    if source.get_children().filter(valid_to__isnull=True).exists():
        raise ValidationError("Đơn vị còn đơn vị cấp dưới đang hoạt động: hãy chuyển chúng sang đơn vị mới trước.")
    parent = source.get_parent()
    created = []
    for part in parts:
        fields = {
            "name": " ".join(part["name"].split()),
            "short_code": part.get("short_code") or source.short_code,
            "kind": source.kind,
            "level": source.level,
            "valid_from": on,
            "split_from": source,
        }
        if not fields["name"]:
            raise ValidationError("Tên đơn vị mới không được để trống.")
        unit = parent.add_child(**fields) if parent else Unit.add_root(**fields)
        created.append(unit)
    source = Unit.objects.get(pk=source.pk)
    source.valid_to = on - datetime.timedelta(days=1)
    source.save(update_fields=["valid_to"])
    return created


@transaction.atomic
def role_assign(
    *, user, unit: Unit, role: str, valid_from: datetime.date, valid_to: datetime.date | None = None, decision: str = ""
) -> RoleAssignment:
    assignment = RoleAssignment(
        user=user, unit=unit, role=role, valid_from=valid_from, valid_to=valid_to, decision=decision.strip()
    )
    assignment.full_clean()
    assignment.save()
    return assignment


def _is_open_on(unit: Unit, day: datetime.date | None) -> bool:
    if unit.valid_to is None:
        return True
    return day is not None and day <= unit.valid_to
