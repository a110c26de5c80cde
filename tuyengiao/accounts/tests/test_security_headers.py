"""Browsers get a Content-Security-Policy, framing rules, nosniff, referrer policy and (over HTTPS) HSTS."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from wagtail.documents import get_document_model

WINDOW_PRINT_HASH = "'sha256-MguIPR6qNR8D3B+eAlK+bIRTZe8t3wkOY4B/56Me9FU='"


def directives(response) -> dict:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split("; ")}


@pytest.mark.django_db
def test_portal_pages_forbid_inline_scripts_and_framing(article):
    response = Client().get(article.url)

    assert response.status_code == 200
    csp = directives(response)
    assert csp["script-src"] == ["'self'", "'unsafe-hashes'", WINDOW_PRINT_HASH]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.django_db
def test_cached_articles_get_the_same_headers(article):
    first = Client().get(article.url)
    cached = Client().get(article.url)

    assert cached["X-Article-Cache"] == "hit"
    assert cached["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert cached["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_print_button_hash_matches_the_template(article):
    html = Client().get(article.url + "?print=1").content.decode()
    assert 'onclick="window.print()"' in html  # the hash in settings is of exactly this handler


@pytest.mark.django_db
def test_admin_policy_allows_wagtails_inline_scripts_but_no_framing(admin_client):
    response = admin_client.get("/admin/")

    csp = directives(response)
    assert "'unsafe-inline'" in csp["script-src"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_wagtail_preview_can_be_framed_by_the_admin_only(admin_client, article):
    response = admin_client.get(f"/admin/pages/{article.pk}/edit/preview/")

    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert directives(response)["frame-ancestors"] == ["'self'"]


@pytest.mark.django_db
def test_pdf_attachments_can_be_previewed_in_a_frame_on_the_same_site(tmp_path, settings, home):
    settings.MEDIA_ROOT = tmp_path
    document = get_document_model().objects.create(title="Kế hoạch 12-KH/BTGDVTU")
    document.file.save("ke-hoach.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))

    response = Client().get(document.url)

    assert response.status_code == 200
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'none'" not in response.get("Content-Security-Policy", "")


@pytest.mark.django_db
def test_hsts_over_https(settings, home):
    settings.SECURE_HSTS_SECONDS = 31_536_000

    response = Client().get("/", secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000"
