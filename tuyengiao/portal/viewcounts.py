"""Article view counting.

Design
------
* **Once per browser per article per day.** The reader's browser keeps a
  cookie listing the article ids it has been counted for today
  (``tgv=20261126.12.45``). No session row is written for an anonymous
  reader; a request without the cookie (a new browser, a load generator)
  is always counted.
* **Never by saving the page.** Counts live in their own tables
  (`ArticleViewTotal`, `ArticleDailyViews`); saving the page would create a
  revision and reindex it on every view.
* **Exact under concurrency.** Without Redis each view is one
  ``UPDATE … SET count = count + 1`` per table — the database serialises
  them, so no increment is lost (no read-modify-write in Python). The first
  view of an article (or of a day) inserts the row; a racing insert that
  loses on the unique key falls back to the update.
* **Scales with Redis.** When ``REDIS_URL`` is set each view is one
  ``HINCRBY`` in Redis (two hashes: totals and today's counts, sent in one
  pipeline). `flush_view_counts` moves the buffered increments to the
  database in batches: it atomically renames the hash (``RENAME`` is atomic,
  so increments arriving meanwhile start a fresh hash) and adds every
  field in one transaction. If the database write fails the renamed hash is
  kept and retried on the next flush, so nothing is lost or counted twice.
* **Current counts behind caches.** The page HTML may come from a cache;
  the view count is substituted into it per request (`current_view_count`
  reads the database total plus what is still buffered in Redis).
"""

from __future__ import annotations

import datetime
import logging
import uuid
from functools import lru_cache

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import ArticleDailyViews, ArticleViewTotal

logger = logging.getLogger(__name__)

COOKIE_NAME = "tgv"
MAX_IDS_IN_COOKIE = 300
TOTALS_KEY = "tuyengiao:views:total"
DAILY_KEY_PREFIX = "tuyengiao:views:day:"
FLUSHING_SUFFIX = ":flushing"


@lru_cache(maxsize=1)
def redis_client():
    """A Redis client when REDIS_URL is set, else None."""
    if not settings.REDIS_URL:
        return None
    import redis

    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)


def today() -> datetime.date:
    return timezone.localdate()


# --- the reader's cookie ---------------------------------------------------


def parse_cookie(value: str | None, *, day: datetime.date) -> set[int]:
    """Ids already counted today; a cookie from another day counts as empty."""
    if not value:
        return set()
    stamp, _, ids = value.partition(".")
    if stamp != day.strftime("%Y%m%d"):
        return set()
    return {int(item) for item in ids.split(".") if item.isdigit()}


def build_cookie(ids: set[int], *, day: datetime.date) -> str:
    kept = sorted(ids)[-MAX_IDS_IN_COOKIE:]
    return ".".join([day.strftime("%Y%m%d"), *map(str, kept)])


def seconds_until_midnight() -> int:
    now = timezone.localtime()
    tomorrow = datetime.datetime.combine(now.date() + datetime.timedelta(days=1), datetime.time(), now.tzinfo)
    return max(60, int((tomorrow - now).total_seconds()))


def count_view_for_request(request, response, *, page_id: int) -> bool:
    """Count this view unless the browser was already counted today; update the cookie."""
    day = today()
    seen = parse_cookie(request.COOKIES.get(COOKIE_NAME), day=day)
    if page_id in seen:
        return False
    record_view(page_id=page_id, day=day)
    seen.add(page_id)
    response.set_cookie(
        COOKIE_NAME,
        build_cookie(seen, day=day),
        max_age=seconds_until_midnight(),
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return True


# --- counting --------------------------------------------------------------


def record_view(*, page_id: int, day: datetime.date | None = None) -> None:
    day = day or today()
    client = redis_client()
    if client is not None:
        try:
            pipe = client.pipeline(transaction=False)
            pipe.hincrby(TOTALS_KEY, page_id, 1)
            pipe.hincrby(f"{DAILY_KEY_PREFIX}{day.isoformat()}", page_id, 1)
            pipe.execute()
            return
        except Exception:  # Redis down: count in the database instead of losing the view.
            logger.warning("Redis unavailable, counting view in the database", exc_info=True)
    add_views_to_database(totals={page_id: 1}, daily={day: {page_id: 1}})


def add_views_to_database(*, totals: dict[int, int], daily: dict[datetime.date, dict[int, int]]) -> None:
    """Add increments with atomic UPDATEs in one transaction; insert missing rows."""
    with transaction.atomic():
        for page_id, amount in totals.items():
            if not ArticleViewTotal.objects.filter(page_id=page_id).update(count=F("count") + amount):
                _insert_or_update(ArticleViewTotal, {"page_id": page_id}, amount)
        for day, counts in daily.items():
            for page_id, amount in counts.items():
                updated = ArticleDailyViews.objects.filter(page_id=page_id, day=day).update(count=F("count") + amount)
                if not updated:
                    _insert_or_update(ArticleDailyViews, {"page_id": page_id, "day": day}, amount)


def _insert_or_update(model, key: dict, amount: int) -> None:
    try:
        with transaction.atomic():
            model.objects.create(count=amount, **key)
    except IntegrityError:
        # Another request inserted the row first (or the page was deleted).
        if not model.objects.filter(**key).update(count=F("count") + amount):
            logger.info("View for missing article %s dropped", key)


def flush_view_counts() -> int:
    """Move buffered Redis increments to the database. Returns views flushed."""
    client = redis_client()
    if client is None:
        return 0
    flushed = 0
    keys = [TOTALS_KEY] + sorted(k.decode() for k in client.scan_iter(f"{DAILY_KEY_PREFIX}*"))
    for key in keys:
        if key.endswith(FLUSHING_SUFFIX):
            continue
        flushed += _flush_key(client, key)
    return flushed


def _flush_key(client, key: str) -> int:
    # A leftover ":flushing" hash means an earlier flush failed; retry it first.
    flushing = key + FLUSHING_SUFFIX
    if not client.exists(flushing):
        try:
            client.rename(key, flushing)
        except Exception:  # key vanished (nothing buffered)
            return 0
    # Claim the batch so two flushers never add it twice.
    claim = f"{flushing}:claim:{uuid.uuid4().hex}"
    try:
        client.rename(flushing, claim)
    except Exception:
        return 0
    raw = client.hgetall(claim)
    counts = {int(k): int(v) for k, v in raw.items()}
    try:
        if key == TOTALS_KEY:
            add_views_to_database(totals=counts, daily={})
        else:
            day = datetime.date.fromisoformat(key.removeprefix(DAILY_KEY_PREFIX))
            add_views_to_database(totals={}, daily={day: counts})
    except Exception:
        # Put the batch back for the next flush; merge with anything parked meanwhile.
        pipe = client.pipeline()
        for page_id, amount in counts.items():
            pipe.hincrby(flushing, page_id, amount)
        pipe.delete(claim)
        pipe.execute()
        raise
    client.delete(claim)
    return sum(counts.values())


def pending_view_count(*, page_id: int) -> int:
    client = redis_client()
    if client is None:
        return 0
    try:
        pipe = client.pipeline(transaction=False)
        pipe.hget(TOTALS_KEY, page_id)
        pipe.hget(TOTALS_KEY + FLUSHING_SUFFIX, page_id)
        return sum(int(v) for v in pipe.execute() if v)
    except Exception:
        return 0


def current_view_count(*, page_id: int) -> int:
    stored = ArticleViewTotal.objects.filter(page_id=page_id).values_list("count", flat=True).first() or 0
    return stored + pending_view_count(page_id=page_id)
