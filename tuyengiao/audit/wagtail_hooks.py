"""The audit log report under "Báo cáo", for superusers and unit heads."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import selectors, views


@hooks.register("register_admin_urls")
def register_audit_urls():
    return [
        path("nhat-ky-kiem-toan/", views.AuditLogView.as_view(), name="audit_log"),
        path("nhat-ky-kiem-toan/ket-qua/", views.AuditLogView.as_view(results_only=True), name="audit_log_results"),
    ]


class AuditLogMenuItem(MenuItem):
    def is_shown(self, request):
        return selectors.can_view_audit_log(request.user)


@hooks.register("register_reports_menu_item")
def register_audit_log_menu_item():
    return AuditLogMenuItem(
        "Nhật ký kiểm toán", reverse("audit_log"), name="audit-log", icon_name="history", order=1010
    )
