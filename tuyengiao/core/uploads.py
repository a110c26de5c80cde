"""Checking uploaded files: the type read from the content, size limits, zip bombs, safe file names.

Every upload path calls `check_upload` (Wagtail documents and images through
their form bases: admin, chooser and multiple upload alike; the XLSX imports
through `check_xlsx`). A file is refused, with a Vietnamese message, when

- it is empty or larger than the limit of its kind (`max_bytes`);
- its extension is not on the allow-list of its kind (documents:
  `WAGTAILDOCS_EXTENSIONS`, images: `WAGTAILIMAGES_EXTENSIONS`, imports: xlsx),
  or is one a browser would run (SVG, HTML, XML, JavaScript: `NEVER_ACCEPTED`,
  whatever the settings say);
- its content is not what the extension promises (`detect_content`: magic
  numbers via the `filetype` library, the ZIP directory for DOCX/XLSX/PPTX and
  OpenDocument, the OLE2 directory for DOC/XLS/PPT, the leading bytes for
  markup) — an executable renamed .pdf, a web page renamed .docx;
- it is a ZIP-based file that would expand past `UPLOAD_ZIP_MAX_UNCOMPRESSED_BYTES`
  or `UPLOAD_ZIP_MAX_RATIO` times its size (a zip bomb), or an Office Open XML
  file carrying VBA macros (a .docm/.xlsm renamed).

Python's zipfile never inflates an entry past the size its directory declares
(it stops there and fails the CRC), so checking the declared sizes bounds what
openpyxl or python-docx can be made to inflate later.

`safe_file_name` gives the name the file is stored under (the title keeps the
original name).
"""

from __future__ import annotations

import io
import re
import struct
import unicodedata
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

DOCUMENTS = "documents"
IMAGES = "images"
IMPORTS = "imports"

# Extensions a browser would render or run; refused for every kind, even if added to an allow-list.
NEVER_ACCEPTED = frozenset({"svg", "svgz", "htm", "html", "xhtml", "xht", "shtml", "xml", "xsl", "js", "mjs"})

# What the content of a file with this extension may be (the names `detect_content` answers).
EXPECTED_CONTENT = {
    "pdf": {"pdf"},
    "doc": {"doc", "rtf"},  # Word still saves RTF under .doc on request
    "xls": {"xls"},
    "ppt": {"ppt"},
    "docx": {"docx"},
    "xlsx": {"xlsx"},
    "pptx": {"pptx"},
    "odt": {"odt"},
    "ods": {"ods"},
    "odp": {"odp"},
    "rtf": {"rtf"},
    "zip": {"zip", "docx", "xlsx", "pptx", "odt", "ods", "odp"},  # an office file is a ZIP too
    "rar": {"rar"},
    "7z": {"7z"},
    "jpg": {"jpg"},
    "jpeg": {"jpg"},
    "png": {"png"},
    "gif": {"gif"},
    "webp": {"webp"},
    "avif": {"avif"},
    "heic": {"heic"},
    "txt": {"txt"},
    "csv": {"txt"},
}

LABELS = {
    "pdf": "PDF",
    "doc": "tài liệu Word 97–2003 (.doc)",
    "docx": "tài liệu Word (.docx)",
    "xls": "bảng tính Excel 97–2003 (.xls)",
    "xlsx": "bảng tính Excel (.xlsx)",
    "ppt": "bản trình chiếu PowerPoint 97–2003 (.ppt)",
    "pptx": "bản trình chiếu PowerPoint (.pptx)",
    "odt": "văn bản OpenDocument (.odt)",
    "ods": "bảng tính OpenDocument (.ods)",
    "odp": "bản trình chiếu OpenDocument (.odp)",
    "rtf": "văn bản RTF",
    "zip": "tệp nén ZIP",
    "rar": "tệp nén RAR",
    "7z": "tệp nén 7z",
    "jpg": "ảnh JPEG",
    "png": "ảnh PNG",
    "gif": "ảnh GIF",
    "webp": "ảnh WebP",
    "avif": "ảnh AVIF",
    "heic": "ảnh HEIC",
    "txt": "văn bản thuần",
    "html": "trang web HTML",
    "svg": "ảnh SVG (có thể chứa mã chạy trên trình duyệt)",
    "xml": "tệp XML",
    "exe": "tệp thực thi",
    "ole": "tệp OLE không phải Word, Excel hay PowerPoint (ví dụ bộ cài .msi)",
    "encrypted": "tệp Office đặt mật khẩu (không kiểm tra được; hãy bỏ mật khẩu rồi tải lên lại)",
}
EXECUTABLES = {"exe", "elf", "wasm", "crx", "deb", "rpm", "swf"}

