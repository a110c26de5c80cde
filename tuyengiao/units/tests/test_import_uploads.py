"""The unit-tree import refuses zip bombs and renamed files before openpyxl opens them (nothing saved)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tuyengiao.core.tests import upload_files as files
from tuyengiao.units.models import Unit, UnitImport


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (files.xlsx_zip_bomb, "(dấu hiệu “bom nén”)"),
        (files.docx, "Tệp “don-vi.xlsx” không phải là bảng tính Excel (.xlsx): nội dung là tài liệu Word (.docx)."),
    ],
)
def test_the_import_page_refuses_a_file_openpyxl_should_never_open(world, build, expected):
    before = (Unit.objects.count(), UnitImport.objects.count())

    response = world.client("head_a").post(
        "/admin/units/import/", {"file": SimpleUploadedFile("don-vi.xlsx", build())}
    )

    assert response.status_code == 200
    assert expected in response.content.decode()
    assert (Unit.objects.count(), UnitImport.objects.count()) == before
