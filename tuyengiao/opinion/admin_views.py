"""Wagtail admin for public-opinion reports: reports with inline items, the item list, the aggregate view.

Registered in wagtail_hooks.py under one menu group "Dư luận xã hội". Rights
follow the unit tree on every path (tuyengiao.units.scoped_admin); writes go
through services.
"""

from __future__ import annotations

import datetime
import io
from urllib.parse import urlencode

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import FileResponse, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.views.generic import TemplateView
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import AdminDateInput
from wagtail.permissions import policy_registry

from tuyengiao.portal.dates import vietnamese_number
from tuyengiao.units.models import Unit
from tuyengiao.units.scoped_admin import (
    DateColumn,
    NumberColumn,
    ScopedCreateView,
    ScopedDeleteView,
    ScopedEditView,
    ScopedIndexView,
    ScopedInspectView,
    ScopedModelForm,
    UnitRollupFilter,
    UnitScopedViewSet,
    staff_roots,
    visible_unit_field,
)
from tuyengiao.units.selectors import units_visible_to

from . import selectors, services
from .models import FollowUp, Intensity, OpinionField, OpinionItem, OpinionReport, OpinionTopic, Scope, Tendency
from .periods import Grouping, PeriodKind, format_date, month_bounds

REPORTS = "opinion_reports"
ITEMS = "opinion_items"
AGGREGATE = "opinion_aggregate"
NOT_YOUR_UNIT = "Bạn không có quyền xem số liệu của đơn vị này."


# --- filters ------------------------------------------------------------------


class ReportFilterSet(WagtailFilterSet):
    unit = UnitRollupFilter(
        label="Đơn vị (gồm cấp dưới)", date_field="period_start", unit_field="unit", empty_label="Tất cả"
    )
    period = django_filters.DateFromToRangeFilter(
        field_name="period_start", label="Kỳ báo cáo bắt đầu trong khoảng", widget=DateRangePickerWidget
    )
    period_kind = django_filters.ChoiceFilter(
        label="Loại kỳ", choices=PeriodKind.choices, empty_label="Tất cả", widget=forms.RadioSelect
    )

    class Meta:
        model = OpinionReport
        fields: list[str] = []


class ItemFilterSet(WagtailFilterSet):
    unit = UnitRollupFilter(
        label="Đơn vị (gồm cấp dưới)",
        date_field="report__period_start",
        unit_field="report__unit",
        empty_label="Tất cả",
    )
    period = django_filters.DateFromToRangeFilter(
        field_name="report__period_start", label="Kỳ báo cáo bắt đầu trong khoảng", widget=DateRangePickerWidget
    )
    topic = django_filters.ModelChoiceFilter(label="Chủ đề", queryset=OpinionTopic.objects.all(), empty_label="Tất cả")
    field = django_filters.ChoiceFilter(label="Lĩnh vực", choices=OpinionField.choices, empty_label="Tất cả")
    tendency = django_filters.ChoiceFilter(
        label="Xu hướng", choices=Tendency.choices, empty_label="Tất cả", widget=forms.RadioSelect
    )
    intensity = django_filters.ChoiceFilter(
        label="Mức độ", choices=Intensity.choices, empty_label="Tất cả", widget=forms.RadioSelect
    )
    scope = django_filters.ChoiceFilter(label="Phạm vi", choices=Scope.choices, empty_label="Tất cả")
    follow_up = django_filters.ChoiceFilter(
        label="Tình trạng xử lý", choices=FollowUp.choices, empty_label="Tất cả", widget=forms.RadioSelect
    )

    class Meta:
        model = OpinionItem
        fields: list[str] = []


# --- reports -----------------------------------------------------------------


class ReportSaveMixin:
    def save_with_service(self):
        action = "wagtail.create" if self.form.instance.pk is None else "wagtail.edit"
        return services.report_save(actor=self.request.user, report=self.form.save(commit=False), action=action)


class ReportCreateView(ReportSaveMixin, ScopedCreateView):
    pass


class ReportEditView(ReportSaveMixin, ScopedEditView):
    pass


