"""Search page and JSON endpoint (placeholder until the search engine lands)."""

from django.http import JsonResponse
from django.template.response import TemplateResponse


def search_page(request, *, home):
    return TemplateResponse(request, "search/search_page.html", {"page": home, "query": request.GET.get("q", "")})


def search_api(request):
    return JsonResponse({"results": [], "page": 1, "total": 0})
