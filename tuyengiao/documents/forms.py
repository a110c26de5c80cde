"""The admin form of a document: the typed number-symbol is checked against the chosen type and issuer."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from wagtail.admin.forms import WagtailAdminModelForm

from tuyengiao.units.scoped_admin import add_service_error

from . import selectors, services
from .models import DocumentType
from .symbols import EXAMPLE

# Service error keys that the form shows under another field name.
FIELD_ALIASES = {"symbol": "number_symbol"}


def add_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put each message on its field when the form has it, otherwise at the top."""
    add_service_error(form, error, aliases=FIELD_ALIASES)


class DocumentForm(WagtailAdminModelForm):
    number_symbol = forms.CharField(
        label="Số, ký hiệu",
        required=False,
        max_length=64,
        help_text=(
            f"Dạng {EXAMPLE} (không ghi chữ “Số”). Để trống để hệ thống cấp số tiếp theo của loại văn bản "
            "trong nhiệm kỳ; văn bản của cơ quan ngoài thì nhập đúng số ghi trên văn bản."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        self.fields["issuer"].queryset = selectors.issuers_for(user)
        active_types = DocumentType.objects.filter(is_active=True)
        if self.instance.doc_type_id:
            active_types = DocumentType.objects.filter(pk=self.instance.doc_type_id) | active_types
        self.fields["doc_type"].queryset = active_types
        unit_field = self.fields["unit"]
        unit_field.queryset = selectors.units_for(user)
        unit_field.required = False
        if not self.instance.pk:
            units = list(unit_field.queryset[:2])
            if len(units) >= 1 and not self.initial.get("unit"):
                self.initial["unit"] = units[0].pk
        self.fields["number_symbol"].initial = self.instance.symbol
        self.fields["number_symbol"].widget.attrs.update(
            {
                "data-next-number-url": reverse("documents_document:next_number"),
                "data-document-id": self.instance.pk or "",
                "placeholder": EXAMPLE,
                "autocomplete": "off",
            }
        )
        targets = selectors.relation_targets_for(user)
        relations = self.formsets.get("relations")
        if relations is not None:
            for form in [*relations.forms, relations.empty_form]:
                form.fields["target"].queryset = targets

    def _post_clean(self):
        super()._post_clean()
        if self.errors.keys() & {"issuer", "doc_type", "issued_on"}:
            return
        try:
            services.check_document(
                actor=self.for_user,
                document=self.instance,
                symbol=self.cleaned_data.get("number_symbol", ""),
                original=type(self.instance).objects.get(pk=self.instance.pk) if self.instance.pk else None,
            )
        except PermissionDenied as error:
            self.add_error("unit" if self.instance.issuer.is_external else "issuer", str(error))
        except ValidationError as error:
            add_errors(self, error)

    class Media:
        js = ["documents/js/next_number.js"]
