"""The public documents page of each portal (like NukeViet's "laws" module).

Routed by HomePage (`van-ban/` and `van-ban/<pk>/`). Only public documents
are shown: those of the portal's unit and the units above it, and those of
external issuers (selectors.public_documents). Files are served through the
detail page (`?tai=<id>` download, `?xem=<id>` inline PDF) after the same
check, so a file of a non-public document is never handed out here.
"""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.template.response import TemplateResponse
from django.utils import timezone

from tuyengiao.core import uploads
from tuyengiao.portal.models import PortalSettings

from . import selectors
from .models import DocumentType, Issuer, SubjectArea

PAGE_SIZE = 20


class PublicFilterForm(forms.Form):
    """Every field optional; a bad value is dropped (never an error page): `?nam=abc` lists all years."""

    q = forms.CharField(label="Tìm kiếm", required=False, max_length=200)
    loai = forms.ModelChoiceField(label="Loại văn bản", queryset=DocumentType.objects.all(), required=False)
    co_quan = forms.ModelChoiceField(label="Cơ quan ban hành", queryset=Issuer.objects.all(), required=False)
    linh_vuc = forms.ModelChoiceField(label="Lĩnh vực", queryset=SubjectArea.objects.all(), required=False)
    nam = forms.IntegerField(label="Năm ban hành", required=False, min_value=1930, max_value=2100)

    def values(self) -> dict:
        self.is_valid()  # fills cleaned_data with the fields that are valid
        data = self.cleaned_data
        return {
            "doc_type": data.get("loai"),
            "issuer": data.get("co_quan"),
            "subject_area": data.get("linh_vuc"),
            "year": data.get("nam"),
            "query": data.get("q") or "",
        }


def portal_unit(home):
    site = home.get_site()
    portal = PortalSettings.for_site(site) if site else None
    return portal.unit if portal else None


def document_list(request, *, home):
    shown = selectors.public_documents(unit=portal_unit(home))
    form = PublicFilterForm(request.GET)
    values = form.values()
    documents = selectors.filter_documents(shown, **values).select_related("issuer", "doc_type")
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "documents/document_list.html",
        {
            "page": home,
            "home": home,
            "list_url": _list_url(home, request),
            "form": form,
            "values": values,
            "choices": selectors.filter_choices(shown),
            "documents": page,
            "is_filtered": any(values.values()),
            "today": timezone.localdate(),
        },
    )


def document_detail(request, *, home, pk):
    unit = portal_unit(home)
    document = selectors.public_document_detail(unit=unit, pk=pk)
    if document is None:
        raise Http404("Không có văn bản này hoặc văn bản không công khai.")
    attachments = list(document.attachments.all())
    for key, inline in (("tai", False), ("xem", True)):
        if key in request.GET:
            return _serve_file(attachments, request.GET[key], inline=inline)
    list_url = _list_url(home, request)
    return TemplateResponse(
        request,
        "documents/document_detail.html",
        {
            "page": home,
            "home": home,
            "list_url": list_url,
            "document": document,
            "attachments": attachments,
            "relations": selectors.related_public(document=document, unit=unit),
            "validity": document.validity_on(timezone.localdate()),
        },
    )


def _list_url(home, request) -> str:
    return f"{home.get_url(request)}van-ban/"


def _serve_file(attachments, wanted: str, *, inline: bool):
    attachment = next((a for a in attachments if str(a.pk) == wanted), None)
    if attachment is None or (inline and not attachment.is_pdf):
        raise Http404("Không có tệp này.")
    stored = attachment.file
    # Headers for files (nosniff, CSP sandbox, RFC 6266 names): tuyengiao.core.downloads.
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=not inline,
        filename=stored.filename,
        content_type=uploads.content_type_for(stored.filename),
    )
    if inline:
        response["Content-Type"] = "application/pdf"
    return response
