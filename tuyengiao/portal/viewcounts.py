"""Article view counting.

Design
------
* **Once per browser per article per day.** The reader's browser keeps a
  cookie listing the article ids it has been counted for today
  (``tgv=20261126.12.45``; the `MAX_IDS_IN_COOKIE` most recent ones, so it
  stays around 2 KB). No session row is written for an anonymous reader; a
  request without the cookie (a new browser, a load generator) is always
  counted.
* **Never by saving the page.** Counts live in their own tables
  (`ArticleViewTotal`, `ArticleDailyViews`); saving the page would create a
  revision and reindex it on every view.
* **Exact under concurrency.** Without Redis each view is one
  ``UPDATE … SET count = count + 1`` per table — the database serialises
  them, so no increment is lost (no read-modify-write in Python). The first
  view of an article (or of a day) inserts the row; a racing insert that
  loses on the unique key falls back to the update.
* **Scales with Redis.** When ``REDIS_URL`` is set each view is one Lua
  script call in Redis (one round trip, atomic): ``HINCRBY`` of the pending
  totals hash and of today's hash, and ``INCR`` of the article's shown
  total (below). `flush_view_counts` moves the buffered increments to the
  database, exactly once even if it is killed at any point: a script
  atomically renames the pending hash to a batch key of its own
  (``views:claim:<token>``; increments arriving meanwhile start a fresh
  hash) and records the batch in the ``views:claims`` registry with a lease.
  The batch is added to the database in one transaction that also inserts
  the batch's receipt (`tuyengiao.worker.models.JobReceipt`, unique key);
  only then is the batch key deleted. A flush that dies (or fails) leaves
  the batch key behind; the next flush after the lease (`claim_seconds`)
  adopts it and adds it unless its receipt is already in the database (it
  died after the commit), so nothing is lost or counted twice. All keys
  start with the cache's ``KEY_PREFIX``.
* **Counted by nginx behind its front cache.** With ``FRONT_CACHE_URL`` set
  article pages come from nginx's proxy cache and Python counts nothing:
  nginx logs each article page it sends (with a random browser id from its
  ``tgb`` cookie) and the worker feeds that log to `ingest_views`, which
  keeps the once-per-browser-per-article-per-day rule with a Redis set per
  article and day and buffers the views exactly as above, moving its file
  position in the same script (see `tuyengiao/worker/viewlog.py`).
* **Current counts behind caches, without a database read per view.** The
  page HTML may come from a cache; the count is put into it per request.
  With Redis the count shown is the article's *shown total* kept in Redis
  (database total + everything still buffered), incremented by the same
  script that buffers the view, so every reader sees a current count that
  includes their own view. When that key is missing (first view, expiry,
  Redis restart) it is seeded from the database total plus the buffered
  increments. A seed must not overlap a flush's commit (the batch would be
  in the database and in the claim at once, or in neither), so flushes
  register themselves while they hold a claim and bump a generation
  number; a seed is stored only if no batch is registered and the
  generation did not change while it read the database (a seqlock),
  otherwise it retries (or, when only a dead flush's batch is waiting to be
  adopted, shows an estimate without storing it). The key expires after
  `SHOWN_TOTAL_SECONDS`, so views counted straight in the database while
  Redis was down show up again within that time.
* **Redis down.** A Redis error makes the view count in the database (and
  the count shown come from the database); Redis is then left alone for
  `REDIS_RETRY_SECONDS`, so an outage does not add a timeout to every view.
  A view is counted twice only if Redis ran the script but its reply was
  lost (a timeout), as with any remote counter.
"""

from __future__ import annotations

import datetime
import logging
import os
import threading
import time
import uuid
from functools import lru_cache
from typing import NamedTuple

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone
from redis.exceptions import NoScriptError, RedisError, ResponseError

from .models import ArticleDailyViews, ArticlePage, ArticleViewTotal

logger = logging.getLogger(__name__)

