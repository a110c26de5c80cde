from django.conf import settings
from django.http import HttpResponse

from tuyengiao.worker import frontcache

from . import pagecache, viewcounts
from .dates import vietnamese_number


class ArticleFastPathMiddleware:
    """Serve cached article, home and category HTML to anonymous readers before routing.

    It sits right after SecurityMiddleware and only serves anonymous plain
    GET/HEAD requests (no session or messages cookie, no query string but a
    page number; see `pagecache.is_cacheable_request`). A hit costs a cache read (with Redis
    usually from the process's own copy), one view-count call (with Redis:
    one script that counts the view and returns the current total) and a
    byte replace, with no session, no page lookup, no database query and no
    template rendering. A miss falls through to Wagtail, whose
    `ArticlePage.serve` renders the page and fills the cache. Home and
    category pages (`views.serve_listing`, `?page=N` included) are served
    the same way, without counting anything.

    Behind nginx's front cache (FRONT_CACHE_URL) it also marks the responses nginx may keep and
    the article pages it counts (`tuyengiao.worker.frontcache.annotate`).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not frontcache.enabled():
            return self.serve(request)
        response = self.serve(request)
        frontcache.annotate(request, response)  # what nginx's front cache keeps and counts
        return response

    def serve(self, request):
        if pagecache.is_cacheable_request(request, page_query=True):
            entry = pagecache.get(request, local_copy=not frontcache.is_refresh(request))
            if entry is not None:
                return serve_cached_listing(request, entry) if entry.listing else serve_cached(request, entry)
            # Noted before rendering so a render of a since-replaced version is not stored.
            request.article_cache_generation = pagecache.generation()
        return self.get_response(request)


def serve_cached(request, entry: pagecache.Entry) -> HttpResponse:
    response = HttpResponse(content_type=entry.content_type)
    count = viewcounts.count_view_and_read(request, response, page_id=entry.page_id)
    response.content = entry.render(vietnamese_number(count))
    response["Content-Length"] = str(len(response.content))
    response["X-Frame-Options"] = "SAMEORIGIN"
    response["Cache-Control"] = "no-cache"
    response["X-Article-Cache"] = "hit"
    return response


def serve_cached_listing(request, entry: pagecache.Entry) -> HttpResponse:
    """A home or category page as kept for anonymous readers: no view counted, nothing per request."""
    request.listing_page_id = entry.page_id  # nginx may keep it too (frontcache.annotate)
    response = HttpResponse(entry.body, content_type=entry.content_type)
    response["Content-Length"] = str(len(entry.body))
    response["X-Frame-Options"] = settings.X_FRAME_OPTIONS
    response["Cache-Control"] = "no-cache"
    response["X-Page-Cache"] = "hit"
    return response
