from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import health, openapi


@require_safe
@never_cache
def healthz(request):
    """Liveness and readiness for load balancers and monitoring: 200 when healthy, else 503 (JSON)."""
    body, healthy = health.report()
    return JsonResponse(body, status=200 if healthy else 503)


@require_safe
def openapi_schema(request):
    """The OpenAPI 3.1 description of every JSON endpoint (tuyengiao/core/openapi.py)."""
    return JsonResponse(openapi.document(), json_dumps_params={"ensure_ascii": False})
