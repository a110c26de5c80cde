"""The XLSX import refuses what is not a real, reasonably sized XLSX: zip bombs, renamed files, oversized files."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tuyengiao.core.tests import upload_files as files
from tuyengiao.education.models import ImportBatch, StudyReturn

from .conftest import client_for


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (files.xlsx_zip_bomb, "(dấu hiệu “bom nén”)"),
        (files.docx, "Tệp “so-lieu.xlsx” không phải là bảng tính Excel (.xlsx): nội dung là tài liệu Word (.docx)."),
        (files.odt, "nội dung là văn bản OpenDocument (.odt)"),
    ],
)
def test_the_upload_page_refuses_a_file_openpyxl_should_never_open(campaign, users, build, expected):
    response = client_for(users["a"]).post(
        "/admin/education/import/",
        {"kind": "study_returns", "file": SimpleUploadedFile("so-lieu.xlsx", build())},
    )

    assert response.status_code == 400
    assert expected in response.content.decode()
    assert not StudyReturn.objects.exists() and not ImportBatch.objects.exists()


def test_files_over_the_import_limit_are_refused(campaign, users, settings):
    settings.UPLOAD_IMPORT_MAX_BYTES = 2 * 1024 * 1024

    response = client_for(users["a"]).post(
        "/admin/education/import/",
        {"kind": "study_returns", "file": SimpleUploadedFile("lon.xlsx", files.xlsx() + b"\0" * 3 * 1024 * 1024)},
    )

    assert response.status_code == 400
    assert "Tệp “lon.xlsx” lớn hơn 2 MB." in response.content.decode()
