"""Admin menu group "Sơ kết, tổng kết": review reports and the figures; the dashboard panel on the admin home."""

from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.permissions import register_permission_policy

from tuyengiao.units.scoped_admin import UnitScopedPermissionPolicy

from .models import Report

# Before the viewsets register, so they pick this policy up instead of Django's model permissions.
register_permission_policy(Report, UnitScopedPermissionPolicy(Report))

from .admin_views import FIGURES, FiguresViewSet, ReportViewSet  # noqa: E402
from .dashboard import panel_for  # noqa: E402


class ReportsGroup(ViewSetGroup):
    menu_label = "Sơ kết, tổng kết"
    menu_name = "so-ket-tong-ket"
    menu_icon = "doc-full-inverse"
    menu_order = 340
    items = (ReportViewSet(), FiguresViewSet(FIGURES, url_prefix="reports/figures"))


@hooks.register("register_admin_viewset")
def register_reports_viewsets():
    return ReportsGroup()


@hooks.register("construct_homepage_panels")
def add_reports_dashboard(request, panels):
    panel = panel_for(request.user)
    if panel is not None:
        panels.append(panel)


@hooks.register("register_log_actions")
def register_reports_log_actions(actions):
    actions.register_action("reports.regenerate", "Tổng hợp lại số liệu", "Đã tổng hợp lại số liệu báo cáo")
    actions.register_action("reports.article", "Tạo bài viết", "Đã tạo bài viết nháp từ báo cáo")
    actions.register_action("reports.export", "Xuất tệp", "Đã yêu cầu xuất báo cáo ra tệp")
    actions.register_action("reports.issue", "Ban hành", "Đã ban hành báo cáo và vào sổ văn bản")
