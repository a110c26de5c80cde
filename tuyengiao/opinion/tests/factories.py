"""Small unit trees and users for the opinion and tasks tests (plain functions, shared by both apps)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client

from tuyengiao.units.models import Role, Unit, UnitKind, UnitLevel
from tuyengiao.units.services import role_assign, unit_create

D = datetime.date


@dataclass
class Tree:
    province: Unit
    ward_a: Unit
    ward_b: Unit
    ward_c: Unit  # tests that need a merge merge it into ward_a
    cell_a: Unit
    cell_b: Unit


def make_tree() -> Tree:
    """Province → wards A, B, C (each valid from 01/01/2025); cell under A and under B."""
    province = unit_create(
        name="Tỉnh ủy Thử nghiệm", kind=UnitKind.PARTY_COMMITTEE, level=UnitLevel.PROVINCE, short_code="TU"
    )

    def ward(name):
        return unit_create(
            name=name,
            kind=UnitKind.PARTY_COMMITTEE,
            level=UnitLevel.COMMUNE,
            short_code="ĐU",
            parent=province,
            valid_from=D(2025, 1, 1),
        )

    ward_a, ward_b, ward_c = ward("Đảng ủy phường A"), ward("Đảng ủy phường B"), ward("Đảng ủy phường C")

    def cell(name, parent):
        kind = {"kind": UnitKind.PARTY_CELL, "level": UnitLevel.CELL, "short_code": "CB"}
        return unit_create(name=name, parent=parent, valid_from=D(2025, 1, 1), **kind)

    return Tree(
        province=province,
        ward_a=ward_a,
        ward_b=ward_b,
        ward_c=ward_c,
        cell_a=cell("Chi bộ khu vực 1 (A)", ward_a),
        cell_b=cell("Chi bộ khu vực 1 (B)", ward_b),
    )


def refresh(unit: Unit) -> Unit:
    return Unit.objects.get(pk=unit.pk)


def make_staff(username: str, unit: Unit, role: str = Role.SPECIALIST):
    """A user with a staff role in `unit` and access to the admin (as the units app's groups would give)."""
    user = get_user_model().objects.create_user(username)  # no password: hashing is slow, tests use force_login
    user.user_permissions.add(Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin"))
    role_assign(user=user, unit=unit, role=role, valid_from=D(2024, 1, 1))
    return get_user_model().objects.get(pk=user.pk)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
