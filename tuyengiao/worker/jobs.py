"""The periodic jobs, run by Celery beat with a broker and by the in-process scheduler without one.

Each job is safe to run again after a crash at any point (see each function), and two runs at
once do no harm: the view-count flush and the log ingestion claim their batches atomically, and
Wagtail publishes each page in its own transaction.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command

# Read by /healthz: the unix time of the worker's last sign of life.
HEARTBEAT_KEY = "tuyengiao:worker:heartbeat"
HEARTBEAT_SECONDS = 15


@dataclass(frozen=True)
class PeriodicJob:
    name: str  # also the Celery task's name
    interval: float  # seconds
    run: Callable[[], object]


def publish_scheduled() -> None:
    """Wagtail's `publish_scheduled`: each page is published (or expired) in its own transaction."""
    call_command("publish_scheduled", verbosity=0)


def flush_view_counts() -> int:
    from tuyengiao.portal.viewcounts import flush_view_counts as flush

    return flush()


def ingest_view_log() -> int:
    from .viewlog import ingest

    return ingest()


def purge_reader_data() -> int:
    """Clears readers' e-mail and address hash after the retention period, once a day."""
    from tuyengiao.portal import services

    purge = getattr(services, "reader_data_purge_if_due", None)
    return purge() if purge else 0


def heartbeat() -> int:
    now = int(time.time())
    cache.set(HEARTBEAT_KEY, now, timeout=None)
    return now


def periodic_jobs(*, worker: bool) -> list[PeriodicJob]:
    """The jobs and their intervals; the heartbeat only where a separate worker runs them."""
    jobs = [
        PeriodicJob("tuyengiao.publish_scheduled", settings.SCHEDULER_INTERVAL_SECONDS, publish_scheduled),
        PeriodicJob("tuyengiao.flush_view_counts", settings.VIEW_COUNT_FLUSH_SECONDS, flush_view_counts),
        PeriodicJob("tuyengiao.purge_reader_data", 3600, purge_reader_data),
    ]
    if getattr(settings, "VIEW_LOG_PATH", ""):
        jobs.append(PeriodicJob("tuyengiao.ingest_view_log", settings.VIEW_LOG_INGEST_SECONDS, ingest_view_log))
    if worker:
        jobs.append(PeriodicJob("tuyengiao.heartbeat", HEARTBEAT_SECONDS, heartbeat))
    return jobs
