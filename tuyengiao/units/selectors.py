"""Reads on the unit tree, and the rights that follow it.

Rights follow the tree: a person with a staff role in a unit sees and edits
that unit and every unit below it — never siblings or parents. Superusers
see everything. Every other app asks `units_visible_to` / `require_unit_access`
in its own selectors and services, so the rule holds on every path (admin
lists, detail, edit, export, API), not only in menus.

Structural changes (create under, move, close, merge, split) change the
parent's part of the tree, so they need rights on the unit's parent:
a ward's own staff edit the ward's details and everything below it, but
only the level above moves, closes, merges or splits the ward itself.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr
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
    if not getattr(user, "is_authenticated", False):
        return []
    units = [a.unit for a in active_assignments(user=user, on=on) if a.role in STAFF_ROLES]
    units.sort(key=lambda unit: unit.path)
    roots: list[Unit] = []
    for unit in units:
        if not any(unit.path.startswith(root.path) for root in roots):
            roots.append(unit)
    return roots


def cached_managed_roots(user) -> list[Unit]:
    """`managed_roots` for today, kept on the user object for one request.

    The admin asks "may this user …?" once per listed row; request.user lives
    for one request only, so the cache cannot outlive a change of rights.
    """
    if not hasattr(user, "_units_managed_roots"):
        user._units_managed_roots = managed_roots(user=user)
    return user._units_managed_roots


def has_unit_rights(user) -> bool:
    """A superuser, or someone holding a staff role in some unit today."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or bool(cached_managed_roots(user))


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


def scope_to_user(queryset: QuerySet, user, *, unit_field: str = "unit") -> QuerySet:
    """Only the records whose unit (the FK path `unit_field`) the user may see; all of them for superusers.

    Every app's `*_visible_to(user)` selector is this over its own model, so
    lists, exports, detail and edit pages all read through the same rule.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    return queryset.filter(**{f"{unit_field}__in": units_visible_to(user)})


def unit_in_reach(user, unit: Unit | None) -> bool:
    """Python twin of `units_visible_to` for a loaded unit: no query per row when a listing asks for every row.

    Uses the request-long `cached_managed_roots`; a merged unit counts with its
    successor (rare: one query).
    """
    if unit is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    roots = cached_managed_roots(user)
    if any(unit.path.startswith(root.path) for root in roots):
        return True
    if unit.successor_id:
        successor = Unit.objects.only("path").get(pk=unit.successor_id)
        return any(successor.path.startswith(root.path) for root in roots)
    return False


def can_access_unit(user, unit: Unit, *, on: datetime.date | None = None) -> bool:
    return units_visible_to(user, on=on).filter(pk=unit.pk).exists()


def require_unit_access(user, unit: Unit, *, on: datetime.date | None = None) -> None:
    """Raise PermissionDenied with a Vietnamese message when the user may not work on the unit."""
    if not can_access_unit(user, unit, on=on):
        raise PermissionDenied(f"Bạn không có quyền với đơn vị “{unit.name}”.")


def require_record_access(user, record, *, unit_field: str = "unit") -> None:
    """Saving a record needs rights on its unit — and, for a record already stored, on the stored unit too.

    So nobody moves another unit's record into their own subtree, nor their
    own record into a unit they cannot see. Raises PermissionDenied.
    """
    if record.pk is not None:
        stored = type(record)._default_manager.select_related(unit_field).get(pk=record.pk)
        require_unit_access(user, getattr(stored, unit_field))
    require_unit_access(user, getattr(record, unit_field))


def restructure_allowed(unit: Unit, roots: list[Unit]) -> bool:
    """Whether someone managing `roots` may move/close/merge/split `unit`: it must lie strictly below a root."""
    return any(unit.path.startswith(root.path) and unit.depth > root.depth for root in roots)


def can_restructure(user, unit: Unit) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return restructure_allowed(unit, managed_roots(user=user))


def require_restructure_access(user, unit: Unit) -> None:
    """Moving, closing, merging or splitting a unit is decided by the level above it."""
    if not can_restructure(user, unit):
        if unit.is_root():
            raise PermissionDenied(f"Chỉ quản trị hệ thống được thay đổi đơn vị gốc “{unit.name}”.")
        raise PermissionDenied(
            f"Bạn không có quyền thay đổi tổ chức của “{unit.name}”: việc này do đơn vị cấp trên quyết định."
        )


def with_parent(queryset: QuerySet[Unit]) -> QuerySet[Unit]:
    """Annotate each unit with its parent's pk, code and name (one query, no per-row lookups)."""
    parent = Unit.objects.filter(path=Substr(OuterRef("path"), 1, (OuterRef("depth") - 1) * Unit.steplen))
    return queryset.annotate(
        parent_pk=Subquery(parent.values("pk")[:1]),
        parent_code=Subquery(parent.values("code")[:1]),
        parent_name=Subquery(parent.values("name")[:1]),
    )


