"""Who may read the audit log, and which entries they see.

Superusers see every entry. A unit head (Role.HEAD, assignment valid today)
sees what the people of their subtree did and what happened to their
accounts (sign-ins, failed sign-ins, two-factor events): entries whose actor,
or whose logged object, is a user holding (or having held) a role in a unit
of that subtree. Nobody else sees the audit log; Wagtail's own "Site
history" stays as Wagtail shows it, without the client addresses.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from tuyengiao.units.models import Role, RoleAssignment
from tuyengiao.units.selectors import active_assignments, subtree_q

from .origin import ORIGIN_KEY


def headed_units(user) -> list:
    """Top units of the subtrees the user heads today (nested ones folded into their parent)."""
    if not getattr(user, "is_authenticated", False):
        return []
    units = sorted((a.unit for a in active_assignments(user=user) if a.role == Role.HEAD), key=lambda u: u.path)
    roots: list = []
    for unit in units:
        if not any(unit.path.startswith(root.path) for root in roots):
            roots.append(unit)
    return roots


def can_view_audit_log(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or bool(headed_units(user))


def log_entries_visible_to(user, log_model) -> QuerySet:
    """The entries of one Wagtail log model (PageLogEntry or ModelLogEntry) this user may read."""
    entries = log_model.objects.all()
    if not can_view_audit_log(user):
        return entries.none()
    if user.is_superuser:
        return entries
    people = RoleAssignment.objects.filter(subtree_q(headed_units(user), prefix="unit__")).values("user_id").distinct()
    about_people = Q(pk__in=[])
    if any(field.name == "object_id" for field in log_model._meta.concrete_fields):
        user_ids = get_user_model().objects.filter(pk__in=people).annotate(text_pk=Cast("pk", CharField()))
        about_people = Q(
            content_type=ContentType.objects.get_for_model(get_user_model()),
            object_id__in=user_ids.values("text_pk"),
        )
    return entries.filter(Q(user_id__in=people) | about_people)


def origin_of(entry) -> dict:
    """{"ip": …, "user_agent": …} recorded with a log entry, empty strings when it has none."""
    data = entry.data if isinstance(entry.data, dict) else {}
    found = data.get(ORIGIN_KEY) or {}
    return {"ip": found.get("ip", ""), "user_agent": found.get("user_agent", "")}
