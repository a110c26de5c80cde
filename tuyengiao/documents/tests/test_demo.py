"""Demo registry: two years of documents in the demo units, numbered by the service, restarting each term."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tuyengiao.documents import demo, selectors
from tuyengiao.documents.models import Document, DocumentRelation, RelationKind
from tuyengiao.portal.demo import DemoUnits


@pytest.fixture
def demo_units(province, board, ward_a, ward_b, admin_user):
    return DemoUnits(province=province, board=board, wards=[ward_a, ward_b])


def test_demo_documents_load_quickly_and_number_per_term(demo_units):
    # A query budget rather than a stopwatch: the shared test machine's load would make a time limit flaky.
    # Loading the admin URLs registers the viewsets, and with them Wagtail's reference index, as in production.
    reverse("wagtailadmin_home")
    with CaptureQueriesContext(connection) as queries:
        result = demo.load_demo(units=demo_units)

    assert result["documents"] == Document.objects.count() > 60
    assert len(queries) < 35 * result["documents"]
    board_plans = Document.objects.filter(issuer__unit=demo_units.board, doc_type__code="KH").order_by("issued_on")
    by_term = {}
    for plan in board_plans:
        by_term.setdefault(plan.term.name, []).append(plan.number)
    assert by_term["2020–2025"] == list(range(1, len(by_term["2020–2025"]) + 1))
    assert by_term["2025–2030"][0] == 1  # restarted with the new term
    assert Document.objects.get(symbol="01-CT/TW").term.name.startswith("Khóa XIV")
    assert Document.objects.filter(issued_on__gt=timezone.localdate()).count() == 0


def test_demo_public_documents_carry_a_valid_pdf_and_relations(demo_units):
    demo.load_demo(units=demo_units)

    public = selectors.public_documents(unit=demo_units.wards[0])
    with_file = public.filter(attachments__isnull=False).distinct()
    assert with_file.count() >= 10
    pdf = with_file.first().attachments.first().file
    with pdf.open_file() as handle:
        content = handle.read()
    assert content.startswith(b"%PDF-1.4") and content.rstrip().endswith(b"%%EOF")
    assert DocumentRelation.objects.filter(kind=RelationKind.IMPLEMENTS).count() >= 5
    replaced = DocumentRelation.objects.get(kind=RelationKind.REPLACES).target
    assert replaced.validity_today == "Hết hiệu lực"
    assert not public.filter(unit=demo_units.wards[1]).exists()  # a sibling ward's documents stay on its own portal


def test_tiny_pdf_has_a_correct_cross_reference_table():
    content = demo.tiny_pdf(["Số 05-CT/TW (thử)"])
    start = int(content.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert content[start:].startswith(b"xref")
    offsets = [int(line[:10]) for line in content[start:].split(b"\n")[3:8]]
    for number, offset in enumerate(offsets, start=1):
        assert content[offset:].startswith(f"{number} 0 obj".encode())
    assert b"(So 05-CT/TW \\(thu\\)) Tj" in content


@pytest.mark.urls("tuyengiao.documents.tests.urls")
def test_the_whole_demo_loads_documents_and_each_portal_lists_its_own(db, client, settings, tmp_path):
    from tuyengiao.portal.demo import load_demo

    load_demo()

    def page(host, **query):
        return client.get("/van-ban/", query, HTTP_HOST=host).content.decode()

    assert "41-CT/TW" in page("127.0.0.1", q="41-CT/TW")  # central documents on every portal
    assert "41-CT/TW" in page("long-hoa.localhost", q="41-CT/TW")
    assert "tổ chức hội nghị báo cáo viên" in page("127.0.0.1", q="bao cao vien").lower()  # the board's public plans
    ward_plans = page("long-hoa.localhost", q="Đảng bộ phường")
    assert "Đảng bộ phường Long Hòa" in ward_plans and "Đảng bộ phường Bình Thủy" not in ward_plans
