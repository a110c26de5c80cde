from django.apps import AppConfig


class EducationConfig(AppConfig):
    name = "tuyengiao.education"
    label = "education"
    verbose_name = "Học tập, giáo dục"
