"""Demo for the unit tree: codes, khối groups, staff people with their roles, and a merged ward.

Called by tuyengiao.portal.demo (BACK_OFFICE_DEMO_APPS, "units" first) after
the demo units exist. People (password tuyengiao.portal.demo.DEMO_PASSWORD):

- truongban — head of the provincial board; the board works for the
  provincial committee, so he also holds a staff role at Tỉnh ủy and sees
  the whole provincial tree;
- phuonglonghoa — specialist of Đảng ủy phường Long Hòa (sees the ward and
  its cells, never the other wards);
- bientap, kiemduyet (created by the portal demo) — editor and reviewer of
  the board.

History: Đảng ủy phường Long Tuyền worked until 30/06/2025 and was merged
into Long Hòa on 01/07/2025 (successor link; its head's role ended with it).
"""

from __future__ import annotations

import datetime
import unicodedata

from django.contrib.auth import get_user_model

from . import services
from .models import Role, Unit, UnitGroup, UnitKind, UnitLevel

D = datetime.date
HEAD_USERNAME = "truongban"
WARD_USERNAME = "phuonglonghoa"
DEMO_LOGINS = [
    (HEAD_USERNAME, "Trưởng ban Tuyên giáo và Dân vận Tỉnh ủy"),
    (WARD_USERNAME, "Chuyên viên Đảng ủy phường Long Hòa"),
]


def _ascii_code(name: str) -> str:
    """ "Long Hòa" → "LH": initials without marks, for the demo's import codes."""
    letters = [unicodedata.normalize("NFD", word)[0] for word in name.split()]
    return "".join(letters).replace("Đ", "D").upper()


def _set_codes(units) -> None:
    codes = {units.province.pk: "TU", units.board.pk: "BTGDVTU"}
    if units.political_centre:
        codes[units.political_centre.pk] = "TTCT"
    for ward in units.wards:
        ward_code = _ascii_code(ward.name.removeprefix("Đảng ủy phường "))
        codes[ward.pk] = f"DU-{ward_code}"
        for n, cell in enumerate(units.cells.get(ward.pk, []), start=1):
            codes[cell.pk] = f"CB-{ward_code}-{n:02d}"
    for pk, code in codes.items():
        Unit.objects.filter(pk=pk).update(code=code)


def _groups(units) -> dict[str, UnitGroup]:
    specs = [
        ("Khối các cơ quan Đảng tỉnh", "Các ban, cơ quan tham mưu, giúp việc Tỉnh ủy."),
        ("Khối phường", "Đảng bộ các phường trực thuộc Tỉnh ủy."),
        ("Khối khoa giáo", "Các đơn vị giáo dục, y tế, khoa học và đào tạo."),
    ]
    groups = {name: UnitGroup.objects.get_or_create(name=name, defaults={"description": d})[0] for name, d in specs}
    groups["Khối các cơ quan Đảng tỉnh"].units.add(units.board)
    groups["Khối phường"].units.add(*units.wards)
    if units.political_centre:
        groups["Khối các cơ quan Đảng tỉnh"].units.add(units.political_centre)
        groups["Khối khoa giáo"].units.add(units.political_centre)
    return groups


def _person(username: str, first_name: str, last_name: str):
    """A demo login; the role services put it in the staff group (admin access) with its first staff role."""
    from tuyengiao.portal.demo import DEMO_PASSWORD

    return get_user_model().objects.create_user(
        username, f"{username}@example.invalid", DEMO_PASSWORD, first_name=first_name, last_name=last_name
    )


def _refresh(units) -> None:
    """Adding a sibling re-sorts the tree (node_order_by = name): the apps after us need fresh paths."""
    cells = [cell for ward_cells in units.cells.values() for cell in ward_cells]
    for unit in [units.province, units.board, units.political_centre, *units.wards, *cells]:
        if unit is not None:
            unit.refresh_from_db()


def load_demo(*, units) -> dict:
    _set_codes(units)
    groups = _groups(units)
    long_hoa = next(ward for ward in units.wards if ward.name.endswith("Long Hòa"))

    head = _person(HEAD_USERNAME, "Trần Quốc", "Hưng")
    services.role_assign(
        user=head, unit=units.board, role=Role.HEAD, valid_from=D(2025, 3, 1), decision="Quyết định số 125-QĐ/TU"
    )
    services.role_assign(
        user=head, unit=units.province, role=Role.HEAD, valid_from=D(2025, 7, 1), decision="Quyết định số 125-QĐ/TU"
    )
    ward_specialist = _person(WARD_USERNAME, "Nguyễn Thị", "Hoà")
    services.role_assign(
        user=ward_specialist,
        unit=long_hoa,
        role=Role.SPECIALIST,
        valid_from=D(2025, 7, 1),
        decision="Quyết định số 18-QĐ/ĐU",
    )
    user_model = get_user_model()
    for username, role in (("bientap", Role.EDITOR), ("kiemduyet", Role.REVIEWER)):
        user = user_model.objects.filter(username=username).first()
        if user is not None:
            services.role_assign(
                user=user, unit=units.board, role=role, valid_from=D(2025, 3, 1), decision="Quyết định số 7-QĐ/BTGDVTU"
            )

    # A ward of the old district, merged into Long Hòa when the district level ended.
    long_tuyen = services.unit_create(
        name="Đảng ủy phường Long Tuyền",
        code="DU-LT",
        kind=UnitKind.PARTY_COMMITTEE,
        level=UnitLevel.COMMUNE,
        short_code="ĐU",
        parent=units.province,
        valid_from=D(2020, 10, 1),
    )
    long_tuyen.groups.add(groups["Khối phường"])
    old_head = user_model.objects.create_user("bithu.longtuyen", first_name="Lê Văn", last_name="Tám")
    services.role_assign(
        user=old_head, unit=long_tuyen, role=Role.HEAD, valid_from=D(2020, 10, 1), decision="Quyết định số 3-QĐ/ĐU"
    )
    services.unit_merge(source=long_tuyen, target=long_hoa, on=D(2025, 7, 1))
    _refresh(units)
    return {"groups": len(groups), "people": [HEAD_USERNAME, WARD_USERNAME], "merged": long_tuyen.name}
