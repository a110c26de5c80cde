"""Uploads through the real admin views, signed in as an editor: the content decides, not the name.

Every file here is built in the test (upload_files.py): real PDFs, DOCX, XLSX and ODT,
a Windows program renamed .pdf, a web page renamed .docx, an SVG with a script, a zip
bomb dressed as an XLSX, a PNG declaring 20000 × 20000 pixels. Refused files leave
no database row and no file behind; accepted ones are stored under a safe name and
served back with headers that keep the browser from running anything in them.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.checks import run_checks
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.utils.text import get_valid_filename
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from tuyengiao.core import downloads, uploads

from . import upload_files as files

Document = get_document_model()
Image = get_image_model()

FILE_POLICY = "sandbox; default-src 'none'"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def media_root(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def editor(db, media_root):
    """A member of Wagtail's Editors group (may add documents and images), past the second sign-in step."""
    user = get_user_model().objects.create_user("bientapvien")
    user.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(user)
    return client


def field_errors(response) -> list[str]:
    html = response.content.decode()
    found = re.findall(r'class="error-message">(.*?)</p>', html, re.S)
    return [" ".join(e.replace("&quot;", '"').replace("&#x27;", "'").split()) for e in found]


def stored_files(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def add_document(client, name, content, title="Tài liệu hội nghị"):
    return client.post("/admin/documents/add/", {"title": title, "file": SimpleUploadedFile(name, content)})


def add_image(client, name, content, title="Ảnh hội nghị"):
    return client.post("/admin/images/add/", {"title": title, "file": SimpleUploadedFile(name, content)})


def raw_upload(client, url, *, filename: str, content: bytes, fields: dict[str, str], file_field="file"):
    """A multipart POST with the file name exactly as given (Django's test client would keep only its basename)."""
    boundary = "hupl-ranh-gioi-7f3a"
    body = b""
    for key, value in fields.items():
        body += f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
    body += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode() + content
    body += f"\r\n--{boundary}--\r\n".encode()
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def zipped(**members: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- documents: what is accepted, what is refused -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "build", "stored"),
    [
        ("Báo cáo tổng kết.pdf", files.pdf, "Báo_cáo_tổng_kết.pdf"),
        ("Kế hoạch 12-KH.docx", files.docx, "Kế_hoạch_12-KH.docx"),
        ("Số liệu.xlsx", files.xlsx, "Số_liệu.xlsx"),
        ("Kế hoạch.odt", files.odt, "Kế_hoạch.odt"),
        ("Bản chụp văn bản.JPG", files.jpeg, "Bản_chụp_văn_bản.jpg"),
        ("Ghi chú.txt", lambda: "Kính gửi các đồng chí.\n".encode(), "Ghi_chú.txt"),
        ("Thông báo.txt", lambda: "Thông báo số 12-TB.\r\n".encode("utf-16"), "Thông_báo.txt"),  # Notepad's "Unicode"
        ("Hồ sơ.zip", lambda: zipped(**{"quyet-dinh.pdf": files.pdf()}), "Hồ_sơ.zip"),
        ("Văn bản cũ.doc", lambda: files.ole2(["WordDocument", "1Table"]), "Văn_bản_cũ.doc"),
        ("Bảng cũ.xls", lambda: files.ole2(["Workbook"]), "Bảng_cũ.xls"),
    ],
)
def test_real_documents_are_stored_under_a_safe_name(editor, media_root, name, build, stored):
    content = build()

    response = add_document(editor, name, content)

    assert response.status_code == 302, field_errors(response)
    document = Document.objects.get()
    assert document.title == "Tài liệu hội nghị"
    assert document.file.name == f"documents/{stored}"
    assert (media_root / "documents" / stored).read_bytes() == content


