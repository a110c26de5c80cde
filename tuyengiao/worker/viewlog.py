"""Article views counted by nginx: its view log into the counters, and fresh counts on cached pages.

Behind the front cache a cached article never reaches Python, so nginx logs every article page it
sends (GET, with the article id from the ``X-Tg-Article`` header the page was stored with) to a
log of its own, one line per view::

    1764147600.123 12345 5f0c3e2a9b8d4c1e8a7b6c5d4e3f2a1b

(the time, the article, a random browser id from nginx's ``tgb`` cookie, which nginx sets on the
first page a browser gets; no address is logged). `ingest` reads the lines after the saved file
position and hands them to `viewcounts.ingest_views`, which counts each (browser, article, day)
once and moves the position in the same Redis script: a batch is counted exactly once even if the
worker is killed mid-way or two ingesters run at once.

The count on a cached page: articles counted since the last round are noted in a Redis set and,
every FRONT_CACHE_COUNT_SECONDS, refreshed in nginx's cache (`frontcache.refresh`, served from the
app's own HTML cache with the current count filled in: about a millisecond each). Readers see a
count at most that many seconds (plus the ingestion interval) old, in the HTML itself: no
script, no extra request per view, no request to Python per view.

While Redis is down the lines wait in the log and are counted when it is back. If Redis loses
its data (the position and the day's "seen" sets with it), the log is not read again from its
start, which would count views twice: `_lost_position` skips to the end instead.

Log rotation: rotate with ``delaycompress`` and ``nginx -s reopen`` (deploy/logrotate); when the
file's inode changes, the rest of the previous file is read from ``<path>.1`` first.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import re

from django.conf import settings
from django.utils import timezone

from tuyengiao.portal import viewcounts

logger = logging.getLogger(__name__)

CHUNK_BYTES = 256 * 1024
STARTED_KEY = "viewlog:started"
_BROWSER = re.compile(r"[0-9a-f]{16,64}")


def ingest(path: str | None = None) -> int:
    """Count the views logged since the last run; returns how many were counted."""
    path = path or settings.VIEW_LOG_PATH
    try:
        current = os.stat(path)
    except FileNotFoundError:
        return 0
    cursor = viewcounts.log_cursor()
    inode, offset = _parse_cursor(cursor)
    counted: dict[int, int] = {}
    if inode is None and _lost_position(path, current):
        return 0
    if inode is not None and inode != current.st_ino:
        previous = f"{path}.1"
        try:
            rotated = os.stat(previous)
        except FileNotFoundError:
            rotated = None
        if rotated is not None and rotated.st_ino == inode:
            _ingest_file(previous, inode, offset, cursor, counted)
        else:
            logger.warning("View log %s was replaced and its predecessor is not at %s: lines lost", path, previous)
        cursor, offset = viewcounts.log_cursor(), 0
    elif inode is not None and current.st_size < offset:
        logger.warning("View log %s was truncated; reading it from the start", path)
        offset = 0
    _ingest_file(path, current.st_ino, offset, cursor, counted)
    mark_counts_changed(sorted(counted))
    refresh_changed_counts()
    return sum(counted.values())


def _lost_position(path: str, current: os.stat_result) -> bool:
    """No position in Redis: the first run ever reads the log from its start; after that, Redis
    lost its data (restarted without persistence), and so did its record of which browsers were
    counted today: reading the log again would count those views twice, so skip to its end."""
    from .models import JobReceipt

    if not JobReceipt.objects.filter(key=STARTED_KEY).exists():
        JobReceipt.objects.get_or_create(key=STARTED_KEY)
        return False
    logger.warning("The view log position was lost (Redis data lost?): skipping %s to its end", path)
    viewcounts.ingest_views(cursor_from="", cursor_to=f"{current.st_ino}:{current.st_size}", views={})
    return True


def _parse_cursor(cursor: str) -> tuple[int | None, int]:
    inode, _, offset = cursor.partition(":")
    if not inode.isdigit() or not offset.isdigit():
        return None, 0
    return int(inode), int(offset)


def _ingest_file(path: str, inode: int, offset: int, cursor: str, counted: dict[int, int]) -> None:
    with open(path, "rb") as log:
        if os.fstat(log.fileno()).st_ino != inode:
            return  # replaced between stat and open: the next run sees the new file
        while True:
            log.seek(offset)
            chunk = log.read(CHUNK_BYTES)
            end = chunk.rfind(b"\n") + 1
            if not end:
                return  # nothing, or only a line nginx is still writing
            next_cursor = f"{inode}:{offset + end}"
            done = viewcounts.ingest_views(cursor_from=cursor, cursor_to=next_cursor, views=parse(chunk[:end]))
            if done is None:
                logger.info("View log position moved meanwhile: another ingester is at work")
                return
            for page_id, views in done.items():
                counted[page_id] = counted.get(page_id, 0) + views
            cursor, offset = next_cursor, offset + end


class _Days:
    """The site's calendar day of a POSIX time, worked out once per day rather than once per line."""

    def __init__(self):
        self.zone = timezone.get_default_timezone()
        self.start = self.end = 0.0
        self.day: datetime.date | None = None

    def of(self, moment: float) -> datetime.date:
        if not self.start <= moment < self.end:
            local = datetime.datetime.fromtimestamp(moment, tz=self.zone)
            midnight = datetime.datetime.combine(local.date(), datetime.time(), self.zone)
            self.day, self.start = local.date(), midnight.timestamp()
            self.end = datetime.datetime.combine(
                local.date() + datetime.timedelta(days=1), datetime.time(), self.zone
            ).timestamp()
        return self.day


