"""Writes for the idle session: record activity, end an idle session."""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth import logout

from . import selectors

EXPIRED_MESSAGE = "Phiên đăng nhập đã hết do lâu không sử dụng."


def record_activity(request, *, now: float | None = None, force: bool = False) -> None:
    """Restart the idle timer of a signed-in user's session.

    Without `force`, a timestamp younger than the write granularity is kept,
    so a burst of page views costs one session write, not one each.
    """
    now = time.time() if now is None else now
    last = selectors.last_activity(request.session)
    if force or last is None or now - last >= selectors.write_granularity_seconds():
        request.session[selectors.LAST_ACTIVITY_KEY] = now


def end_idle_session(request) -> None:
    """Sign the user out (Django's logout: signal, session flushed, request.user anonymous)."""
    logout(request)


def notify_idle_logout(request) -> None:
    """Tell the user on the next page why they were signed out."""
    messages.warning(request, EXPIRED_MESSAGE, fail_silently=True)


def on_user_logged_in(sender, request, user, **kwargs) -> None:
    """Signing in is activity: the idle timer starts with the new session."""
    if request is not None and hasattr(request, "session"):
        record_activity(request, force=True)
