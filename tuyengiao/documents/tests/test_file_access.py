"""Files of non-public documents are not handed out by their direct URL (/documents/<id>/<name>).

Wagtail serves every uploaded document at that URL; the `before_serve_document`
hook lets a file of a non-public Party document through only to staff with
rights on the document's unit. Files of public documents (and files that are
no Party document's, e.g. an article's attachment) stay open to everyone.
"""

import datetime

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client
from wagtail.documents import get_document_model

from tuyengiao.documents.demo import tiny_pdf
from tuyengiao.documents.models import DocumentAttachment
from tuyengiao.documents.tests.conftest import client_for, register, staff_user
from tuyengiao.portal.models import PortalSettings

D = datetime.date
pytestmark = pytest.mark.urls("tuyengiao.documents.tests.urls")


def upload(title="Toàn văn", name="van-ban.pdf"):
    stored = get_document_model()(title=title, file=ContentFile(tiny_pdf([title]), name=name))
    stored._set_document_file_metadata()
    stored.save()
    return stored


def attach(document, stored):
    return DocumentAttachment.objects.create(document=document, file=stored)


def direct_url(stored) -> str:
    return f"/documents/{stored.pk}/{stored.filename}"


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def files(admin_user, issuers):
    internal = register(admin_user, issuers["A"], "BC", summary="Báo cáo nội bộ của phường Long Hòa")
    public = register(admin_user, issuers["A"], "KH", is_public=True, summary="Kế hoạch của phường Long Hòa")
    return {
        "internal_doc": internal,
        "public_doc": public,
        "internal": attach(internal, upload("Báo cáo nội bộ")).file,
        "public": attach(public, upload("Kế hoạch công khai")).file,
        "loose": upload("Tệp đính kèm bài viết", name="bai-viet.pdf"),
    }


@pytest.fixture
def people(ward_a, ward_b, province):
    return {
        "own": staff_user("canbo_longhoa", ward_a),
        "sibling": staff_user("canbo_binhthuy", ward_b),
        "province": staff_user("canbo_tinh", province),
    }


def test_links_go_through_wagtails_serve_view(db):
    """Only the serve view runs the hook: no redirect or direct link to the storage."""
    assert getattr(settings, "WAGTAILDOCS_SERVE_METHOD", None) in (None, "serve_view")
    stored = upload()
    assert stored.url == direct_url(stored)


def test_anonymous_readers_are_sent_to_sign_in_for_a_non_public_file(client, files):
    response = client.get(direct_url(files["internal"]))

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/documents/")


def test_staff_of_another_unit_are_refused_a_non_public_file(files, people):
    response = client_for(people["sibling"]).get(direct_url(files["internal"]))

    assert response.status_code == 403
    assert "không công khai" in response.content.decode()


@pytest.mark.parametrize("who", ["own", "province", "superuser"])
def test_staff_of_the_unit_and_above_get_the_non_public_file(files, people, admin_user, who):
    user = admin_user if who == "superuser" else people[who]

    response = client_for(user).get(direct_url(files["internal"]))

    assert response.status_code == 200
    assert content(response).startswith(b"%PDF")


@pytest.mark.parametrize("key", ["public", "loose"])
def test_files_of_public_documents_and_other_files_stay_open(client, files, people, key):
    assert client.get(direct_url(files[key])).status_code == 200
    assert client_for(people["sibling"]).get(direct_url(files[key])).status_code == 200


def test_a_file_also_carried_by_a_public_document_is_open(client, files):
    attach(files["public_doc"], files["internal"])

    assert client.get(direct_url(files["internal"])).status_code == 200


def test_the_public_documents_page_still_serves_its_files(client, home, ward_a, files):
    PortalSettings.objects.filter(site__root_page=home).update(unit=ward_a)
    public_doc = files["public_doc"]
    attachment = public_doc.attachments.get()

    download = client.get(f"/van-ban/{public_doc.pk}/", {"tai": attachment.pk})
    preview = client.get(f"/van-ban/{public_doc.pk}/", {"xem": attachment.pk})

    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert preview.status_code == 200 and preview["Content-Type"] == "application/pdf"
    assert content(download).startswith(b"%PDF")
    # …and the non-public document's page and file stay closed there.
    internal = files["internal_doc"]
    assert client.get(f"/van-ban/{internal.pk}/").status_code == 404
    assert Client().get(direct_url(files["internal"])).status_code == 302


def test_media_serving_never_hands_out_party_document_files(settings):
    """`make run` serves /media/ itself (SERVE_MEDIA): documents/ must not be reachable that way."""
    import importlib

    from django.urls import Resolver404, get_resolver

    import tuyengiao.urls

    settings.SERVE_MEDIA = True
    try:
        urls = importlib.reload(tuyengiao.urls)
        resolver = get_resolver(urls)
        assert resolver.resolve("/media/images/anh.jpg").kwargs["path"] == "images/anh.jpg"
        try:
            match = resolver.resolve("/media/documents/van-ban.pdf")
        except Resolver404:
            match = None
        assert match is None or "document_root" not in match.kwargs  # at most Wagtail's page catch-all
    finally:
        settings.SERVE_MEDIA = False
        importlib.reload(tuyengiao.urls)
