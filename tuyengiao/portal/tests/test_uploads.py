"""Bad uploads through the Wagtail admin: a clear message, no database row, no file left behind."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image

HARDENED_FORM = "tuyengiao.portal.image_forms.ImageForm"


def jpeg_bytes(size=(200, 200)) -> bytes:
    buffer = io.BytesIO()
    PILImage.effect_noise(size, 64).convert("RGB").save(buffer, "JPEG")  # noise: does not compress away
    return buffer.getvalue()


def field_errors(response) -> list[str]:
    html = response.content.decode()
    return [" ".join(e.split()) for e in re.findall(r'class="error-message">(.*?)</p>', html, re.S)]


def files_under(path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*") if p.is_file())


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def superuser(db):
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("quantri"))
    return client


def upload_image(client, name, content):
    return client.post("/admin/images/add/", {"title": "Ảnh hội nghị", "file": SimpleUploadedFile(name, content)})


def test_a_good_image_is_stored(superuser, media_root):
    response = upload_image(superuser, "hoi-nghi.jpg", jpeg_bytes())

    assert response.status_code == 302
    assert Image.objects.count() == 1
    assert files_under(media_root) == [f"original_images/{Image.objects.get().file.name.split('/')[-1]}"]


@pytest.mark.parametrize(
    ("case", "limits", "expected_error"),
    [
        ("not_an_image", {}, "Hãy tải lên một hình ảnh hợp lệ"),
        ("truncated", {}, "Tệp ảnh bị hỏng"),
        ("too_big", {"WAGTAILIMAGES_MAX_UPLOAD_SIZE": 2_000}, "Tệp quá lớn"),
        ("too_many_pixels", {"WAGTAILIMAGES_MAX_IMAGE_PIXELS": 10_000}, "Tệp có quá nhiều điểm ảnh (40000)"),
    ],
)
def test_bad_image_is_refused_with_a_clear_message(superuser, media_root, settings, case, limits, expected_error):
    for name, value in limits.items():
        setattr(settings, name, value)
    good = jpeg_bytes((200, 200))
    content = {
        "not_an_image": b"%PDF-1.4\n" + b"Khong phai anh. " * 200,  # a PDF renamed .jpg
        "truncated": good[: len(good) // 2],
        "too_big": good,
        "too_many_pixels": good,
    }[case]

    response = upload_image(superuser, "anh.jpg", content)

    assert response.status_code == 200
    errors = field_errors(response)
    assert any(expected_error in error for error in errors), errors
    assert not Image.objects.exists()
    assert files_under(media_root) == []


def test_hardened_form_refuses_a_truncated_jpeg(superuser, media_root, settings):
    settings.WAGTAILIMAGES_IMAGE_FORM_BASE = HARDENED_FORM
    good = jpeg_bytes()

    broken = upload_image(superuser, "hong.jpg", good[:300])
    assert broken.status_code == 200
    assert any("Tệp ảnh bị hỏng" in error for error in field_errors(broken))
    # The multiple-upload screen (the one editors use) goes through the same form.
    multiple = superuser.post(
        "/admin/images/multiple/add/",
        {"files[]": SimpleUploadedFile("hong.jpg", good[: len(good) // 2])},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert multiple.status_code == 200
    assert multiple.json()["success"] is False
    assert "Tệp ảnh bị hỏng" in multiple.json()["error_message"]
    assert not Image.objects.exists()
    assert files_under(media_root) == []
    # Good images still pass.
    assert upload_image(superuser, "tot.jpg", good).status_code == 302


def test_document_with_a_disallowed_extension_is_refused(superuser, media_root):
    response = superuser.post(
        "/admin/documents/add/",
        {"title": "Tệp lạ", "file": SimpleUploadedFile("cai-dat.exe", b"MZ\x90\x00" * 100)},
    )

    assert response.status_code == 200
    errors = field_errors(response)
    assert any("“exe”" in error and "pdf, docx" in error for error in errors), errors
    assert not Document.objects.exists()
    assert files_under(media_root) == []
