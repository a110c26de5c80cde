"""The privacy notice of each portal: what is kept about readers, and for how long.

Figures come from the settings the code uses (retention, rate limit), so the
notice cannot drift from what the site does.
"""

from __future__ import annotations

from django.conf import settings
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET
from wagtail.models import Site

from .models import PortalSettings


def notice_facts() -> dict:
    window_minutes = max(1, round(settings.COMMENT_RATE_WINDOW_SECONDS / 60))
    return {
        "retention_days": settings.READER_DATA_RETENTION_DAYS,
        "rate_limit": settings.COMMENT_RATE_LIMIT,
        "rate_window_minutes": window_minutes,
        "idle_minutes": round(settings.IDLE_TIMEOUT_MINUTES),
    }


@require_GET
def privacy_notice(request):
    site = Site.find_for_request(request)
    portal = PortalSettings.for_site(site) if site else None
    return TemplateResponse(
        request,
        "portal/privacy_notice.html",
        {"portal": portal, "portal_name": (portal.portal_name if portal else "") or "Cổng thông tin", **notice_facts()},
    )
