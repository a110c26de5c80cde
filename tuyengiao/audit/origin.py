"""Where a state change came from: the client address and browser of the request that made it.

Wagtail's log (PageLogEntry, ModelLogEntry) already records who, what and
when. `RequestOriginMiddleware` keeps the current request's origin in a
context variable, and `attach_origin` copies it into the `data` of every log
entry created while the request runs, under the key "origin". Entries written
outside a request (the scheduler, management commands) have no origin.
"""

from __future__ import annotations

import contextvars

ORIGIN_KEY = "origin"
USER_AGENT_MAX_LENGTH = 300

_current: contextvars.ContextVar[dict | None] = contextvars.ContextVar("audit_request_origin", default=None)


def client_ip(request) -> str:
    """The client's address. Behind nginx it is in X-Real-IP (set by deploy/nginx, which overwrites
    anything a client sends; gunicorn listens on 127.0.0.1 only), else REMOTE_ADDR."""
    return (request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR") or "").strip()


def request_origin(request) -> dict:
    return {
        "ip": client_ip(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX_LENGTH],
    }


def current_origin() -> dict | None:
    return _current.get()


def activate(request) -> contextvars.Token:
    return _current.set(request_origin(request))


def deactivate(token: contextvars.Token) -> None:
    _current.reset(token)


def attach_origin(sender, instance, **kwargs) -> None:
    """pre_save receiver for log entry models: add the request origin to new entries."""
    if not instance._state.adding:
        return
    found = current_origin()
    if found is None:
        return
    data = instance.data if isinstance(instance.data, dict) else {}
    if ORIGIN_KEY not in data:
        instance.data = {**data, ORIGIN_KEY: found}
