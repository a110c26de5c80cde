from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "tuyengiao.reports"
    label = "reports"
    verbose_name = "Báo cáo sơ kết, tổng kết"

    def ready(self):
        from . import signals  # noqa: F401
