from django.apps import AppConfig


class TasksConfig(AppConfig):
    # Label "tasks" does not clash with django_tasks (label "django_tasks", a Wagtail dependency).
    name = "tuyengiao.tasks"
    label = "tasks"
    verbose_name = "Nhiệm vụ, thi đua"
    default_auto_field = "django.db.models.BigAutoField"
