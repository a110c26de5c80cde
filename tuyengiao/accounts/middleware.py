"""Server-side idle timeout: works with JavaScript off, and whatever the page's timer says."""

from __future__ import annotations

import time

from django.conf import settings

from . import activity, selectors, services


class IdleSessionMiddleware:
    """End idle sessions before the view runs and record the user's activity.

    Sits right after AuthenticationMiddleware. A request without a session
    cookie (anonymous readers) returns at once without touching the session,
    as do static and media files. For a signed-in user whose last activity is
    older than the warning time plus the countdown, the user is logged out;
    the view then runs for an anonymous user (the admin redirects to its
    login page). Otherwise, requests that follow a user action (see
    `activity.py`) restart the timer.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.asset_prefixes = tuple(p for p in (settings.STATIC_URL, settings.MEDIA_URL) if p and p.startswith("/"))

    def __call__(self, request):
        if not selectors.has_session_cookie(request) or request.path_info.startswith(self.asset_prefixes):
            return self.get_response(request)
        if request.user.is_authenticated:
            now = time.time()
            if selectors.is_expired(request.session, now=now):
                services.end_idle_session(request)
                request.idle_session_expired = True
            elif activity.is_user_activity(request):
                services.record_activity(request, now=now)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Messages only work once MessageMiddleware (after us) has run, so the
        # notice is added here rather than in __call__.
        if getattr(request, "idle_session_expired", False):
            services.notify_idle_logout(request)
        return None
