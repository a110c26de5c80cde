"""The units demo: codes, khối, staff people whose rights follow the tree, and Long Tuyền merged into Long Hòa."""

from __future__ import annotations

import datetime
import time

import pytest
from django.contrib.auth import get_user_model

from tuyengiao.portal.demo import DemoUnits
from tuyengiao.units import demo, selectors
from tuyengiao.units.models import Unit, UnitGroup, UnitKind, UnitLevel
from tuyengiao.units.services import unit_create

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def demo_units():
    province = unit_create(
        name="Tỉnh ủy Sông Hậu", kind=UnitKind.PARTY_COMMITTEE, level=UnitLevel.PROVINCE, short_code="TU"
    )
    board = unit_create(
        name="Ban Tuyên giáo và Dân vận Tỉnh ủy",
        kind=UnitKind.STAFF_BOARD,
        level=UnitLevel.PROVINCE,
        short_code="BTGDVTU",
        parent=province,
    )
    wards = [
        unit_create(
            name=f"Đảng ủy phường {name}",
            kind=UnitKind.PARTY_COMMITTEE,
            level=UnitLevel.COMMUNE,
            short_code="ĐU",
            parent=province,
            valid_from=D(2025, 7, 1),
        )
        for name in ("Long Hòa", "Bình Thủy", "An Thới")
    ]
    get_user_model().objects.create_user("bientap")
    units = DemoUnits(province=province, board=board, wards=wards)
    units.add_grassroots()
    return units


def test_demo_people_see_their_part_of_the_tree_and_the_merged_ward(demo_units):
    started = time.perf_counter()
    demo.load_demo(units=demo_units)
    assert time.perf_counter() - started < 5

    users = get_user_model().objects
    head, ward_specialist = users.get(username="truongban"), users.get(username="phuonglonghoa")
    assert head.check_password("tuyengiao-demo-2026") and head.has_perm("wagtailadmin.access_admin")
    assert selectors.units_visible_to(head).count() == Unit.objects.count()
    long_hoa, binh_thuy = demo_units.wards[0], demo_units.wards[1]
    visible = set(selectors.units_visible_to(ward_specialist).values_list("name", flat=True))
    assert {"Đảng ủy phường Long Hòa", "Đảng ủy phường Long Tuyền", "Chi bộ khu vực 1 (phường Long Hòa)"} <= visible
    assert binh_thuy.name not in visible and len(visible) == 6
    assert selectors.units_visible_to(users.get(username="bientap")).filter(pk=demo_units.board.pk).exists()

    # The apps loading after us get objects whose paths match the database.
    for unit in [demo_units.province, demo_units.board, demo_units.political_centre, *demo_units.wards]:
        assert unit.path == Unit.objects.get(pk=unit.pk).path
    long_tuyen = Unit.objects.get(code="DU-LT")
    assert (long_tuyen.valid_to, long_tuyen.successor_id) == (D(2025, 6, 30), long_hoa.pk)
    assert Unit.objects.get(pk=long_hoa.pk).code == "DU-LH"
    assert set(UnitGroup.objects.values_list("name", flat=True)) == {
        "Khối các cơ quan Đảng tỉnh",
        "Khối phường",
        "Khối khoa giáo",
    }
