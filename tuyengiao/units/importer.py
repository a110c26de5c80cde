"""Reading and checking a unit tree in XLSX; the template to fill in.

Columns (header row first, in any order; more columns are ignored):
Mã đơn vị, Tên, Loại, Cấp, Ký hiệu, Mã đơn vị cấp trên, Hiệu lực từ, Khối.
A parent is found by its code, in the same file (before or after the child)
or among the existing units. Every row is checked before anything is saved;
one bad row refuses the whole file with a Vietnamese list of row errors.
The write itself is `services.unit_tree_import`.
"""

from __future__ import annotations

import datetime
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone

from tuyengiao.core import uploads

from .models import Unit, UnitGroup, UnitKind, UnitLevel
from .selectors import units_visible_to

MAX_ROWS = 20_000
MAX_ERRORS_SHOWN = 100

# (field, heading, required)
COLUMNS = [
    ("code", "Mã đơn vị", True),
    ("name", "Tên", True),
    ("kind", "Loại", True),
    ("level", "Cấp", True),
    ("short_code", "Ký hiệu", True),
    ("parent_code", "Mã đơn vị cấp trên", False),
    ("valid_from", "Hiệu lực từ", False),
    ("groups", "Khối", False),
]
HEADINGS = [heading for _field, heading, _required in COLUMNS]

# Old-style tone placement (hòa, thủy) read as new style (hoà, thuỷ), so either spelling matches.
_OLD_TONES = {
    **{
        f"{o}{v}": f"o{t}" for v, pairs in (("a", "àáảãạ"), ("e", "èéẻẽẹ")) for o, t in zip("òóỏõọ", pairs, strict=True)
    },
    **{f"{u}y": f"u{t}" for u, t in zip("ùúủũụ", "ỳýỷỹỵ", strict=True)},
}
_OLD_TONE_RE = re.compile("(" + "|".join(_OLD_TONES) + r")(?=\W|$)")


def match_key(text: str) -> str:
    """Case-, spacing- and tone-placement-insensitive key for matching labels typed by people."""
    text = unicodedata.normalize("NFC", str(text)).casefold()
    text = _OLD_TONE_RE.sub(lambda m: _OLD_TONES[m.group(1)], text)
    return " ".join(text.replace("\u00a0", " ").split())


def _choice_lookup(choices) -> dict[str, str]:
    """Accept the stored value, the full label, or each part of a label ("Xã, phường, đặc khu" → "phường")."""
    lookup = {}
    for value, label in choices.choices:
        lookup[match_key(value)] = value
        lookup[match_key(label)] = value
        for part in re.split(r"[,/]", re.sub(r"\(.*?\)", "", label)):
            if part.strip():
                lookup.setdefault(match_key(part), value)
    return lookup


KIND_LOOKUP = _choice_lookup(UnitKind)
LEVEL_LOOKUP = _choice_lookup(UnitLevel)


class NotXlsx(ValidationError):
    pass


@dataclass
class Row:
    number: int  # the spreadsheet's row number, as the user sees it
    values: dict[str, object]


@dataclass
class PlannedUnit:
    number: int
    code: str
    name: str
    kind: str
    level: str
    short_code: str
    parent_code: str
    valid_from: datetime.date | None
    groups: list[UnitGroup] = field(default_factory=list)
    existing_parent: Unit | None = None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def read_rows(content: bytes, *, file_name: str = "") -> list[Row]:
    """The data rows of the first sheet, keyed by field; refuses files that are not XLSX."""
    from openpyxl import load_workbook

    label = f"“{file_name}”" if file_name else "đã chọn"
    limit = uploads.max_bytes(uploads.IMPORTS)  # UPLOAD_IMPORT_MAX_MB
    if len(content) > limit:
        raise ValidationError(f"Tệp {label} quá lớn (tối đa {limit // (1024 * 1024)} MB).")
    if content[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise NotXlsx(
            f"Tệp {label} là tệp Excel 97-2003 (.xls). Hãy mở bằng Excel và lưu lại dạng .xlsx, hoặc dùng tệp mẫu."
        )
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise NotXlsx(f"Tệp {label} không phải là tệp Excel .xlsx. Hãy tải tệp mẫu, điền và lưu dạng .xlsx.")
    try:  # really an XLSX (not a renamed DOCX or ZIP), and no zip bomb for openpyxl to inflate
        uploads.check_xlsx(io.BytesIO(content), name=file_name)
    except uploads.UploadRejected as rejected:
        raise NotXlsx(rejected.messages) from rejected
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        raw_rows = list(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 2))
    except Exception as error:  # openpyxl raises many kinds (KeyError, InvalidFileException, BadZipFile …)
        raise NotXlsx(f"Tệp {label} không đọc được như một tệp Excel .xlsx ({type(error).__name__}).") from error
    numbered = [(n, row) for n, row in enumerate(raw_rows, start=1) if any(_text(v) for v in row or ())]
    if not numbered:
        raise ValidationError("Tệp không có dữ liệu: cần một dòng tiêu đề và ít nhất một dòng đơn vị.")
    header_number, header = numbered[0]
    by_heading = {match_key(_text(v)): i for i, v in enumerate(header) if _text(v)}
    positions, missing = {}, []
    for name, heading, required in COLUMNS:
        if match_key(heading) in by_heading:
            positions[name] = by_heading[match_key(heading)]
        elif required:
            missing.append(heading)
    if missing:
        raise ValidationError(
            f"Dòng {header_number} (tiêu đề) thiếu cột: {', '.join(missing)}. Hãy dùng đúng tiêu đề như tệp mẫu."
        )
    data = numbered[1:]
    if not data:
        raise ValidationError("Tệp chỉ có dòng tiêu đề, chưa có đơn vị nào.")
    if len(data) > MAX_ROWS:
        raise ValidationError(f"Tệp có quá nhiều dòng (tối đa {MAX_ROWS:,} dòng một lần nhập).".replace(",", "."))
    return [
        Row(number=n, values={name: (row[i] if i < len(row) else None) for name, i in positions.items()})
        for n, row in data
    ]


