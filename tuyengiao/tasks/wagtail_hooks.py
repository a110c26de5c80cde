"""Admin menu group "Nhiệm vụ, thi đua": tasks and emulation movements."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.permissions import register_permission_policy

from tuyengiao.units.scoped_admin import UnitScopedPermissionPolicy

from .admin_views import MOVEMENTS, TASKS, MovementViewSet, TaskViewSet
from .models import EmulationMovement, Task

# Before the viewsets register, so they pick these policies up instead of the default ones.
register_permission_policy(Task, UnitScopedPermissionPolicy(Task))
register_permission_policy(EmulationMovement, UnitScopedPermissionPolicy(EmulationMovement))


class TasksViewSetGroup(ViewSetGroup):
    menu_label = "Nhiệm vụ, thi đua"
    menu_name = "nhiem-vu-thi-dua"
    menu_icon = "tasks"
    menu_order = 330
    items = (
        TaskViewSet(TASKS, url_prefix="tasks"),
        MovementViewSet(MOVEMENTS, url_prefix="tasks/movements"),
    )


@hooks.register("register_admin_viewset")
def register_tasks_viewsets():
    return TasksViewSetGroup()


@hooks.register("insert_global_admin_css")
def late_badge_css():
    return format_html('<link rel="stylesheet" href="{}">', static("tasks/admin.css"))