HEAD_BYTES = 8192
ZIP_RATIO_FLOOR = 10 * 1024 * 1024  # below this many bytes unpacked, the ratio is not checked
MAX_NAME_CHARS = 80
MAX_NAME_BYTES = 150  # UTF-8 bytes of a stored name; file systems allow 255 per path part
WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])$", re.IGNORECASE)
MARKUP_START = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|script|iframe|h1|div|font|table|a|style|title|b|br|p|"
    rb"object|embed|meta|link|form|svg|!--)[\s>/]",
    re.IGNORECASE,
)


class UploadRejected(ValidationError):
    """A refused upload; the message is for the person who sent it."""

    def __init__(self, message: str):
        super().__init__(message, code="upload_rejected")


@dataclass(frozen=True)
class CheckedUpload:
    name: str  # the safe name to store the file under
    content: str  # what the content is (a key of LABELS)


# --- limits and allow-lists -------------------------------------------------------------------------------


def allowed_extensions(kind: str) -> list[str]:
    if kind == DOCUMENTS:
        listed = getattr(settings, "WAGTAILDOCS_EXTENSIONS", None) or []
    elif kind == IMAGES:
        from wagtail.images.utils import get_allowed_image_extensions

        listed = get_allowed_image_extensions()
    elif kind == IMPORTS:
        listed = ["xlsx"]
    else:
        raise ValueError(kind)
    return [ext.lower() for ext in listed if ext.lower() not in NEVER_ACCEPTED]


def max_bytes(kind: str) -> int | None:
    return {
        DOCUMENTS: settings.WAGTAILDOCS_MAX_UPLOAD_SIZE,
        IMAGES: settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE,
        IMPORTS: settings.UPLOAD_IMPORT_MAX_BYTES,
    }[kind]


def content_type_for(name: str) -> str:
    """The Content-Type a stored file is served with, from its (checked) extension; unknown: octet-stream.

    From WAGTAILDOCS_CONTENT_TYPES (the table Wagtail's serve view uses), never from the host's mime.types.
    """
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return settings.WAGTAILDOCS_CONTENT_TYPES.get(extension, "application/octet-stream")


# --- the checks ------------------------------------------------------------------------------------------


def check_upload(file, *, kind: str, name: str | None = None) -> CheckedUpload:
    """Refuse the file (UploadRejected) or return the name to store it under and what it contains."""
    original = str(name if name is not None else getattr(file, "name", "") or "")
    shown = _shown_name(original)
    size = _size(file)
    if not size:
        raise UploadRejected(f"Tệp “{shown}” rỗng.")
    limit = max_bytes(kind)
    if limit is not None and size > limit:
        raise UploadRejected(
            f"Tệp “{shown}” quá lớn ({_mb(size)}); tối đa {_mb(limit)} cho loại tệp này. Hãy nén bớt hoặc chia nhỏ tệp."
        )
    safe = safe_file_name(original, ascii_only=kind == IMAGES)
    extension = safe.rsplit(".", 1)[-1].lower() if "." in safe else ""
    allowed = allowed_extensions(kind)
    if extension in NEVER_ACCEPTED:
        raise UploadRejected(
            f"Không nhận tệp “{shown}”: tệp SVG, HTML, XML hay JavaScript có thể chứa mã chạy trên trình duyệt "
            "của người xem. Hãy gửi bản PDF hoặc ảnh PNG, JPEG."
        )
    if extension not in allowed or extension not in EXPECTED_CONTENT:
        raise UploadRejected(
            f"Không nhận tệp “{shown}”: loại tệp “{extension or 'không có đuôi'}” không được phép; "
            f"chỉ nhận {', '.join(allowed)}."
        )
    content = detect_content(file, name=shown)
    if content not in EXPECTED_CONTENT[extension]:
        raise UploadRejected(_mismatch_message(shown, extension, content, allowed))
    return CheckedUpload(name=safe, content=content)


def check_xlsx(file, *, name: str) -> None:
    """For the XLSX imports: within the import size limit, really an XLSX (ZIP with xl/), no zip bomb."""
    shown = _shown_name(name) or "tệp tải lên"
    size = _size(file)
    limit = max_bytes(IMPORTS)
    if size > limit:
        raise UploadRejected(f"Tệp “{shown}” quá lớn ({_mb(size)}); tối đa {_mb(limit)}.")
    content = detect_content(file, name=shown)
    if content != "xlsx":
        raise UploadRejected(_mismatch_message(shown, "xlsx", content, ["xlsx"]))


def _mismatch_message(shown: str, extension: str, content: str, allowed: list[str]) -> str:
    promised = LABELS.get({"jpeg": "jpg", "csv": "txt"}.get(extension, extension), extension)
    actual = "không nhận ra được nội dung" if content == "unknown" else f"nội dung là {LABELS.get(content, content)}"
    message = f"Tệp “{shown}” không phải là {promised}: {actual}."
    right = [ext for ext in allowed if content in EXPECTED_CONTENT.get(ext, ()) and ext != "zip"]
    if right and content not in {"html", "svg", "xml", "exe"}:
        message += f" Hãy đổi đuôi tệp thành .{right[0]} rồi tải lên lại."
    return message


