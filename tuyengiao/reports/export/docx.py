"""A review report as a Party document in DOCX (python-docx).

Layout from the document's profile (``HD36-2018``: Hướng dẫn 36-HD/VPTW):
A4, Times New Roman, margins 20/20/30/15 mm; the header as a borderless
two-by-two table (superior and issuing body with ``*`` | ĐẢNG CỘNG SẢN VIỆT NAM
over a rule; number-symbol | place and date), so the number and the date line
always sit on the same line; the type name and the summary centred; the body
justified with a first-line indent; ``Nơi nhận:`` and the signature side by
side in a borderless table; page numbers at the top centre from page 2. When
the report has figures, an annex table of them follows on a new page (the
breakdown by unit is in the XLSX annex).
"""

from __future__ import annotations

import datetime
import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from ..document import ReportDocument
from .profiles import DocumentProfile, get_profile
from .text import date_line, format_date, format_number, nfc, number_only, sentence_case, upper

CENTER = WD_ALIGN_PARAGRAPH.CENTER
LEFT = WD_ALIGN_PARAGRAPH.LEFT
RIGHT = WD_ALIGN_PARAGRAPH.RIGHT
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY

# Word default cell margin: 108 twips on each side.
_CELL_MARGIN_MM = 108 / 1440 * 25.4

_PPR_AFTER_PBDR = (
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)
_TBLPR_AFTER_BORDERS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription")


def render_docx(doc: ReportDocument) -> bytes:
    profile = get_profile(doc.profile)
    document = Document()
    _set_defaults(document, profile)
    _set_page(document, profile)
    _set_properties(document, doc)
    body = _Body(document, profile)
    _header(document, doc, profile)
    _title(body, doc, profile)
    for section in doc.sections:
        body.heading(section.heading, section.level)
        for text in section.paragraphs:
            body.paragraph(text)
    _signature(document, doc, profile)
    if doc.figures:
        _annex(document, body, doc, profile)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- document set-up ---------------------------------------------------------------------------------------------


