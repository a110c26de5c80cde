from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "tuyengiao.worker"
    label = "worker"
    verbose_name = "Tác vụ nền"

    def ready(self):
        from . import signals  # noqa: F401
