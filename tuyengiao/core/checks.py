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


@register(Tags.security)
def check_upload_settings(app_configs, **kwargs):
    """Upload allow-lists may only name types whose content tuyengiao.core.uploads can check (never SVG/HTML)."""
    from wagtail.images.utils import get_allowed_image_extensions

    from . import uploads

    problems = []
    if not getattr(settings, "WAGTAILDOCS_EXTENSIONS", None):
        problems.append(
            Error(
                "WAGTAILDOCS_EXTENSIONS is empty or unset: Wagtail would take any file, tuyengiao.core.uploads none.",
                id="tuyengiao.E011",
            )
        )
    lists = {
        "WAGTAILDOCS_EXTENSIONS": getattr(settings, "WAGTAILDOCS_EXTENSIONS", None) or (),
        "WAGTAILIMAGES_EXTENSIONS": get_allowed_image_extensions(),
    }
    for setting, extensions in lists.items():
        listed = {ext.lower() for ext in extensions}
        for ext in sorted(listed & uploads.NEVER_ACCEPTED):
            problems.append(
                Error(
                    f"{setting} lists “{ext}”, a type browsers run; uploads of it are refused anyway.",
                    hint="Remove it: SVG, HTML, XML and JavaScript uploads could run scripts on the portals.",
                    id="tuyengiao.E010",
                )
            )
        for ext in sorted(listed - uploads.NEVER_ACCEPTED - set(uploads.EXPECTED_CONTENT)):
            problems.append(
                Warning(
                    f"{setting} lists “{ext}”, whose content tuyengiao.core.uploads cannot check: such files are refused.",
                    hint="Add the type to uploads.EXPECTED_CONTENT (and detect_content) or remove it.",
                    id="tuyengiao.W010",
                )
            )
    return problems
