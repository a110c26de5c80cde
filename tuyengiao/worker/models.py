"""What background jobs remember in the database."""

from django.db import models


class JobReceipt(models.Model):
    """A batch a job has applied, written in the same transaction as the batch's effect.

    A job killed after its commit but before it could say so (e.g. a view-count flush killed
    before deleting its batch from Redis) runs again, finds the receipt and does nothing twice.
    """

    key = models.CharField("khóa", max_length=120, unique=True)
    created_at = models.DateTimeField("thời điểm", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "biên nhận tác vụ"
        verbose_name_plural = "biên nhận tác vụ"

    def __str__(self) -> str:
        return self.key
