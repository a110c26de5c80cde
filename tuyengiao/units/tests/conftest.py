"""A small province for the rights tests, and its people.

    Tỉnh ủy (P)
    ├── Đảng ủy phường A ── Chi bộ A1, Chi bộ A2
    └── Đảng ủy phường B ── Chi bộ B1, Chi bộ B2

head_a: head of ward A · spec_a1: specialist of cell A1 · reporter_a: reporter
(no staff rights) of ward A · head_b: head of the sibling ward B ·
head_p: head of the province · superuser. All may sign in to the admin.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client

from tuyengiao.units.models import Role, RoleAssignment, Unit, UnitKind, UnitLevel
from tuyengiao.units.services import role_assign, unit_create

D = datetime.date

UNIT_KEYS = ["P", "A", "A1", "A2", "B", "B1", "B2"]
USER_KEYS = ["head_a", "spec_a1", "reporter_a", "head_b", "head_p", "superuser", "anonymous"]


@dataclass
class World:
    units: dict[str, Unit]
    users: dict[str, object]
    assignments: dict[str, RoleAssignment] = field(default_factory=dict)

    def unit(self, key: str) -> Unit:
        return Unit.objects.get(pk=self.units[key].pk)

    def client(self, user_key: str) -> Client:
        client = Client()
        if user_key != "anonymous":
            client.force_login(self.users[user_key])
        return client


def _create(name, code, kind, level, short_code, parent=None):
    return unit_create(
        name=name, code=code, kind=kind, level=level, short_code=short_code, parent=parent, valid_from=D(2020, 1, 1)
    )


def build_world() -> World:
    p = _create("Tỉnh ủy Thử nghiệm", "TU", UnitKind.PARTY_COMMITTEE, UnitLevel.PROVINCE, "TU")
    a = _create("Đảng ủy phường A", "DU-A", UnitKind.PARTY_COMMITTEE, UnitLevel.COMMUNE, "ĐU", p)
    b = _create("Đảng ủy phường B", "DU-B", UnitKind.PARTY_COMMITTEE, UnitLevel.COMMUNE, "ĐU", p)
    units = {"P": p, "A": a, "B": b}
    for ward_key, ward in (("A", a), ("B", b)):
        for n in (1, 2):
            units[f"{ward_key}{n}"] = _create(
                f"Chi bộ {ward_key}{n}", f"CB-{ward_key}{n}", UnitKind.PARTY_CELL, UnitLevel.CELL, "CB", ward
            )

    user_model = get_user_model()
    admin_access = Group.objects.create(name="Cán bộ thử nghiệm")
    admin_access.permissions.add(Permission.objects.get(codename="access_admin"))
    users = {}
    for key in USER_KEYS[:-2]:
        users[key] = user_model.objects.create_user(key, first_name=key.replace("_", " ").title())
        users[key].groups.add(admin_access)
    users["superuser"] = user_model.objects.create_superuser("quantri")

    since = D(2024, 1, 1)
    assignments = {
        "head_a": role_assign(user=users["head_a"], unit=a, role=Role.HEAD, valid_from=since),
        "spec_a1": role_assign(user=users["spec_a1"], unit=units["A1"], role=Role.SPECIALIST, valid_from=since),
        "reporter_a": role_assign(user=users["reporter_a"], unit=a, role=Role.REPORTER, valid_from=since),
        "head_b": role_assign(user=users["head_b"], unit=b, role=Role.HEAD, valid_from=since),
        "head_p": role_assign(user=users["head_p"], unit=p, role=Role.HEAD, valid_from=since),
    }
    return World(units=units, users=users, assignments=assignments)


@pytest.fixture
def world(db) -> World:
    return build_world()