COOKIE_NAME = "tgv"
MAX_IDS_IN_COOKIE = 300
SHOWN_TOTAL_SECONDS = 300
# Days of flushed-batch receipts kept; a batch left by a dead flush is adopted within minutes.
RECEIPT_DAYS = 3
# Days a per-day set of (browser, article) pairs seen by `ingest_views` is kept.
SEEN_SET_DAYS = 2
REDIS_RETRY_SECONDS = 5
SQLITE_LOCK_RETRY_DELAYS = (0.001,) * 20 + (0.01,) * 100 + (0.05,) * 100
SEED_RETRY_DELAYS = (0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256)

# KEYS: pending totals, today's hash, shown total. ARGV: page id.
# Returns the new shown total, or nil when it has to be seeded.
_COUNT_LUA = """
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
if redis.call('EXISTS', KEYS[3]) == 1 then
  return redis.call('INCR', KEYS[3])
end
return false
"""

# KEYS: shown total, pending totals, parked totals, generation, leases, claims.
# ARGV: page id, database total, generation seen before reading it, ttl.
# Returns the stored total; nil to retry (a flush is committing); -1 when only a dead flush's
# batch waits to be adopted (its state in the database is unknown here: no seed until it is).
_SEED_LUA = """
local shown = redis.call('GET', KEYS[1])
if shown then return shown end
if (redis.call('GET', KEYS[4]) or '') ~= ARGV[3] then return false end
if redis.call('HLEN', KEYS[6]) > 0 then
  local now = redis.call('TIME')
  if redis.call('ZCOUNT', KEYS[5], now[1], '+inf') > 0 then return false end
  return -1
end
local total = tonumber(ARGV[2]) + tonumber(redis.call('HGET', KEYS[2], ARGV[1]) or 0)
  + tonumber(redis.call('HGET', KEYS[3], ARGV[1]) or 0)
redis.call('SET', KEYS[1], total, 'EX', ARGV[4])
return total
"""

# KEYS: source hash, its parked hash (left by earlier versions), batch key, claims, leases, generation.
# ARGV: token, lease seconds, source key name.
_CLAIM_LUA = """
local has_source = redis.call('EXISTS', KEYS[1]) == 1
local has_parked = redis.call('EXISTS', KEYS[2]) == 1
if not has_source and not has_parked then return 0 end
if has_source then redis.call('RENAME', KEYS[1], KEYS[3]) end
if has_parked then
  local items = redis.call('HGETALL', KEYS[2])
  for i = 1, #items, 2 do redis.call('HINCRBY', KEYS[3], items[i], items[i + 1]) end
  redis.call('DEL', KEYS[2])
end
local now = redis.call('TIME')
redis.call('HSET', KEYS[4], ARGV[1], ARGV[3])
redis.call('ZADD', KEYS[5], now[1] + ARGV[2], ARGV[1])
redis.call('INCR', KEYS[6])
return 1
"""

# KEYS: claims, leases. ARGV: token, lease seconds. Takes over a batch whose flush is gone.
_ADOPT_LUA = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
local now = redis.call('TIME')
local lease = redis.call('ZSCORE', KEYS[2], ARGV[1])
if lease and tonumber(lease) > tonumber(now[1]) then return 0 end
redis.call('ZADD', KEYS[2], now[1] + ARGV[2], ARGV[1])
return 1
"""

# KEYS: batch key, claims, leases, generation. ARGV: token, "done" (in the database: drop the
# batch) or "retry" (keep it for the next flush, which adopts it at once).
_RELEASE_LUA = """
redis.call('ZREM', KEYS[3], ARGV[1])
if ARGV[2] == 'done' then
  redis.call('DEL', KEYS[1])
  redis.call('HDEL', KEYS[2], ARGV[1])
  redis.call('INCR', KEYS[4])