def _parse_date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if not match:
        raise ValueError(text)
    day, month, year = (int(g) for g in match.groups())
    return datetime.date(year, month, day)


def validate(rows: list[Row], *, actor) -> list[PlannedUnit]:
    """Check every row; return the units in an order where each parent comes before its children."""
    errors: list[str] = []
    planned: dict[str, PlannedUnit] = {}
    first_seen: dict[str, int] = {}
    groups_by_key = {match_key(g.name): g for g in UnitGroup.objects.all()}
    codes = {_text(row.values.get("code")) for row in rows} | {_text(row.values.get("parent_code")) for row in rows}
    existing = {u.code: u for u in Unit.objects.filter(code__in=[c for c in codes if c])}
    visible_ids = set(
        units_visible_to(actor).filter(pk__in=[u.pk for u in existing.values()]).values_list("pk", flat=True)
    )

    for row in rows:
        here = f"Dòng {row.number}"
        row_errors = []
        code = _text(row.values.get("code"))
        name = _text(row.values.get("name"))
        short_code = _text(row.values.get("short_code"))
        parent_code = _text(row.values.get("parent_code"))
        if not code:
            row_errors.append(f"{here}: thiếu mã đơn vị.")
        elif code in first_seen:
            row_errors.append(f"{here}: mã đơn vị “{code}” trùng với dòng {first_seen[code]}.")
        elif code in existing:
            row_errors.append(f"{here}: mã đơn vị “{code}” đã có trong hệ thống (“{existing[code].name}”).")
        if not name:
            row_errors.append(f"{here}: thiếu tên đơn vị.")
        if not short_code:
            row_errors.append(f"{here}: thiếu ký hiệu.")
        kind_text, level_text = _text(row.values.get("kind")), _text(row.values.get("level"))
        kind = KIND_LOOKUP.get(match_key(kind_text))
        level = LEVEL_LOOKUP.get(match_key(level_text))
        if not kind:
            row_errors.append(
                f"{here}: loại “{kind_text}” không hợp lệ (chọn một trong: {', '.join(UnitKind.labels)})."
            )
        if not level:
            row_errors.append(
                f"{here}: cấp “{level_text}” không hợp lệ (chọn một trong: {', '.join(UnitLevel.labels)})."
            )
        valid_from = None
        raw_date = row.values.get("valid_from")
        if _text(raw_date):
            try:
                valid_from = _parse_date(raw_date)
            except ValueError:
                row_errors.append(f"{here}: ngày hiệu lực “{_text(raw_date)}” không hợp lệ (ghi dạng dd/mm/yyyy).")
        groups = []
        for group_name in (p.strip() for p in _text(row.values.get("groups")).split(",")):
            if not group_name:
                continue
            group = groups_by_key.get(match_key(group_name))
            if group is None:
                row_errors.append(f"{here}: chưa có khối “{group_name}” (hãy tạo khối trước trong mục Khối).")
            else:
                groups.append(group)
        if code and code not in first_seen:
            first_seen[code] = row.number
        if row_errors:
            errors.extend(row_errors)
            continue
        planned[code] = PlannedUnit(
            number=row.number,
            code=code,
            name=name,
            kind=kind,
            level=level,
            short_code=short_code,
            parent_code=parent_code,
            valid_from=valid_from,
            groups=groups,
        )

    # Parents: in the file, or an existing unit the importer may work on.
    for unit in planned.values():
        here = f"Dòng {unit.number}"
        if not unit.parent_code:
            if not actor.is_superuser:
                errors.append(f"{here}: chỉ quản trị hệ thống được tạo đơn vị gốc; hãy ghi mã đơn vị cấp trên.")
        elif unit.parent_code == unit.code:
            errors.append(f"{here}: đơn vị không thể là cấp trên của chính nó.")
        elif unit.parent_code in first_seen:
            pass  # checked for cycles below; an invalid parent row is already reported
        elif unit.parent_code in existing:
            parent = existing[unit.parent_code]
            if parent.pk not in visible_ids:
                errors.append(f"{here}: bạn không có quyền với đơn vị cấp trên “{parent.name}”.")
            elif parent.valid_to is not None:
                errors.append(f"{here}: đơn vị cấp trên “{parent.name}” đã ngừng hoạt động.")
            else:
                unit.existing_parent = parent
        else:
            errors.append(f"{here}: không tìm thấy đơn vị cấp trên có mã “{unit.parent_code}”.")

    errors.extend(_cycle_errors(planned))
    if errors:
        raise ValidationError(_summarise(errors))
    return _parents_first(planned)