class ReportDeleteView(ScopedDeleteView):
    def delete_action(self):
        services.report_delete(actor=self.request.user, report=self.object)


class ReportInspectView(ScopedInspectView):
    template_name = "opinion/admin/report_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["items"] = self.object.items.select_related("topic")
        return context


class ReportViewSet(UnitScopedViewSet):
    model = OpinionReport
    icon = "doc-full"
    menu_label = "Báo cáo dư luận"
    menu_name = "bao-cao-du-luan"
    related = ("unit",)
    add_view_class = ReportCreateView
    edit_view_class = ReportEditView
    delete_view_class = ReportDeleteView
    inspect_view_class = ReportInspectView
    inspect_view_fields = ["unit", "period_kind", "period_start", "period_end", "summary", "created_at", "updated_at"]
    filterset_class = ReportFilterSet
    ordering = ["-period_start", "unit__path"]
    search_fields = ["summary", "unit__name"]
    export_filename = "bao-cao-du-luan-xa-hoi"
    list_export = ["unit.name", "period_label", "period_start", "period_end", "item_count", "source_total", "summary"]
    export_headings = {
        "unit.name": "Đơn vị",
        "period_label": "Kỳ báo cáo",
        "period_start": "Từ ngày",
        "period_end": "Đến ngày",
        "item_count": "Số tin",
        "source_total": "Số nguồn tin",
        "summary": "Đánh giá chung",
    }
    list_display = [
        "period_label",
        Column("unit", label="Đơn vị", accessor="unit.name", sort_key="unit__path"),
        DateColumn("period_start", label="Từ ngày", sort_key="period_start"),
        DateColumn("period_end", label="Đến ngày"),
        NumberColumn("item_count", label="Số tin", sort_key="item_count"),
        NumberColumn("source_total", label="Số nguồn tin", sort_key="source_total"),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("unit"),
            FieldRowPanel(
                [FieldPanel("period_kind"), FieldPanel("period_start"), FieldPanel("period_end")],
                heading="Kỳ báo cáo",
            ),
            FieldPanel("summary"),
            InlinePanel(
                "items",
                heading="Tin dư luận",
                label="Tin",
                panels=[
                    FieldRowPanel([FieldPanel("topic"), FieldPanel("field")]),
                    FieldRowPanel([FieldPanel("tendency"), FieldPanel("intensity"), FieldPanel("scope")]),
                    FieldRowPanel([FieldPanel("source_count"), FieldPanel("follow_up")]),
                    FieldPanel("content"),
                    FieldPanel("recommendation"),
                ],
            ),
        ],
        base_form_class=ScopedModelForm,
    )

    def listing_queryset(self, queryset):
        return (
            super()
            .listing_queryset(queryset)
            .annotate(item_count=Count("items"), source_total=Sum("items__source_count"))
        )


# --- items (read-only list; items are edited inside their report) ----------------


class ItemIndexView(ScopedIndexView):
    report_edit_url_name: str | None = None
    report_inspect_url_name: str | None = None

    @cached_property
    def _report_policy(self):
        return policy_registry.get_by_type(OpinionReport)

    def get_edit_url(self, instance):
        if self._report_policy.user_has_permission(self.request.user, "change"):
            return reverse(self.report_edit_url_name, args=[instance.report_id])
        return reverse(self.report_inspect_url_name, args=[instance.report_id])

    def get_inspect_url(self, instance):
        return None

    def get_delete_url(self, instance):
        return None


