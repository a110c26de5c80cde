"""Registers the "Tổ chức" admin (units, role assignments, khối), the choosers and the log messages.

Other apps import the unit chooser widget from here (or from `choosers`):
`from tuyengiao.units.wagtail_hooks import UnitChooserWidget`.
"""

from __future__ import annotations

from wagtail import hooks
from wagtail.log_actions import LogFormatter
from wagtail.permissions import register_permission_policy

from .choosers import UnitChooserWidget, unit_chooser_viewset, user_chooser_viewset
from .models import RoleAssignment, Unit
from .permissions import RoleAssignmentPermissionPolicy, UnitPermissionPolicy

__all__ = ["UnitChooserWidget", "unit_chooser_viewset"]

# Before the viewsets register, so they pick these policies up instead of the default ones.
register_permission_policy(Unit, UnitPermissionPolicy(Unit))
register_permission_policy(RoleAssignment, RoleAssignmentPermissionPolicy(RoleAssignment))


@hooks.register("register_admin_viewset")
def register_unit_viewsets():
    from .viewsets import UnitsMenuGroup

    return [unit_chooser_viewset, user_chooser_viewset, UnitsMenuGroup()]


class _UnitLogFormatter(LogFormatter):
    def data(self, log_entry) -> dict:
        return log_entry.data or {}


@hooks.register("register_log_actions")
def register_unit_log_actions(actions):
    @actions.register_action("units.rename")
    class Rename(_UnitLogFormatter):
        label = "Đổi tên đơn vị"

        def format_message(self, log_entry):
            data = self.data(log_entry)
            return f"Đổi tên từ “{data.get('old', '')}” thành “{data.get('new', '')}”"

    @actions.register_action("units.move")
    class Move(_UnitLogFormatter):
        label = "Chuyển đơn vị"

        def format_message(self, log_entry):
            data = self.data(log_entry)
            return f"Chuyển từ “{data.get('old_parent') or 'gốc'}” sang trực thuộc “{data.get('new_parent', '')}”"

    @actions.register_action("units.close")
    class Close(_UnitLogFormatter):
        label = "Ngừng hoạt động"

        def format_message(self, log_entry):
            return f"Ngừng hoạt động từ ngày {self.data(log_entry).get('on', '')}"

    @actions.register_action("units.merge")
    class Merge(_UnitLogFormatter):
        label = "Sáp nhập"

        def format_message(self, log_entry):
            data = self.data(log_entry)
            message = f"Sáp nhập vào “{data.get('target', '')}” từ ngày {data.get('on', '')}"
            if data.get("moved"):
                message += "; chuyển sang đơn vị nhận: " + ", ".join(data["moved"])
            return message

    @actions.register_action("units.merge_in")
    class MergeIn(_UnitLogFormatter):
        label = "Nhận sáp nhập"

        def format_message(self, log_entry):
            data = self.data(log_entry)
            return f"Nhận sáp nhập “{data.get('source', '')}” từ ngày {data.get('on', '')}"

    @actions.register_action("units.split")
    class Split(_UnitLogFormatter):
        label = "Chia tách"

        def format_message(self, log_entry):
            data = self.data(log_entry)
            return f"Chia tách thành {', '.join(data.get('parts', []))} từ ngày {data.get('on', '')}"
