from django.apps import AppConfig


class OpinionConfig(AppConfig):
    name = "tuyengiao.opinion"
    label = "opinion"
    verbose_name = "Dư luận xã hội"
    default_auto_field = "django.db.models.BigAutoField"
