from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tuyengiao.audit"
    label = "audit"
    verbose_name = "Nhật ký kiểm toán"

    def ready(self):
        from django.db.models.signals import pre_save
        from wagtail.models import ModelLogEntry, PageLogEntry

        from . import origin

        for model in (PageLogEntry, ModelLogEntry):
            pre_save.connect(origin.attach_origin, sender=model, dispatch_uid=f"audit.origin.{model.__name__}")
