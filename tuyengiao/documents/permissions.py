"""Who may work on documents: staff roles in units (RoleAssignment), not Django groups.

Anyone holding a staff role today may list, register, edit and delete
documents — only those of their unit subtree (`selectors.documents_visible_to`);
superusers everything. Opening the admin at all still needs Wagtail's
"access admin" permission.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from wagtail.permission_policies.base import BasePermissionPolicy

from tuyengiao.units.models import STAFF_ROLES, RoleAssignment
from tuyengiao.units.selectors import managed_roots

from . import selectors

ACTIONS = frozenset({"add", "change", "delete", "view"})


def has_staff_role(user) -> bool:
    """Memoised on the user object: request.user lives for one request, so rights cannot go stale."""
    if not hasattr(user, "_documents_staff"):
        user._documents_staff = bool(managed_roots(user=user))
    return user._documents_staff


class DocumentPermissionPolicy(BasePermissionPolicy):
    def user_has_permission(self, user, action):
        if action not in ACTIONS or not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        return user.is_superuser or has_staff_role(user)

    def user_has_permission_for_instance(self, user, action, instance):
        return (
            self.user_has_permission(user, action)
            and selectors.documents_visible_to(user).filter(pk=instance.pk).exists()
        )

    def instances_user_has_any_permission_for(self, user, actions):
        if not any(self.user_has_permission(user, action) for action in actions):
            return self.model.objects.none()
        return selectors.documents_visible_to(user)

    def users_with_any_permission(self, actions):
        user_model = get_user_model()
        if not ACTIONS.intersection(actions):
            return user_model.objects.none()
        today = timezone.localdate()
        staff = RoleAssignment.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=today), valid_from__lte=today, role__in=STAFF_ROLES
        ).values("user_id")
        return user_model.objects.filter(Q(is_superuser=True) | Q(pk__in=staff), is_active=True)
