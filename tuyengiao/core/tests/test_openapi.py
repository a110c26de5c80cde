"""GET /api/v1/schema describes every JSON endpoint of the URLconf; a new endpoint without a description fails here."""

from __future__ import annotations

import inspect
import re

from django.test import Client
from django.urls import URLResolver, get_resolver

from tuyengiao.core import openapi

# How a view says it answers JSON. Views of Wagtail and Django themselves are not ours to describe.
JSON_MARKERS = ("JsonResponse", "application/json")


def _routes(patterns, prefix: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.callback


def _project_source(callback) -> str:
    """The source of the view function, what it wraps, and its class with the project's base classes."""
    objects = []
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        objects += [cls for cls in view_class.__mro__ if cls.__module__.startswith("tuyengiao.")]
    function = callback
    while function is not None:
        objects.append(function)
        function = getattr(function, "__wrapped__", None)
    sources = []
    for obj in objects:
        if (getattr(obj, "__module__", "") or "").startswith("tuyengiao."):
            try:
                sources.append(inspect.getsource(obj))
            except (OSError, TypeError):  # classes made at run time (viewsets' generated views)
                continue
    return "\n".join(sources)


def _openapi_path(route: str) -> str:
    """`api/v1/articles/<int:article_id>/views` → `/api/v1/articles/{article_id}/views`."""
    route = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route.replace("^", "").replace("$", ""))
    return "/" + route


def json_routes() -> dict[str, str]:
    found = {}
    for route, callback in _routes(get_resolver().url_patterns):
        if any(marker in _project_source(callback) for marker in JSON_MARKERS):
            found[_openapi_path(route)] = f"{callback.__module__}.{callback.__name__}"
    return found


def test_every_json_view_in_the_urlconf_is_described():
    routes = json_routes()
    # The finder itself must see the endpoints we know of, or this test would pass on nothing.
    assert {"/api/v1/search", "/api/v1/units/", "/api/v1/articles/{article_id}/views", "/healthz"} <= set(routes)

    missing = {path: view for path, view in routes.items() if path not in openapi.PATHS}
    assert not missing, f"JSON endpoints missing from tuyengiao/core/openapi.py: {missing}"


def test_every_api_url_is_described_and_every_described_path_exists():
    routes = {_openapi_path(route) for route, _callback in _routes(get_resolver().url_patterns)}
    api_routes = {path for path in routes if path.startswith("/api/")}
    assert api_routes <= set(openapi.PATHS)
    assert set(openapi.PATHS) <= routes, "the schema describes URLs the project no longer has"


def test_document_is_valid_openapi_3_1():
    import schemathesis

    schemathesis.openapi.from_dict(openapi.document()).validate()  # against the OpenAPI 3.1 meta-schema


def test_schema_is_served_as_json_with_vietnamese_text_unescaped(db):
    response = Client().get(openapi.SCHEMA_PATH)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "Tìm bài viết" in response.content.decode()
    document = response.json()
    assert document["openapi"] == "3.1.0"
    assert document["paths"] == openapi.document()["paths"]
    assert Client().post(openapi.SCHEMA_PATH).status_code == 405
