"""Layout profiles of a Party document, one per guidance in force.

``HD36-2018`` follows Hướng dẫn 36-HD/VPTW (2018) on the format of Party
documents. When newer guidance changes sizes or margins, add another profile
and point new reports at it; reports already issued keep the profile they
were made with (``ReportDocument.profile``).
"""

from __future__ import annotations

from dataclasses import dataclass


class UnknownProfile(ValueError):
    pass


@dataclass(frozen=True)
class DocumentProfile:
    name: str
    # Page (mm).
    page_width_mm: float = 210
    page_height_mm: float = 297
    margin_top_mm: float = 20
    margin_bottom_mm: float = 20
    margin_left_mm: float = 30
    margin_right_mm: float = 15
    header_distance_mm: float = 10
    footer_distance_mm: float = 10
    font_name: str = "Times New Roman"
    language: str = "vi-VN"
    # Header table: left column (superior and issuing body, number), right column
    # (ĐẢNG CỘNG SẢN VIỆT NAM, place and date). The two add up to the text width.
    header_left_mm: float = 80
    header_right_mm: float = 85
    superior_body_pt: float = 14
    issuing_body_pt: float = 14
    number_symbol_pt: float = 14
    party_name: str = "ĐẢNG CỘNG SẢN VIỆT NAM"
    party_name_pt: float = 15
    # The rule under the party name is as long as the name set in bold 15 pt
    # Times New Roman (72.7 mm).
    party_rule_mm: float = 72
    date_line_pt: float = 14
    # Title.
    type_name_pt: float = 16
    summary_pt: float = 14
    summary_rule: str = "-----"
    # Body.
    body_pt: float = 14
    body_first_line_indent_mm: float = 12.7
    body_line_spacing: float = 1.15
    body_space_after_pt: float = 6
    # Signature and recipients, side by side.
    recipients_col_mm: float = 80
    signature_col_mm: float = 85
    signature_pt: float = 14
    signature_blank_lines: int = 4
    recipients_heading: str = "Nơi nhận:"
    recipients_heading_pt: float = 12
    recipients_heading_bold: bool = True
    recipients_heading_italic: bool = True
    recipients_pt: float = 12
    # Page numbers from page 2: top centre.
    page_number_pt: float = 14
    # Annex table of figures after the signature.
    annex_pt: float = 13


HD36_2018 = DocumentProfile(name="HD36-2018")

PROFILES: dict[str, DocumentProfile] = {HD36_2018.name: HD36_2018}


def get_profile(name: str) -> DocumentProfile:
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(sorted(PROFILES))
        raise UnknownProfile(f"Không có mẫu trình bày văn bản “{name}”. Các mẫu hiện có: {known}.") from None
