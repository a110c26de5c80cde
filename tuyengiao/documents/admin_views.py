"""Wagtail admin for the document registry (menu group "Văn bản").

Every view of a document — list, export, inspect, edit, delete, history,
usage, the relation chooser and the next-number JSON — reads through
`selectors.documents_visible_to(user)` (the policy registered in
wagtail_hooks.py, used by the unit-scoped views of tuyengiao.units.scoped_admin;
`relation_targets_for` for the chooser), so a person sees only the documents
of their unit subtree whatever URL they type. Writes go through `services`
(rights, numbering, audit log).
"""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import Truncator
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import policy_registry

from tuyengiao.units.choosers import NoCreationView
from tuyengiao.units.scoped_admin import (
    DateColumn,
    ScopedCreateView,
    ScopedDeleteView,
    ScopedEditView,
    ScopedIndexView,
    ScopedInspectView,
    UnitScopedViewSet,
)

from . import selectors, services
from .forms import DocumentForm, add_errors
from .models import Document, DocumentType, Issuer, SubjectArea, Term, format_date


def today() -> datetime.date:
    return timezone.localdate()


# --- filters and columns -----------------------------------------------------


class DocumentFilterSet(WagtailFilterSet):
    doc_type = django_filters.ModelChoiceFilter(
        label="Loại văn bản", queryset=DocumentType.objects.all(), empty_label="Tất cả"
    )
    issuer = django_filters.ModelChoiceFilter(
        label="Cơ quan ban hành", queryset=lambda request: selectors.issuers_for(request.user), empty_label="Tất cả"
    )
    subject_area = django_filters.ModelChoiceFilter(
        label="Lĩnh vực", queryset=SubjectArea.objects.all(), empty_label="Tất cả"
    )
    issued_on = django_filters.DateFromToRangeFilter(label="Ngày ban hành", widget=DateRangePickerWidget)
    validity = django_filters.ChoiceFilter(
        label="Hiệu lực",
        choices=selectors.VALIDITY_CHOICES,
        method="filter_validity",
        empty_label="Tất cả",
        widget=forms.RadioSelect,
    )
    is_public = django_filters.ChoiceFilter(
        label="Công khai",
        choices=[("1", "Công khai"), ("0", "Không công khai")],
        method="filter_public",
        empty_label="Tất cả",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Document
        fields: list[str] = []

    def filter_validity(self, queryset, name, value):
        return queryset.filter(selectors.validity_q(value, on=today()))

    def filter_public(self, queryset, name, value):
        return queryset.filter(is_public=value == "1")


class ValidityColumn(Column):
    def get_value(self, instance):
        return instance.validity_on(today())


# --- document views: every one reads through the unit-scoped selector --------


class DocumentSaveMixin:
    def save_with_service(self):
        document = self.form.save(commit=False)
        return services.document_save(
            actor=self.request.user, document=document, symbol=self.form.cleaned_data.get("number_symbol", "")
        )

    def add_service_error(self, form, error):  # a race lost between validation and saving
        add_errors(form, error)


class DocumentIndexView(ScopedIndexView):
    def search_queryset(self, queryset):
        # Folded, word-by-word search over number-symbol, type, summary, issuer and signer
        # (Wagtail's ORM fallback would miss "dang" for "Đảng" and "Số 05-CT/TW" for "05-CT/TW").
        if self.is_searching:
            return queryset.filter(selectors.search_q(self.search_query))
        return queryset

    @cached_property
    def is_searching(self):
        return bool(self.search_query)

    def get_filename(self):
        return f"van-ban-{today():%Y-%m-%d}"

    def _get_title_column(self, field_name, column_class=TitleColumn, **kwargs):
        return super()._get_title_column(field_name, column_class, width="13rem", **kwargs)


class DocumentCreateView(DocumentSaveMixin, ScopedCreateView):
    def get_initial(self):
        initial = super().get_initial()
        initial.setdefault("issued_on", today())
        own = selectors.issuers_for(self.request.user).filter(unit__isnull=False)[:2]
        if len(own) == 1:
            initial.setdefault("issuer", own[0].pk)
        return initial


class DocumentEditView(DocumentSaveMixin, ScopedEditView):
    pass


class DocumentDeleteView(ScopedDeleteView):
    def delete_action(self):
        services.document_delete(actor=self.request.user, document=self.object)


class DocumentInspectView(ScopedInspectView):
    template_name = "documents/admin/inspect.html"

    def get_object(self, queryset=None):
        return get_object_or_404(self.scoped_queryset().prefetch_related("attachments__file"), pk=self.pk)

    def get_fields_context(self):
        document = self.object
        rows = [
            ("Số, ký hiệu", document.written_symbol),
            ("Loại văn bản", document.doc_type.name),
            ("Cơ quan ban hành", str(document.issuer)),
            ("Nhiệm kỳ", document.term.name),
            ("Ngày ban hành", format_date(document.issued_on)),
            ("Nơi ban hành", document.issued_place),
            ("Trích yếu", document.summary),
            ("Người ký", " – ".join(document.signature_lines)),
            ("Lĩnh vực", document.subject_area.name if document.subject_area else ""),
            ("Có hiệu lực từ", format_date(document.effective_from)),
            ("Có hiệu lực đến", format_date(document.in_force_to) or "Không thời hạn"),
            ("Tình trạng", document.validity_on(today())),
            ("Công khai", "Có" if document.is_public else "Không"),
            ("Đơn vị quản lý", document.unit.name),
        ]
        return [{"label": label, "value": value or "—", "component": None} for label, value in rows]

    def get_context_data(self, **kwargs):
        from .models import REVERSE_RELATION_LABELS, DocumentRelation

        context = super().get_context_data(**kwargs)
        document = self.object
        visible = selectors.relation_targets_for(self.request.user)
        outgoing = DocumentRelation.objects.filter(document=document).select_related(
            "target__doc_type", "target__issuer"
        )
        incoming = DocumentRelation.objects.filter(target=document, document__in=visible).select_related(
            "document__doc_type", "document__issuer"
        )
        context["relations"] = [(r.get_kind_display(), r.target) for r in outgoing] + [
            (REVERSE_RELATION_LABELS[r.kind], r.document) for r in incoming
        ]
        context["recipients"] = document.recipient_lines
        context["attachments"] = list(document.attachments.all())
        return context


def next_number_view(request):
    """JSON for the form: the number-symbol the document would get (`?issuer=&doc_type=&issued_on=`)."""
    user = request.user
    policy = policy_registry.get_by_type(Document)
    if not (policy.user_has_permission(user, "add") or policy.user_has_permission(user, "change")):
        raise PermissionDenied
    issuer = selectors.issuers_for(user).filter(pk=_int(request.GET.get("issuer"))).first()
    doc_type = DocumentType.objects.filter(pk=_int(request.GET.get("doc_type"))).first()
    issued_on = _date(request.GET.get("issued_on")) or today()
    if issuer is None or doc_type is None:
        return JsonResponse({"symbol": "", "message": "Chọn cơ quan ban hành và loại văn bản để xem số tiếp theo."})
    current = selectors.documents_visible_to(user).filter(pk=_int(request.GET.get("document"))).first()
    proposal = selectors.propose_symbol(issuer=issuer, doc_type=doc_type, on=issued_on)
    if (
        current
        and proposal.term
        and (current.issuer_id, current.doc_type_id, current.term_id)
        == (
            issuer.pk,
            doc_type.pk,
            proposal.term.pk,
        )
    ):
        return JsonResponse({"symbol": current.symbol, "message": f"Giữ số hiện tại: {current.written_symbol}."})
    if proposal.symbol is None:
        return JsonResponse({"symbol": "", "message": proposal.message})
    return JsonResponse(
        {
            "symbol": str(proposal.symbol),
            "message": f"Số tiếp theo: {proposal.symbol.written} (nhiệm kỳ {proposal.term.name}). "
            "Để trống ô này để nhận số đó khi lưu.",
        }
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _date(value) -> datetime.date | None:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(value or "", pattern).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    return None


class DocumentViewSet(UnitScopedViewSet):
    model = Document
    icon = "doc-full"
    menu_label = "Văn bản"
    menu_name = "van-ban"
    url_prefix = "van-ban"
    add_to_reference_index = True  # the files' usage pages list the documents they are attached to
    base_form_class = DocumentForm
    index_view_class = DocumentIndexView
    add_view_class = DocumentCreateView
    edit_view_class = DocumentEditView
    delete_view_class = DocumentDeleteView
    inspect_view_class = DocumentInspectView
    filterset_class = DocumentFilterSet
    ordering = ["-issued_on", "-number"]
    search_fields = ["symbol", "summary"]
    list_display = [
        "symbol",  # the title column: links to edit (or inspect), with the row's action buttons
        Column("summary", label="Trích yếu", accessor=lambda d: Truncator(d.summary).chars(120)),
        Column("doc_type", label="Loại", accessor="doc_type.name", sort_key="doc_type__sort_order"),
        Column("issuer", label="Cơ quan ban hành", accessor="issuer.name"),
        DateColumn("issued_on", label="Ngày ban hành", sort_key="issued_on"),
        ValidityColumn("validity", label="Hiệu lực"),
        Column("is_public", label="Công khai", accessor=lambda d: "Công khai" if d.is_public else ""),
        Column("unit", label="Đơn vị quản lý", accessor="unit.name"),
    ]
    list_export = [
        "symbol",
        "doc_type.name",
        "issuer.name",
        "term.name",
        "issued_on",
        "issued_place",
        "summary",
        "signer_text",
        "subject_area_name",
        "effective_from",
        "in_force_to",
        "validity_today",
        "public_label",
        "unit.name",
    ]
    export_headings = {
        "symbol": "Số, ký hiệu",
        "doc_type.name": "Loại văn bản",
        "issuer.name": "Cơ quan ban hành",
        "term.name": "Nhiệm kỳ",
        "issued_on": "Ngày ban hành",
        "issued_place": "Nơi ban hành",
        "summary": "Trích yếu",
        "signer_text": "Người ký",
        "subject_area_name": "Lĩnh vực",
        "effective_from": "Có hiệu lực từ",
        "in_force_to": "Có hiệu lực đến",
        "validity_today": "Tình trạng hiệu lực",
        "public_label": "Công khai",
        "unit.name": "Đơn vị quản lý",
    }

    panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("issuer"), FieldPanel("doc_type")]),
                FieldRowPanel([FieldPanel("issued_on"), FieldPanel("number_symbol")]),
                FieldPanel(
                    "unit",
                    help_text="Chỉ chọn khi cơ quan ban hành là cơ quan ngoài (đơn vị tiếp nhận, lưu trữ); "
                    "văn bản do đơn vị ban hành tự thuộc về đơn vị đó.",
                ),
            ],
            heading="Số, ký hiệu",
        ),
        MultiFieldPanel(
            [FieldPanel("summary"), FieldRowPanel([FieldPanel("issued_place"), FieldPanel("subject_area")])],
            heading="Nội dung",
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("signing_mode"), FieldPanel("signing_for")]),
                FieldRowPanel([FieldPanel("signer_position"), FieldPanel("signer_name")]),
            ],
            heading="Người ký",
        ),
        FieldPanel("recipients"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("in_force_from"), FieldPanel("in_force_to")]), FieldPanel("is_public")],
            heading="Hiệu lực và công khai",
        ),
        InlinePanel("attachments", heading="Tệp đính kèm", label="Tệp"),
        InlinePanel("relations", heading="Văn bản liên quan", label="Quan hệ"),
    ]

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("so-tiep-theo/", next_number_view, name="next_number")]


