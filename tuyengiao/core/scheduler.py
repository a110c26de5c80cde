"""Periodic jobs that run inside the web process: no cron entry to forget.

Every `SCHEDULER_INTERVAL_SECONDS` one process (whichever takes the cache
lock first) publishes and unpublishes scheduled pages with Wagtail's own
`publish_scheduled` command — expired articles are unpublished and kept,
never deleted — and flushes buffered view counts. Started by
`manage.py serve` (what `make run` uses) and by gunicorn's `post_worker_init`
hook in `deploy/gunicorn.conf.py`.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import close_old_connections

logger = logging.getLogger(__name__)
LOCK_KEY = "tg:scheduler-lock"
_started = threading.Event()


def run_due_jobs() -> None:
    """One round: scheduled publishing/expiry, then the view-count flush."""
    from tuyengiao.portal.viewcounts import flush_view_counts

    call_command("publish_scheduled", verbosity=0)
    flush_view_counts()


def _loop(interval: int, stop: threading.Event) -> None:
    while not stop.wait(interval):
        # The lock expires a little before the next round so a dead process never blocks the others.
        if not cache.add(LOCK_KEY, "1", timeout=max(1, interval - 1)):
            continue
        try:
            run_due_jobs()
        except Exception:
            logger.exception("Scheduled jobs failed; retrying next round")
        finally:
            close_old_connections()


def start_scheduler(interval: int | None = None) -> threading.Event | None:
    """Start the scheduler thread once per process. Returns an event that stops it."""
    if _started.is_set():
        return None
    _started.set()
    stop = threading.Event()
    thread = threading.Thread(
        target=_loop, args=(interval or settings.SCHEDULER_INTERVAL_SECONDS, stop), name="tg-scheduler", daemon=True
    )
    thread.start()
    return stop
