from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "tuyengiao.core"
    label = "core"
    verbose_name = "Lõi"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy checks)
