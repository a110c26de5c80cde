"""Periodic jobs inside the web process, for installations without a background worker.

With no broker configured (CELERY_BROKER_URL unset: `make run`, a small server) a thread in
each process runs the jobs of `tuyengiao.worker.jobs` — scheduled publishing and expiry with
Wagtail's own `publish_scheduled` (expired articles are unpublished and kept, never deleted),
the view-count flush, the nginx view-log ingestion when VIEW_LOG_PATH is set, the readers'
data purge — each at its own interval, in whichever process takes that job's cache lock first.
Started by `manage.py serve` (what `make run` uses) and by gunicorn's `post_worker_init` hook
in `deploy/gunicorn.conf.py`.

With a broker, Celery beat in `make worker` runs the same jobs and this thread is not started.
"""

from __future__ import annotations

import logging
import threading

from django.core.cache import cache
from django.db import close_old_connections

logger = logging.getLogger(__name__)
LOCK_KEY = "tg:scheduler-lock"
_started = threading.Event()


def run_due_jobs() -> None:
    """One round of every job, now (also what `manage.py serve` runs at start)."""
    from tuyengiao.worker.jobs import periodic_jobs

    for job in periodic_jobs(worker=False):
        job.run()


def _loop(interval: float | None, stop: threading.Event) -> None:
    from tuyengiao.worker.jobs import periodic_jobs

    jobs = periodic_jobs(worker=False)
    tick = interval or max(1.0, min(job.interval for job in jobs))
    while not stop.wait(tick):
        for job in jobs:
            # The lock expires a little before the job's next round so a dead process never blocks the others.
            if not cache.add(f"{LOCK_KEY}:{job.name}", "1", timeout=max(1, int(job.interval) - 1)):
                continue
            try:
                job.run()
            except Exception:
                logger.exception("Scheduled job %s failed; retrying next round", job.name)
            finally:
                close_old_connections()


def start_scheduler(interval: float | None = None) -> threading.Event | None:
    """Start the scheduler thread once per process. Returns an event that stops it.

    Not started when a broker is configured: the worker's Celery beat runs the jobs.
    """
    from tuyengiao.worker.queue import worker_enabled

    if worker_enabled():
        logger.info("CELERY_BROKER_URL is set: periodic jobs run on the worker (make worker)")
        return None
    if _started.is_set():
        return None
    _started.set()
    stop = threading.Event()
    thread = threading.Thread(target=_loop, args=(interval, stop), name="tg-scheduler", daemon=True)
    thread.start()
    return stop
