"""Where a background job runs: on the Celery worker when a broker is configured, else here."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)


def worker_enabled() -> bool:
    """True when CELERY_BROKER_URL is set: the web processes enqueue, `make worker` runs the jobs."""
    return bool(getattr(settings, "CELERY_BROKER_URL", ""))


def enqueue_after_commit(task_name: str, *args, fallback: Callable[[], object] | None = None) -> bool:
    """Send the task to the worker once the current transaction commits (at once outside one).

    Returns False, sending nothing, when no broker is configured: the caller runs the job itself.
    Enqueued after the commit, so the worker never reads the rows as they were before it. If the
    broker cannot be reached then, `fallback` (the job itself) runs here instead of being lost.
    """
    if not worker_enabled():
        return False
    transaction.on_commit(lambda: _send(task_name, list(args), fallback), robust=True)
    return True


def _send(task_name: str, args: list, fallback: Callable[[], object] | None = None) -> None:
    from .celery_app import app

    try:
        app.send_task(task_name, args=args)
    except Exception:
        if fallback is None:
            logger.exception("Could not enqueue %s%s: the broker is unreachable", task_name, tuple(args))
            raise
        logger.exception("Could not enqueue %s%s: running it here instead", task_name, tuple(args))
        fallback()