# --- chooser for relations ---------------------------------------------------


class DocumentSearchForm(BaseFilterForm):
    q = forms.CharField(
        label="Tìm văn bản",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "Số, ký hiệu hoặc trích yếu"}),
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = self.cleaned_data.get("q", "").strip()
        if query:
            objects = objects.filter(selectors.search_q(query))
            self.is_searching = True
            self.search_query = query
        return objects


class ScopedChooserMixin:
    filter_form_class = DocumentSearchForm

    def get_object_list(self):
        return selectors.relation_targets_for(self.request.user).order_by("-issued_on", "-number")


class DocumentChooseView(ScopedChooserMixin, chooser_views.ChooseView):
    pass


class DocumentChooseResultsView(ScopedChooserMixin, chooser_views.ChooseResultsView):
    pass


class DocumentChosenView(chooser_views.ChosenView):
    def get_object(self, pk):
        return selectors.relation_targets_for(self.request.user).get(pk=pk)


class DocumentChosenMultipleView(chooser_views.ChosenMultipleView):
    """Wagtail's looks the ids up among all documents: another unit's non-public ones are left out here."""

    def get_objects(self, pks):
        return selectors.relation_targets_for(self.request.user).filter(pk__in=pks)


class DocumentChooserViewSet(ChooserViewSet):
    model = Document
    icon = "doc-full"
    choose_one_text = "Chọn văn bản"
    choose_another_text = "Chọn văn bản khác"
    edit_item_text = "Sửa văn bản"
    search_tab_label = "Tìm kiếm"
    per_page = 20
    choose_view_class = DocumentChooseView
    choose_results_view_class = DocumentChooseResultsView
    chosen_view_class = DocumentChosenView
    chosen_multiple_view_class = DocumentChosenMultipleView
    create_view_class = NoCreationView


