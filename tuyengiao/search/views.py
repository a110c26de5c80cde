"""Search page of each portal (/tim-kiem/) and the JSON endpoint (/api/v1/search)."""

from __future__ import annotations

from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from wagtail.models import Site

from . import selectors
from .forms import SearchForm


def _search(request, root):
    """Validate the request's query and filters and search below ``root``: (form, search or None)."""
    form = SearchForm(request.GET, categories=selectors.portal_categories(root))
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    search = selectors.search_articles(
        data["q"],
        root=root,
        category=form.selected_category,
        date_from=data["date_from"],
        date_to=data["date_to"],
    )
    return form, search if search.query else None


def search_page(request, *, home):
    form, search = _search(request, home)
    context = {"page": home, "form": form, "query": form.cleaned_data.get("q", "") if form.is_bound else ""}
    if search is not None:
        context.update(
            results=selectors.paginate(search, request.GET.get("page"), request=request),
            total=search.total,
            capped=search.capped,
        )
    return TemplateResponse(request, "search/search_page.html", context)


@require_GET
def search_api(request):
    site = Site.find_for_request(request)
    query = request.GET.get("q", "")
    empty = {"query": query, "page": 1, "pages": 0, "total": 0, "results": []}
    if site is None:
        return JsonResponse(empty)
    form, search = _search(request, site.root_page)
    if not form.is_valid():
        errors = {name: [str(e) for e in messages] for name, messages in form.errors.items()}
        return JsonResponse({**empty, "errors": errors}, status=400)
    query = form.cleaned_data["q"]
    if search is None or not search.total:
        return JsonResponse({**empty, "query": query})
    page = selectors.paginate(search, request.GET.get("page"), request=request)
    return JsonResponse(
        {
            "query": query,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "total": search.total,
            "total_capped": search.capped,
            "results": [
                {
                    "id": result.page.pk,
                    "title": result.page.title,
                    "url": result.page.get_full_url(request),
                    "published_at": timezone.localtime(result.published_at).isoformat(),
                    "snippet": result.snippet,
                    "title_html": str(result.title_html),
                    "snippet_html": str(result.snippet_html),
                }
                for result in page.object_list
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )
