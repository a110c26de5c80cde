from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "tuyengiao.portal"
    label = "portal"
    verbose_name = "Cổng thông tin"

    def ready(self):
        from . import signals  # noqa: F401
