"""PDF through LibreOffice: the printed header, A4, fonts, page numbers, and clear errors.

PDFs are read with pypdf (pinned dev dependency), so no poppler is needed.
"""

import io
import shutil
import stat
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest
from pypdf import PdfReader

from tuyengiao.reports.export import PdfUnavailable, docx_to_pdf, render_docx, render_pdf, render_xlsx
from tuyengiao.reports.export import pdf as pdf_module
from tuyengiao.reports.export.samples import sample_document

needs_libreoffice = pytest.mark.skipif(
    pdf_module.find_libreoffice() is None,
    reason="LibreOffice is not installed (apt-get install libreoffice-writer-nogui libreoffice-calc-nogui)",
)


@pytest.fixture(scope="module")
def sample_pdf():
    return PdfReader(io.BytesIO(render_pdf(sample_document())))


def _in_order(text, needles):
    positions = [text.find(needle) for needle in needles]
    assert all(p >= 0 for p in positions), dict(zip(needles, positions, strict=True))
    assert positions == sorted(positions), dict(zip(needles, positions, strict=True))


@needs_libreoffice
def test_pdf_prints_the_header_title_and_recipients_in_order(sample_pdf):
    text = "\n".join(page.extract_text() for page in sample_pdf.pages)
    # Left column then right column of the header table, then the title, body and signature.
    _in_order(
        text,
        [
            "BAN TUYÊN GIÁO VÀ DÂN VẬN",
            "Số 12-BC/BTGDVTU",
            "BÁO CÁO",
            "Sơ kết công tác tuyên giáo và dân vận 6 tháng đầu năm 2026",
            "Nơi nhận:",
            "Nguyễn Văn A",
        ],
    )
    _in_order(text, ["ĐẢNG CỘNG SẢN VIỆT NAM", "Cần Thơ, ngày 08 tháng 7 năm 2026", "BÁO CÁO"])


@needs_libreoffice
def test_pdf_pages_are_a4_with_times_and_numbers_from_page_2(sample_pdf):
    assert len(sample_pdf.pages) >= 2
    for page in sample_pdf.pages:
        assert float(page.mediabox.width) == pytest.approx(595, abs=1)
        assert float(page.mediabox.height) == pytest.approx(842, abs=1)
    fonts = {str(font["/BaseFont"]).split("+")[-1] for font in sample_pdf.pages[0]["/Resources"]["/Font"].values()}
    # Times New Roman, or Liberation Serif (same metrics) where Times is not installed.
    assert fonts and all(name.startswith(("TimesNewRoman", "LiberationSerif")) for name in fonts), fonts
    assert not sample_pdf.pages[0].extract_text().lstrip().startswith("1")
    assert sample_pdf.pages[1].extract_text().lstrip().splitlines()[0].strip() == "2"


@needs_libreoffice
def test_concurrent_conversions_do_not_clash():
    data = render_docx(sample_document(figures=0))
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(docx_to_pdf, [data, data]))
    for result in results:
        assert "ĐẢNG CỘNG SẢN VIỆT NAM" in PdfReader(io.BytesIO(result)).pages[0].extract_text()


@needs_libreoffice
def test_xlsx_shows_vietnamese_thousands_when_opened(tmp_path):
    """The number format displays 2.302 (not 2,302) whatever the reader's locale; checked through Calc."""
    doc = sample_document(figures=3)
    doc.figures[0].value = 2302
    doc.figures[1].value = 1234567
    doc.figures[2].value = 7
    source = tmp_path / "phu-luc.xlsx"
    source.write_bytes(render_xlsx(doc))
    completed = subprocess.run(
        [
            pdf_module.find_libreoffice(),
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            # UTF-8, and cell contents "as shown" (9th token) rather than raw values.
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        timeout=120,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    if completed.returncode != 0 or not (tmp_path / "phu-luc.csv").exists():
        pytest.skip(f"LibreOffice Calc is not installed (libreoffice-calc-nogui): {completed.stderr.decode()[-200:]}")
    csv = (tmp_path / "phu-luc.csv").read_text(encoding="utf-8", errors="replace")
    assert "2.302" in csv
    assert "1.234.567" in csv
    assert ",7\n" in csv or ",7\r\n" in csv


def test_missing_libreoffice_raises_pdf_unavailable_in_vietnamese(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda *args, **kwargs: None)
    with pytest.raises(PdfUnavailable) as error:
        render_pdf(sample_document())
    assert "chưa cài LibreOffice" in str(error.value)
    assert "DOCX" in str(error.value)


def _fake_binary(tmp_path, script):
    path = tmp_path / "soffice"
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def test_failed_conversion_raises_pdf_unavailable(monkeypatch, tmp_path):
    binary = _fake_binary(tmp_path, "echo 'Error: source file could not be loaded' >&2; exit 1")
    monkeypatch.setattr(pdf_module, "find_libreoffice", lambda: binary)
    with pytest.raises(PdfUnavailable, match="không thành công.*source file could not be loaded"):
        docx_to_pdf(b"not a docx")


def test_hanging_conversion_is_stopped_after_the_time_limit(monkeypatch, tmp_path):
    binary = _fake_binary(tmp_path, "exec /bin/sleep 30")
    monkeypatch.setattr(pdf_module, "find_libreoffice", lambda: binary)
    with pytest.raises(PdfUnavailable, match="quá 1 giây"):
        docx_to_pdf(b"x", timeout=1)