@pytest.mark.parametrize(
    ("name", "build", "expected"),
    [
        ("Quyết định.pdf", files.exe, "Tệp “Quyết định.pdf” không phải là PDF: nội dung là tệp thực thi."),
        (
            "Báo cáo.docx",
            files.html,
            "Tệp “Báo cáo.docx” không phải là tài liệu Word (.docx): nội dung là trang web HTML.",
        ),
        ("logo.svg", files.svg_with_script, "Không nhận tệp “logo.svg”: tệp SVG, HTML, XML hay JavaScript"),
        ("trang.html", files.html, "Không nhận tệp “trang.html”: tệp SVG, HTML, XML hay JavaScript"),
        ("Công văn.pdf", files.svg_with_script, "Tệp “Công văn.pdf” không phải là PDF: nội dung là ảnh SVG"),
        (
            "Số liệu.docx",
            files.xlsx,
            "không phải là tài liệu Word (.docx): nội dung là bảng tính Excel (.xlsx). "
            "Hãy đổi đuôi tệp thành .xlsx rồi tải lên lại.",
        ),
        ("Tổng hợp.xlsx", files.xlsx_zip_bomb, "(dấu hiệu “bom nén”)"),
        ("Mẫu báo cáo.docx", files.docm_renamed, "chứa macro (mã VBA)"),
        ("Văn bản.doc", lambda: files.ole2(["\u4840\u3b3f\u4577\u45ec"]), "nội dung là tệp OLE không phải Word"),
        ("Bảo mật.docx", lambda: files.ole2(["EncryptionInfo", "EncryptedPackage"]), "tệp Office đặt mật khẩu"),
        ("Ảnh.png", files.exe, "Tệp “Ảnh.png” không phải là ảnh PNG: nội dung là tệp thực thi."),
        ("cai-dat.exe", files.exe, "Không nhận tệp “cai-dat.exe”: loại tệp “exe” không được phép"),
        ("tep-tin", files.pdf, "loại tệp “không có đuôi” không được phép"),
    ],
)
def test_dangerous_or_mislabelled_documents_are_refused(editor, media_root, name, build, expected):
    response = add_document(editor, name, build())

    assert response.status_code == 200
    errors = field_errors(response)
    assert any(expected in error for error in errors), errors
    assert not Document.objects.exists()
    assert stored_files(media_root) == []


def test_documents_over_the_size_limit_are_refused(editor, media_root, settings):
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 1_000

    response = add_document(editor, "Báo cáo.pdf", files.pdf() + b"%" * 2_000)

    assert any("Tệp quá lớn" in error for error in field_errors(response)), field_errors(response)
    assert not Document.objects.exists()


def test_multiple_upload_and_chooser_upload_refuse_the_same_files(editor, media_root):
    xhr = {"x-requested-with": "XMLHttpRequest"}
    bad = editor.post(
        "/admin/documents/multiple/add/", {"files[]": SimpleUploadedFile("Quyết định.pdf", files.exe())}, headers=xhr
    )
    chooser = editor.post(
        "/admin/documents/chooser/create/",
        {
            "document-chooser-upload-title": "Báo cáo",
            "document-chooser-upload-file": SimpleUploadedFile("Báo cáo.docx", files.html()),
        },
        headers=xhr,
    )

    assert bad.status_code == 200 and bad.json()["success"] is False
    assert bad.json()["error_message"] == "Tệp “Quyết định.pdf” không phải là PDF: nội dung là tệp thực thi."
    assert chooser.status_code == 200
    assert "không phải là tài liệu Word (.docx): nội dung là trang web HTML." in chooser.json()["htmlFragment"]
    assert not Document.objects.exists()
    assert stored_files(media_root) == []

    good = editor.post(
        "/admin/documents/multiple/add/", {"files[]": SimpleUploadedFile("Kế hoạch.docx", files.docx())}, headers=xhr
    )
    assert good.json()["success"] is True
    assert Document.objects.get().file.name == "documents/Kế_hoạch.docx"


@pytest.mark.parametrize(
    ("sent_name", "stored"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\Windows\\win.ini.pdf", "win.ini.pdf"),
        ("Báo cáo\x00.pdf", "Báo_cáo.pdf"),
        ("<script>alert(1)<\\script>.pdf", "script.pdf"),
        (unicodedata.normalize("NFD", "Báo cáo tổng kết.pdf"), "Báo_cáo_tổng_kết.pdf"),  # as macOS sends it
        ("\u202efdp.exe\u202c.pdf", "fdp.exe.pdf"),  # right-to-left override: shows as "fdp.exe" reversed
        (".htaccess.pdf", "htaccess.pdf"),
        ("CON.pdf", "tep_CON.pdf"),
    ],
)
def test_file_names_are_made_safe_on_the_way_in(editor, media_root, sent_name, stored):
    response = raw_upload(
        editor, "/admin/documents/add/", filename=sent_name, content=files.pdf(), fields={"title": "Văn bản"}
    )

    assert response.status_code == 302, field_errors(response)
    document = Document.objects.get()
    assert document.file.name == f"documents/{stored}"
    assert stored_files(media_root) == [f"documents/{stored}"]
    assert document.title == "Văn bản"