def _cycle_errors(planned: dict[str, PlannedUnit]) -> list[str]:
    errors, reported = [], set()
    for start in planned:
        chain, code = [], start
        while code in planned and code not in chain:
            chain.append(code)
            code = planned[code].parent_code
        if code in chain:
            loop = chain[chain.index(code) :]
            key = frozenset(loop)
            if key not in reported:
                reported.add(key)
                first = min(planned[c].number for c in loop)
                path = " → ".join([*loop, code])
                errors.append(f"Dòng {first}: các đơn vị là cấp trên của nhau thành vòng lặp ({path}).")
    return errors


def _parents_first(planned: dict[str, PlannedUnit]) -> list[PlannedUnit]:
    ordered, placed = [], set()

    def place(code: str) -> None:
        stack = []
        while code in planned and code not in placed:
            stack.append(code)
            code = planned[code].parent_code
        for c in reversed(stack):
            placed.add(c)
            ordered.append(planned[c])

    for code in planned:
        place(code)
    return ordered


def _summarise(errors: list[str]) -> list[str]:
    shown = errors[:MAX_ERRORS_SHOWN]
    if len(errors) > MAX_ERRORS_SHOWN:
        shown.append(f"… và {len(errors) - MAX_ERRORS_SHOWN} lỗi khác.")
    return ["Không nhập tệp: có lỗi ở các dòng dưới đây, chưa có đơn vị nào được lưu.", *shown]


def duplicate_message(previous) -> str:
    when = timezone.localtime(previous.imported_at).strftime("%d/%m/%Y %H:%M")
    who = previous.imported_by.get_full_name() or previous.imported_by.get_username() if previous.imported_by else ""
    by = f" bởi {who}" if who else ""
    return (
        f"Tệp này đã được nhập lúc {when}{by} (tệp “{previous.file_name}”, {previous.unit_count} đơn vị). "
        "Không nhập lại cùng một tệp."
    )


def template_workbook() -> bytes:
    """The XLSX template: headings, two example rows, and a sheet listing the accepted values."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Đơn vị"
    sheet.append(HEADINGS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.append(
        [
            "DU-LH",
            "Đảng ủy phường Long Hòa",
            UnitKind.PARTY_COMMITTEE.label,
            UnitLevel.COMMUNE.label,
            "ĐU",
            "TU",
            "01/07/2025",
            "Khối phường",
        ]
    )
    sheet.append(
        [
            "CB-LH-01",
            "Chi bộ khu vực 1 (phường Long Hòa)",
            UnitKind.PARTY_CELL.label,
            UnitLevel.CELL.label,
            "CB",
            "DU-LH",
            "01/07/2025",
            "",
        ]
    )
    for column, width in zip("ABCDEFGH", (14, 42, 22, 26, 12, 20, 14, 30), strict=True):
        sheet.column_dimensions[column].width = width

    help_sheet = workbook.create_sheet("Hướng dẫn")
    help_sheet.append(["Loại", "Cấp"])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    kinds, levels = list(UnitKind.labels), list(UnitLevel.labels)
    for i in range(max(len(kinds), len(levels))):
        help_sheet.append([kinds[i] if i < len(kinds) else None, levels[i] if i < len(levels) else None])
    notes = [
        "Mã đơn vị: mã ổn định, không trùng; dùng để ghi “Mã đơn vị cấp trên” của các đơn vị khác.",
        "Mã đơn vị cấp trên: mã một đơn vị trong tệp (trước hay sau đều được) hoặc đã có trong hệ thống.",
        "Hiệu lực từ: ngày dạng dd/mm/yyyy, có thể để trống.",
        "Khối: tên các khối đã có, cách nhau bằng dấu phẩy.",
        "Một dòng lỗi thì cả tệp không được nhập; sửa theo danh sách lỗi rồi nhập lại.",
    ]
    help_sheet.append([])
    for note in notes:
        help_sheet.append([note])
    help_sheet.column_dimensions["A"].width = 30
    help_sheet.column_dimensions["B"].width = 30

    for column, values in (("C", kinds), ("D", levels)):
        source = "A" if column == "C" else "B"
        validation = DataValidation(
            type="list", formula1=f"='Hướng dẫn'!${source}$2:${source}${len(values) + 1}", allow_blank=False
        )
        validation.error = "Chọn một giá trị trong danh sách."
        sheet.add_data_validation(validation)
        validation.add(f"{column}2:{column}{MAX_ROWS + 1}")

    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