class ItemViewSet(UnitScopedViewSet):
    model = OpinionItem
    unit_field = "report__unit"
    icon = "list-ul"
    menu_label = "Tin dư luận"
    menu_name = "tin-du-luan"
    related = ("report__unit", "topic")
    index_view_class = ItemIndexView
    inspect_view_enabled = False
    filterset_class = ItemFilterSet
    ordering = ["-report__period_start", "report__unit__path", "sort_order"]
    search_fields = ["content", "recommendation"]
    export_filename = "tin-du-luan-xa-hoi"
    list_export = [
        "report.unit.name",
        "report.period_label",
        "report.period_start",
        "topic.name",
        "get_field_display",
        "get_tendency_display",
        "get_intensity_display",
        "get_scope_display",
        "source_count",
        "content",
        "recommendation",
        "get_follow_up_display",
    ]
    export_headings = {
        "report.unit.name": "Đơn vị",
        "report.period_label": "Kỳ báo cáo",
        "report.period_start": "Ngày bắt đầu kỳ",
        "topic.name": "Chủ đề",
        "get_field_display": "Lĩnh vực",
        "get_tendency_display": "Xu hướng",
        "get_intensity_display": "Mức độ",
        "get_scope_display": "Phạm vi",
        "source_count": "Số nguồn tin",
        "content": "Nội dung dư luận",
        "recommendation": "Kiến nghị, đề xuất",
        "get_follow_up_display": "Tình trạng xử lý",
    }
    list_display = [
        "topic",
        Column("unit", label="Đơn vị", accessor="report.unit.name", sort_key="report__unit__path"),
        Column("period", label="Kỳ báo cáo", accessor="report.period_label", sort_key="report__period_start"),
        Column("field", label="Lĩnh vực", accessor="get_field_display", sort_key="field"),
        Column("tendency", label="Xu hướng", accessor="get_tendency_display", sort_key="tendency"),
        Column("intensity", label="Mức độ", accessor="get_intensity_display"),
        Column("scope", label="Phạm vi", accessor="get_scope_display"),
        NumberColumn("source_count", label="Số nguồn tin", sort_key="source_count"),
        Column("content", label="Nội dung", accessor=lambda item: Truncator(item.content).chars(120)),
        Column("follow_up", label="Xử lý", accessor="get_follow_up_display", sort_key="follow_up"),
    ]

    def get_urlpatterns(self):
        # Only the list: an item is added, edited and deleted inside its report.
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
        ]

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            report_edit_url_name=f"{REPORTS}:edit",
            report_inspect_url_name=f"{REPORTS}:inspect",
            **kwargs,
        )


# --- topics (the configurable list; Django model permissions, superusers by default) ----


class TopicViewSet(ModelViewSet):
    model = OpinionTopic
    icon = "tag"
    menu_label = "Chủ đề dư luận"
    menu_name = "chu-de-du-luan"
    copy_view_enabled = False
    ordering = ["sort_order", "name"]
    list_per_page = 50
    search_fields = ["name", "description"]
    search_backend_name = None
    form_fields = ["name", "description", "sort_order", "is_active"]
    list_display = [
        "name",
        Column("sort_order", label="Thứ tự", sort_key="sort_order"),
        Column("is_active", label="Đang dùng", accessor=lambda t: "Có" if t.is_active else "Không"),
        NumberColumn("item_count", label="Số tin", sort_key="item_count"),
    ]

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            queryset=OpinionTopic.objects.annotate(item_count=Count("items")), **kwargs
        )


# --- aggregate view ------------------------------------------------------------------


class AggregateForm(forms.Form):
    date_from = forms.DateField(label="Từ ngày", widget=AdminDateInput)
    date_to = forms.DateField(label="Đến ngày", widget=AdminDateInput)
    grouping = forms.ChoiceField(label="Nhóm theo", choices=Grouping.choices)
    field = forms.ChoiceField(
        label="Lĩnh vực", choices=[("", "Tất cả lĩnh vực"), *OpinionField.choices], required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"unit": visible_unit_field(user, label="Đơn vị (gồm cấp dưới)"), **self.fields}

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "Ngày kết thúc không được trước ngày bắt đầu.")
        return data


def default_unit(user) -> Unit | None:
    if user.is_superuser:
        return Unit.get_root_nodes().order_by("path").first()
    roots = staff_roots(user)
    return roots[0] if roots else None