def units_for_admin(user) -> QuerySet[Unit]:
    return units_visible_to(user).select_related("successor").prefetch_related("groups")


def units_for_api(user, *, query: str = "", active_only: bool = False) -> QuerySet[Unit]:
    units = with_parent(units_visible_to(user)).prefetch_related("groups").order_by("path")
    query = " ".join(query.split())
    if query:
        units = units.filter(Q(name__icontains=query) | Q(short_code__icontains=query) | Q(code__iexact=query))
    if active_only:
        units = units.filter(active_q())
    return units


def active_q(*, on: datetime.date | None = None, prefix: str = "") -> Q:
    """Units working on a day: started (or no start date) and not yet ended."""
    on = on or timezone.localdate()
    return (Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": on})) & (
        Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": on})
    )


def units_active_during(unit: Unit, *, start: datetime.date, end: datetime.date) -> QuerySet[Unit]:
    """The unit's subtree and the units merged into it, limited to those working at some time in [start, end].

    For reports and "late units" lists over a period that spans a merger:
    a ward merged on 1/7/2025 still appears for the first half of 2025.
    """
    working = (Q(valid_from__isnull=True) | Q(valid_from__lte=end)) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=start)
    )
    paths = [unit.path]
    frontier = list(unit_subtree(unit=unit).values_list("pk", flat=True))
    seen = set(frontier)
    while frontier:  # predecessors, and theirs, as in rollup_q
        merged = list(
            Unit.objects.filter(successor_id__in=frontier).exclude(pk__in=seen).values_list("path", flat=True)
        )
        paths.extend(merged)
        frontier = (
            list(
                Unit.objects.filter(subtree_q([Unit(path=p) for p in merged]))
                .exclude(pk__in=seen)
                .values_list("pk", flat=True)
            )
            if merged
            else []
        )
        seen.update(frontier)
    return Unit.objects.filter(subtree_q([Unit(path=p) for p in paths]), working).order_by("path")


def assignments_visible_to(user) -> QuerySet[RoleAssignment]:
    """Assignments in the units the user may see, plus the user's own (anyone may read their own roles)."""
    assignments = RoleAssignment.objects.select_related("user", "unit")
    if not getattr(user, "is_authenticated", False):
        return assignments.none()
    if user.is_superuser:
        return assignments
    return assignments.filter(Q(unit__in=units_visible_to(user)) | Q(user=user))


def assignments_editable_by(user) -> QuerySet[RoleAssignment]:
    """Assignments the user may change: in their units, never their own (nobody widens their own rights)."""
    assignments = RoleAssignment.objects.select_related("user", "unit")
    if not getattr(user, "is_authenticated", False):
        return assignments.none()
    if user.is_superuser:
        return assignments
    return assignments.filter(unit__in=units_visible_to(user)).exclude(user=user)


def unit_by_code(code: str) -> Unit | None:
    return Unit.objects.filter(code=code).first() if code else None


@dataclass(frozen=True)
class UnitHistory:
    parent: Unit | None
    predecessors: list[Unit]  # merged into this unit
    successor: Unit | None
    split_from: Unit | None
    split_into: list[Unit]


def unit_history(unit: Unit) -> UnitHistory:
    return UnitHistory(
        parent=unit.get_parent(),
        predecessors=list(unit.predecessors.order_by("valid_to", "name")),
        successor=unit.successor,
        split_from=unit.split_from,
        split_into=list(unit.split_into.order_by("name")),
    )


@dataclass(frozen=True)
class ClosingPreview:
    """What a close/merge/split will touch, shown on the form before it is confirmed."""

    active_children: list[Unit]
    ending_assignments: list[RoleAssignment]


def closing_preview(unit: Unit) -> ClosingPreview:
    return ClosingPreview(
        active_children=list(unit.get_children().filter(valid_to__isnull=True).order_by("path")),
        ending_assignments=list(
            RoleAssignment.objects.filter(unit=unit, valid_to__isnull=True).select_related("user").order_by("role")
        ),
    )


def rollup_q(unit: Unit, *, date_field: str, unit_field: str = "unit") -> Q:
    """Records of a unit's subtree, plus those of units merged into it from the merge date on.

    A ward merged into another on 1/7/2025 keeps its records; those dated
    from 1/7/2025 count for its successor. Predecessors of predecessors are
    followed too.
    """
    subtree = Q(**{f"{unit_field}__path__startswith": unit.path})
    # The walk below lists every unit of the subtree (thousands for a province); when no unit
    # outside the subtree names a successor inside it, its answer is the subtree alone.
    merged_in = Unit.objects.filter(successor__path__startswith=unit.path).exclude(path__startswith=unit.path)
    if not merged_in.exists():
        return subtree
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
