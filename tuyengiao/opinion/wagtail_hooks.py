"""Admin menu group "Dư luận xã hội": reports, items, the aggregate view and the topic list."""

from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.permissions import register_permission_policy

from tuyengiao.units.scoped_admin import UnitScopedPermissionPolicy

from .admin_views import AGGREGATE, ITEMS, REPORTS, AggregateViewSet, ItemViewSet, ReportViewSet, TopicViewSet
from .models import OpinionItem, OpinionReport

# Before the viewsets register, so they pick these policies up instead of the default ones.
register_permission_policy(OpinionReport, UnitScopedPermissionPolicy(OpinionReport))
# Items are edited inside their report: the item list is read-only.
register_permission_policy(
    OpinionItem, UnitScopedPermissionPolicy(OpinionItem, unit_field="report__unit", actions={"view"})
)


class OpinionViewSetGroup(ViewSetGroup):
    menu_label = "Dư luận xã hội"
    menu_name = "du-luan-xa-hoi"
    menu_icon = "comment"
    menu_order = 320
    items = (
        ReportViewSet(REPORTS, url_prefix="opinion/reports"),
        ItemViewSet(ITEMS, url_prefix="opinion/items"),
        AggregateViewSet(AGGREGATE, url_prefix="opinion/aggregate"),
        TopicViewSet("opinion_topics", url_prefix="opinion/topics"),
    )


@hooks.register("register_admin_viewset")
def register_opinion_viewsets():
    return OpinionViewSetGroup()
