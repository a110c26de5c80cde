"""Rendered article, home and category HTML for anonymous readers, kept in the cache.

The HTML is stored with a marker where the view count goes; the count is
put in per request, so a cached page still shows a current count. Entries
are dropped when the article is published, unpublished or moved, or when
one of its comments is approved (see `signals.py`).

Home and category pages ("listings", `store(listing=True)`) are kept the same way for
LISTING_CACHE_SECONDS, each `?page=N` of a category under its own key; serving one counts no
view. Publishing, unpublishing, moving or deleting an article drops its portal's home page and
each category above it (all their pages) with it, so readers see the change at once. Their
"most read" box is as old as the copy (at most LISTING_CACHE_SECONDS; behind nginx twice that).

We cache whole responses ourselves rather than with Django's
`UpdateCacheMiddleware` because that one varies on the cookie header and
would neither count views nor show current counts (STYLE.md).

With Redis the entries are plain Redis strings read with the view counter's
connection: Django's Redis cache backend builds a client object and pickles
the value on every call, which costs more than the rest of a cached hit.
Each process also keeps what it read for `LOCAL_SECONDS`, so a hit usually
needs one Redis call in all (the view count); the price is that another
process may serve the replaced HTML for up to that second after publishing.
Without Redis (development, tests) Django's local-memory cache is used.

Behind nginx's front cache (FRONT_CACHE_URL) nginx keeps the page itself and this cache
serves nginx's misses and refreshes; a refresh (`frontcache.is_refresh`) never uses the
process's local copy, which may be up to `LOCAL_SECONDS` older than a publication.

Stale HTML: an article is rendered from the database before it is stored.
If it is published while a render of the old version is in flight, that
render must not be stored, so every invalidation bumps a generation number;
the middleware notes the generation before a miss is rendered and `store`
skips the entry if it changed. Invalidation runs at once and again when the
publishing transaction commits (a render may read the old row until then).
What one transaction changed is dropped once after the commit, in one go, and only then
are the pages' URLs refreshed in nginx: each URL once per transaction, however many
articles of a category were published, moved or deleted in it.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from redis.exceptions import RedisError

from . import viewcounts

logger = logging.getLogger(__name__)

VIEW_COUNT_MARKER = "\u2060tg-view-count\u2060"
_MARKER_BYTES = VIEW_COUNT_MARKER.encode()
_PATHS_KEY = "tg:article-paths:{page_id}"
_GENERATION_KEY = "tg:article-generation"
_MAX_PATHS = 50  # without Redis: URLs remembered per page (a category's ?page=N pages included)
_LISTING_MARK = b"L"  # before the page id in Redis: a home or category page, not an article
# The only query string a cached page may have: a category's page number, as its pagination links write it.
_PAGE_QUERY = re.compile(r"page=[1-9][0-9]{0,3}")
# Each process keeps what it read from Redis this long: a hit then needs no Redis read for the HTML.
LOCAL_SECONDS = 1.0
_LOCAL_MAX_ENTRIES = 200
_local: dict[str, tuple[float, Entry]] = {}

# KEYS: entry, paths set, generation. ARGV: value, ttl, generation seen before rendering ('' = unknown).
_STORE_LUA = """
if ARGV[3] ~= '' and (redis.call('GET', KEYS[3]) or '0') ~= ARGV[3] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('SADD', KEYS[2], KEYS[1])
redis.call('EXPIRE', KEYS[2], ARGV[2])
return 1
"""

# KEYS: paths set, generation.
_INVALIDATE_LUA = """
redis.call('INCR', KEYS[2])
local keys = redis.call('SMEMBERS', KEYS[1])
for _, key in ipairs(keys) do redis.call('DEL', key) end
redis.call('DEL', KEYS[1])
return #keys
"""


@dataclass(frozen=True, slots=True)
class Entry:
    page_id: int
    content_type: str
    body: bytes  # UTF-8 HTML with VIEW_COUNT_MARKER where the count goes (articles)
    listing: bool = False  # a home or category page: no view to count, no count to show

    def render(self, view_count: str) -> bytes:
        return self.body.replace(_MARKER_BYTES, view_count.encode())


def cache_key(host: str, path: str) -> str:
    return f"tg:article:{host}{path}"


def request_key(request) -> str:
    query = request.META.get("QUERY_STRING")
    return cache_key(request.get_host(), request.path + (f"?{query}" if query else ""))


def _redis():
    """The Redis buffer when REDIS_URL is set, else None (Django's cache is used)."""
    return viewcounts.redis_buffer()


def get(request, *, local_copy: bool = True) -> Entry | None:
    """The cached entry for this URL, if any (`local_copy=False`: never this process's copy)."""
    key = request_key(request)
    buffer = _redis()
    if buffer is None:
        return cache.get(key)
    key = buffer.prefix + key
    now = time.monotonic()
    local = _local.get(key) if local_copy else None
    if local is not None and local[0] > now:
        return local[1]
    if not buffer.usable():
        return None  # Redis down: render the page instead
    try:
        raw = buffer.command("GET", key)
    except RedisError:
        buffer.failed("article cache skipped")
        return None
    if raw is None:
        _local.pop(key, None)
        return None
    page_id, content_type, body = raw.split(b"\n", 2)
    listing = page_id.startswith(_LISTING_MARK)
    entry = Entry(
        page_id=int(page_id.removeprefix(_LISTING_MARK)), content_type=content_type.decode(), body=body, listing=listing
    )
    if len(_local) >= _LOCAL_MAX_ENTRIES:
        _local.clear()
    _local[key] = (now + LOCAL_SECONDS, entry)
    return entry


def generation() -> str:
    """Changes whenever any article's cached HTML is dropped ('' when unknown)."""
    buffer = _redis()
    if buffer is None:
        return str(cache.get(_GENERATION_KEY, 0))
    if not buffer.usable():
        return ""
    try:
        return (buffer.client.get(buffer.prefix + _GENERATION_KEY) or b"0").decode()
    except RedisError:
        buffer.failed("article cache skipped")
        return ""


def store(request, *, page_id: int, html: str, content_type: str, listing: bool = False) -> None:
    """Keep an anonymous reader's page: an article, or with `listing` a home or category page."""
    key = request_key(request)
    timeout = settings.LISTING_CACHE_SECONDS if listing else settings.ARTICLE_HTML_CACHE_SECONDS
    seen = getattr(request, "article_cache_generation", "")
    body = html.encode()
    buffer = _redis()
    if buffer is None:
        if seen and str(cache.get(_GENERATION_KEY, 0)) != seen:
            return
        cache.set(key, Entry(page_id=page_id, content_type=content_type, body=body, listing=listing), timeout)
        paths_key = _PATHS_KEY.format(page_id=page_id)
        known = cache.get(paths_key) or []
        if key not in known:
            cache.set(paths_key, [*known, key][-_MAX_PATHS:], timeout)
        return
    if not buffer.usable():
        return
    prefix = buffer.prefix
    keys = [prefix + key, prefix + _PATHS_KEY.format(page_id=page_id), prefix + _GENERATION_KEY]
    value = b"%s%d\n%s\n%s" % (_LISTING_MARK if listing else b"", page_id, content_type.encode(), body)
    try:
        buffer.client.eval(_STORE_LUA, 3, *keys, value, timeout, seen)
    except RedisError:
        buffer.failed("article not cached")


def invalidate(*page_ids: int) -> None:
    """Drop the pages' cached HTML now and again when the current transaction commits.

    Behind nginx's front cache the pages' URLs are refreshed there too, after the commit
    (`tuyengiao.worker.frontcache`): each once per transaction, after every drop.
    """
    for page_id in page_ids:
        _drop(page_id)
    _after_commit(page_ids=page_ids)


def refresh_after_commit(urls: Iterable[str]) -> None:
    """Refresh these URLs in nginx's front cache once the transaction commits (with the pages it changed)."""
    _after_commit(urls=urls)


@dataclass(eq=False)
class _Changes:
    """What one transaction changed: dropped once it commits, then refreshed in nginx, each URL once."""

    page_ids: set[int] = field(default_factory=set)
    urls: set[str] = field(default_factory=set)
    done: bool = False

    def apply(self) -> None:
        if self.done:
            return
        self.done = True
        for page_id in sorted(self.page_ids):
            _drop(page_id)
        from tuyengiao.worker import frontcache

        if frontcache.enabled():
            frontcache.refresh_soon(sorted(self.urls | set(frontcache.page_urls(self.page_ids))))


_pending = threading.local()  # this thread's _Changes waiting for its transaction to commit


def _after_commit(*, page_ids: Iterable[int] = (), urls: Iterable[str] = ()) -> None:
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _Changes(set(page_ids), set(urls)).apply()
        return
    changes = getattr(_pending, "changes", None)
    # Django keeps the callbacks in `run_on_commit` as (savepoint ids, callback, robust) and drops
    # them when their transaction or savepoint is rolled back: with none left, a new batch starts.
    if changes is None or changes.done or not any(entry[1] == changes.apply for entry in connection.run_on_commit):
        changes = _pending.changes = _Changes()
    changes.page_ids.update(page_ids)
    changes.urls.update(urls)
    # Registered with every change (it runs once): an earlier registration may be in a savepoint rolled back later.
    transaction.on_commit(changes.apply, robust=True)


def _drop(page_id: int) -> None:
    for key, (_, entry) in list(_local.items()):
        if entry.page_id == page_id:
            _local.pop(key, None)
    buffer = _redis()
    if buffer is None:
        try:
            cache.incr(_GENERATION_KEY)
        except ValueError:
            cache.add(_GENERATION_KEY, 1, None)
        paths_key = _PATHS_KEY.format(page_id=page_id)
        cache.delete_many([*(cache.get(paths_key) or []), paths_key])
        return
    keys = [buffer.prefix + _PATHS_KEY.format(page_id=page_id), buffer.prefix + _GENERATION_KEY]
    try:  # tried even while Redis is marked down: a stale page must not outlive the outage
        buffer.client.eval(_INVALIDATE_LUA, 2, *keys)
    except RedisError:
        buffer.failed(f"cached article {page_id} not dropped")


def is_cacheable_request(request, *, page_query: bool = False) -> bool:
    """Anonymous readers' plain GETs: no session or flash messages, no query string, not a preview.

    `page_query`: a page number (`?page=3`, a category's page 3) is allowed as the query string.
    """
    query = request.META.get("QUERY_STRING")
    return (
        request.method in ("GET", "HEAD")
        and (not query or (page_query and _PAGE_QUERY.fullmatch(query) is not None))
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and not getattr(request, "is_preview", False)
    )
