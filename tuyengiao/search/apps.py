from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "tuyengiao.search"
    label = "tgsearch"
    verbose_name = "Tìm kiếm"

    def ready(self):
        from . import signals  # noqa: F401
