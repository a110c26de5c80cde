"""What `/healthz` checks: the database, Redis (when REDIS_URL is set) and the background worker.

Each check answers a short status word; the report carries no URL, host, user name or error
text (those go to the log), so it can be shown to a load balancer or a monitoring service.

The worker writes a unix timestamp to the cache key `WORKER_HEARTBEAT_KEY` at least every 30 s.
It is "ok" when that stamp is younger than `WORKER_STALE_SECONDS`, "stale" when older, and
"absent" when there is none. "absent" is healthy unless a worker is expected, that is when
CELERY_BROKER_URL is set (tuyengiao/worker); a `WORKER_REQUIRED` setting, if defined, decides
instead. The heartbeat is read through the Django cache, so the web processes and the worker
must share it (REDIS_URL).
"""

from __future__ import annotations

import logging
import time
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.db import connection

logger = logging.getLogger(__name__)

WORKER_HEARTBEAT_KEY = "tuyengiao:worker:heartbeat"
# Three missed beats of a worker that beats every 30 s.
WORKER_STALE_SECONDS = 90

OK, ERROR, NOT_CONFIGURED = "ok", "error", "not_configured"
STALE, ABSENT = "stale", "absent"


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.warning("Health check: database unavailable", exc_info=True)
        return ERROR
    return OK


@lru_cache(maxsize=4)
def _redis_client(url: str):
    import redis

    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)


def check_redis() -> str:
    if not settings.REDIS_URL:
        return NOT_CONFIGURED
    try:
        _redis_client(settings.REDIS_URL).ping()
    except Exception:
        logger.warning("Health check: Redis unavailable", exc_info=True)
        return ERROR
    return OK


def worker_expected() -> bool:
    required = getattr(settings, "WORKER_REQUIRED", None)
    if required is not None:
        return bool(required)
    return bool(getattr(settings, "CELERY_BROKER_URL", None))


def _heartbeat() -> float | None:
    """The worker's last beat: from the Django cache, or the raw Redis key of the same name."""
    stamps = []
    try:
        stamps.append(cache.get(WORKER_HEARTBEAT_KEY))
    except Exception:
        logger.warning("Health check: cache unavailable for the worker heartbeat", exc_info=True)
    if settings.REDIS_URL:
        try:
            stamps.append(_redis_client(settings.REDIS_URL).get(WORKER_HEARTBEAT_KEY))
        except Exception:
            logger.warning("Health check: Redis unavailable for the worker heartbeat", exc_info=True)
    values = []
    for stamp in stamps:
        try:
            values.append(float(stamp.decode() if isinstance(stamp, bytes) else stamp))
        except (TypeError, ValueError, AttributeError):
            continue
    return max(values) if values else None


def check_worker() -> tuple[str, int | None]:
    """The worker's status and the age of its last heartbeat in whole seconds (None without one)."""
    beat = _heartbeat()
    if beat is None:
        return ABSENT, None
    age = max(0, int(time.time() - beat))
    return (OK if age <= WORKER_STALE_SECONDS else STALE), age


def report() -> tuple[dict, bool]:
    """The JSON report and whether everything configured is healthy."""
    started = time.perf_counter()
    database = check_database()
    redis_status = check_redis()
    worker, age = check_worker()
    healthy = (
        database == OK
        and redis_status in (OK, NOT_CONFIGURED)
        and (worker == OK or (worker == ABSENT and not worker_expected()))
    )
    body = {
        "status": OK if healthy else ERROR,
        "database": database,
        "redis": redis_status,
        "worker": worker,
        "worker_heartbeat_age_seconds": age,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
    }
    return body, healthy
