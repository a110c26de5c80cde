"""Moved to `tuyengiao.units.scoped_admin` (one module for every back-office app); this keeps the old imports working.

The education-specific instance rules (`can_edit_*`) live in `tuyengiao.education.selectors`.
"""

from tuyengiao.units.scoped_admin import *  # noqa: F403
from tuyengiao.units.scoped_admin import UnitScopedPermissionPolicy, VietnameseExportMixin, add_service_error

from .selectors import can_edit_attendance, can_edit_by_organiser, can_edit_by_unit, can_edit_campaign  # noqa: F401

# The names this module gave them before the merge.
UnitTreePolicy = UnitScopedPermissionPolicy
ExportDatesMixin = VietnameseExportMixin
add_validation_error = add_service_error
