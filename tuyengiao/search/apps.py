from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "tuyengiao.search"
    label = "tgsearch"
    verbose_name = "Tìm kiếm"
