"""Clerks saving at the same moment never get the same number (PostgreSQL: real concurrent transactions)."""

import datetime
import threading

import pytest
from django.db import connection

from tuyengiao.documents.models import Document, DocumentType, Issuer, Term
from tuyengiao.documents.services import document_create
from tuyengiao.units.models import UnitKind, UnitLevel
from tuyengiao.units.services import unit_create

CLERKS = 8

pytestmark = pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite serialises writers itself (BEGIN IMMEDIATE); needs PostgreSQL"
)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_registrations_get_distinct_consecutive_numbers(django_user_model):
    actor = django_user_model.objects.create_superuser("vanthu")
    board = unit_create(name="Ban Tuyên giáo", kind=UnitKind.STAFF_BOARD, level=UnitLevel.PROVINCE, short_code="BTG")
    issuer = Issuer.objects.create(name="Ban Tuyên giáo", code="BTG", unit=board)
    plan = DocumentType.objects.get_or_create(code="KH", defaults={"name": "Kế hoạch"})[0]
    Term.objects.create(name="2025–2030", starts_on=datetime.date(2025, 10, 1))
    start = threading.Barrier(CLERKS)
    errors = []

    def clerk(n):
        try:
            start.wait()  # every clerk finds no counter row yet: the creation race is exercised too
            document_create(
                actor=actor, issuer=issuer, doc_type=plan, issued_on=datetime.date(2025, 11, 5), summary=f"Kế hoạch {n}"
            )
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=clerk, args=(n,)) for n in range(CLERKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    numbers = sorted(Document.objects.filter(issuer=issuer).values_list("number", flat=True))
    assert numbers == list(range(1, CLERKS + 1))