# --- what the content is ---------------------------------------------------------------------------------


def detect_content(file, *, name: str = "") -> str:
    """What the bytes are, as a key of LABELS ("unknown" when nothing fits). Leaves the file at position 0.

    Raises UploadRejected for a broken or dangerous ZIP-based file (zip bomb, macros).
    """
    file.seek(0)
    head = file.read(HEAD_BYTES)
    file.seek(0)
    try:
        markup = _markup(head)
        if markup:
            return markup
        if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
            return _ole_kind(file)
        if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
            return _zip_kind(file, name=name)
        if b"%PDF-" in head[:1024]:
            return "pdf"
        if head.startswith(b"{\\rtf"):
            return "rtf"
        import filetype

        guessed = filetype.guess(head)
        if guessed is not None:
            extension = guessed.extension
            if extension in EXECUTABLES:
                return "exe"
            return {"jpeg": "jpg"}.get(extension, extension)
        if b"\x00" not in head or head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 text has NULs
            return "txt"
        return "unknown"
    finally:
        file.seek(0)


def _markup(head: bytes) -> str | None:
    """HTML, SVG or XML as a browser sniffing the first bytes would take it (WHATWG MIME sniffing)."""
    text = head
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if text.startswith(bom):
            text = text[len(bom) :]
            if codec != "utf-8":
                text = text.decode(codec, "ignore").encode("utf-8")
            break
    text = text.lstrip(b" \t\n\r\f")
    lowered = text[:1024].lower()
    if lowered.startswith(b"<?xml") or lowered.startswith(b"<!doctype svg"):
        return "svg" if b"<svg" in head.lower() else "xml"
    if MARKUP_START.match(lowered):
        return "svg" if lowered.startswith(b"<svg") else "html"
    return None


def _zip_kind(file, *, name: str) -> str:
    """docx, xlsx, pptx, odt, ods, odp or zip, after the zip-bomb limits; UploadRejected when broken or unsafe."""
    size = _size(file)
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise UploadRejected(f"Tệp “{name}” bị hỏng: không đọc được như một tệp nén ZIP.") from error
    with archive:
        entries = archive.infolist()
        unpacked = sum(entry.file_size for entry in entries)
        too_many = len(entries) > settings.UPLOAD_ZIP_MAX_ENTRIES
        too_big = unpacked > settings.UPLOAD_ZIP_MAX_UNCOMPRESSED_BYTES
        too_dense = unpacked > ZIP_RATIO_FLOOR and unpacked > settings.UPLOAD_ZIP_MAX_RATIO * max(size, 1)
        if too_many or too_big or too_dense:
            raise UploadRejected(
                f"Tệp “{name}” bị từ chối: khi giải nén sẽ thành {_mb(unpacked)} trong {len(entries):,} tệp con "
                "(dấu hiệu “bom nén”). Hãy kiểm tra lại tệp.".replace(",", ".")
            )
        names = {entry.filename for entry in entries}
        if "mimetype" in names and archive.getinfo("mimetype").file_size < 200:
            mimetype = archive.read("mimetype").decode("ascii", "ignore").strip()
            kind = {
                "application/vnd.oasis.opendocument.text": "odt",
                "application/vnd.oasis.opendocument.spreadsheet": "ods",
                "application/vnd.oasis.opendocument.presentation": "odp",
            }.get(mimetype)
            if kind:
                return kind
        if "[Content_Types].xml" in names:
            for prefix, kind in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
                if any(n.startswith(prefix) for n in names):
                    if any(n.startswith(prefix) and n.endswith("vbaProject.bin") for n in names):
                        raise UploadRejected(
                            f"Tệp “{name}” chứa macro (mã VBA), có thể chạy mã độc trên máy người mở. "
                            "Hãy lưu lại dưới dạng tệp không có macro (.docx, .xlsx, .pptx)."
                        )
                    return kind
    return "zip"


def _ole_kind(file) -> str:
    """doc, xls, ppt or ole: the stream names in an OLE2 compound file's directory ([MS-CFB])."""
    names = set(_ole_directory_names(file))
    if "EncryptedPackage" in names:  # a DOCX/XLSX/PPTX saved with a password is wrapped in OLE2
        return "encrypted"
    if "WordDocument" in names:
        return "doc"
    if "Workbook" in names or "Book" in names:
        return "xls"
    if "PowerPoint Document" in names:
        return "ppt"
    return "ole"


