"""Put the idle-session warning on every Wagtail admin page."""

from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_global_admin_js")
def idle_session_script():
    """Load idle.js (and its CSS) on every admin page, the login page included.

    Hook output is rendered without the request, so the banner itself cannot
    be rendered here: idle.js asks the status endpoint, which answers with the
    banner for a signed-in user and nothing for an anonymous one.
    """
    return format_html(
        '<link rel="stylesheet" href="{}"><script src="{}" defer data-status-url="{}"></script>',
        static("accounts/idle.css"),
        static("accounts/idle.js"),
        reverse("accounts:status"),
    )
