"""Menu group "Học tập, giáo dục" and the unit-tree permission policies of its models."""

from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.permissions import register_permission_policy

from . import selectors
from .admin_base import (
    UnitTreePolicy,
    can_edit_attendance,
    can_edit_by_organiser,
    can_edit_by_unit,
    can_edit_campaign,
)
from .admin_campaigns import StudyCampaignViewSet, StudyReturnViewSet
from .admin_education import (
    AttendanceViewSet,
    BriefingConferenceViewSet,
    EducationClassViewSet,
    ProgrammeViewSet,
    ReporterViewSet,
)
from .admin_imports import ImportViewSet
from .models import Attendance, BriefingConference, EducationClass, Reporter, StudyCampaign, StudyReturn

# Registered before the viewsets so they pick these policies up instead of Django's model permissions.
POLICIES = [
    (StudyCampaign, selectors.campaigns_visible_to, selectors.campaigns_editable_by, can_edit_campaign, None),
    (StudyReturn, selectors.returns_visible_to, None, can_edit_by_unit, can_edit_by_unit),
    (EducationClass, selectors.classes_visible_to, None, can_edit_by_organiser, can_edit_by_organiser),
    (BriefingConference, selectors.conferences_visible_to, None, can_edit_by_organiser, can_edit_by_organiser),
    (Attendance, selectors.attendances_visible_to, None, can_edit_attendance, can_edit_attendance),
    (Reporter, selectors.reporters_visible_to, None, can_edit_by_unit, can_edit_by_unit),
]
for model, visible, editable, can_edit, can_view in POLICIES:
    register_permission_policy(
        model, UnitTreePolicy(model, visible=visible, editable=editable, can_edit=can_edit, can_view=can_view)
    )


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