def _ole_directory_names(file, *, max_sectors: int = 4096) -> list[str]:
    size = _size(file)
    file.seek(0)
    header = file.read(512)
    if len(header) < 512:
        return []
    sector_size = 1 << struct.unpack_from("<H", header, 0x1E)[0]
    if sector_size not in (512, 4096):
        return []
    (first_dir,) = struct.unpack_from("<I", header, 0x30)
    first_difat, difat_count = struct.unpack_from("<II", header, 0x44)
    difat = list(struct.unpack_from("<109I", header, 0x4C))
    per_sector = sector_size // 4
    next_difat = first_difat
    for _ in range(min(difat_count, max_sectors)):  # FAT sectors listed beyond the header's 109
        if next_difat >= 0xFFFFFFFA:
            break
        block = _ole_sector(file, next_difat, sector_size, size)
        if block is None:
            break
        values = struct.unpack(f"<{per_sector}I", block)
        difat.extend(values[:-1])
        next_difat = values[-1]

    def next_sector(sector: int) -> int:
        index, offset = divmod(sector, per_sector)
        if index >= len(difat) or difat[index] >= 0xFFFFFFFA:
            return 0xFFFFFFFE
        block = _ole_sector(file, difat[index], sector_size, size)
        return 0xFFFFFFFE if block is None else struct.unpack_from("<I", block, offset * 4)[0]

    names, sector, seen = [], first_dir, set()
    while sector < 0xFFFFFFFA and sector not in seen and len(seen) < max_sectors:
        seen.add(sector)
        block = _ole_sector(file, sector, sector_size, size)
        if block is None:
            break
        for start in range(0, sector_size, 128):
            entry = block[start : start + 128]
            length, kind = struct.unpack_from("<HB", entry, 0x40)
            if kind in (1, 2, 5) and 2 <= length <= 64:
                names.append(entry[: length - 2].decode("utf-16-le", "ignore"))
        sector = next_sector(sector)
    file.seek(0)
    return names


def _ole_sector(file, sector: int, sector_size: int, size: int) -> bytes | None:
    offset = (sector + 1) * sector_size
    if offset + sector_size > size:
        return None
    file.seek(offset)
    block = file.read(sector_size)
    return block if len(block) == sector_size else None


# --- file names ------------------------------------------------------------------------------------------


def safe_file_name(name: str, *, ascii_only: bool = False, fallback: str = "tep") -> str:
    """A name safe to store and to send back: one path part, no control or reserved characters.

    NFC (macOS sends decomposed letters, which Django's own cleaning would strip
    of their marks), only the last path part, no control/format characters
    (NUL, right-to-left overrides), letters and digits of any script, `-`, `_`
    and single dots kept, spaces and everything else as `_`, no leading dots,
    no Windows device names, at most MAX_NAME_CHARS characters and
    MAX_NAME_BYTES UTF-8 bytes, extension in lower case. Vietnamese letters
    stay readable ("Báo_cáo_tổng_kết.pdf"); `ascii_only` transliterates
    ("Bao_cao_tong_ket.pdf", for images, whose storage Wagtail keeps ASCII).
    """
    text = unicodedata.normalize("NFC", str(name or ""))
    text = re.split(r"[/\\]", text)[-1]
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    if ascii_only:
        from unidecode import unidecode

        text = unidecode(text)
    stem, dot, extension = text.rpartition(".")
    if not dot:
        stem, extension = text, ""
    extension = re.sub(r"[^a-z0-9]", "", extension.lower())[:10]
    stem = "".join(ch if (ch.isalnum() or ch in "-_.") else "_" for ch in stem)
    stem = re.sub(r"\.{2,}", ".", stem)
    stem = re.sub(r"_{2,}", "_", stem).strip("._-")
    if not stem or WINDOWS_RESERVED.match(stem.split(".")[0]):
        stem = f"{fallback}_{stem}".rstrip("_") if stem else fallback
    room_bytes = MAX_NAME_BYTES - (len(extension) + 1 if extension else 0)
    room_chars = MAX_NAME_CHARS - (len(extension) + 1 if extension else 0)
    stem = stem[:room_chars]
    while len(stem.encode("utf-8")) > room_bytes:
        stem = stem[:-1]
    stem = stem.rstrip("._-") or fallback
    return f"{stem}.{extension}" if extension else stem


def _shown_name(name: str) -> str:
    """The name as sent, printable and short, for messages."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = re.split(r"[/\\]", text)[-1]
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    return text if len(text) <= 60 else f"{text[:40]}…{text[-15:]}"


def _size(file) -> int:
    size = getattr(file, "size", None)
    if isinstance(size, int):
        return size
    position = file.tell()
    file.seek(0, io.SEEK_END)
    size = file.tell()
    file.seek(position)
    return size


def _mb(size: int) -> str:
    """Vietnamese style: "50 MB", "12,5 MB", "340 KB"."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    value = f"{size / (1024 * 1024):.1f}".removesuffix(".0")
    return f"{value.replace('.', ',')} MB"
