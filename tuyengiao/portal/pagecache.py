"""Rendered article HTML for anonymous readers, kept in the cache.

The HTML is stored with a marker where the view count goes; the count is
put in per request, so a cached page still shows a current count. Entries
are dropped when the article is published, unpublished or moved, or when
one of its comments is approved (see `signals.py`).

We cache whole responses ourselves rather than with Django's
`UpdateCacheMiddleware` because that one varies on the cookie header and
would neither count views nor show current counts (STYLE.md).
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

VIEW_COUNT_MARKER = "\u2060tg-view-count\u2060"
_PATHS_KEY = "tg:article-paths:{page_id}"


def cache_key(host: str, path: str) -> str:
    return f"tg:article:{host}{path}"


def request_key(request) -> str:
    return cache_key(request.get_host(), request.path)


def get(request) -> tuple[int, str, str] | None:
    """(page_id, html with marker, content type) for this URL, if cached."""
    return cache.get(request_key(request))


def store(request, *, page_id: int, html: str, content_type: str) -> None:
    key = request_key(request)
    timeout = settings.ARTICLE_HTML_CACHE_SECONDS
    cache.set(key, (page_id, html, content_type), timeout)
    paths_key = _PATHS_KEY.format(page_id=page_id)
    known = cache.get(paths_key) or []
    if key not in known:
        cache.set(paths_key, [*known, key][-20:], timeout)


def invalidate(page_id: int) -> None:
    paths_key = _PATHS_KEY.format(page_id=page_id)
    keys = cache.get(paths_key) or []
    cache.delete_many([*keys, paths_key])


def is_cacheable_request(request) -> bool:
    """Anonymous readers' plain GETs: no session or flash messages, no query string, not a preview."""
    return (
        request.method in ("GET", "HEAD")
        and not request.META.get("QUERY_STRING")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and not getattr(request, "is_preview", False)
    )
