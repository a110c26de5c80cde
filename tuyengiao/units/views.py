"""GET /api/v1/units/ — the units the signed-in user may work on, as JSON.

Same rule as the admin (`selectors.units_visible_to`): staff see their
subtree, superusers everything, anyone else an empty list; anonymous
requests get 403. Parameters: q (name, short code or exact code),
active=1 (working units only), page (100 units a page, tree order).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from .selectors import units_for_api

PAGE_SIZE = 100


def _date(value) -> str | None:
    return value.isoformat() if value else None


@require_GET
def unit_list_api(request):
    if not request.user.is_authenticated:
        return JsonResponse({"detail": "Vui lòng đăng nhập."}, status=403, json_dumps_params={"ensure_ascii": False})
    # Control characters (NUL too, which PostgreSQL refuses in a query) are spaces, as in the search box.
    query = "".join(ch if ch.isprintable() else " " for ch in request.GET.get("q", ""))
    units = units_for_api(request.user, query=query, active_only=request.GET.get("active") in ("1", "true"))
    page = Paginator(units, PAGE_SIZE).get_page(request.GET.get("page"))
    return JsonResponse(
        {
            "count": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "results": [
                {
                    "id": unit.pk,
                    "code": unit.code,
                    "name": unit.name,
                    "short_code": unit.short_code,
                    "kind": unit.kind,
                    "kind_label": unit.get_kind_display(),
                    "level": unit.level,
                    "level_label": unit.get_level_display(),
                    "depth": unit.depth,
                    "parent_id": unit.parent_pk,
                    "valid_from": _date(unit.valid_from),
                    "valid_to": _date(unit.valid_to),
                    "successor_id": unit.successor_id,
                    "split_from_id": unit.split_from_id,
                    "groups": [group.name for group in unit.groups.all()],
                }
                for unit in page.object_list
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )
