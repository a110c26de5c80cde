"""Admin upload of XLSX files (attendance, study returns) and the downloadable templates."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from . import importers, selectors, spreadsheets
from .models import (
    ImportKind,
)

IMPORTERS = {
    ImportKind.ATTENDANCE: importers.import_attendance,
    ImportKind.PARTICIPANTS: importers.import_participants,
    ImportKind.STUDY_RETURNS: importers.import_study_returns,
}

# --- XLSX imports ---------------------------------------------------------------------------------------


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label="Loại số liệu", choices=ImportKind.choices, widget=forms.RadioSelect, initial=ImportKind.STUDY_RETURNS
    )
    file = forms.FileField(
        label="Tệp Excel (.xlsx)",
        error_messages={"required": "Hãy chọn tệp .xlsx để nhập."},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class ImportView(WagtailAdminTemplateMixin, FormView):
    """Upload an XLSX file; shows the row errors, or how many records were created and replaced."""

    form_class = ImportForm
    template_name = "education/admin/import.html"
    page_title = "Nhập số liệu từ tệp XLSX"
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        if not selectors.is_staff_anywhere(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        kind = self.request.GET.get("kind")
        return {"kind": kind} if kind in ImportKind.values else {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            templates=[
                (reverse("education_imports:template", args=[kind]), f"Mẫu nhập {label.lower()}")
                for kind, label in ImportKind.choices
            ],
            recent=[
                batch for kind in ImportKind.values for batch in selectors.import_batches_by(user, kind=kind, limit=5)
            ],
            row_errors=getattr(self, "row_errors", None),
            action_url=self.request.path,
            submit_button_label="Nhập số liệu",
            submit_button_active_label="Đang nhập…",
        )
        return context

    def form_valid(self, form):
        importer = IMPORTERS[form.cleaned_data["kind"]]
        try:
            result = importer(actor=self.request.user, uploaded=form.cleaned_data["file"])
        except importers.ImportRejected as rejected:
            self.row_errors = rejected.errors
            messages.error(self.request, "Tệp bị từ chối, không có số liệu nào được lưu.")
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(
            self.request,
            f"Đã nhập tệp “{result.batch.filename}”: thêm mới {result.created}, cập nhật {result.updated} dòng.",
        )
        return redirect(self.request.path)


def template_download(request, kind: str):
    """The .xlsx template; for study returns with ?dot=<campaign>, pre-filled with the required units the user sees."""
    if not selectors.is_staff_anywhere(request.user):
        raise PermissionDenied
    if kind == ImportKind.ATTENDANCE:
        data, filename = spreadsheets.attendance_template(), "mau-nhap-so-luot-nguoi-du.xlsx"
    elif kind == ImportKind.PARTICIPANTS:
        data, filename = spreadsheets.participants_template(), "mau-nhap-nguoi-du-theo-danh-sach.xlsx"
    elif kind == ImportKind.STUDY_RETURNS:
        campaign_id = request.GET.get("dot", "")
        campaign, requirements = None, ()
        if campaign_id.isascii() and campaign_id.isdigit():  # not "²": int() fails
            campaign = get_object_or_404(selectors.campaigns_visible_to(request.user), pk=int(campaign_id))
            requirements = selectors.requirements_with_returns(
                campaign, units=None if request.user.is_superuser else selectors.visible_units(request.user)
            )
        data = spreadsheets.study_returns_template(campaign=campaign, requirements=requirements)
        filename = f"mau-bao-cao-hoc-tap{f'-dot-{campaign.pk}' if campaign else ''}.xlsx"
    else:
        from django.http import Http404

        raise Http404
    response = HttpResponse(data, content_type=spreadsheets.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ImportViewSet(ViewSet):
    icon = "upload"
    menu_label = "Nhập từ tệp XLSX"
    url_prefix = "education/import"

    def get_urlpatterns(self):
        return [
            path("", ImportView.as_view(), name="index"),
            path("mau/<str:kind>/", template_download, name="template"),
        ]

    @cached_property
    def menu_item_class(self):
        from wagtail.admin.menu import MenuItem

        class StaffOnlyMenuItem(MenuItem):
            def is_shown(self, request):
                return selectors.is_staff_anywhere(request.user)

        return StaffOnlyMenuItem
