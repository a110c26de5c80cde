"""Deploy checks of our own, run by `manage.py check --deploy` next to Django's.

Django's own W009 lets the development key through (it is long and varied enough), and its
W020 only fires for an empty ALLOWED_HOSTS, not for the "*" the development default uses.
"""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

DEV_SECRET_KEY_PREFIX = "dev-only-insecure-key"  # noqa: S105 (what we refuse, not a key)


@register(Tags.security, deploy=True)
def check_production_settings(app_configs, **kwargs):
    problems = []
    if settings.SECRET_KEY.startswith(DEV_SECRET_KEY_PREFIX):
        problems.append(
            Error(
                "SECRET_KEY is the development key.",
                hint="Set SECRET_KEY in the environment to a long random value (README, Deploy).",
                id="tuyengiao.E001",
            )
        )
    if "*" in settings.ALLOWED_HOSTS:
        problems.append(
            Warning(
                "ALLOWED_HOSTS accepts any host name.",
                hint="Set ALLOWED_HOSTS to the comma-separated host names of all portals.",
                id="tuyengiao.W001",
            )
        )
    return problems
