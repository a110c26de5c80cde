"""Reads for the idle session: timeouts and where a session stands."""

from __future__ import annotations

import time

from django.conf import settings
from django.urls import reverse

# Unix time (float seconds) of the last user activity, kept in the session.
LAST_ACTIVITY_KEY = "accounts.idle.last_activity"


def timeout_seconds() -> float:
    """Idle time after which the warning shows."""
    return settings.IDLE_TIMEOUT_MINUTES * 60


def countdown_seconds() -> int:
    """How long the warning counts down before the session ends."""
    return settings.IDLE_COUNTDOWN_SECONDS


def activity_ping_seconds() -> float:
    """Least time between two activity pings from one tab: once a minute, sooner for short test timeouts."""
    return min(60.0, timeout_seconds() / 4)


def write_granularity_seconds() -> float:
    """Page views less than this apart do not rewrite the timestamp (saves a session write per request)."""
    return min(15.0, timeout_seconds() / 20)


def has_session_cookie(request) -> bool:
    """Checked before anything else so that readers without a session cost nothing."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES


def last_activity(session) -> float | None:
    value = session.get(LAST_ACTIVITY_KEY)
    return float(value) if value is not None else None


def idle_seconds(session, *, now: float | None = None) -> float:
    """Seconds since the last recorded activity (0 if none is recorded yet)."""
    last = last_activity(session)
    if last is None:
        return 0.0
    return max(0.0, (time.time() if now is None else now) - last)


def is_expired(session, *, now: float | None = None) -> bool:
    """Idle past the warning and its whole countdown: the server ends such a session."""
    return idle_seconds(session, now=now) > timeout_seconds() + countdown_seconds()


def warning_is_due(session, *, now: float | None = None) -> bool:
    """Idle at least until the warning: only then may the page end the session."""
    return idle_seconds(session, now=now) >= timeout_seconds()


def seconds_until_warning(session, *, now: float | None = None) -> float:
    return max(0.0, timeout_seconds() - idle_seconds(session, now=now))


def shows_idle_banner(request) -> bool:
    """Signed-in users on real pages; never anonymous readers, never inside a Wagtail preview."""
    if not has_session_cookie(request) or getattr(request, "is_preview", False):
        return False
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated)


def idle_state(request, *, now: float | None = None) -> dict:
    """What idle.js needs, rendered into the banner's data attributes and returned by the endpoints."""
    return {
        "authenticated": True,
        "seconds_until_warning": round(seconds_until_warning(request.session, now=now), 3),
        "timeout_seconds": round(timeout_seconds(), 3),
        "countdown_seconds": countdown_seconds(),
        "ping_seconds": round(activity_ping_seconds(), 3),
        "keepalive_url": reverse("accounts:keepalive"),
        "end_url": reverse("accounts:end"),
    }
