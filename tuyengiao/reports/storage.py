"""Where exported report files are kept: private, never behind a public URL.

Under MEDIA_ROOT/documents/report-exports/, because /media/documents/ is the one media path
nothing serves: nginx answers 404 there (deploy/nginx/tuyengiao.conf) and `make run` leaves it
out (tuyengiao/urls.py), as for Party documents' files. The files go out only through the admin's
download view, which checks the user's rights on the report's unit. Being under MEDIA_ROOT, they
are in the backups too.

Files are overwritten in place (``allow_overwrite``): an export job that runs again after a crash
writes the same name, so a retried job never leaves a second file.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property

EXPORTS_DIR = os.path.join("documents", "report-exports")


@deconstructible(path="tuyengiao.reports.storage.ExportStorage")
class ExportStorage(FileSystemStorage):
    def __init__(self):
        super().__init__(allow_overwrite=True)

    @cached_property
    def base_location(self):
        # Read when first used (and again when MEDIA_ROOT changes), like Django's own default.
        return os.path.join(settings.MEDIA_ROOT, EXPORTS_DIR)

    def url(self, name):
        raise ValueError("Exported reports have no public URL: use the admin's download view.")


export_storage = ExportStorage()