def _set_defaults(document, profile: DocumentProfile) -> None:
    """Times New Roman everywhere (all four font slots), Vietnamese, no spacing unless asked."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), profile.font_name)
    size = str(int(profile.body_pt * 2))
    rpr.find(qn("w:sz")).set(qn("w:val"), size)
    rpr.find(qn("w:szCs")).set(qn("w:val"), size)
    rpr.find(qn("w:lang")).set(qn("w:val"), profile.language)
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    normal = document.styles["Normal"]
    normal.font.name = profile.font_name
    normal.font.size = Pt(profile.body_pt)
    normal_fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    normal_fonts.set(qn("w:eastAsia"), profile.font_name)
    normal_fonts.set(qn("w:cs"), profile.font_name)


def _set_page(document, profile: DocumentProfile) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Mm(profile.page_width_mm)
    section.page_height = Mm(profile.page_height_mm)
    section.top_margin = Mm(profile.margin_top_mm)
    section.bottom_margin = Mm(profile.margin_bottom_mm)
    section.left_margin = Mm(profile.margin_left_mm)
    section.right_margin = Mm(profile.margin_right_mm)
    section.header_distance = Mm(profile.header_distance_mm)
    section.footer_distance = Mm(profile.footer_distance_mm)
    section.gutter = Mm(0)
    # Page numbers from page 2: the first page gets its own, empty, header.
    section.different_first_page_header_footer = True
    first = section.first_page_header
    first.is_linked_to_previous = False
    _format(first.paragraphs[0], size=profile.page_number_pt, align=CENTER)
    header = section.header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0]
    _format(paragraph, size=profile.page_number_pt, align=CENTER)
    _page_field(paragraph, profile.page_number_pt)


def _set_properties(document, doc: ReportDocument) -> None:
    props = document.core_properties
    author = nfc(doc.issuing_body)
    props.title = nfc(doc.summary)
    props.subject = f"{sentence_case(doc.type_name)} {number_only(doc.number_symbol)}"
    props.author = author
    props.last_modified_by = author
    props.language = "vi-VN"
    props.keywords = ""
    props.comments = ""
    props.revision = 1
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    props.created = now
    props.modified = now


# --- header and title --------------------------------------------------------------------------------------------


def _header(document, doc: ReportDocument, profile: DocumentProfile) -> None:
    table = _borderless_table(document, rows=2, widths_mm=(profile.header_left_mm, profile.header_right_mm))
    top_left, top_right = table.rows[0].cells
    bottom_left, bottom_right = table.rows[1].cells

    _cell_text(top_left, upper(doc.superior_body), size=profile.superior_body_pt)
    _add_text(top_left, upper(doc.issuing_body), size=profile.issuing_body_pt, bold=True)
    _add_text(top_left, "*", size=profile.issuing_body_pt)
    _cell_text(bottom_left, nfc(doc.number_symbol).strip(), size=profile.number_symbol_pt)

    _cell_text(top_right, upper(profile.party_name), size=profile.party_name_pt, bold=True)
    rule = top_right.add_paragraph()
    inner_mm = profile.header_right_mm - 2 * _CELL_MARGIN_MM
    indent = Mm(max(0.0, (inner_mm - profile.party_rule_mm) / 2))
    _format(rule, size=1, align=CENTER, left_indent=indent, right_indent=indent)
    _mark_size(rule, 1)
    _border(rule, "top", size_eighths=6)
    _cell_text(bottom_right, date_line(doc.place, doc.date), size=profile.date_line_pt, italic=True)
    for cell in (bottom_left, bottom_right):
        cell.paragraphs[0].paragraph_format.space_before = Pt(0)


def _title(body: _Body, doc: ReportDocument, profile: DocumentProfile) -> None:
    body.centred(upper(doc.type_name), size=profile.type_name_pt, bold=True, space_before=Pt(18))
    body.centred(nfc(doc.summary).strip(), size=profile.summary_pt, bold=True)
    body.centred(profile.summary_rule, size=profile.summary_pt, space_after=Pt(12))


# --- body --------------------------------------------------------------------------------------------------------


class _Body:
    def __init__(self, document, profile: DocumentProfile) -> None:
        self.document = document
        self.profile = profile

    def centred(self, text: str, *, size: float, bold: bool = False, space_before=None, space_after=None):
        paragraph = self.document.add_paragraph()
        _format(paragraph, size=size, align=CENTER, space_before=space_before, space_after=space_after)
        _run(paragraph, text, size=size, bold=bold)
        return paragraph

    def heading(self, text: str, level: int) -> None:
        p = self.profile
        paragraph = self.document.add_paragraph()
        _format(
            paragraph,
            size=p.body_pt,
            align=JUSTIFY,
            first_line_indent=Mm(p.body_first_line_indent_mm),
            space_before=Pt(p.body_space_after_pt),
            space_after=Pt(p.body_space_after_pt),
            line_spacing=p.body_line_spacing,
            keep_with_next=True,
        )
        _run(paragraph, nfc(text).strip(), size=p.body_pt, bold=True, italic=level >= 3)

    def paragraph(self, text: str) -> None:
        p = self.profile
        paragraph = self.document.add_paragraph()
        _format(
            paragraph,
            size=p.body_pt,
            align=JUSTIFY,
            first_line_indent=Mm(p.body_first_line_indent_mm),
            space_after=Pt(p.body_space_after_pt),
            line_spacing=p.body_line_spacing,
        )
        _run(paragraph, nfc(text).strip(), size=p.body_pt)


# --- signature and recipients ------------------------------------------------------------------------------------


def _signature(document, doc: ReportDocument, profile: DocumentProfile) -> None:
    spacer = document.add_paragraph()
    _format(spacer, size=profile.body_pt, keep_with_next=True)
    table = _borderless_table(document, rows=1, widths_mm=(profile.recipients_col_mm, profile.signature_col_mm))
    _cant_split(table.rows[0])  # the signature block never breaks across pages
    recipients, signature = table.rows[0].cells

    _cell_text(
        recipients,
        profile.recipients_heading,
        size=profile.recipients_heading_pt,
        bold=profile.recipients_heading_bold,
        italic=profile.recipients_heading_italic,
        align=LEFT,
    )
    for item in doc.recipients:
        text = nfc(item).strip()
        if not text.startswith(("-", "–")):
            text = f"- {text}"
        _add_text(recipients, text, size=profile.recipients_pt, align=LEFT)

    lines: list[tuple[str, bool]] = []
    if doc.signer_authority.strip():
        lines.append((upper(doc.signer_authority).strip(), True))
    if doc.signer_position.strip():
        lines.append((upper(doc.signer_position).strip(), True))
    first = True
    for text, bold in lines:
        if first:
            _cell_text(signature, text, size=profile.signature_pt, bold=bold)
            first = False
        else:
            _add_text(signature, text, size=profile.signature_pt, bold=bold)
    for _ in range(profile.signature_blank_lines):
        if first:
            _cell_text(signature, "", size=profile.signature_pt)
            first = False
        else:
            _add_text(signature, "", size=profile.signature_pt)
    _add_text(signature, nfc(doc.signer_name).strip(), size=profile.signature_pt, bold=True)


# --- annex -------------------------------------------------------------------------------------------------------


def _annex(document, body: _Body, doc: ReportDocument, profile: DocumentProfile) -> None:
    size = profile.annex_pt
    breaker = document.add_paragraph()
    _format(breaker, size=size)
    breaker.add_run().add_break(WD_BREAK.PAGE)
    body.centred("PHỤ LỤC", size=profile.body_pt, bold=True)
    body.centred("SỐ LIỆU TỔNG HỢP", size=profile.body_pt, bold=True)
    reference = (
        f"(Kèm theo {sentence_case(doc.type_name)} số {number_only(doc.number_symbol)}, ngày {format_date(doc.date)})"
    )
    paragraph = document.add_paragraph()
    _format(paragraph, size=size, align=CENTER, space_after=Pt(12))
    _run(paragraph, reference, size=size, italic=True)

    widths = (15, 115, 35)
    table = document.add_table(rows=1, cols=3)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)
    header = table.rows[0]
    _repeat_header(header)
    for cell, text, width in zip(header.cells, ("STT", "Chỉ tiêu", "Số liệu"), widths, strict=True):
        cell.width = Mm(width)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        _cell_text(cell, text, size=size, bold=True, space=Pt(3))
    for index, figure in enumerate(doc.figures, start=1):
        cells = table.add_row().cells
        values = ((str(index), CENTER), (nfc(figure.label).strip(), LEFT), (format_number(figure.value), RIGHT))
        for cell, (text, align), width in zip(cells, values, widths, strict=True):
            cell.width = Mm(width)
            _cell_text(cell, text, size=size, align=align, space=Pt(3))


# --- low-level helpers -------------------------------------------------------------------------------------------


def _format(
    paragraph,
    *,
    size: float,
    align=None,
    space_before=None,
    space_after=None,
    first_line_indent=None,
    left_indent=None,
    right_indent=None,
    line_spacing: float | None = None,
    keep_with_next: bool = False,
) -> None:
    fmt = paragraph.paragraph_format
    if align is not None:
        fmt.alignment = align
    fmt.space_before = space_before if space_before is not None else Pt(0)
    fmt.space_after = space_after if space_after is not None else Pt(0)
    if first_line_indent is not None:
        fmt.first_line_indent = first_line_indent
    if left_indent is not None:
        fmt.left_indent = left_indent
    if right_indent is not None:
        fmt.right_indent = right_indent
    if line_spacing is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.MULTIPLE
        fmt.line_spacing = line_spacing
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if keep_with_next:
        fmt.keep_with_next = True
    _mark_size(paragraph, size)


def _run(paragraph, text: str, *, size: float, bold: bool = False, italic: bool = False):
    run = paragraph.add_run(nfc(text))
    run.font.size = Pt(size)
    if bold:
        run.font.bold = True
    if italic:
        run.font.italic = True
    return run


def _cell_text(cell, text: str, *, size: float, bold=False, italic=False, align=CENTER, space=None) -> None:
    """Write into the cell's first (empty) paragraph."""
    paragraph = cell.paragraphs[0]
    _format(paragraph, size=size, align=align, space_before=space, space_after=space)
    if text:
        _run(paragraph, text, size=size, bold=bold, italic=italic)