def test_a_300_character_vietnamese_name_is_shortened_but_readable(editor, media_root):
    sent = "Nghị quyết về công tác tuyên giáo " * 9 + ".pdf"
    assert len(sent) > 300

    response = raw_upload(editor, "/admin/documents/add/", filename=sent, content=files.pdf(), fields={"title": "NQ"})

    assert response.status_code == 302, field_errors(response)
    name = Document.objects.get().filename
    assert name.startswith("Nghị_quyết_về_công_tác_tuyên_giáo_Nghị") and name.endswith(".pdf")
    assert len(name) <= uploads.MAX_NAME_CHARS and len(name.encode()) <= uploads.MAX_NAME_BYTES
    assert (media_root / "documents" / name).exists()


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_name_becomes_one_safe_path_part(name):
    safe = uploads.safe_file_name(name)

    assert safe and "/" not in safe and "\\" not in safe and not safe.startswith(".")
    assert ".." not in safe
    assert unicodedata.normalize("NFC", safe) == safe
    assert not any(unicodedata.category(ch)[0] == "C" for ch in safe)
    assert len(safe) <= uploads.MAX_NAME_CHARS and len(safe.encode()) <= uploads.MAX_NAME_BYTES
    assert get_valid_filename(safe) == safe  # Django's own cleaning changes nothing more


# --- images -------------------------------------------------------------------------------------------------


def test_images_never_accept_svg(settings):
    from wagtail.images.utils import get_allowed_image_extensions

    assert "svg" not in get_allowed_image_extensions()
    assert settings.WAGTAILIMAGES_IMAGE_FORM_BASE == "tuyengiao.portal.image_forms.ImageForm"

    settings.WAGTAILIMAGES_EXTENSIONS = ["jpg", "png", "svg"]
    errors = [e for e in run_checks() if e.id == "tuyengiao.E010"]
    assert [e.msg for e in errors] == ["WAGTAILIMAGES_EXTENSIONS lists “svg”, a type browsers run; uploads of it are refused anyway."]


@pytest.mark.parametrize("svg_allowed", [False, True])
@pytest.mark.parametrize(("name", "build"), [("bieu-trung.svg", files.svg_with_script), ("anh.png", files.svg_with_script), ("anh.jpg", files.html)])
def test_svg_and_html_are_refused_as_images(editor, media_root, settings, name, build, svg_allowed):
    if svg_allowed:  # even if someone adds svg to the settings
        settings.WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "svg"]

    response = add_image(editor, name, build())

    assert response.status_code == 200
    assert field_errors(response)
    assert not Image.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize("pixels_limit", [40_000_000, None])
def test_a_png_declaring_400_million_pixels_is_refused_everywhere_without_an_error_page(
    editor, media_root, settings, pixels_limit
):
    settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS = pixels_limit  # None: Wagtail's own check is off, Pillow's still bites
    bomb = files.png_header_bomb(20_000, 20_000)
    assert len(bomb) < 2_000
    xhr = {"x-requested-with": "XMLHttpRequest"}

    single = add_image(editor, "anh-lon.png", bomb)
    multiple = editor.post(
        "/admin/images/multiple/add/", {"files[]": SimpleUploadedFile("anh-lon.png", bomb)}, headers=xhr
    )
    chooser = editor.post(
        "/admin/images/chooser/create/",
        {"image-chooser-upload-title": "Ảnh", "image-chooser-upload-file": SimpleUploadedFile("anh-lon.png", bomb)},
        headers=xhr,
    )

    assert single.status_code == 200
    assert any("điểm ảnh" in error for error in field_errors(single)), field_errors(single)
    assert multiple.status_code == 200 and multiple.json()["success"] is False
    assert "điểm ảnh" in multiple.json()["error_message"]
    assert chooser.status_code == 200 and "điểm ảnh" in chooser.json()["htmlFragment"]
    assert not Image.objects.exists()
    assert stored_files(media_root) == []


def test_image_names_are_stored_in_ascii_and_the_title_kept(editor, media_root):
    response = raw_upload(
        editor,
        "/admin/images/add/",
        filename="Ảnh hội nghị <đảng bộ>.JPG",
        content=files.jpeg(),
        fields={"title": "Ảnh hội nghị đảng bộ"},
    )

    assert response.status_code == 302, field_errors(response)
    image = Image.objects.get()
    assert image.title == "Ảnh hội nghị đảng bộ"
    assert image.file.name == "original_images/Anh_hoi_nghi_dang_bo.jpg"