# --- configuration (superusers, or anyone given the model permissions) --------


class DocumentTypeViewSet(ModelViewSet):
    model = DocumentType
    icon = "tag"
    menu_label = "Loại văn bản"
    url_prefix = "van-ban/loai"
    copy_view_enabled = False
    list_display = ["name", "code", "sort_order", "is_active"]
    form_fields = ["name", "code", "sort_order", "is_active"]
    ordering = ["sort_order", "name"]


class IssuerViewSet(ModelViewSet):
    model = Issuer
    icon = "group"
    menu_label = "Cơ quan ban hành"
    url_prefix = "van-ban/co-quan-ban-hanh"
    copy_view_enabled = False
    list_display = [
        "name",
        "code",
        Column("unit", label="Đơn vị", accessor=lambda i: i.unit.name if i.unit_id else "Cơ quan ngoài"),
    ]
    search_fields = ["name", "code"]
    search_backend_name = None
    panels = [FieldPanel("name"), FieldPanel("code"), FieldPanel("unit"), FieldPanel("sort_order")]

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(queryset=Issuer.objects.select_related("unit"), **kwargs)


class TermViewSet(ModelViewSet):
    model = Term
    icon = "date"
    menu_label = "Nhiệm kỳ"
    url_prefix = "van-ban/nhiem-ky"
    copy_view_enabled = False
    list_display = [
        "name",
        Column(
            "issuer", label="Áp dụng cho", accessor=lambda t: t.issuer.name if t.issuer_id else "Mọi cơ quan ban hành"
        ),
        DateColumn("starts_on", label="Từ ngày", sort_key="starts_on"),
        DateColumn("ends_on", label="Đến ngày", sort_key="ends_on"),
    ]
    form_fields = ["name", "issuer", "starts_on", "ends_on"]
    ordering = ["-starts_on"]

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(queryset=Term.objects.select_related("issuer"), **kwargs)


class SubjectAreaViewSet(ModelViewSet):
    model = SubjectArea
    icon = "folder-open-inverse"
    menu_label = "Lĩnh vực"
    url_prefix = "van-ban/linh-vuc"
    copy_view_enabled = False
    list_display = ["name", "sort_order"]
    form_fields = ["name", "sort_order"]


class DocumentsGroup(ViewSetGroup):
    menu_label = "Văn bản"
    menu_icon = "doc-full-inverse"
    menu_name = "van-ban-dang"
    menu_order = 280
    items = (
        DocumentViewSet("documents_document"),
        DocumentTypeViewSet("documents_type"),
        IssuerViewSet("documents_issuer"),
        TermViewSet("documents_term"),
        SubjectAreaViewSet("documents_subject_area"),
    )


document_chooser_viewset = DocumentChooserViewSet("documents_chooser", url_prefix="van-ban/chon")