def _add_text(cell, text: str, *, size: float, bold=False, italic=False, align=CENTER) -> None:
    paragraph = cell.add_paragraph()
    _format(paragraph, size=size, align=align)
    if text:
        _run(paragraph, text, size=size, bold=bold, italic=italic)


def _mark_size(paragraph, size: float) -> None:
    """Size of the paragraph mark, which sets the height of an empty line."""
    ppr = paragraph._p.get_or_add_pPr()
    rpr = ppr.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        ppr.insert_element_before(rpr, "w:sectPr", "w:pPrChange")
    for tag in ("w:sz", "w:szCs"):
        element = rpr.find(qn(tag))
        if element is None:
            element = OxmlElement(tag)
            rpr.append(element)
        element.set(qn("w:val"), str(max(2, int(round(size * 2)))))


def _border(paragraph, side: str, *, size_eighths: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    line = OxmlElement(f"w:{side}")
    line.set(qn("w:val"), "single")
    line.set(qn("w:sz"), str(size_eighths))
    line.set(qn("w:space"), "1")
    line.set(qn("w:color"), "000000")
    borders.append(line)
    ppr.insert_element_before(borders, *_PPR_AFTER_PBDR)


def _page_field(paragraph, size: float) -> None:
    """A PAGE field (complex field, understood by Word and LibreOffice)."""

    def fld_char(kind: str):
        run = paragraph.add_run()
        run.font.size = Pt(size)
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run._r.append(element)

    fld_char("begin")
    run = paragraph.add_run()
    run.font.size = Pt(size)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    run._r.append(instr)
    fld_char("separate")
    _run(paragraph, "2", size=size)
    fld_char("end")


def _borderless_table(document, *, rows: int, widths_mm: tuple[float, float]):
    table = document.add_table(rows=rows, cols=len(widths_mm))
    table.autofit = False
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tblpr.insert_element_before(borders, *_TBLPR_AFTER_BORDERS)
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(int(round(sum(widths_mm) / 25.4 * 1440))))
    width.set(qn("w:type"), "dxa")
    existing = tblpr.find(qn("w:tblW"))
    if existing is not None:
        tblpr.replace(existing, width)
    else:
        tblpr.insert_element_before(width, "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd")
    for column, width_mm in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width_mm)
    for row in table.rows:
        for cell, width_mm in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width_mm)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    return table


def _cant_split(row) -> None:
    element = OxmlElement("w:cantSplit")
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().insert(0, element)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    trpr.append(element)
