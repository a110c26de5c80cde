"""A province with its board and two sibling wards, their issuers, two terms, and people with staff roles."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client

from tuyengiao.documents import services
from tuyengiao.documents.models import DocumentType, Issuer, SubjectArea, Term
from tuyengiao.units.models import Role, UnitKind, UnitLevel
from tuyengiao.units.services import role_assign, unit_create

TYPE_NAMES = {
    "NQ": "Nghị quyết",
    "CT": "Chỉ thị",
    "KL": "Kết luận",
    "HD": "Hướng dẫn",
    "KH": "Kế hoạch",
    "BC": "Báo cáo",
    "CV": "Công văn",
}


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def doc_type(code: str) -> DocumentType:
    return DocumentType.objects.get_or_create(code=code, defaults={"name": TYPE_NAMES[code]})[0]


@pytest.fixture
def province(db):
    return unit_create(
        name="Tỉnh ủy Sông Hậu", kind=UnitKind.PARTY_COMMITTEE, level=UnitLevel.PROVINCE, short_code="TU"
    )


@pytest.fixture
def board(province):
    return unit_create(
        name="Ban Tuyên giáo và Dân vận Tỉnh ủy",
        kind=UnitKind.STAFF_BOARD,
        level=UnitLevel.PROVINCE,
        short_code="BTGDVTU",
        parent=province,
    )


def _ward(province, name):
    return unit_create(
        name=name, kind=UnitKind.PARTY_COMMITTEE, level=UnitLevel.COMMUNE, short_code="ĐU", parent=province
    )


@pytest.fixture
def ward_a(province):
    return _ward(province, "Đảng ủy phường Long Hòa")


@pytest.fixture
def ward_b(province, ward_a):
    ward = _ward(province, "Đảng ủy phường Bình Thủy")
    # Siblings are kept sorted by name (node_order_by): "Bình Thủy" moved "Long Hòa" to a new path.
    ward_a.refresh_from_db()
    return ward


@pytest.fixture
def terms(db):
    return {
        "old": Term.objects.create(
            name="2020–2025", starts_on=datetime.date(2020, 10, 15), ends_on=datetime.date(2025, 9, 30)
        ),
        "new": Term.objects.create(name="2025–2030", starts_on=datetime.date(2025, 10, 1)),
    }


@pytest.fixture
def issuers(province, board, ward_a, ward_b, terms):
    def ours(unit):
        return Issuer.objects.create(name=unit.name, code=unit.short_code, unit=unit)

    central = Issuer.objects.get_or_create(name="Ban Chấp hành Trung ương", defaults={"code": "TW"})[0]
    return {"TW": central, "TU": ours(province), "BTGDVTU": ours(board), "A": ours(ward_a), "B": ours(ward_b)}


@pytest.fixture
def area(db):
    return SubjectArea.objects.get_or_create(name="Tuyên truyền")[0]


@pytest.fixture
def admin_user(db):
    return get_user_model().objects.create_superuser("quantri")


def staff_user(username: str, unit):
    """Someone holding a staff role in `unit`, allowed into the Wagtail admin."""
    user = get_user_model().objects.create_user(username)
    user.user_permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    role_assign(user=user, unit=unit, role=Role.SPECIALIST, valid_from=datetime.date(2020, 1, 1))
    return user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def register(actor, issuer, code="KH", *, day=datetime.date(2025, 11, 5), summary="Kế hoạch tuyên truyền", **fields):
    """Register a document through the service (numbers allocated unless `symbol` is given)."""
    return services.document_create(
        actor=actor,
        issuer=issuer,
        doc_type=doc_type(code),
        issued_on=day,
        summary=summary,
        **fields,
    )