def default_range(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last twelve months, ending with the current one."""
    first = today.replace(day=1)
    year, month = (first.year, first.month - 11) if first.month > 11 else (first.year - 1, first.month + 1)
    return datetime.date(year, month, 1), month_bounds(today)[1]


class AggregateView(PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """Items by period, topic and tendency over a unit subtree; HTML table, XLSX (?export=xlsx), JSON (?format=json)."""

    model = OpinionReport
    any_permission_required = ["add", "change", "delete", "view"]
    template_name = "opinion/admin/aggregate.html"
    page_title = "Tổng hợp dư luận xã hội"
    header_icon = "table"
    items_url_name = f"{ITEMS}:index"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get(self, request, *args, **kwargs):
        if not self._unit_is_visible(request):
            if request.GET.get("format") == "json":
                return JsonResponse({"error": NOT_YOUR_UNIT}, status=403, json_dumps_params={"ensure_ascii": False})
            raise PermissionDenied(NOT_YOUR_UNIT)  # the admin shows its "no permission" page
        self.form = self._bound_form(request)
        self.result = None
        if self.form.is_valid():
            data = self.form.cleaned_data
            self.result = selectors.aggregate(
                unit=data["unit"],
                start=data["date_from"],
                end=data["date_to"],
                grouping=data["grouping"],
                field=data["field"] or None,
            )
        if request.GET.get("format") == "json":
            return self.render_json()
        if request.GET.get("export") == "xlsx" and self.result is not None:
            return self.render_xlsx()
        return super().get(request, *args, **kwargs)

    def _unit_is_visible(self, request) -> bool:
        """A unit the user has no right to is refused outright (403), not just reported as an invalid choice."""
        raw = request.GET.get("unit")
        if raw and raw.isascii() and raw.isdigit() and Unit.objects.filter(pk=raw).exists():  # not "²": int() fails
            return units_visible_to(request.user).filter(pk=raw).exists()
        return True

    def _bound_form(self, request):
        user = request.user
        start, end = default_range(timezone.localdate())
        unit = default_unit(user)
        defaults = {
            "unit": unit.pk if unit else "",
            "date_from": format_date(start),
            "date_to": format_date(end),
            "grouping": Grouping.MONTH,
            "field": "",
        }
        data = {key: request.GET.get(key, value) for key, value in defaults.items()}
        return AggregateForm(data, user=user)

    def records_url(self, **filters) -> str:
        query = {"unit": self.result.unit.pk}
        start, end = filters.pop("start", self.result.start), filters.pop("end", self.result.end)
        query.update(period_from=format_date(start), period_to=format_date(end))
        if self.result.field:
            query["field"] = self.result.field
        query.update({key: value for key, value in filters.items() if value})
        return f"{reverse(self.items_url_name)}?{urlencode(query)}"

    def table(self) -> list[dict]:
        """Rows with display values and a link to the records behind every count."""
        rows = []
        for row in self.result.rows:
            link = {"start": row.bucket_start, "end": row.bucket_end, "topic": row.topic_id}
            rows.append(
                {
                    "period": row.bucket_label,
                    "topic": row.topic_name,
                    "cells": [
                        (vietnamese_number(row.count(t)), self.records_url(**link, tendency=t) if row.count(t) else "")
                        for t in Tendency.values
                    ],
                    "items": (vietnamese_number(row.items), self.records_url(**link)),
                    "sources": vietnamese_number(row.sources),
                }
            )
        return rows

    def topic_table(self) -> list[dict]:
        return [
            {
                "topic": row.topic_name,
                "cells": [
                    (vietnamese_number(row.count(t)), self.records_url(topic=row.topic_id, tendency=t))
                    for t in Tendency.values
                ],
                "items": (vietnamese_number(row.items), self.records_url(topic=row.topic_id)),
                "sources": vietnamese_number(row.sources),
            }
            for row in self.result.topic_totals
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(form=self.form, result=self.result, tendencies=Tendency.choices)
        if self.result is not None:
            context.update(
                rows=self.table(),
                topic_rows=self.topic_table(),
                totals={
                    "cells": [
                        (vietnamese_number(self.result.by_tendency.get(t, 0)), self.records_url(tendency=t))
                        for t in Tendency.values
                    ],
                    "items": (vietnamese_number(self.result.items), self.records_url()),
                    "sources": vietnamese_number(self.result.sources),
                },
                period_text=f"{format_date(self.result.start)} – {format_date(self.result.end)}",
                export_url=f"{self.request.path}?{urlencode(self._export_query())}",
            )
        return context

    def _export_query(self) -> dict:
        data = self.form.cleaned_data
        return {
            "unit": data["unit"].pk,
            "date_from": format_date(data["date_from"]),
            "date_to": format_date(data["date_to"]),
            "grouping": data["grouping"],
            "field": data["field"],
            "export": "xlsx",
        }

    def render_json(self):
        if self.result is None:
            return JsonResponse({"errors": self.form.errors.get_json_data()}, status=400)
        result = self.result
        return JsonResponse(
            {
                "unit": {"id": result.unit.pk, "name": result.unit.name},
                "start": result.start.isoformat(),
                "end": result.end.isoformat(),
                "grouping": result.grouping,
                "field": result.field,
                "rows": [
                    {
                        "period": row.bucket.isoformat(),
                        "period_label": row.bucket_label,
                        "topic": row.topic_name,
                        **{t: row.count(t) for t in Tendency.values},
                        "items": row.items,
                        "sources": row.sources,
                        "records_url": self.records_url(start=row.bucket_start, end=row.bucket_end, topic=row.topic_id),
                    }
                    for row in result.rows
                ],
                "totals": {**result.by_tendency, "items": result.items, "sources": result.sources},
            },
            json_dumps_params={"ensure_ascii": False},
        )

    def render_xlsx(self):
        from openpyxl import Workbook
        from openpyxl.styles import Font

        result = self.result
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Theo kỳ"
        field_label = dict(OpinionField.choices).get(result.field, "Tất cả lĩnh vực")
        sheet.append(["TỔNG HỢP DƯ LUẬN XÃ HỘI"])
        sheet.append([f"Đơn vị: {result.unit.name} (gồm đơn vị cấp dưới)"])
        sheet.append([f"Thời gian: {format_date(result.start)} – {format_date(result.end)}; lĩnh vực: {field_label}"])
        sheet.append([])
        tendency_labels = [label for _value, label in Tendency.choices]
        sheet.append(["Kỳ", "Chủ đề", *tendency_labels, "Tổng số tin", "Số nguồn tin"])
        for row in result.rows:
            sheet.append(
                [row.bucket_label, row.topic_name, *(row.count(t) for t in Tendency.values), row.items, row.sources]
            )
        sheet.append(
            ["Tổng cộng", "", *(result.by_tendency.get(t, 0) for t in Tendency.values), result.items, result.sources]
        )
        for cell in sheet[1] + sheet[5] + sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        topics = workbook.create_sheet("Theo chủ đề")
        topics.append(["Chủ đề", *tendency_labels, "Tổng số tin", "Số nguồn tin"])
        for row in result.topic_totals:
            topics.append([row.topic_name, *(row.count(t) for t in Tendency.values), row.items, row.sources])
        for cell in topics[1]:
            cell.font = Font(bold=True)
        for ws in (sheet, topics):
            ws.column_dimensions["A"].width = 18 if ws is sheet else 45
            ws.column_dimensions["B"].width = 45 if ws is sheet else 12
        output = io.BytesIO()
        workbook.save(output)
        output.seek(0)
        return FileResponse(
            output,
            as_attachment=True,
            filename="tong-hop-du-luan-xa-hoi.xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )


class AggregateViewSet(ViewSet):
    """Hosts the aggregate view in the admin, with a menu item for users who may see reports."""

    icon = "table"
    menu_label = "Tổng hợp dư luận"
    menu_name = "tong-hop-du-luan"

    def get_urlpatterns(self):
        return [path("", AggregateView.as_view(), name="index")]

    @cached_property
    def menu_item_class(self):
        from wagtail.admin.menu import MenuItem

        def is_shown(_item, request):
            policy = policy_registry.get_by_type(OpinionReport)
            return policy.user_has_any_permission(request.user, AggregateView.any_permission_required)

        return type("AggregateMenuItem", (MenuItem,), {"is_shown": is_shown})