end
return 1
"""

# Front cache: one batch of lines of nginx's view log. KEYS: log cursor.
# ARGV: cursor expected, cursor after the batch, key prefix, ttl of the "seen" sets, then groups
# (day, page id, n, n browser ids). Each (day, article) has a set of the browsers counted: SADD
# returns how many are new, and that many views are counted. Returns {page id, views, …}, or -1
# when the cursor has moved (another ingester took these lines): lines and cursor move together.
_INGEST_LUA = """
if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return -1 end
redis.call('SET', KEYS[1], ARGV[2])
local prefix = ARGV[3]
local counted = {}
local i = 5
while i <= #ARGV do
  local day, page, n = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  local seen = prefix .. 'views:seen:' .. day .. ':' .. page
  local added = redis.call('SADD', seen, unpack(ARGV, i + 3, i + 2 + n))
  redis.call('EXPIRE', seen, ARGV[4])
  if added > 0 then
    redis.call('HINCRBY', prefix .. 'views:total', page, added)
    redis.call('HINCRBY', prefix .. 'views:day:' .. day, page, added)
    local shown = prefix .. 'views:shown:' .. page
    if redis.call('EXISTS', shown) == 1 then redis.call('INCRBY', shown, added) end
    counted[#counted + 1] = page
    counted[#counted + 1] = added
  end
  i = i + 3 + n
end
return counted
"""

PARKED_SUFFIX = ":parked"


class RedisBuffer:
    """The Redis client, key names and registered scripts for one REDIS_URL and key prefix.

    After an error Redis is left alone for `REDIS_RETRY_SECONDS` (`usable` is false), so a
    Redis outage costs one failed call per process and period, not one per request.
    """

    def __init__(self, url: str, prefix: str):
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        # No automatic retry: a counting script retried after a timeout could count a view twice.
        # The health check replaces connections that went stale while idle (e.g. Redis restarted).
        self.client = redis.Redis.from_url(
            url, socket_timeout=2, socket_connect_timeout=1, retry=Retry(NoBackoff(), 0), health_check_interval=30
        )
        self.prefix = prefix
        self.count_script = self.client.register_script(_COUNT_LUA)
        self.seed_script = self.client.register_script(_SEED_LUA)
        self.claim_script = self.client.register_script(_CLAIM_LUA)
        self.adopt_script = self.client.register_script(_ADOPT_LUA)
        self.release_script = self.client.register_script(_RELEASE_LUA)
        self.ingest_script = self.client.register_script(_INGEST_LUA)
        self._down_until = 0.0
        self._thread = threading.local()

    def usable(self) -> bool:
        return self._down_until <= time.monotonic()

    def failed(self, what: str) -> None:
        self._down_until = time.monotonic() + REDIS_RETRY_SECONDS
        logger.warning("Redis unavailable (%s); not used for %s s", what, REDIS_RETRY_SECONDS, exc_info=True)

    def command(self, *args):
        """Run one command on this thread's own connection (the per-view calls).

        The client checks a connection out of its pool and wraps each command in retry, event
        and metrics layers: about 105 µs of CPU for the counting script, against 40 µs on a
        connection of our own. Rare calls (seeding, flushing) go through the client.
        """
        connection = getattr(self._thread, "connection", None)
        if connection is None or connection.pid != os.getpid():
            pool = self.client.connection_pool
            connection = self._thread.connection = pool.connection_class(**pool.connection_kwargs)
        try:
            connection.send_command(*args)
            return connection.read_response()
        except ResponseError:
            raise  # an error reply: the connection is still in step
        except BaseException:
            connection.disconnect()  # a reply may be half read
            raise

    def run(self, script, *, keys: list, args: list):
        """Run a registered script with `command`, loading it again if Redis lost it (restart)."""
        try:
            return self.command("EVALSHA", script.sha, len(keys), *keys, *args)
        except NoScriptError:
            return self.command("EVAL", script.script, len(keys), *keys, *args)

    @property
    def totals_key(self) -> str:
        return f"{self.prefix}views:total"

    def day_key(self, day: datetime.date) -> str:
        return f"{self.prefix}views:day:{day.isoformat()}"

    def shown_key(self, page_id: int) -> str:
        return f"{self.prefix}views:shown:{page_id}"

    @property
    def generation_key(self) -> str:
        return f"{self.prefix}views:flush-generation"

    @property
    def leases_key(self) -> str:
        """Tokens of batches being flushed, scored by the time their flush's lease ends."""
        return f"{self.prefix}views:flushing"

    @property
    def claims_key(self) -> str:
        """Every batch taken from the buffer and not yet known to be in the database: token → source key."""
        return f"{self.prefix}views:claims"

    def batch_key(self, token: str) -> str:
        return f"{self.prefix}views:claim:{token}"

    @property
    def log_cursor_key(self) -> str:
        return f"{self.prefix}views:log-cursor"


def key_prefix() -> str:
    """Prefix of every Redis key we write: the cache's KEY_PREFIX, so one setting separates deployments."""
    return (settings.CACHES.get("default", {}).get("KEY_PREFIX") or "tuyengiao") + ":"


@lru_cache(maxsize=8)
def _buffer_for(url: str, prefix: str) -> RedisBuffer:
    return RedisBuffer(url, prefix)


def redis_buffer() -> RedisBuffer | None:
    """The buffer for the current settings (cached per URL and prefix, so overridden settings take effect)."""
    if not settings.REDIS_URL:
        return None
    return _buffer_for(settings.REDIS_URL, key_prefix())


def redis_client():
    """A Redis client when REDIS_URL is set, else None."""
    buffer = redis_buffer()
    return buffer.client if buffer else None


class _Day(NamedTuple):
    date: datetime.date
    starts_at: float  # POSIX times of its local midnights
    ends_at: float
    time_zone: str


_day: _Day | None = None


def _current_day() -> tuple[_Day, float]:
    """Today in the site's time zone and the current POSIX time.

    Worked out again only when the day (or TIME_ZONE) changes: the date and time-zone
    arithmetic was a tenth of the CPU a cached article view costs.
    """
    global _day
    now = timezone.now().timestamp()
    day = _day
    if day is None or not day.starts_at <= now < day.ends_at or day.time_zone != settings.TIME_ZONE:
        local = timezone.localtime(timezone.now(), timezone.get_default_timezone())
        start = datetime.datetime.combine(local.date(), datetime.time(), local.tzinfo)
        end = datetime.datetime.combine(local.date() + datetime.timedelta(days=1), datetime.time(), local.tzinfo)
        day = _day = _Day(local.date(), start.timestamp(), end.timestamp(), settings.TIME_ZONE)
    return day, now


def today() -> datetime.date:
    return _current_day()[0].date


def seconds_until_midnight() -> int:
    day, now = _current_day()
    return max(60, int(day.ends_at - now))


# --- the reader's cookie ---------------------------------------------------


@lru_cache(maxsize=4)
def _stamp(day: datetime.date) -> str:
    return day.strftime("%Y%m%d")


def parse_cookie(value: str | None, *, day: datetime.date) -> list[int]:
    """Ids already counted today, oldest first; a cookie from another day counts as empty."""
    if not value:
        return []
    stamp, _, ids = value.partition(".")
    if stamp != _stamp(day):
        return []
    return list(dict.fromkeys(int(item) for item in ids.split(".") if item.isascii() and item.isdigit()))


def build_cookie(ids: list[int], *, day: datetime.date) -> str:
    """Today's stamp and the most recently counted ids (the oldest drop out beyond the limit)."""
    return ".".join([_stamp(day), *map(str, ids[-MAX_IDS_IN_COOKIE:])])


def counted_by_nginx() -> bool:
    """True behind nginx's front cache (FRONT_CACHE_URL): nginx logs article views, the worker counts them."""
    return bool(getattr(settings, "FRONT_CACHE_URL", ""))


def count_view_and_read(request, response, *, page_id: int) -> int:
    """Count this view unless the browser was already counted today; return the count to show.

    With Redis this is one round trip in the common case. Behind nginx's front cache
    (`counted_by_nginx`) nothing is counted here: nginx logs the view.
    """
    if counted_by_nginx():
        request.article_page_id = page_id
        return current_view_count(page_id=page_id)
    day, now = _current_day()
    seen = parse_cookie(request.COOKIES.get(COOKIE_NAME), day=day.date)
    if page_id in seen:
        return current_view_count(page_id=page_id)
    shown = record_view(page_id=page_id, day=day.date)
    seen.append(page_id)
    response.set_cookie(
        COOKIE_NAME,
        build_cookie(seen, day=day.date),
        max_age=max(60, int(day.ends_at - now)),
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return shown


def count_view_for_request(request, response, *, page_id: int) -> bool:
    """Count this view unless the browser was already counted today; update the cookie.

    Returns whether the view was counted. Prefer `count_view_and_read` when the count is shown.
    """
    if counted_by_nginx():
        request.article_page_id = page_id
        return False
    day = today()
    if page_id in parse_cookie(request.COOKIES.get(COOKIE_NAME), day=day):
        return False
    count_view_and_read(request, response, page_id=page_id)
    return True


# --- counting --------------------------------------------------------------


def record_view(*, page_id: int, day: datetime.date | None = None) -> int:
    """Count one view; returns the article's current total including it."""
    day = day or today()
    buffer = redis_buffer()
    if buffer is not None and buffer.usable():
        try:
            shown = buffer.run(
                buffer.count_script,
                keys=[buffer.totals_key, buffer.day_key(day), buffer.shown_key(page_id)],
                args=[page_id],
            )
        except RedisError:  # Redis down: count in the database instead of losing the view.
            buffer.failed("view counted in the database")
        else:
            return int(shown) if shown is not None else _shown_total_after_seeding(buffer, page_id)
    _retry_while_locked(lambda: add_views_to_database(totals={page_id: 1}, daily={day: {page_id: 1}}))
    return _retry_while_locked(lambda: stored_view_count(page_id=page_id))


def _retry_while_locked(action):
    """Run `action`, retrying while SQLite reports the database locked (not inside a transaction).

    SQLite waits for a busy file database itself, but a shared-cache database (the in-memory one
    tests use) fails at once; the increments run in one transaction, so a retry never counts twice.
    """
    for delay in SQLITE_LOCK_RETRY_DELAYS:
        try:
            return action()
        except OperationalError as error:
            if connection.in_atomic_block or "locked" not in str(error):
                raise
            time.sleep(delay)
    return action()


def add_views_to_database(*, totals: dict[int, int], daily: dict[datetime.date, dict[int, int]]) -> None:
    """Add increments with atomic UPDATEs in one transaction; insert missing rows.

    Rows are written in id order, so concurrent flushes never deadlock. Views of articles deleted
    since are dropped: their foreign key, checked at commit, would fail the whole batch.
    """
    with transaction.atomic():
        missing = []
        for page_id, amount in sorted(totals.items()):
            if not ArticleViewTotal.objects.filter(page_id=page_id).update(count=F("count") + amount):
                missing.append((ArticleViewTotal, {"page_id": page_id}, amount))
        for day, counts in sorted(daily.items()):
            for page_id, amount in sorted(counts.items()):
                updated = ArticleDailyViews.objects.filter(page_id=page_id, day=day).update(count=F("count") + amount)
                if not updated:
                    missing.append((ArticleDailyViews, {"page_id": page_id, "day": day}, amount))
        if not missing:
            return
        existing = set(
            ArticlePage.objects.filter(pk__in={key["page_id"] for _, key, _ in missing}).values_list("pk", flat=True)
        )
        for model, key, amount in missing:
            if key["page_id"] in existing:
                _insert_or_update(model, key, amount)
            else:
                logger.info("%s views of deleted article %s dropped", amount, key["page_id"])


def _insert_or_update(model, key: dict, amount: int) -> None:
    try:
        with transaction.atomic():
            model.objects.create(count=amount, **key)
    except IntegrityError:  # another request inserted the row first
        model.objects.filter(**key).update(count=F("count") + amount)


# --- reading ---------------------------------------------------------------


def stored_view_count(*, page_id: int) -> int:
    """The total in the database (without what is still buffered in Redis)."""
    return ArticleViewTotal.objects.filter(page_id=page_id).values_list("count", flat=True).first() or 0


def current_view_count(*, page_id: int) -> int:
    """Database total plus buffered views: what readers see."""
    buffer = redis_buffer()
    if buffer is not None and buffer.usable():
        try:
            shown = buffer.command("GET", buffer.shown_key(page_id))
        except RedisError:
            buffer.failed("showing the database view count")
        else:
            return int(shown) if shown is not None else _shown_total_after_seeding(buffer, page_id)
    return stored_view_count(page_id=page_id)


def _shown_total_after_seeding(buffer: RedisBuffer, page_id: int) -> int:
    try:
        return _seed_shown_total(buffer, page_id)
    except RedisError:  # the view itself is already counted; only the display falls back
        buffer.failed("showing the database view count")
        return stored_view_count(page_id=page_id)


def _seed_shown_total(buffer: RedisBuffer, page_id: int) -> int:
    """Store database total + buffered views as the shown total, unless a flush commits meanwhile."""
    keys = [
        buffer.shown_key(page_id),
        buffer.totals_key,
        buffer.totals_key + PARKED_SUFFIX,
        buffer.generation_key,
        buffer.leases_key,
        buffer.claims_key,
    ]
    for delay in (0.0, *SEED_RETRY_DELAYS):
        time.sleep(delay)
        generation = buffer.client.get(buffer.generation_key) or b""
        stored = _retry_while_locked(lambda: stored_view_count(page_id=page_id))
        shown = buffer.seed_script(keys=keys, args=[page_id, stored, generation, SHOWN_TOTAL_SECONDS])
        if shown is not None and int(shown) >= 0:
            return int(shown)
        if shown is not None:
            break  # a dead flush's batch waits for the next flush: no point in waiting here
    # Show an estimate now (without the batch in flight) and seed on a later view.
    logger.warning("View count of article %s not seeded: a flushed batch is still pending", page_id)
    pending = buffer.client.hmget(buffer.totals_key, page_id) + buffer.client.hmget(keys[2], page_id)
    return stored + sum(int(value) for value in pending if value)


# --- flushing the Redis buffer ---------------------------------------------


def claim_seconds() -> int:
    """How long a flush may hold a batch before another flush takes it over."""
    return int(getattr(settings, "VIEW_COUNT_CLAIM_SECONDS", 60))


def flush_view_counts() -> int:
    """Move buffered Redis increments to the database, exactly once. Returns views flushed.

    First adopts the batches of flushes that died or failed (their lease is over), then claims
    what was buffered since.
    """
    buffer = redis_buffer()
    if buffer is None:
        return 0
    flushed = 0
    for token, source in buffer.client.hgetall(buffer.claims_key).items():
        token = token.decode()
        if buffer.adopt_script(keys=[buffer.claims_key, buffer.leases_key], args=[token, claim_seconds()]):
            logger.info("Adopting view-count batch %s left by an earlier flush", token)
            flushed += _flush_batch(buffer, token, source.decode())
    _prune_receipts()
    day_prefix = f"{buffer.prefix}views:day:"
    sources = {key.decode().removesuffix(PARKED_SUFFIX) for key in buffer.client.scan_iter(f"{day_prefix}*")}
    for source in [buffer.totals_key, *sorted(sources)]:
        token = uuid.uuid4().hex
        keys = [
            source,
            source + PARKED_SUFFIX,
            buffer.batch_key(token),
            buffer.claims_key,
            buffer.leases_key,
            buffer.generation_key,
        ]
        if buffer.claim_script(keys=keys, args=[token, claim_seconds(), source]):
            flushed += _flush_batch(buffer, token, source)
    return flushed


def _flush_batch(buffer: RedisBuffer, token: str, source: str) -> int:
    """Add one claimed batch to the database (unless its receipt says it is there), then drop it."""
    release_keys = [buffer.batch_key(token), buffer.claims_key, buffer.leases_key, buffer.generation_key]
    try:
        counts = {int(k): int(v) for k, v in buffer.client.hgetall(buffer.batch_key(token)).items() if int(v)}
        if source == buffer.totals_key:
            totals, daily = counts, {}
        else:
            day = datetime.date.fromisoformat(source.removeprefix(f"{buffer.prefix}views:day:"))
            totals, daily = {}, {day: counts}
        added = _retry_while_locked(lambda: _add_batch_once(token=token, totals=totals, daily=daily))
    except Exception:
        # Keep the batch: the next flush adopts it and adds it unless it reached the database.
        buffer.release_script(keys=release_keys, args=[token, "retry"])
        raise
    buffer.release_script(keys=release_keys, args=[token, "done"])
    return sum(counts.values()) if added else 0


def _add_batch_once(*, token: str, totals: dict, daily: dict) -> bool:
    """Add a batch and its receipt in one transaction; False when the receipt was already there."""
    from tuyengiao.worker.models import JobReceipt

    key = f"views:{token}"
    try:
        with transaction.atomic():
            if JobReceipt.objects.filter(key=key).exists():
                return False
            JobReceipt.objects.create(key=key)
            add_views_to_database(totals=totals, daily=daily)
    except IntegrityError:
        if JobReceipt.objects.filter(key=key).exists():  # a concurrent flush added it first
            return False
        raise
    return True


def _prune_receipts() -> None:
    from django.core.cache import cache

    from tuyengiao.worker.models import JobReceipt

    if cache.add("tg:view-receipts-pruned", "1", timeout=3600):
        cutoff = timezone.now() - datetime.timedelta(days=RECEIPT_DAYS)
        JobReceipt.objects.filter(key__startswith="views:", created_at__lt=cutoff).delete()


# --- views counted by nginx (front cache) ----------------------------------


def ingest_views(
    *, cursor_from: str, cursor_to: str, views: dict[tuple[datetime.date, int], list[str]]
) -> dict[int, int] | None:
    """Count views logged by nginx, once per browser per article per day, and move the log cursor.

    `views` maps (day, page id) to the browser ids seen. The views and the cursor move in one
    Redis script, so a batch is counted exactly once even if the ingester dies or two run at
    once. Returns the views counted per page, or None when the cursor is no longer
    `cursor_from` (nothing done).
    """
    buffer = redis_buffer()
    if buffer is None:
        raise RuntimeError("Counting views from nginx's log needs REDIS_URL.")
    args: list = [cursor_from, cursor_to, buffer.prefix, SEEN_SET_DAYS * 86400]
    for (day, page_id), browsers in views.items():
        for start in range(0, len(browsers), 4000):  # Lua's unpack() takes about 8000 values at most
            chunk = browsers[start : start + 4000]
            args += [day.isoformat(), page_id, len(chunk), *chunk]
    counted = buffer.ingest_script(keys=[buffer.log_cursor_key], args=args)
    if counted == -1:
        return None
    result: dict[int, int] = {}
    for page_id, added in zip(counted[::2], counted[1::2], strict=True):
        result[int(page_id)] = result.get(int(page_id), 0) + int(added)
    return result


def log_cursor() -> str:
    buffer = redis_buffer()
    if buffer is None:
        return ""
    return (buffer.client.get(buffer.log_cursor_key) or b"").decode()
