"""The review report as a Party document (Hướng dẫn 36-HD/VPTW): DOCX layout, dates, text."""

import datetime
import io
import time
import unicodedata
import zipfile

import pytest
from docx import Document
from docx.oxml.ns import qn
from lxml import etree

from tuyengiao.reports.document import ReportSection
from tuyengiao.reports.export import UnknownProfile, date_line, render_docx
from tuyengiao.reports.export.samples import sample_document


def _open(doc):
    return Document(io.BytesIO(render_docx(doc)))


def _texts(cell):
    return [p.text for p in cell.paragraphs]


def _bold(paragraph):
    return all(run.bold for run in paragraph.runs if run.text)


def _size(paragraph):
    sizes = {run.font.size.pt for run in paragraph.runs if run.text}
    assert len(sizes) == 1, sizes
    return sizes.pop()


def _body_children(document):
    """Top-level blocks in order: ('table', table) or ('p', text)."""
    tables = iter(document.tables)
    paragraphs = iter(document.paragraphs)
    blocks = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:tbl"):
            blocks.append(("table", next(tables)))
        elif child.tag == qn("w:p"):
            blocks.append(("p", next(paragraphs).text))
    return blocks


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (datetime.date(2022, 7, 8), "Cần Thơ, ngày 08 tháng 7 năm 2022"),
        (datetime.date(2026, 1, 5), "Cần Thơ, ngày 05 tháng 01 năm 2026"),
        (datetime.date(2026, 2, 28), "Cần Thơ, ngày 28 tháng 02 năm 2026"),
        (datetime.date(2025, 3, 1), "Cần Thơ, ngày 01 tháng 3 năm 2025"),
        (datetime.date(2025, 10, 10), "Cần Thơ, ngày 10 tháng 10 năm 2025"),
        (datetime.date(2025, 12, 15), "Cần Thơ, ngày 15 tháng 12 năm 2025"),
    ],
)
def test_date_line_pads_days_under_10_and_months_1_and_2(date, expected):
    assert date_line("Cần Thơ", date) == expected


def test_header_is_a_borderless_two_column_table_with_the_texts_in_place():
    document = _open(sample_document())
    header = document.tables[0]
    assert len(header.rows) == 2 and len(header.columns) == 2

    left_top = header.cell(0, 0)
    assert _texts(left_top) == ["ĐẢNG BỘ TỈNH AN GIANG", "BAN TUYÊN GIÁO VÀ DÂN VẬN", "*"]
    superior, issuing, _star = left_top.paragraphs
    assert not any(run.bold for run in superior.runs) and _size(superior) == 14
    assert _bold(issuing) and _size(issuing) == 14
    assert _texts(header.cell(1, 0)) == ["Số 12-BC/BTGDVTU"]

    right_top = header.cell(0, 1)
    party, rule = right_top.paragraphs
    assert party.text == "ĐẢNG CỘNG SẢN VIỆT NAM" and _bold(party) and _size(party) == 15
    # The rule under the party name: a paragraph border narrower than the column, not a table border.
    assert rule._p.pPr.find(qn("w:pBdr")).find(qn("w:top")).get(qn("w:val")) == "single"
    assert rule.paragraph_format.left_indent.mm > 0
    date = header.cell(1, 1).paragraphs[0]
    assert date.text == "Cần Thơ, ngày 08 tháng 7 năm 2026"
    assert all(run.italic for run in date.runs)

    borders = header._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"nil"}
    assert len(borders) == 6


def test_title_follows_the_header_then_body_then_signature():
    document = _open(sample_document())
    blocks = _body_children(document)
    assert blocks[0][0] == "table"
    titles = [text for kind, text in blocks[1:4]]
    assert titles == ["BÁO CÁO", "Sơ kết công tác tuyên giáo và dân vận 6 tháng đầu năm 2026", "-----"]
    type_name, summary = document.paragraphs[0], document.paragraphs[1]
    assert _bold(type_name) and _size(type_name) == 16
    assert type_name.alignment == 1 and summary.alignment == 1  # centred
    assert _bold(summary) and _size(summary) == 14

    texts = [text for kind, text in blocks if kind == "p"]
    assert texts.index("I. KẾT QUẢ ĐẠT ĐƯỢC") < texts.index("II. PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM")
    signature_at = next(i for i, (kind, value) in enumerate(blocks) if kind == "table" and i > 0)
    last_body = max(i for i, (kind, value) in enumerate(blocks) if kind == "p" and value.startswith("Ban Tuyên giáo"))
    assert last_body < signature_at


def test_body_is_14_point_justified_with_first_line_indent_and_bold_headings():
    document = _open(sample_document())
    body = [p for p in document.paragraphs if p.text.startswith("Ban Tuyên giáo")]
    assert body
    for paragraph in body:
        assert _size(paragraph) == 14
        assert paragraph.alignment == 3  # justify
        assert paragraph.paragraph_format.first_line_indent.mm == pytest.approx(12.7, abs=0.1)
    heading = next(p for p in document.paragraphs if p.text == "1. Công tác tham mưu cấp ủy")
    assert _bold(heading)
    level3 = next(p for p in document.paragraphs if p.text == "a) Hạn chế và nguyên nhân")
    assert _bold(level3) and all(run.italic for run in level3.runs)


def test_page_is_a4_with_the_party_margins():
    section = _open(sample_document()).sections[0]
    assert section.page_width.mm == pytest.approx(210, abs=0.1)
    assert section.page_height.mm == pytest.approx(297, abs=0.1)
    assert section.top_margin.mm == pytest.approx(20, abs=0.1)
    assert section.bottom_margin.mm == pytest.approx(20, abs=0.1)
    assert section.left_margin.mm == pytest.approx(30, abs=0.1)
    assert section.right_margin.mm == pytest.approx(15, abs=0.1)


