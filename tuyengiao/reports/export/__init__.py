"""Renderers of a review report: DOCX (the Party document), XLSX (the figures annex), PDF (via LibreOffice)."""

from .docx import render_docx
from .pdf import PdfUnavailable, docx_to_pdf, render_pdf
from .profiles import PROFILES, DocumentProfile, UnknownProfile, get_profile
from .text import date_line, format_number
from .xlsx import render_xlsx

__all__ = [
    "PROFILES",
    "DocumentProfile",
    "PdfUnavailable",
    "UnknownProfile",
    "date_line",
    "docx_to_pdf",
    "format_number",
    "get_profile",
    "render_docx",
    "render_pdf",
    "render_xlsx",
]
