"""Moved to `tuyengiao.units.scoped_admin` (one module for every back-office app); this keeps the old imports working."""

from tuyengiao.units.scoped_admin import *  # noqa: F403
from tuyengiao.units.scoped_admin import ScopedModelForm, UnitChoiceField

# The names this module gave them before the merge.
IndentedUnitChoiceField = UnitChoiceField
UnitScopedAdminForm = ScopedModelForm
