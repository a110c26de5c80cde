"""The first unit-tree admin: tree-ordered list, create under a parent, edit validity and successor."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tuyengiao.units.models import Unit, UnitKind, UnitLevel
from tuyengiao.units.services import unit_create


@pytest.fixture
def superuser(db):
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("quantri"))
    return client


@pytest.fixture
def tree(unit):
    ward = unit_create(
        name="Đảng ủy phường Ninh Kiều",
        kind=UnitKind.PARTY_COMMITTEE,
        level=UnitLevel.COMMUNE,
        short_code="ĐU",
        parent=unit,
        valid_from=datetime.date(2025, 7, 1),
    )
    cell = unit_create(
        name="Chi bộ khu vực 1", kind=UnitKind.PARTY_CELL, level=UnitLevel.CELL, short_code="CB", parent=ward
    )
    return unit, ward, cell


def test_list_shows_the_tree_in_order_with_vietnamese_columns(superuser, tree):
    province, ward, cell = tree

    html = superuser.get("/admin/units/").content.decode()

    for heading in ("Loại", "Cấp", "Ký hiệu", "Hiệu lực", "Đơn vị kế thừa"):
        assert heading in html
    assert html.index(province.name) < html.index(ward.name) < html.index(cell.name)
    assert "└\u00a0Đảng ủy phường Ninh Kiều" in html
    assert "\u00a0" * 4 + "└\u00a0Chi bộ khu vực 1" in html  # one level deeper
    assert "01/07/2025 – nay" in html


def test_create_places_the_unit_under_its_parent(superuser, tree):
    province, ward, _cell = tree

    response = superuser.post(
        "/admin/units/new/",
        {"parent": ward.pk, "name": "Chi bộ khu vực 2", "kind": "party_cell", "level": "cell", "short_code": "CB"},
    )

    assert response.status_code == 302
    created = Unit.objects.get(name="Chi bộ khu vực 2")
    assert created.get_parent() == ward
    assert created in province.get_descendants()


def test_closing_a_unit_records_its_end_and_successor(superuser, tree):
    province, ward, _cell = tree
    form = {"name": ward.name, "kind": ward.kind, "level": ward.level, "short_code": ward.short_code}

    refused = superuser.post(f"/admin/units/edit/{ward.pk}/", {**form, "successor": ward.pk})
    assert "Đơn vị không thể kế thừa chính nó." in refused.content.decode()

    response = superuser.post(
        f"/admin/units/edit/{ward.pk}/",
        {**form, "valid_from": "2025-07-01", "valid_to": "2025-12-31", "successor": province.pk},
    )
    assert response.status_code == 302
    ward.refresh_from_db()
    assert (ward.valid_to, ward.successor) == (datetime.date(2025, 12, 31), province)
    assert "01/07/2025 – 31/12/2025" in superuser.get("/admin/units/").content.decode()


def test_units_are_never_deleted(superuser, tree):
    _province, ward, _cell = tree

    superuser.post(f"/admin/units/delete/{ward.pk}/")

    assert Unit.objects.filter(pk=ward.pk).exists()
    assert (
        f'href="/admin/units/delete/{ward.pk}/"' not in superuser.get(f"/admin/units/edit/{ward.pk}/").content.decode()
    )


def test_chooser_finds_units_by_short_code(superuser, tree):
    response = superuser.get("/admin/units/chooser/results/?q=BTGDVTU")

    assert "Ban Tuyên giáo và Dân vận Tỉnh ủy" in response.content.decode()
    assert "Chi bộ khu vực 1" not in response.content.decode()