# --- serving: headers -----------------------------------------------------------------------------------------


def test_served_documents_are_attachments_that_cannot_run(editor, media_root):
    content = files.docx()
    add_document(editor, "Báo cáo tổng kết.docx", content)
    document = Document.objects.get()

    response = Client().get(document.url)

    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_TYPE
    assert response["Content-Disposition"] == (
        "attachment; filename=\"Bao_cao_tong_ket.docx\"; "
        "filename*=UTF-8''B%C3%A1o_c%C3%A1o_t%E1%BB%95ng_k%E1%BA%BFt.docx"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == FILE_POLICY
    assert body(response) == content


def test_pdfs_open_in_the_browser_framable_by_the_portal_only(editor, media_root):
    add_document(editor, "Kế hoạch.pdf", files.pdf())

    response = Client().get(Document.objects.get().url)

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'self'"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert body(response).startswith(b"%PDF-")


def test_a_stored_pdf_that_is_not_one_is_downloaded_never_rendered(db, media_root):
    """Files stored before uploads were checked: a web page named .pdf is sent as bytes to save."""
    legacy = Document(title="Tệp cũ")
    legacy.file.save("tep-cu.pdf", ContentFile(files.html()))

    response = Client().get(legacy.url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"] == FILE_POLICY


def test_exports_are_attachments_that_cannot_run(db, admin_client):
    response = admin_client.get("/admin/education/import/mau/attendance/")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="mau-nhap-so-luot-nguoi-du.xlsx"'
    assert response["Content-Security-Policy"] == FILE_POLICY
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_vietnamese_download_name_is_sent_as_rfc_5987():
    response = HttpResponse(b"x", content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="Báo cáo quý 3.csv"'

    downloads.secure_file_response(response, disposition=response["Content-Disposition"])

    assert response["Content-Disposition"] == (
        "attachment; filename=\"Bao cao quy 3.csv\"; filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20qu%C3%BD%203.csv"
    )


@pytest.mark.urls("tuyengiao.core.tests.media_urls")
def test_media_served_by_django_is_sandboxed(db, media_root):
    (media_root / "original_images").mkdir()
    (media_root / "original_images" / "anh.png").write_bytes(files.png())
    (media_root / "original_images" / "cu.svg").write_bytes(files.svg_with_script())
    client = Client()

    image = client.get("/media/original_images/anh.png")
    svg = client.get("/media/original_images/cu.svg")

    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert image["Content-Security-Policy"] == FILE_POLICY and image["X-Content-Type-Options"] == "nosniff"
    assert not image.get("Content-Disposition", "").startswith("attachment")  # an image may open on its own
    assert svg["Content-Disposition"] == 'attachment; filename="cu.svg"'
    assert svg["Content-Security-Policy"] == FILE_POLICY
    assert client.get("/media/documents/x.pdf").status_code == 404


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice is not installed")
def test_word_and_excel_97_files_saved_by_libreoffice_are_accepted(editor, media_root, tmp_path):
    """Real OLE2 files (their directory spans several sectors), converted by LibreOffice from our DOCX and XLSX."""
    (tmp_path / "ke-hoach.docx").write_bytes(files.docx())
    (tmp_path / "so-lieu.xlsx").write_bytes(files.xlsx())
    for source, target in (("ke-hoach.docx", "doc"), ("so-lieu.xlsx", "xls")):
        subprocess.run(
            ["nice", "-n", "19", "soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
             "--convert-to", target, "--outdir", str(tmp_path), str(tmp_path / source)],
            check=True, capture_output=True, timeout=120,
        )

    assert add_document(editor, "Kế hoạch.doc", (tmp_path / "ke-hoach.doc").read_bytes()).status_code == 302
    assert add_document(editor, "Số liệu.xls", (tmp_path / "so-lieu.xls").read_bytes()).status_code == 302
    refused = add_document(editor, "Số liệu.doc", (tmp_path / "so-lieu.xls").read_bytes())
    assert any(
        "không phải là tài liệu Word 97–2003 (.doc): nội dung là bảng tính Excel 97–2003 (.xls). "
        "Hãy đổi đuôi tệp thành .xls" in error
        for error in field_errors(refused)
    ), field_errors(refused)
    assert sorted(d.filename for d in Document.objects.all()) == ["Kế_hoạch.doc", "Số_liệu.xls"]
