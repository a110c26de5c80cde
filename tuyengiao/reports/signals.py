"""An export's file goes with its row (a deleted draft report takes its exports along)."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from .models import ReportExport
from .storage import export_storage


@receiver(post_delete, sender=ReportExport)
def _delete_export_file(sender, instance, **kwargs):
    name = instance.file.name
    if name:
        # After the commit: a rolled-back delete keeps its file.
        transaction.on_commit(lambda: export_storage.delete(name), robust=True)
