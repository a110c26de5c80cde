"""nginx's front cache for anonymous readers (deploy/nginx/tuyengiao.conf), on when FRONT_CACHE_URL is set.

nginx keeps what the app marks with ``X-Accel-Expires`` (`annotate`): article pages for anonymous
readers (no session or flash-message cookie, no query string, no cookie set by the response) for
FRONT_CACHE_SECONDS, and their 301/404/410 answers for a minute, so an unpublished or moved
article's cached copy is replaced too; home and category pages (a category's `?page=N` too, for
pages that exist) for LISTING_CACHE_SECONDS. Everything else goes to gunicorn as before.

Purging goes through Wagtail's frontend-cache API (`wagtail.contrib.frontend_cache.utils.PurgeBatch`)
with the `NginxRefreshBackend` below. Open-source nginx has no PURGE method (that needs the
third-party ngx_cache_purge module), so the backend *refreshes* instead: it requests each URL
through a small nginx server on 127.0.0.1 (FRONT_CACHE_URL) whose location shares the cache but
always bypasses it (``proxy_cache_bypass``); nginx stores the fresh response over the old one —
documented nginx behaviour, no module and no access to nginx's files needed. Refreshes run once
the publishing transaction has committed, on the worker when there is one, each URL once per
transaction (`portal.pagecache.invalidate` collects them). Publishing, unpublishing, moving or
deleting an article refreshes its URL, its portal's home page and the first page of each
category above it (`portal/signals.py`); a category's later pages expire within
LISTING_CACHE_SECONDS.

The page's view count is counted by nginx (`X-Tg-Article`, see `portal/viewcounts.py` and
`viewlog.py`), so a cached page never reaches Python; pages whose count changed are refreshed
the same way every FRONT_CACHE_COUNT_SECONDS, so the count they show stays current.
"""

from __future__ import annotations

import http.client
import logging
from urllib.parse import urlsplit

from django.conf import settings
from wagtail.contrib.frontend_cache.backends.base import BaseBackend

from . import queue

logger = logging.getLogger(__name__)

# Sent by nginx's refresh server to gunicorn: never serve a process's local copy of the page.
REFRESH_HEADER = "HTTP_X_TG_REFRESH"
ARTICLE_HEADER = "X-Tg-Article"
# 301, 404 and 410 answers are kept this long (an unpublished article's URL answers 404).
SHORT_SECONDS = 60


def enabled() -> bool:
    return bool(getattr(settings, "FRONT_CACHE_URL", ""))


def is_refresh(request) -> bool:
    return enabled() and REFRESH_HEADER in request.META


def annotate(request, response) -> None:
    """Tell nginx which responses to count (X-Tg-Article) and which to keep (X-Accel-Expires)."""
    page_id = getattr(request, "article_page_id", None)
    # Set by `portal.views.serve_listing` (and the app cache's hits) for a home or category page it may keep.
    listing_id = getattr(request, "listing_page_id", None)
    status = response.status_code
    if page_id is not None and status == 200:
        response[ARTICLE_HEADER] = str(page_id)
    if not _cacheable(request, response, page_query=listing_id is not None):
        return
    if page_id is not None and status == 200:
        response["X-Accel-Expires"] = str(settings.FRONT_CACHE_SECONDS)
    elif listing_id is not None and status == 200:
        response["X-Accel-Expires"] = str(settings.LISTING_CACHE_SECONDS)
    elif status in (301, 404, 410):
        response["X-Accel-Expires"] = str(SHORT_SECONDS)


def _cacheable(request, response, *, page_query: bool = False) -> bool:
    from tuyengiao.portal.pagecache import is_cacheable_request

    user = getattr(request, "user", None)
    return (
        is_cacheable_request(request, page_query=page_query)
        and not response.cookies
        and not (user is not None and user.is_authenticated)
        and "private" not in response.get("Cache-Control", "")
    )


# --- purging ------------------------------------------------------------------


class NginxRefreshBackend(BaseBackend):
    """Wagtail frontend-cache backend for nginx's proxy cache: refreshes the URLs (see above)."""

    def __init__(self, params):
        params = dict(params)
        self.location = params.pop("LOCATION")
        super().__init__(params)

    def purge(self, url) -> None:
        self.purge_batch([url])

    def purge_batch(self, urls) -> None:
        from tuyengiao.portal import pagecache

        pagecache.refresh_after_commit(urls)


def refresh_soon(urls: list[str]) -> None:
    """Refresh the URLs on the worker (at once when there is none); called after the commit."""
    if not urls:
        return
    if queue.enqueue_after_commit("tuyengiao.front_cache.refresh", urls, fallback=lambda: _refresh_here(urls)):
        return
    _refresh_here(urls)


def _refresh_here(urls: list[str]) -> None:
    try:
        refresh(urls)
    except OSError:
        logger.exception(
            "nginx did not refresh %s; cached copies expire after %s s", urls, settings.FRONT_CACHE_SECONDS
        )


def refresh(urls: list[str]) -> None:
    """Request each URL through nginx's refresh server; nginx stores the fresh answer (any status)."""
    location = urlsplit(settings.FRONT_CACHE_URL)
    connection = http.client.HTTPConnection(location.hostname, location.port or 80, timeout=30)
    try:
        for url in urls:
            parts = urlsplit(url)
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            connection.request("GET", path, headers={"Host": parts.netloc})  # one keep-alive connection
            response = connection.getresponse()
            response.read()
            if response.status >= 500:
                raise OSError(f"nginx answered {response.status} refreshing {url}")
            logger.debug("Front cache refreshed %s (%s)", url, response.status)
    finally:
        connection.close()


def page_urls(page_ids) -> list[str]:
    """The URLs nginx keeps for these pages (Wagtail's `get_cached_paths`: a listing's first page)."""
    from wagtail.contrib.frontend_cache.utils import PurgeBatch
    from wagtail.models import Page

    if not page_ids:
        return []
    batch = PurgeBatch()
    batch.add_pages(Page.objects.filter(pk__in=page_ids))
    return sorted(batch.urls)


def purge_pages(pages) -> None:
    """Refresh the pages' URLs in nginx's cache once the current transaction commits."""
    if not enabled():
        return
    from wagtail.contrib.frontend_cache.utils import PurgeBatch

    batch = PurgeBatch()
    batch.add_pages(pages)
    purge_urls(batch.urls)


def purge_urls(urls: list[str]) -> None:
    """Refresh the URLs in nginx's cache once the current transaction commits (each once per transaction)."""
    if not enabled() or not urls:
        return
    from tuyengiao.portal import pagecache

    pagecache.refresh_after_commit(urls)
