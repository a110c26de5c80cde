from django.http import HttpResponse

from . import pagecache, viewcounts


class ArticleFastPathMiddleware:
    """Serve cached article HTML to anonymous readers before routing.

    It sits right after SecurityMiddleware: a hit costs one cache read, one
    view-count increment and a string replace, with no session, no page
    lookup and no template rendering. A miss falls through to Wagtail, whose
    `ArticlePage.serve` fills the cache.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if pagecache.is_cacheable_request(request):
            hit = pagecache.get(request)
            if hit is not None:
                page_id, html, content_type = hit
                response = HttpResponse(content_type=content_type)
                viewcounts.count_view_for_request(request, response, page_id=page_id)
                count = viewcounts.current_view_count(page_id=page_id)
                response.content = html.replace(pagecache.VIEW_COUNT_MARKER, _format(count))
                response["X-Frame-Options"] = "SAMEORIGIN"
                response["Cache-Control"] = "no-cache"
                response["X-Article-Cache"] = "hit"
                return response
        return self.get_response(request)


def _format(count: int) -> str:
    from .dates import vietnamese_number

    return vietnamese_number(count)
