from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "tuyengiao.units"
    label = "units"
    verbose_name = "Tổ chức"
