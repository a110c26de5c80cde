"""Menu group "Học tập, giáo dục" and the unit-tree permission policies of its models."""

from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.permissions import register_permission_policy

from tuyengiao.units.scoped_admin import ALL_ACTIONS, UnitScopedPermissionPolicy

from . import selectors
from .admin_campaigns import StudyCampaignViewSet, StudyReturnViewSet
from .admin_education import (
    AttendanceViewSet,
    BriefingConferenceViewSet,
    EducationClassViewSet,
    ParticipantAttendanceViewSet,
    ProgrammeViewSet,
    ReporterViewSet,
)
from .admin_imports import ImportViewSet
from .models import (
    Attendance,
    BriefingConference,
    EducationClass,
    ParticipantAttendance,
    Reporter,
    StudyCampaign,
    StudyReturn,
)

# Registered before the viewsets so they pick these policies up instead of Django's model permissions.
# (model, visible, editable, can_edit): reading follows the selectors, changing the Python twins.
POLICIES = [
    (StudyCampaign, selectors.campaigns_visible_to, selectors.campaigns_editable_by, selectors.can_edit_campaign),
    (StudyReturn, selectors.returns_visible_to, None, selectors.can_edit_by_unit),
    (EducationClass, selectors.classes_visible_to, None, selectors.can_edit_by_organiser),
    (BriefingConference, selectors.conferences_visible_to, None, selectors.can_edit_by_organiser),
    (Attendance, selectors.attendances_visible_to, None, selectors.can_edit_attendance),
    (
        ParticipantAttendance,
        selectors.participant_attendances_visible_to,
        None,
        selectors.can_edit_participant_attendance,
    ),
    (Reporter, selectors.reporters_visible_to, None, selectors.can_edit_by_unit),
]
# A name on a list is added or taken off, never edited.
ACTIONS = {ParticipantAttendance: {"add", "delete", "view"}}
for model, visible, editable, can_edit in POLICIES:
    # Where one may change exactly the records one may read, reading is checked by the Python twin too (no query).
    can_view = None if model is StudyCampaign else can_edit
    policy = UnitScopedPermissionPolicy(
        model,
        visible=visible,
        editable=editable,
        can_edit=can_edit,
        can_view=can_view,
        actions=ACTIONS.get(model, ALL_ACTIONS),
    )
    register_permission_policy(model, policy)


class EducationGroup(ViewSetGroup):
    menu_label = "Học tập, giáo dục"
    menu_icon = "clipboard-list"
    menu_order = 230
    items = (
        StudyCampaignViewSet("education_campaigns"),
        StudyReturnViewSet("education_returns"),
        EducationClassViewSet("education_classes"),
        BriefingConferenceViewSet("education_conferences"),
        AttendanceViewSet("education_attendance"),
        ParticipantAttendanceViewSet("education_participants"),
        ReporterViewSet("education_reporters"),
        ProgrammeViewSet("education_programmes"),
        ImportViewSet("education_imports"),
    )


@hooks.register("register_admin_viewset")
def register_education_viewsets():
    return EducationGroup()


@hooks.register("register_log_actions")
def register_education_log_actions(actions):
    actions.register_action("education.import", "Nhập tệp XLSX", "Đã nhập số liệu từ tệp XLSX")