def test_times_new_roman_everywhere():
    document = _open(sample_document())
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = defaults.find(qn("w:rFonts"))
    assert {fonts.get(qn(slot)) for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")} == {"Times New Roman"}
    assert not [name for name in fonts.attrib if name.endswith("Theme")]  # no theme font overriding it
    assert document.styles["Normal"].font.name == "Times New Roman"
    overridden = [r for r in document.element.body.iter(qn("w:rFonts")) if r.get(qn("w:ascii")) != "Times New Roman"]
    assert overridden == []


def test_page_numbers_start_on_page_2():
    section = _open(sample_document()).sections[0]
    assert section.different_first_page_header_footer
    assert "PAGE" not in "".join(section.first_page_header._element.itertext())
    instructions = [e.text for e in section.header._element.iter(qn("w:instrText"))]
    assert [i.strip() for i in instructions] == ["PAGE"]
    assert section.header.paragraphs[0].alignment == 1


def test_signature_block_beside_the_recipients():
    document = _open(sample_document())
    signature_table = document.tables[1]
    recipients, signature = signature_table.rows[0].cells
    heading, *items = recipients.paragraphs
    assert heading.text == "Nơi nhận:"
    assert _bold(heading) and all(run.italic for run in heading.runs) and _size(heading) == 12
    assert [p.text for p in items] == [
        "- Ban Tuyên giáo và Dân vận Trung ương,",
        "- Thường trực Tỉnh ủy,",
        "- Các đảng ủy trực thuộc Tỉnh ủy,",
        "- Lưu Văn phòng.",
    ]
    assert {_size(p) for p in items} == {12}
    lines = _texts(signature)
    assert lines[:2] == ["K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN"]
    assert lines[-1] == "Nguyễn Văn A"
    assert lines[2:-1] == [""] * 4  # room for the signature
    assert all(_bold(p) for p in signature.paragraphs if p.text)
    borders = signature_table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"nil"}
    assert signature_table.rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None


def test_signature_without_authority_line_starts_with_the_position():
    document = _open(sample_document(signer_authority="", signer_position="Trưởng ban"))
    lines = _texts(document.tables[1].rows[0].cells[1])
    assert lines[0] == "TRƯỞNG BAN"
    assert lines[-1] == "Nguyễn Văn A"


def test_text_comes_out_nfc_even_when_typed_decomposed():
    decomposed = unicodedata.normalize("NFD", "Sơ kết công tác tuyên giáo 6 tháng đầu năm")
    document = _open(
        sample_document(summary=decomposed, sections=[ReportSection(unicodedata.normalize("NFD", "I. KẾT QUẢ"), [])])
    )
    summary = document.paragraphs[1].text
    assert summary == "Sơ kết công tác tuyên giáo 6 tháng đầu năm"
    assert unicodedata.is_normalized("NFC", summary)
    assert any(p.text == "I. KẾT QUẢ" for p in document.paragraphs)


def test_annex_lists_every_figure_with_vietnamese_thousands():
    doc = sample_document(figures=3)
    doc.figures[1].value = 2302
    document = _open(doc)
    annex = document.tables[2]
    rows = [[cell.text for cell in row.cells] for row in annex.rows]
    assert rows[0] == ["STT", "Chỉ tiêu", "Số liệu"]
    assert [row[1] for row in rows[1:]] == [f.label for f in doc.figures]
    assert rows[2][2] == "2.302"
    assert "(Kèm theo Báo cáo số 12-BC/BTGDVTU, ngày 08/07/2026)" in [p.text for p in document.paragraphs]


def test_no_annex_without_figures():
    document = _open(sample_document(figures=0))
    assert len(document.tables) == 2
    assert "PHỤ LỤC" not in [p.text for p in document.paragraphs]


def test_unknown_profile_is_refused_in_vietnamese():
    with pytest.raises(UnknownProfile, match="Không có mẫu trình bày văn bản “HD99”"):
        render_docx(sample_document(profile="HD99"))


def test_large_report_renders_quickly():
    """Issue target: the whole DOCX in ≤ 5 s for ~40 figures × ~100 units."""
    doc = sample_document(figures=40, units=100)
    started = time.perf_counter()
    data = render_docx(doc)
    elapsed = time.perf_counter() - started
    assert elapsed < 5, f"render_docx took {elapsed:.2f} s"
    assert len(Document(io.BytesIO(data)).tables[2].rows) == 41


# Word refuses a file whose property elements are out of schema order (LibreOffice forgives it);
# the elements this renderer writes by hand must follow ECMA-376.
_SCHEMA_ORDER = {
    "pPr": "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd tabs "
    "suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd "
    "snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
    "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange",
    "tblPr": "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc tblCellSpacing "
    "tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription",
    "rPr": "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof snapToGrid "
    "vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd fitText vertAlign rtl cs em "
    "lang eastAsianLayout specVanish oMath",
    "tcPr": "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign hideMark",
}


def test_property_elements_are_in_schema_order():
    archive = zipfile.ZipFile(io.BytesIO(render_docx(sample_document())))
    out_of_order = []
    for name in archive.namelist():
        if not (name.startswith("word/") and name.endswith(".xml")):
            continue
        root = etree.fromstring(archive.read(name))
        for tag, order in _SCHEMA_ORDER.items():
            sequence = [qn(f"w:{child}") for child in order.split()]
            for element in root.iter(qn(f"w:{tag}")):
                children = [child.tag for child in element]
                positions = [sequence.index(c) if c in sequence else -1 for c in children]
                if -1 in positions or positions != sorted(positions):
                    out_of_order.append((name, tag, [c.split("}")[1] for c in children]))
    assert out_of_order == []
