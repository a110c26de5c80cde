"""A small tree for the education tests: a province, three wards (one merged into another), cells, and staff users.

Tỉnh ủy (P)
├── Ban Tuyên giáo và Dân vận (board)
├── Đảng ủy phường An Thới (A) ── Chi bộ A1, A2
├── Đảng ủy phường Long Hòa (L) ── Chi bộ L1, L2, (M1 moved in by the merge)
└── Đảng ủy phường Mỹ Khánh (M) — merged into L from 01/07/2025
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client

from tuyengiao.education.models import Mode, Programme, StudyCampaign
from tuyengiao.education.services import campaign_save, class_save
from tuyengiao.units.models import Role, Unit, UnitKind, UnitLevel
from tuyengiao.units.services import role_assign, unit_create, unit_merge

MERGED_ON = datetime.date(2025, 7, 1)


@dataclass
class Tree:
    province: Unit
    board: Unit
    ward_a: Unit
    ward_l: Unit
    ward_m: Unit
    a1: Unit
    a2: Unit
    l1: Unit
    l2: Unit
    m1: Unit

    def refresh(self):
        for name in self.__dataclass_fields__:
            getattr(self, name).refresh_from_db()
        return self


def _cell(name, ward):
    return unit_create(name=name, kind=UnitKind.PARTY_CELL, level=UnitLevel.CELL, short_code="CB", parent=ward)


@pytest.fixture
def tree(db) -> Tree:
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
    wards = {
        key: unit_create(
            name=f"Đảng ủy phường {name}",
            kind=UnitKind.PARTY_COMMITTEE,
            level=UnitLevel.COMMUNE,
            short_code="ĐU",
            parent=province,
            valid_from=datetime.date(2020, 1, 1),
        )
        for key, name in (("a", "An Thới"), ("l", "Long Hòa"), ("m", "Mỹ Khánh"))
    }
    cells = {
        "a1": _cell("Chi bộ khu vực 1 (An Thới)", wards["a"]),
        "a2": _cell("Chi bộ khu vực 2 (An Thới)", wards["a"]),
        "l1": _cell("Chi bộ khu vực 1 (Long Hòa)", wards["l"]),
        "l2": _cell("Chi bộ khu vực 2 (Long Hòa)", wards["l"]),
        "m1": _cell("Chi bộ khu vực 1 (Mỹ Khánh)", wards["m"]),
    }
    unit_merge(source=wards["m"], target=wards["l"], on=MERGED_ON)
    return Tree(
        province=province, board=board, ward_a=wards["a"], ward_l=wards["l"], ward_m=wards["m"], **cells
    ).refresh()


@pytest.fixture
def admin_group(db):
    group, _ = Group.objects.get_or_create(name="Cán bộ (kiểm thử)")
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    return group


def staff_user(username: str, unit: Unit, group, role=Role.SPECIALIST):
    # No password: tests log in with force_login, and hashing one costs a second per user.
    user = get_user_model().objects.create_user(username, f"{username}@example.invalid", None, first_name=username)
    user.groups.add(group)
    role_assign(user=user, unit=unit, role=role, valid_from=datetime.date(2020, 1, 1))
    return user


@pytest.fixture
def users(tree, admin_group):
    """Staff of ward A, of ward L (siblings), of the province, and a superuser."""
    return {
        "a": staff_user("canbo_anthoi", tree.ward_a, admin_group),
        "l": staff_user("canbo_longhoa", tree.ward_l, admin_group),
        "p": staff_user("canbo_tinh", tree.province, admin_group),
        "admin": get_user_model().objects.create_superuser("quantri", "qt@example.invalid", None),
    }


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def campaign(tree, users) -> StudyCampaign:
    """From 01/06/2025 to 31/07/2025, across the merge of 01/07/2025: four cells and ward M must study."""
    return campaign_save(
        actor=users["admin"],
        campaign=StudyCampaign(
            title="Học tập Chỉ thị 05-CT/TW",
            documents_text="Số 05-CT/TW — về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
            issuing_unit=tree.province,
            starts_on=datetime.date(2025, 6, 1),
            deadline=datetime.date(2025, 7, 31),
        ),
        units=[tree.a1, tree.a2, tree.l1, tree.l2, tree.ward_m],
    )


@pytest.fixture
def programme(db) -> Programme:
    return Programme.objects.get(code="nhan-thuc-ve-dang")


def make_class(*, actor, organiser, programme, enrolled=40, completed=0, starts_on=datetime.date(2025, 8, 4), **extra):
    from tuyengiao.education.models import EducationClass

    return class_save(
        actor=actor,
        education_class=EducationClass(
            title=extra.pop("title", "Lớp bồi dưỡng nhận thức về Đảng khóa 1"),
            programme=programme,
            organiser=organiser,
            starts_on=starts_on,
            ends_on=starts_on + datetime.timedelta(days=5),
            mode=extra.pop("mode", Mode.IN_PERSON),
            enrolled=enrolled,
            completed=completed,
            **extra,
        ),
    )
