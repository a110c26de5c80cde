"""The audit log report: Wagtail's site history plus where each change came from, exportable."""

from __future__ import annotations

import django_filters
from django.core.exceptions import PermissionDenied
from django.db.models import IntegerField, Value
from django.utils import timezone
from wagtail.admin.views.reports.audit_logging import LogEntriesView, SiteHistoryReportFilterSet
from wagtail.log_actions import registry as log_action_registry

from . import selectors
from .origin import ORIGIN_KEY

# Spreadsheet programs run cells that start with these as formulas; usernames typed on the
# sign-in form and browser names are the client's own text.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


class AuditLogFilterSet(SiteHistoryReportFilterSet):
    ip = django_filters.CharFilter(label="Địa chỉ IP", method="filter_ip")

    def filter_ip(self, queryset, name, value):
        return queryset.filter(**{f"data__{ORIGIN_KEY}__ip": value.strip()}) if value.strip() else queryset


class AuditLogView(LogEntriesView):
    page_title = "Nhật ký kiểm toán"
    header_icon = "history"
    results_template_name = "audit/audit_log_results.html"
    filterset_class = AuditLogFilterSet
    index_url_name = "audit_log"
    index_results_url_name = "audit_log_results"
    export_headings = {
        "local_time": "Thời điểm",
        "user_display_name": "Người thực hiện",
        "action_label": "Hành động",
        "message": "Nội dung",
        "label": "Đối tượng",
        "object_id": "ID",
        "content_type_label": "Loại",
        "origin_ip": "Địa chỉ IP",
        "origin_user_agent": "Trình duyệt",
    }
    list_export = list(export_headings)

    def dispatch(self, request, *args, **kwargs):
        if not selectors.can_view_audit_log(request.user):
            raise PermissionDenied("Chỉ quản trị hệ thống và trưởng đơn vị được xem nhật ký kiểm toán.")
        return super().dispatch(request, *args, **kwargs)

    def get_filename(self):
        return "nhat-ky-kiem-toan-{}".format(timezone.localdate().strftime("%d-%m-%Y"))

    def get_filtered_queryset(self):
        # As LogEntriesView, with the audit visibility rule instead of Wagtail's per-model permissions.
        queryset = None
        self.log_models = list(log_action_registry.get_log_entry_models())
        for index, log_model in enumerate(self.log_models):
            sub_queryset = (
                selectors.log_entries_visible_to(self.request.user, log_model)
                .values("pk", "timestamp")
                .annotate(log_model_index=Value(index, output_field=IntegerField()))
            )
            sub_queryset = self.filter_queryset(sub_queryset).order_by()
            queryset = sub_queryset if queryset is None else queryset.union(sub_queryset, all=True)
        return queryset.order_by("-timestamp")

    def decorate_paginated_queryset(self, queryset):
        entries = super().decorate_paginated_queryset(queryset)
        for entry in entries:
            found = selectors.origin_of(entry)
            entry.origin_ip = found["ip"]
            entry.origin_user_agent = found["user_agent"]
            entry.local_time = timezone.localtime(entry.timestamp).strftime("%d/%m/%Y %H:%M:%S")
            entry.action_label = self.get_action_label(entry.action)
            entry.content_type_label = entry.content_type.name if entry.content_type_id else ""
        return entries

    def preprocess_field_value(self, field, value, export_format):
        return spreadsheet_safe(super().preprocess_field_value(field, value, export_format))
