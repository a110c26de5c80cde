"""Views of the accounts app: JSON endpoints used by idle.js (the middleware has already applied the timeout), the sign-in lockout page."""

from __future__ import annotations

from django.http import JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services

SIGNED_OUT = {"authenticated": False}


def _signed_in(request) -> bool:
    return selectors.has_session_cookie(request) and request.user.is_authenticated


@never_cache
@require_GET
def status(request):
    """Where the session stands, plus the banner markup (admin pages cannot render it per request)."""
    if not _signed_in(request):
        return JsonResponse(SIGNED_OUT)
    state = selectors.idle_state(request)
    html = render_to_string("accounts/idle_banner_element.html", {"idle_session": state}, request=request)
    return JsonResponse({**state, "html": html})


@never_cache
@require_POST
def keepalive(request):
    """Restart the idle timer: the user clicked "Bấm vào đây" or was active on the page."""
    if not _signed_in(request):
        return JsonResponse(SIGNED_OUT)
    services.record_activity(request, force=True)
    return JsonResponse(selectors.idle_state(request))


@never_cache
@require_POST
def end(request):
    """The page's countdown reached zero: sign the user out.

    Refused while the server has seen activity within the warning time (for
    example in a tab whose storage events did not reach this one): the page
    then gets the current state back and keeps going.
    """
    if not _signed_in(request):
        return JsonResponse(SIGNED_OUT)
    if not selectors.warning_is_due(request.session):
        return JsonResponse(selectors.idle_state(request))
    services.end_idle_session(request)
    services.notify_idle_logout(request)
    return JsonResponse(SIGNED_OUT)


def lockout(request, original_response=None, credentials=None):
    """django-axes' answer after too many wrong passwords for one account from one address (AXES_LOCKOUT_CALLABLE)."""
    from django.conf import settings
    from django.shortcuts import render

    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    response = render(
        request,
        "accounts/lockout.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes},
        status=429,
    )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