def parse(lines: bytes) -> dict[tuple[datetime.date, int], list[str]]:
    """The browser ids of each (day in the site's time zone, article id), from well-formed lines."""
    days = _Days()
    views: dict[tuple[datetime.date, int], list[str]] = {}
    for line in lines.decode("ascii", "replace").splitlines():
        fields = line.split(" ", 2)
        if len(fields) != 3 or not fields[1].isdigit() or not fields[2]:
            continue
        try:
            day = days.of(float(fields[0]))
        except (ValueError, OverflowError, OSError):
            continue
        browser = fields[2]
        if not _BROWSER.fullmatch(browser):  # a cookie nginx did not set: still one browser, same id
            browser = hashlib.blake2b(browser.encode(), digest_size=8).hexdigest()
        views.setdefault((day, int(fields[1])), []).append(browser[:16])
    return views


# --- fresh counts on cached pages -----------------------------------------------

REFRESH_BATCH = 500


def _dirty_key(buffer) -> str:
    return f"{buffer.prefix}views:front-cache-dirty"


def mark_counts_changed(page_ids: list[int]) -> None:
    buffer = viewcounts.redis_buffer()
    if buffer is not None and page_ids:
        buffer.client.sadd(_dirty_key(buffer), *page_ids)


def refresh_changed_counts(*, force: bool = False) -> int:
    """Refresh in nginx's cache the articles whose count changed, once per FRONT_CACHE_COUNT_SECONDS."""
    from django.core.cache import cache
    from wagtail.contrib.frontend_cache.utils import PurgeBatch
    from wagtail.models import Page

    from . import frontcache

    buffer = viewcounts.redis_buffer()
    if buffer is None or not frontcache.enabled():
        return 0
    if not force and not cache.add("tg:front-cache-count-refresh", "1", timeout=settings.FRONT_CACHE_COUNT_SECONDS):
        return 0
    page_ids = [int(page_id) for page_id in buffer.client.spop(_dirty_key(buffer), REFRESH_BATCH) or []]
    if not page_ids:
        return 0
    batch = PurgeBatch()
    batch.add_pages(Page.objects.live().filter(pk__in=page_ids))
    try:
        frontcache.refresh(sorted(batch.urls))
    except Exception:
        mark_counts_changed(page_ids)  # try again next round
        raise
    return len(page_ids)
