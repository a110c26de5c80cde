"""GET /api/v1/units/: search, working units only, pages, and a query count that does not grow with rows."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tuyengiao.units import services
from tuyengiao.units.models import UnitGroup

pytestmark = pytest.mark.urls("tuyengiao.units.tests.urls")


def test_fields_search_and_active_filter(world):
    services.unit_close(unit=world.units["B2"], on=datetime.date(2025, 1, 1))
    group = UnitGroup.objects.create(name="Khối phường")
    world.units["B"].groups.add(group)
    client = world.client("head_b")

    rows = client.get("/api/v1/units/").json()["results"]
    ward = next(row for row in rows if row["code"] == "DU-B")
    assert ward == {
        "id": world.units["B"].pk,
        "code": "DU-B",
        "name": "Đảng ủy phường B",
        "short_code": "ĐU",
        "kind": "party_committee",
        "kind_label": "Cấp ủy / Đảng bộ",
        "level": "commune",
        "level_label": "Xã, phường, đặc khu",
        "depth": 2,
        "parent_id": world.units["P"].pk,  # the parent is named even though head_b may not open it
        "valid_from": "2020-01-01",
        "valid_to": None,
        "successor_id": None,
        "split_from_id": None,
        "groups": ["Khối phường"],
    }
    assert [row["code"] for row in client.get("/api/v1/units/?active=1").json()["results"]] == ["DU-B", "CB-B1"]
    assert [row["code"] for row in client.get("/api/v1/units/?q=b2").json()["results"]] == ["CB-B2"]


def test_pages_of_one_hundred_with_constant_queries(world):
    client = world.client("superuser")
    with CaptureQueriesContext(connection) as few:
        first = client.get("/api/v1/units/").json()
    for n in range(120):
        services.unit_create(
            name=f"Chi bộ {n:03d}", kind="party_cell", level="cell", short_code="CB", parent=world.units["B1"]
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get("/api/v1/units/?page=2").json()
    assert first["count"] == 7 and page["count"] == 127
    assert (page["page"], page["pages"], len(page["results"])) == (2, 2, 27)
    assert len(many) == len(few)
