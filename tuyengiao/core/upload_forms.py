"""Wagtail's document form with the content checks of `uploads.py`.

Enabled with WAGTAILDOCS_DOCUMENT_FORM_BASE = "tuyengiao.core.upload_forms.DocumentForm": Wagtail
builds the admin add/edit form, the chooser's upload form and the multiple-upload form from this
base, so all three refuse the same files with the same message (attached to the file field: the
multiple-upload view only shows that field's errors). The image form is
`tuyengiao.portal.image_forms.ImageForm`.
"""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from wagtail.documents.forms import BaseDocumentForm

from . import uploads


class DocumentForm(BaseDocumentForm):
    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if isinstance(uploaded, UploadedFile):  # not when an edit keeps the stored file
            checked = uploads.check_upload(uploaded, kind=uploads.DOCUMENTS)
            uploaded.name = checked.name
        return uploaded

    def _post_clean(self):
        # Wagtail's model clean checks the extension of whatever file the instance holds; after a
        # refused upload that is none, and it would add "extension “” not allowed" under our message.
        refused = self._errors.get("file")
        kept = refused.copy() if refused else None
        super()._post_clean()
        if kept is not None:
            self._errors["file"] = kept
