"""Reads on the unit tree, and the rights that follow it.

Rights follow the tree: a person with a staff role in a unit sees and edits
that unit and every unit below it — never siblings or parents. Superusers
see everything. Every other app asks `units_visible_to` / `require_unit_access`
in its own selectors and services, so the rule holds on every path (admin
lists, detail, edit, export, API), not only in menus.
"""

from __future__ import annotations

import datetime
from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import STAFF_ROLES, RoleAssignment, Unit


def unit_subtree(*, unit: Unit) -> QuerySet[Unit]:
    """The unit and every unit below it (materialised-path prefix query)."""
    return Unit.objects.filter(path__startswith=unit.path, depth__gte=unit.depth)


def active_assignments(*, user, on: datetime.date | None = None) -> QuerySet[RoleAssignment]:
    on = on or timezone.localdate()
    return RoleAssignment.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on), user=user, valid_from__lte=on
    ).select_related("unit")


def managed_roots(*, user, on: datetime.date | None = None) -> list[Unit]:
    """The top units of the subtrees the user works on (staff roles only)."""
    units = [a.unit for a in active_assignments(user=user, on=on) if a.role in STAFF_ROLES]
    units.sort(key=lambda unit: unit.path)
    roots: list[Unit] = []
    for unit in units:
        if not any(unit.path.startswith(root.path) for root in roots):
            roots.append(unit)
    return roots


def subtree_q(roots: list[Unit], *, prefix: str = "") -> Q:
    """Q for units inside any of these subtrees; `prefix` reaches a unit FK (e.g. "unit__")."""
    if not roots:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{prefix}path__startswith": root.path}) for root in roots))


def units_visible_to(user, *, on: datetime.date | None = None) -> QuerySet[Unit]:
    """Units the user may see and edit; merged units count with their successor."""
    if not getattr(user, "is_authenticated", False):
        return Unit.objects.none()
    if user.is_superuser:
        return Unit.objects.all()
    roots = managed_roots(user=user, on=on)
    inside = subtree_q(roots)
    merged_in = subtree_q(roots, prefix="successor__")
    return Unit.objects.filter(inside | merged_in)


def can_access_unit(user, unit: Unit, *, on: datetime.date | None = None) -> bool:
    return units_visible_to(user, on=on).filter(pk=unit.pk).exists()


def require_unit_access(user, unit: Unit, *, on: datetime.date | None = None) -> None:
    """Raise PermissionDenied with a Vietnamese message when the user may not work on the unit."""
    if not can_access_unit(user, unit, on=on):
        raise PermissionDenied(f"Bạn không có quyền với đơn vị “{unit.name}”.")


def rollup_q(unit: Unit, *, date_field: str, unit_field: str = "unit") -> Q:
    """Records of a unit's subtree, plus those of units merged into it from the merge date on.

    A ward merged into another on 1/7/2025 keeps its records; those dated
    from 1/7/2025 count for its successor. Predecessors of predecessors are
    followed too.
    """
    subtree = Q(**{f"{unit_field}__path__startswith": unit.path})
    extra = []
    frontier = list(unit_subtree(unit=unit).values_list("pk", flat=True))
    seen = set(frontier)
    while frontier:
        predecessors = list(Unit.objects.filter(successor_id__in=frontier).exclude(pk__in=seen))
        frontier = []
        for predecessor in predecessors:
            seen.add(predecessor.pk)
            frontier.append(predecessor.pk)
            merged_on = predecessor.valid_to + datetime.timedelta(days=1) if predecessor.valid_to else None
            condition = Q(**{f"{unit_field}__path__startswith": predecessor.path})
            if merged_on:
                condition &= Q(**{f"{date_field}__gte": merged_on})
            extra.append(condition)
    return reduce(or_, extra, subtree)
