"""Admin for study campaigns (progress page with the roll-up per child unit) and the units' returns."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn

from tuyengiao.documents.models import Document
from tuyengiao.documents.selectors import documents_visible_to
from tuyengiao.units.models import Unit, UnitKind
from tuyengiao.units.scoped_admin import (
    DateColumn,
    NumberColumn,
    ScopedCreateView,
    ScopedDeleteView,
    ScopedEditView,
    ScopedIndexView,
    ScopedInspectView,
    ScopedModelForm,
    UnitChoiceField,
    UnitMultipleChoiceField,
    UnitScopedViewSet,
)
from tuyengiao.units.selectors import can_access_unit, managed_roots, require_unit_access

from . import selectors, services
from .models import (
    StudyCampaign,
    StudyCampaignUnit,
    StudyReturn,
)

# --- study campaigns ------------------------------------------------------------------------------


class CampaignForm(ScopedModelForm):
    unit_fields = ("issuing_unit",)

    issuing_unit = UnitChoiceField(label="Đơn vị ban hành", queryset=Unit.objects.none())
    required_units = UnitMultipleChoiceField(
        label="Đơn vị phải học tập",
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 14}),
        help_text="Giữ Ctrl (hoặc ⌘) để chọn nhiều đơn vị.",
    )
    cells_under = UnitMultipleChoiceField(
        label="Thêm tất cả chi bộ trực thuộc",
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Chọn đảng ủy xã, phường…: mọi chi bộ đang hoạt động trực thuộc được thêm vào đợt học tập.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        visible = selectors.visible_units(self.for_user) if self.for_user else Unit.objects.none()
        offered = Q(pk__in=documents_visible_to(self.for_user).values("pk")) if self.for_user else Q(pk__in=[])
        if self.instance.pk:  # keep documents already linked even if this user cannot see them
            offered |= Q(pk__in=self.instance.documents.values("pk"))
        self.fields["documents"].widget = forms.SelectMultiple(attrs={"size": 8})
        self.fields["documents"].help_text = "Văn bản đã vào sổ văn bản. Giữ Ctrl (hoặc ⌘) để chọn nhiều văn bản."
        self.fields["documents"].queryset = Document.objects.filter(offered).order_by("-issued_on")  # sets choices
        self.fields["required_units"].queryset = visible
        self.fields["cells_under"].queryset = visible.exclude(kind=UnitKind.PARTY_CELL)
        if self.instance.pk:
            self.initial.setdefault(
                "required_units",
                list(visible.filter(study_requirements__campaign=self.instance).values_list("pk", flat=True)),
            )

    def clean(self):
        data = super().clean()
        text, theme = data.get("documents_text", ""), data.get("theme", "")
        if not (text.strip() or theme.strip() or data.get("documents")):
            self.add_error("documents_text", StudyCampaign.SUBJECT_MISSING)
        return data

    def wanted_units(self) -> list[Unit]:
        """The chosen units plus those already required that the user cannot see (kept as they are)."""
        chosen = list(self.cleaned_data.get("required_units") or [])
        if self.instance.pk:
            visible = selectors.visible_units(self.for_user)
            hidden = Unit.objects.filter(study_requirements__campaign=self.instance).exclude(pk__in=visible)
            chosen += list(hidden)
        return chosen


class CampaignSaveMixin:
    def save_with_service(self):
        form = self.form
        return services.campaign_save(
            actor=self.request.user,
            campaign=form.instance,
            units=form.wanted_units(),
            cells_under=form.cleaned_data.get("cells_under") or [],
            documents=form.cleaned_data.get("documents") or [],
        )


class CampaignCreateView(CampaignSaveMixin, ScopedCreateView):
    pass


class CampaignEditView(CampaignSaveMixin, ScopedEditView):
    pass


class CampaignIndexView(ScopedIndexView):
    def _get_title_column(self, field_name, column_class=TitleColumn, **kwargs):
        column_class = self._get_title_column_class(column_class)
        return self._get_custom_column(field_name, column_class, get_url=self.get_inspect_url, **kwargs)


class RateColumn(Column):
    def get_value(self, instance):
        return selectors.format_percent(selectors.ratio(instance.n_returned, instance.n_required))


class CampaignInspectView(ScopedInspectView):
    """Completion, late units and the roll-up table per child unit, for a unit the user may see."""

    template_name = "education/admin/campaign_inspect.html"
    page_title = "Tiến độ học tập"
    returns_index_url_name: str | None = None
    import_url_name: str | None = None
    template_url_name: str | None = None
    late_shown = 200

    @cached_property
    def root(self) -> Unit:
        user = self.request.user
        requested = self.request.GET.get("don_vi")
        if requested:
            unit = get_object_or_404(Unit, pk=requested) if requested.isascii() and requested.isdigit() else None
            if unit is None:
                raise PermissionDenied
            require_unit_access(user, unit)
            return unit
        scope = selectors.campaign_scope_root(self.object)
        if can_access_unit(user, scope):
            return scope
        # Someone lower in the tree sees the part of the campaign under their own unit.
        roots = managed_roots(user=user)
        for root in roots:
            if StudyCampaignUnit.objects.filter(campaign=self.object, unit__path__startswith=root.path).exists():
                return root
        if roots:
            return roots[0]
        raise PermissionDenied

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        campaign, root = self.object, self.root
        today = timezone.localdate()
        overview = selectors.campaign_overview(campaign, root=root, on=today)
        progress, late, rows = overview.progress, overview.late, overview.rows
        late_list = list(late[: self.late_shown])
        late_count = progress.late_units if len(late_list) < self.late_shown else late.count()
        user = self.request.user
        ancestors = [u for u in root.get_ancestors() if can_access_unit(user, u)] if root.depth > 1 else []
        context.update(
            campaign=campaign,
            root=root,
            ancestors=ancestors,
            progress=progress,
            rows=rows,
            late_list=late_list,
            late_more=max(late_count - len(late_list), 0),
            today=today,
            returns_url=f"{reverse(self.returns_index_url_name)}?campaign={campaign.pk}",
            import_url=reverse(self.import_url_name),
            template_url=f"{reverse(self.template_url_name, args=['study_returns'])}?dot={campaign.pk}",
            is_overdue=today > campaign.deadline,
        )
        return context


class CampaignDeleteView(ScopedDeleteView):
    def delete_action(self):
        services.campaign_delete(actor=self.request.user, campaign=self.object)


class StudyCampaignViewSet(UnitScopedViewSet):
    model = StudyCampaign
    icon = "clipboard-list"
    menu_label = "Đợt học tập, quán triệt"
    url_prefix = "education/campaigns"
    related = ("issuing_unit",)
    inspect_view_enabled = True
    index_view_class = CampaignIndexView
    add_view_class = CampaignCreateView
    edit_view_class = CampaignEditView
    delete_view_class = CampaignDeleteView
    inspect_view_class = CampaignInspectView
    ordering = ["-deadline", "title"]
    search_fields = ["title", "theme", "documents_text"]
    list_filter = {"deadline": ["gte", "lte"], "year": ["exact"]}
    export_filename = "dot-hoc-tap"
    list_export = [
        "pk",
        "title",
        "documents_text",
        "theme",
        "year",
        "issuing_unit",
        "starts_on",
        "deadline",
        "n_required",
        "n_returned",
    ]
    export_headings = {
        "pk": "Mã",
        "issuing_unit": "Đơn vị ban hành",
        "n_required": "Số đơn vị phải học tập",
        "n_returned": "Số đơn vị đã báo cáo",
    }
    list_display = [
        "title",
        Column("pk", label="Mã", sort_key="pk"),
        Column("issuing_unit", label="Đơn vị ban hành"),
        DateColumn("starts_on", label="Ngày triển khai", sort_key="starts_on"),
        DateColumn("deadline", label="Hạn báo cáo", sort_key="deadline"),
        NumberColumn("n_required", label="Phải học tập", sort_key="n_required"),
        NumberColumn("n_returned", label="Đã báo cáo", sort_key="n_returned"),
        RateColumn("rate", label="Tỷ lệ"),
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldPanel("documents"),
            FieldPanel("documents_text"),
            FieldRowPanel([FieldPanel("theme"), FieldPanel("year")]),
            FieldPanel("issuing_unit"),
            FieldRowPanel([FieldPanel("starts_on"), FieldPanel("deadline")]),
            MultiFieldPanel([FieldPanel("required_units"), FieldPanel("cells_under")], heading="Đơn vị phải học tập"),
            FieldPanel("note"),
        ],
        base_form_class=CampaignForm,
    )

    def listing_queryset(self, queryset):
        # Subqueries, not Count over two joins: a campaign may have thousands of units and returns.
        def count(model):
            return Coalesce(
                Subquery(
                    model.objects.filter(campaign=OuterRef("pk"))
                    .order_by()
                    .values("campaign")
                    .annotate(n=Count("pk"))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                0,
            )

        return (
            super()
            .listing_queryset(queryset)
            .annotate(n_required=count(StudyCampaignUnit), n_returned=count(StudyReturn))
        )

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(
            returns_index_url_name="education_returns:index",
            import_url_name="education_imports:index",
            template_url_name="education_imports:template",
            **kwargs,
        )


# --- study returns ------------------------------------------------------------------------------


class ReturnForm(ScopedModelForm):
    unit_fields = ("unit",)

    unit = UnitChoiceField(label="Đơn vị", queryset=Unit.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # campaign and unit are fixed once filed (shown read-only)
            self.fields.pop("unit", None)
            self.fields.pop("campaign", None)
        if "campaign" in self.fields:
            self.fields["campaign"].queryset = (
                selectors.campaigns_visible_to(self.for_user) if self.for_user else StudyCampaign.objects.none()
            )

    def _get_validation_exclusions(self):
        # Filing again for the same campaign and unit replaces the earlier return (services.study_return_submit),
        # so the one-per-unit constraint is not a form error here.
        exclusions = super()._get_validation_exclusions()
        exclusions.add("unit")
        return exclusions

    def clean(self):
        data = super().clean()
        campaign, unit = data.get("campaign") or self.instance_campaign(), data.get("unit") or self.instance_unit()
        if campaign and unit:
            try:
                services.check_unit_in_campaign(campaign, unit)
            except forms.ValidationError as error:
                self.add_error("unit", error.messages)
            for field, message in services.return_date_errors(campaign, data.get("studied_on")).items():
                self.add_error(field, message)
        return data

    def instance_campaign(self):
        return self.instance.campaign if self.instance.campaign_id else None

    def instance_unit(self):
        return self.instance.unit if self.instance.unit_id else None


class ReturnSaveMixin:
    def save_with_service(self):
        data = self.form.cleaned_data
        instance = self.form.instance
        return services.study_return_submit(
            actor=self.request.user,
            campaign=data.get("campaign") or instance.campaign,
            unit=data.get("unit") or instance.unit,
            members_total=data["members_total"],
            members_present=data["members_present"],
            makeup_sessions=data.get("makeup_sessions") or 0,
            makeup_attendance=data.get("makeup_attendance") or 0,
            summaries_submitted=data.get("summaries_submitted") or 0,
            studied_on=data["studied_on"],
            submitted_on=data.get("submitted_on"),
            note=data.get("note", ""),
        )


class ReturnCreateView(ReturnSaveMixin, ScopedCreateView):
    def get_initial(self):
        initial = super().get_initial()
        if (campaign := self.request.GET.get("campaign", "")).isascii() and campaign.isdigit():  # not "²"
            initial["campaign"] = int(campaign)
        initial.setdefault("submitted_on", timezone.localdate())
        return initial


class ReturnEditView(ReturnSaveMixin, ScopedEditView):
    pass


class ReturnDeleteView(ScopedDeleteView):
    def delete_action(self):
        services.study_return_delete(actor=self.request.user, study_return=self.object)


class ReturnFilterSet(WagtailFilterSet):
    campaign = django_filters.ModelChoiceFilter(label="Đợt học tập", queryset=StudyCampaign.objects.none())
    submitted_on = django_filters.DateFromToRangeFilter(label="Ngày báo cáo", widget=DateRangePickerWidget)
    late = django_filters.BooleanFilter(label="Báo cáo muộn", method="filter_late")

    class Meta:
        model = StudyReturn
        fields: list[str] = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = request.user if request else None
        self.filters["campaign"].queryset = (
            selectors.campaigns_visible_to(user) if user else StudyCampaign.objects.none()
        )

    def filter_late(self, queryset, name, value):
        from django.db.models import F

        if value is None:
            return queryset
        late = queryset.filter(submitted_on__gt=F("campaign__deadline"))
        return late if value else queryset.exclude(pk__in=late.values("pk"))


class LateTagColumn(StatusTagColumn):
    def get_value(self, instance):
        return "Muộn" if instance.submitted_on > instance.campaign.deadline else "Đúng hạn"


class StudyReturnViewSet(UnitScopedViewSet):
    model = StudyReturn
    icon = "doc-full"
    menu_label = "Báo cáo kết quả học tập"
    url_prefix = "education/returns"
    inspect_view_fields_exclude = ["import_batch"]
    add_view_class = ReturnCreateView
    edit_view_class = ReturnEditView
    delete_view_class = ReturnDeleteView
    filterset_class = ReturnFilterSet
    ordering = ["-submitted_on", "unit__path"]
    search_fields = ["unit__name", "campaign__title"]
    export_filename = "bao-cao-ket-qua-hoc-tap"
    list_export = [
        "campaign_id",
        "campaign",
        "unit_id",
        "unit",
        "members_total",
        "members_present",
        "makeup_sessions",
        "makeup_attendance",
        "summaries_submitted",
        "studied_on",
        "submitted_on",
        "note",
    ]
    export_headings = {
        "campaign_id": "Mã đợt học tập",
        "campaign": "Đợt học tập",
        "unit_id": "Mã đơn vị",
        "unit": "Đơn vị",
    }
    list_display = [
        "unit",  # the title column: links to edit (or inspect) and carries the row's menu
        Column("campaign", label="Đợt học tập"),
        NumberColumn("members_total", label="Tổng số ĐV", sort_key="members_total"),
        NumberColumn("members_present", label="Dự học"),
        NumberColumn("makeup_attendance", label="Học bù"),
        NumberColumn("summaries_submitted", label="Bài thu hoạch"),
        DateColumn("studied_on", label="Ngày học tập", sort_key="studied_on"),
        DateColumn("submitted_on", label="Ngày báo cáo", sort_key="submitted_on"),
        LateTagColumn("late", label="Thời hạn", primary=lambda r: r.submitted_on > r.campaign.deadline),
    ]
    related = ("unit", "campaign")
    base_form_class = ReturnForm
    create_panels = [
        FieldPanel("campaign"),
        FieldPanel("unit"),
        FieldRowPanel([FieldPanel("members_total"), FieldPanel("members_present")]),
        FieldRowPanel([FieldPanel("makeup_sessions"), FieldPanel("makeup_attendance")]),
        FieldPanel("summaries_submitted"),
        FieldRowPanel([FieldPanel("studied_on"), FieldPanel("submitted_on")]),
        FieldPanel("note"),
    ]
    panels = [
        FieldRowPanel([FieldPanel("campaign", read_only=True), FieldPanel("unit", read_only=True)]),
        *create_panels[2:],
    ]
