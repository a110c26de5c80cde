"""Wagtail permission policies that follow the unit tree instead of Django model permissions.

Who may open the unit admin is decided by role assignments (a staff role
today), not by groups; which rows they reach is decided by
`selectors.units_visible_to`. Units and role assignments are history, so
nobody deletes them here: units close, merge or split; assignments end.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from wagtail.permission_policies.base import BasePermissionPolicy

from .models import STAFF_ROLES
from .selectors import assignments_editable_by, assignments_visible_to, has_unit_rights, units_visible_to


def _staff_users():
    today = timezone.localdate()
    return (
        get_user_model()
        .objects.filter(
            Q(is_superuser=True)
            | Q(
                unit_roles__role__in=STAFF_ROLES,
                unit_roles__valid_from__lte=today,
            )
            & (Q(unit_roles__valid_to__isnull=True) | Q(unit_roles__valid_to__gte=today)),
            is_active=True,
        )
        .distinct()
    )


class UnitPermissionPolicy(BasePermissionPolicy):
    """view/add/change for staff within their subtree (superusers: all); delete never."""

    def user_has_permission(self, user, action):
        return action in ("view", "add", "change") and has_unit_rights(user)

    def users_with_any_permission(self, actions):
        if not set(actions) & {"view", "add", "change"}:
            return get_user_model().objects.none()
        return _staff_users()

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and units_visible_to(user).filter(pk=instance.pk).exists()

    def instances_user_has_any_permission_for(self, user, actions):
        if not any(self.user_has_permission(user, action) for action in actions):
            return self.model.objects.none()
        return units_visible_to(user)


class RoleAssignmentPermissionPolicy(BasePermissionPolicy):
    """Anyone signed in to the admin reads their own assignments; staff manage those of their subtree."""

    def user_has_permission(self, user, action):
        if not getattr(user, "is_authenticated", False):
            return False
        if action == "view":
            return True
        return action in ("add", "change") and has_unit_rights(user)

    def users_with_any_permission(self, actions):
        if "view" in actions:
            return get_user_model().objects.filter(is_active=True)
        if not set(actions) & {"add", "change"}:
            return get_user_model().objects.none()
        return _staff_users()

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        queryset = assignments_visible_to(user) if action == "view" else assignments_editable_by(user)
        return queryset.filter(pk=instance.pk).exists()

    def instances_user_has_any_permission_for(self, user, actions):
        if any(a in ("add", "change") and self.user_has_permission(user, a) for a in actions):
            if "view" in actions:
                return assignments_visible_to(user)
            return assignments_editable_by(user)
        if "view" in actions and self.user_has_permission(user, "view"):
            return assignments_visible_to(user)
        return self.model.objects.none()
