"""Real files for the upload tests, built in memory: good ones and the ones an attacker would send."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from PIL import Image as PILImage

from tuyengiao.documents.demo import tiny_pdf


def pdf() -> bytes:
    return tiny_pdf(["Bao cao tong ket nam 2025"])


def exe() -> bytes:
    """The start of a Windows program: DOS stub and a PE header."""
    stub = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8" + b"\x00" * 43 + struct.pack("<I", 0x80)
    stub += b"\x0e\x1f\xba\x0e\x00\xb4\x09\xcd\x21\xb8\x01\x4c\xcd\x21This program cannot be run in DOS mode.\r\r\n$"
    stub = stub.ljust(0x80, b"\x00")
    return stub + b"PE\x00\x00\x4c\x01\x03\x00" + b"\x00" * 400


def html() -> bytes:
    return b"<!DOCTYPE html>\n<html><body><script>fetch('/admin/').then(r => r.text())</script></body></html>\n"


def svg_with_script() -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>\n"
    )


def docx(text: str = "Báo cáo sơ kết 6 tháng") -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx(rows=(("STT", "Đơn vị"), (1, "Phường Long Hòa"))) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def odt() -> bytes:
    """An OpenDocument text as LibreOffice writes it: `mimetype` stored first, then the XML parts."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        archive.writestr(
            "content.xml",
            '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
            "<office:body><office:text><text:p>Kế hoạch tuyên truyền</text:p></office:text></office:body>"
            "</office:document-content>",
            compress_type=zipfile.ZIP_DEFLATED,
        )
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
            compress_type=zipfile.ZIP_DEFLATED,
        )
    return buffer.getvalue()


def rewrite_zip(data: bytes, *, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """The same ZIP with some entries replaced or added (deflated)."""
    replace, add = replace or {}, add or {}
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in source.infolist():
            archive.writestr(entry.filename, replace.get(entry.filename, source.read(entry.filename)))
        for name, content in add.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def xlsx_zip_bomb(unpacked_mb: int = 20) -> bytes:
    """A real workbook whose first sheet's XML unpacks to `unpacked_mb` MB (of spaces) from a few KB."""
    data = xlsx()
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    swollen = sheet.replace(b"</sheetData>", b"</sheetData>" + b" " * (unpacked_mb * 1024 * 1024))
    return rewrite_zip(data, replace={"xl/worksheets/sheet1.xml": swollen})


def docm_renamed() -> bytes:
    """A Word file with VBA macros (what Word saves as .docm), to be sent as .docx."""
    return rewrite_zip(docx(), add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504})


def jpeg(size=(120, 80)) -> bytes:
    buffer = io.BytesIO()
    PILImage.effect_noise(size, 64).convert("RGB").save(buffer, "JPEG")
    return buffer.getvalue()


def png(size=(120, 80)) -> bytes:
    buffer = io.BytesIO()
    PILImage.effect_noise(size, 64).convert("RGB").save(buffer, "PNG")
    return buffer.getvalue()


def png_header_bomb(width: int = 20_000, height: int = 20_000) -> bytes:
    """A PNG of a few hundred bytes whose header declares width × height pixels (400 million by default)."""

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    first_rows = zlib.compress(b"\x00" * (3 * width + 1) * 4, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", first_rows) + chunk(b"IEND", b"")


def ole2(stream_names: list[str]) -> bytes:
    """A minimal valid OLE2 compound file ([MS-CFB], version 3) with empty streams of these names.

    What .doc/.xls/.ppt files and Windows Installer (.msi) packages are made of; only the
    directory differs (WordDocument, Workbook, PowerPoint Document…).
    """
    free, end, fat_sector, no_stream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    entries = ["Root Entry", *stream_names]
    assert len(entries) <= 4, "one directory sector holds four entries"
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
    header += struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<109I", 0, *([free] * 108))
    fat = struct.pack("<128I", fat_sector, end, *([free] * 126))
    directory = b""
    for index, name in enumerate(entries):
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        kind = 5 if index == 0 else 2
        child = 1 if index == 0 and len(entries) > 1 else no_stream
        right = index + 1 if 0 < index < len(entries) - 1 else no_stream
        directory += encoded.ljust(64, b"\x00") + struct.pack("<HBB", len(encoded), kind, 1)
        directory += struct.pack("<III", no_stream, right, child) + b"\x00" * 36  # CLSID, state, times
        directory += struct.pack("<IQ", end, 0)  # first sector, size
    directory = directory.ljust(512, b"\x00")
    assert len(header) == 512 and len(fat) == 512
    return header + fat + directory
