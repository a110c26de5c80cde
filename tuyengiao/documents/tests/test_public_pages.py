"""The public documents page of a portal (`van-ban/`): only public documents, of the portal's unit and above."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.documents import get_document_model

from tuyengiao.documents import views
from tuyengiao.documents.demo import tiny_pdf
from tuyengiao.documents.models import DocumentAttachment, RelationKind
from tuyengiao.documents.tests.conftest import register
from tuyengiao.portal.models import PortalSettings

D = datetime.date
pytestmark = pytest.mark.urls("tuyengiao.documents.tests.urls")


@pytest.fixture
def ward_portal(home, ward_a):
    """The test portal (hostname "testserver") run by ward Long Hòa."""
    PortalSettings.objects.filter(site__root_page=home).update(unit=ward_a)
    return home


def attach_pdf(document, title="Toàn văn"):
    stored = get_document_model()(title=title, file=ContentFile(tiny_pdf([document.symbol]), name="van-ban.pdf"))
    stored._set_document_file_metadata()
    stored.save()
    return DocumentAttachment.objects.create(document=document, file=stored)


@pytest.fixture
def published(admin_user, issuers, board):
    """Documents of every level; only some public."""
    central = register(
        admin_user, issuers["TW"], "CT", unit=board, symbol="05-CT/TW", day=D(2025, 4, 14), is_public=True,
        summary="về đại hội đảng bộ các cấp",
    )  # fmt: skip
    return {
        "central": central,
        "province": register(
            admin_user,
            issuers["TU"],
            "KH",
            is_public=True,
            summary="Kế hoạch của Tỉnh ủy",
            relations=[{"kind": RelationKind.IMPLEMENTS, "target": central}],
        ),  # fmt: skip
        "own": register(
            admin_user, issuers["A"], "KH", is_public=True, summary="Kế hoạch của phường Long Hòa", day=D(2026, 3, 16)
        ),  # fmt: skip
        "own_internal": register(admin_user, issuers["A"], "BC", summary="Báo cáo nội bộ của phường Long Hòa"),
        "sibling": register(admin_user, issuers["B"], "KH", is_public=True, summary="Kế hoạch của phường Bình Thủy"),
        "board": register(admin_user, issuers["BTGDVTU"], "HD", is_public=True, summary="Hướng dẫn của Ban"),
    }


def test_the_list_shows_public_documents_of_the_portal_and_the_levels_above(client, ward_portal, published):
    html = client.get("/van-ban/").content.decode()

    for key in ("central", "province", "own"):
        assert published[key].summary in html
    for key in ("own_internal", "sibling", "board"):  # not public, a sibling ward, a sibling board
        assert published[key].summary not in html
    assert "05-CT/TW" in html and "14/04/2025" in html
    assert "Có 3 văn bản." in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"loai": "CT"}, {"central"}),
        ({"nam": "2026"}, {"own"}),
        ({"q": "05-CT/TW"}, {"central"}),
        ({"q": "Số 05-CT/TW"}, {"central"}),
        ({"q": "ke hoach long hoa"}, {"own"}),
        ({"co_quan": "TU"}, {"province"}),
    ],
)
def test_filters_and_search(client, ward_portal, published, issuers, query, expected):
    if "loai" in query:
        query = {"loai": published["central"].doc_type.pk}
    if "co_quan" in query:
        query = {"co_quan": issuers["TU"].pk}

    html = client.get("/van-ban/", query).content.decode()

    assert {key for key in ("central", "province", "own") if published[key].summary in html} == expected


@pytest.mark.parametrize(
    "query",
    [
        {"loai": "abc", "co_quan": "-1", "linh_vuc": "999999", "nam": "năm nay", "page": "xyz"},
        {"nam": "99999999999999999999", "page": "-3"},
        {"q": "x" * 5000, "page": "999"},
        {"loai": "1 OR 1=1", "q": "%' --"},
    ],
)
def test_bad_filter_params_never_error(client, ward_portal, published, query):
    response = client.get("/van-ban/", query)

    assert response.status_code == 200


def test_bad_values_fall_back_to_all_documents(client, ward_portal, published):
    html = client.get("/van-ban/", {"loai": "abc", "nam": "x", "page": "y"}).content.decode()

    assert all(published[key].summary in html for key in ("central", "province", "own"))


def test_the_filters_offer_only_what_the_portal_shows(client, ward_portal, published):
    html = client.get("/van-ban/").content.decode()

    assert ">Đảng ủy phường Long Hòa</option>" in html
    assert ">Đảng ủy phường Bình Thủy</option>" not in html
    assert '<option value="2026"' in html and '<option value="2024"' not in html


def test_detail_shows_the_metadata_relations_and_a_pdf_preview(client, ward_portal, published):
    province = published["province"]
    attachment = attach_pdf(province)

    html = client.get(f"/van-ban/{province.pk}/").content.decode()

    assert '<h1 class="page-title">Kế hoạch số 01-KH/TU</h1>' in html
    for text in ("Số 01-KH/TU", "Tỉnh ủy Sông Hậu", "ngày 05/11/2025", "Còn hiệu lực", "Triển khai thực hiện"):
        assert text in html
    assert f'href="/van-ban/{published["central"].pk}/"' in html
    assert f'<iframe src="?xem={attachment.pk}"' in html
    assert f'href="?tai={attachment.pk}" download' in html

    central = client.get(f"/van-ban/{published['central'].pk}/").content.decode()
    assert "Được triển khai bởi" in central


def test_files_are_downloaded_and_previewed_through_the_detail_page(client, ward_portal, published):
    attachment = attach_pdf(published["own"])

    download = client.get(f"/van-ban/{published['own'].pk}/", {"tai": attachment.pk})
    preview = client.get(f"/van-ban/{published['own'].pk}/", {"xem": attachment.pk})

    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-1.4")
    assert "attachment" in download["Content-Disposition"]
    assert preview["Content-Type"] == "application/pdf" and "inline" in preview["Content-Disposition"]
    assert client.get(f"/van-ban/{published['own'].pk}/", {"tai": "abc"}).status_code == 404


@pytest.mark.parametrize("key", ["own_internal", "sibling", "board"])
def test_detail_is_a_404_for_documents_the_portal_does_not_show(client, ward_portal, published, key):
    document = published[key]
    attachment = attach_pdf(document)

    assert client.get(f"/van-ban/{document.pk}/").status_code == 404
    assert client.get(f"/van-ban/{document.pk}/", {"tai": attachment.pk}).status_code == 404
    assert client.get("/van-ban/999999/").status_code == 404


def test_a_file_of_another_document_is_not_served_through_a_public_one(client, ward_portal, published):
    hidden = attach_pdf(published["own_internal"])

    assert client.get(f"/van-ban/{published['own'].pk}/", {"tai": hidden.pk}).status_code == 404


def test_the_list_query_count_does_not_grow_with_rows(client, ward_portal, published, admin_user, issuers):
    client.get("/van-ban/")  # warm the per-process caches (site, settings)
    with CaptureQueriesContext(connection) as few:
        client.get("/van-ban/")
    for n in range(8):
        register(admin_user, issuers["A"], "BC", is_public=True, summary=f"Báo cáo công khai {n}")
    with CaptureQueriesContext(connection) as many:
        client.get("/van-ban/")

    assert len(many) == len(few)


def test_the_views_can_be_called_directly_with_the_home_page(ward_portal, published):
    request = RequestFactory().get("/van-ban/", {"q": "Tỉnh ủy"})
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = views.document_list(request, home=ward_portal)
    response.render()

    assert "Kế hoạch của Tỉnh ủy" in response.content.decode()
    assert "Kế hoạch của phường Long Hòa" not in response.content.decode()
