"""XLSX imports of attendance (lượt per event and unit; people by name) and of study returns (per campaign and unit).

These are services: all rows are validated first (with a few bulk queries,
not one per row), and a single bad row rejects the whole file with the list
of row errors in Vietnamese; then everything is written in one transaction.
A file's SHA-256 is stored per import so the same file is not imported twice.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import re
import unicodedata
import zipfile
from collections import defaultdict
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from unidecode import unidecode
from wagtail.log_actions import log

from tuyengiao.core import uploads
from tuyengiao.units.models import Unit
from tuyengiao.units.selectors import units_visible_to

from . import selectors
from .models import (
    Attendance,
    BriefingConference,
    EducationClass,
    ImportBatch,
    ImportKind,
    Participant,
    ParticipantAttendance,
    StudyCampaign,
    StudyCampaignUnit,
    StudyReturn,
)
from .services import named_list_error, return_date_errors
from .spreadsheets import ATTENDANCE_COLUMNS, EXAMPLE_MARK, PARTICIPANT_COLUMNS, STUDY_RETURN_COLUMNS, Col

MAX_ROWS = 20000
MAX_ERRORS_SHOWN = 200


class ImportRejected(Exception):
    """The file was refused; `errors` are the Vietnamese messages to show, nothing was saved."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class ImportResult:
    batch: ImportBatch
    created: int
    updated: int


# --- reading -------------------------------------------------------------------------


def read_upload(uploaded) -> tuple[bytes, str]:
    """The file's bytes and name; refuses empty and oversized files."""
    name = getattr(uploaded, "name", "") or "tệp tải lên"
    data = uploaded.read() if hasattr(uploaded, "read") else bytes(uploaded)
    if not data:
        raise ImportRejected([f"Tệp “{name}” rỗng."])
    limit = uploads.max_bytes(uploads.IMPORTS)  # UPLOAD_IMPORT_MAX_MB
    if len(data) > limit:
        raise ImportRejected([f"Tệp “{name}” lớn hơn {limit // (1024 * 1024)} MB."])
    return data, name


def read_rows(data: bytes, *, name: str, columns: list[Col]) -> list[tuple[int, dict]]:
    """(row number as Excel shows it, {column key: value}) for each data row; checks it is an XLSX of our layout."""
    from openpyxl import load_workbook

    not_xlsx = (
        f"Tệp “{name}” không phải tệp Excel .xlsx. Hãy tải mẫu, điền số liệu và lưu dưới dạng "
        "“Excel Workbook (*.xlsx)”."
    )
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ImportRejected(
            [f"Tệp “{name}” là tệp Excel 97–2003 (.xls), không được hỗ trợ. Hãy lưu lại dưới dạng .xlsx."]
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportRejected([not_xlsx])
    try:  # really an XLSX (not a renamed DOCX or ZIP), and no zip bomb for openpyxl to inflate
        uploads.check_xlsx(io.BytesIO(data), name=name)
    except uploads.UploadRejected as rejected:
        raise ImportRejected(rejected.messages) from rejected
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken or foreign zip
        raise ImportRejected([not_xlsx]) from error
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        _check_header(header, columns)
        result = []
        for number, values in enumerate(rows, start=2):
            values = list(values or ())[: len(columns)]
            values += [None] * (len(columns) - len(values))
            if all(_blank(v) for v in values):
                continue
            row = {col.key: value for col, value in zip(columns, values, strict=True)}
            if _text(row.get("stt")).casefold() == EXAMPLE_MARK.casefold():
                continue
            result.append((number, row))
            if len(result) > MAX_ROWS:
                raise ImportRejected(
                    [f"Tệp có hơn {MAX_ROWS:,} dòng số liệu; hãy chia thành nhiều tệp.".replace(",", ".")]
                )
    finally:
        workbook.close()
    if not result:
        raise ImportRejected(["Tệp không có dòng số liệu nào (ngoài dòng tiêu đề và dòng ví dụ)."])
    return result


def _check_header(header, columns: list[Col]) -> None:
    from openpyxl.utils import get_column_letter

    header = list(header or ())
    problems = []
    for index, col in enumerate(columns):
        found = _text(header[index]) if index < len(header) else ""
        if _norm(found) != _norm(col.heading):
            letter = get_column_letter(index + 1)
            problems.append(
                f"cột {letter} phải là “{col.heading}”" + (f", tệp ghi “{found}”" if found else ", tệp để trống")
            )
    if problems:
        raise ImportRejected(
            ["Tệp không đúng mẫu (dòng 1 là dòng tiêu đề): " + "; ".join(problems) + ". Hãy tải mẫu mới."]
        )


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", " ".join(str(value).split()))


def _norm(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(str(text).split())).casefold()


class CellError(ValueError):
    pass


_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")


def _int(value, label: str, *, required: bool = True) -> int | None:
    if _blank(value):
        if required:
            raise CellError(f"thiếu {label}")
        return 0
    if isinstance(value, bool):
        raise CellError(f"{label} “{value}” không phải số")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise CellError(f"{label} ({_text(value)}) phải là số nguyên")
        number = int(value)
    else:
        text = _text(value)
        if _THOUSANDS.match(text):
            text = text.replace(".", "")
        if not re.fullmatch(r"-?\d+", text):
            raise CellError(f"{label} “{text}” không phải số nguyên")
        number = int(text)
    if number < 0:
        raise CellError(f"{label} ({number}) không được âm")
    return number


def _date(value, label: str, *, required: bool = True) -> datetime.date | None:
    if _blank(value):
        if required:
            raise CellError(f"thiếu {label}")
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float):
        from openpyxl.utils.datetime import from_excel

        try:
            return from_excel(value).date()
        except (ValueError, OverflowError, TypeError) as error:
            raise CellError(f"{label} “{_text(value)}” không phải ngày") from error
    text = _text(value)
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise CellError(f"{label} “{text}” không đúng dạng dd/mm/yyyy")


def _row_error(number: int, message: str) -> str:
    message = message.rstrip(".")
    return f"Dòng {number}: {message[:1].lower()}{message[1:]}."


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


UNIT_HAS_CODE = any(field.name == "code" for field in Unit._meta.get_fields())


def _unit_ref(value) -> int | str:
    """A unit's id (a number), or its stable code where the unit tree has codes (e.g. "CB-LH-01")."""
    if _blank(value):
        raise CellError("thiếu mã đơn vị")
    if isinstance(value, int | float) or _text(value).isdigit():
        return _int(value, "mã đơn vị")
    if UNIT_HAS_CODE:
        return _text(value)
    raise CellError(f"mã đơn vị “{_text(value)}” không phải số")


def _units(refs) -> dict[int | str, Unit]:
    """Units by id and by code, in two queries."""
    ids = [r for r in refs if isinstance(r, int)]
    codes = [r for r in refs if isinstance(r, str)]
    found: dict[int | str, Unit] = dict(Unit.objects.in_bulk(ids)) if ids else {}
    if codes:
        found.update({unit.code: unit for unit in Unit.objects.filter(code__in=codes)})
    return found


def _visible_ids(actor, ids) -> set[int] | None:
    """Ids among `ids` the actor may work on; None means all (superuser)."""
    if actor.is_superuser:
        return None
    return set(units_visible_to(actor).filter(pk__in=list(ids)).values_list("pk", flat=True))


def _may(visible: set[int] | None, *unit_ids) -> bool:
    return visible is None or any(unit_id in visible for unit_id in unit_ids)


def _name_mismatch(row: dict, unit: Unit) -> str | None:
    given = _text(row.get("unit_name"))
    if given and _norm(given) != _norm(unit.name):
        return f"tên đơn vị “{given}” không khớp với mã {unit.pk} (“{unit.name}”)"
    return None


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _refuse_duplicate(kind: str, digest: str) -> None:
    previous = ImportBatch.objects.filter(kind=kind, sha256=digest).select_related("created_by").first()
    if previous:
        when = timezone.localtime(previous.created_at).strftime("%d/%m/%Y %H:%M")
        who = (
            f" bởi {previous.created_by.get_full_name() or previous.created_by.get_username()}"
            if previous.created_by
            else ""
        )
        raise ImportRejected(
            [
                f"Tệp này đã được nhập lúc {when}{who} (tệp “{previous.filename}”, {previous.row_count} dòng). "
                "Không nhập lại cùng một tệp; nếu cần sửa số liệu, hãy sửa tệp rồi nhập lại."
            ]
        )


def _create_batch(*, kind: str, digest: str, name: str, rows: int, actor) -> ImportBatch:
    try:
        with transaction.atomic():
            return ImportBatch.objects.create(
                kind=kind, sha256=digest, filename=name[:255], row_count=rows, created_by=actor
            )
    except IntegrityError:  # the same file imported at the same moment by someone else
        _refuse_duplicate(kind, digest)
        raise


def _open_file(*, actor, uploaded, kind: str, columns: list[Col]) -> tuple[str, str, list[tuple[int, dict]]]:
    """The checks every import starts with: staff only, a readable XLSX of the layout, not imported before."""
    if not selectors.is_staff_anywhere(actor):
        raise ImportRejected(["Bạn chưa được phân công vai trò công tác ở đơn vị nào."])
    data, name = read_upload(uploaded)
    digest = _sha256(data)
    _refuse_duplicate(kind, digest)
    return digest, name, read_rows(data, name=name, columns=columns)


def _parse(rows, read) -> tuple[list[tuple[int, dict, dict]], list[str]]:
    """(row number, row, read(row)) for every row `read` understands; a row error for each CellError."""
    parsed, errors = [], []
    for number, row in rows:
        try:
            parsed.append((number, row, read(row)))
        except CellError as error:
            errors.append(_row_error(number, str(error)))
    return parsed, errors


def _raise_if(errors: list[str]) -> None:
    if errors:
        shown = errors[:MAX_ERRORS_SHOWN]
        if len(errors) > MAX_ERRORS_SHOWN:
            shown.append(f"… và {len(errors) - MAX_ERRORS_SHOWN} lỗi khác.")
        raise ImportRejected(shown)


# --- study returns -------------------------------------------------------------------------

STUDY_RETURN_FIELDS = (
    "members_total",
    "members_present",
    "makeup_sessions",
    "makeup_attendance",
    "summaries_submitted",
    "studied_on",
    "submitted_on",
)


def _study_return_values(row: dict) -> dict:
    return {
        "campaign_id": _int(row["campaign_id"], "mã đợt học tập"),
        "unit_id": _unit_ref(row["unit_id"]),
        "members_total": _int(row["members_total"], "tổng số đảng viên"),
        "members_present": _int(row["members_present"], "số đảng viên dự học"),
        "makeup_sessions": _int(row["makeup_sessions"], "số buổi học bù", required=False),
        "makeup_attendance": _int(row["makeup_attendance"], "số đảng viên học bù", required=False),
        "summaries_submitted": _int(row["summaries_submitted"], "số bài thu hoạch", required=False),
        "studied_on": _date(row["studied_on"], "ngày học tập"),
        "submitted_on": _date(row["submitted_on"], "ngày báo cáo", required=False),
        "note": _text(row.get("note")),
    }


def import_study_returns(*, actor, uploaded) -> ImportResult:
    """Import returns; each row (campaign, unit) creates or replaces that unit's return."""
    digest, name, rows = _open_file(
        actor=actor, uploaded=uploaded, kind=ImportKind.STUDY_RETURNS, columns=STUDY_RETURN_COLUMNS
    )

    parsed, errors = _parse(rows, _study_return_values)

    campaigns = StudyCampaign.objects.in_bulk({v["campaign_id"] for _, _, v in parsed})
    units = _units({v["unit_id"] for _, _, v in parsed})
    unit_ids = {unit.pk for unit in units.values()}
    visible = _visible_ids(actor, unit_ids)
    required = set(
        StudyCampaignUnit.objects.filter(campaign_id__in=campaigns, unit_id__in=unit_ids).values_list(
            "campaign_id", "unit_id"
        )
    )
    today = timezone.localdate()
    seen: dict[tuple[int, int], int] = {}
    valid = []
    for number, row, values in parsed:
        campaign = campaigns.get(values["campaign_id"])
        unit = units.get(values["unit_id"])
        if campaign is None:
            errors.append(_row_error(number, f"không có đợt học tập mã {values['campaign_id']}"))
            continue
        if unit is None:
            errors.append(_row_error(number, f"không có đơn vị mã {values['unit_id']}"))
            continue
        if mismatch := _name_mismatch(row, unit):
            errors.append(_row_error(number, mismatch))
            continue
        if not _may(visible, unit.pk):
            errors.append(_row_error(number, f"bạn không có quyền với đơn vị “{unit.name}”"))
            continue
        if (campaign.pk, unit.pk) not in required:
            errors.append(_row_error(number, f"Đơn vị “{unit.name}” không thuộc đợt học tập này (“{campaign.title}”)"))
            continue
        key = (campaign.pk, unit.pk)
        if key in seen:
            errors.append(_row_error(number, f"trùng đợt học tập và đơn vị với dòng {seen[key]}"))
            continue
        seen[key] = number
        values["submitted_on"] = values["submitted_on"] or today
        counts = {k: values[k] for k in STUDY_RETURN_FIELDS}
        problems = {**StudyReturn.count_errors(**counts), **return_date_errors(campaign, values["studied_on"])}
        if problems:
            errors.extend(_row_error(number, message) for message in problems.values())
            continue
        valid.append((campaign, unit, values))
    _raise_if(errors)

    with transaction.atomic():
        batch = _create_batch(kind=ImportKind.STUDY_RETURNS, digest=digest, name=name, rows=len(valid), actor=actor)
        existing = {
            (r.campaign_id, r.unit_id): r
            for r in StudyReturn.objects.select_for_update().filter(
                campaign_id__in={c.pk for c, _, _ in valid}, unit_id__in={u.pk for _, u, _ in valid}
            )
        }
        fields = [*STUDY_RETURN_FIELDS, "note"]
        to_update, to_create = [], []
        for campaign, unit, values in valid:
            record = existing.get((campaign.pk, unit.pk))
            if record is None:
                record = StudyReturn(campaign=campaign, unit=unit)
                to_create.append(record)
            else:
                to_update.append(record)
            for name_ in fields:
                setattr(record, name_, values[name_])
            record.updated_by = actor
            record.import_batch = batch
        StudyReturn.objects.bulk_create(to_create, batch_size=1000)
        if to_update:
            for record in to_update:
                record.updated_at = timezone.now()
            StudyReturn.objects.bulk_update(
                to_update, [*fields, "updated_by", "import_batch", "updated_at"], batch_size=1000
            )
        log(batch, "education.import", user=actor)
    return ImportResult(batch=batch, created=len(to_create), updated=len(to_update))


# --- attendance -------------------------------------------------------------------------------


def _event_kind(value) -> str | None:
    text = unidecode(_text(value)).casefold()
    if text.startswith("lop"):
        return "class"
    if text.startswith("hoi nghi") or text.startswith("hoinghi"):
        return "conference"
    return None


def _event_and_unit(row) -> dict:
    """The event kind and id and the unit reference of an attendance or named-list row (CellError if unreadable)."""
    kind = _event_kind(row["event_kind"])
    if kind is None:
        raise CellError(
            f"loại hoạt động “{_text(row['event_kind'])}” không hợp lệ (ghi “lớp” hoặc “hội nghị”)"
            if not _blank(row["event_kind"])
            else "thiếu loại hoạt động (ghi “lớp” hoặc “hội nghị”)"
        )
    return {"kind": kind, "event_id": _int(row["event_id"], "mã hoạt động"), "unit_id": _unit_ref(row["unit_id"])}


@dataclass
class EventRows:
    """Rows checked against the database: each with its event and unit, loaded in a few bulk queries."""

    classes: dict[int, EducationClass]
    conferences: dict[int, BriefingConference]
    unit_ids: set[int]
    rows: list[tuple[int, dict, dict, EducationClass | BriefingConference, Unit]]


def _resolve_events(parsed, *, actor, errors: list[str], right_message: str) -> EventRows:
    """Find each row's event and unit; refuse unknown ids, names that do not match and units out of reach.

    The organiser records anyone's attendance; a unit records its own people's.
    """
    classes = EducationClass.objects.in_bulk({v["event_id"] for _, _, v in parsed if v["kind"] == "class"})
    conferences = BriefingConference.objects.in_bulk({v["event_id"] for _, _, v in parsed if v["kind"] == "conference"})
    units = _units({v["unit_id"] for _, _, v in parsed})
    organisers = {e.organiser_id for e in classes.values()} | {e.organiser_id for e in conferences.values()}
    unit_ids = {unit.pk for unit in units.values()}
    visible = _visible_ids(actor, unit_ids | organisers)
    rows = []
    for number, row, values in parsed:
        event = (classes if values["kind"] == "class" else conferences).get(values["event_id"])
        unit = units.get(values["unit_id"])
        label = "lớp bồi dưỡng" if values["kind"] == "class" else "hội nghị báo cáo viên"
        given_event = _text(row.get("event_name"))
        if event is None:
            errors.append(_row_error(number, f"không có {label} mã {values['event_id']}"))
        elif unit is None:
            errors.append(_row_error(number, f"không có đơn vị mã {values['unit_id']}"))
        elif given_event and _norm(given_event) != _norm(event.title):
            errors.append(
                _row_error(number, f"tên hoạt động “{given_event}” không khớp với mã {event.pk} (“{event.title}”)")
            )
        elif mismatch := _name_mismatch(row, unit):
            errors.append(_row_error(number, mismatch))
        elif not _may(visible, unit.pk, event.organiser_id):
            errors.append(_row_error(number, right_message.format(unit=unit.name, event=event.title)))
        else:
            rows.append((number, row, values, event, unit))
    return EventRows(classes=classes, conferences=conferences, unit_ids=unit_ids, rows=rows)


def import_attendance(*, actor, uploaded) -> ImportResult:
    """Import lượt per event and unit; each row creates or replaces that unit's count at that event."""
    digest, name, rows = _open_file(
        actor=actor, uploaded=uploaded, kind=ImportKind.ATTENDANCE, columns=ATTENDANCE_COLUMNS
    )

    parsed, errors = _parse(rows, lambda row: {**_event_and_unit(row), "count": _int(row["count"], "số lượt người dự")})

    found = _resolve_events(
        parsed,
        actor=actor,
        errors=errors,
        right_message="bạn không có quyền ghi số người dự của đơn vị “{unit}” tại “{event}”",
    )
    classes, conferences, unit_ids = found.classes, found.conferences, found.unit_ids
    seen: dict[tuple[str, int, int], int] = {}
    valid = []
    class_rows: dict[int, list[tuple[int, int, int]]] = defaultdict(list)  # class id → [(row, unit id, count)]
    for number, _row, values, event, unit in found.rows:
        key = (values["kind"], event.pk, unit.pk)
        if key in seen:
            errors.append(_row_error(number, f"trùng hoạt động và đơn vị với dòng {seen[key]}"))
            continue
        seen[key] = number
        if values["kind"] == "class":
            if values["count"] > event.enrolled:
                errors.append(
                    _row_error(number, f"số người dự ({values['count']}) lớn hơn số học viên ({event.enrolled})")
                )
                continue
            class_rows[event.pk].append((number, unit.pk, values["count"]))
        valid.append((event, unit, values))

    # A class's attendance over all units (the file's rows plus counts already recorded for other units).
    if class_rows:
        recorded = defaultdict(int)
        for class_id, unit_id, count in Attendance.objects.filter(education_class_id__in=class_rows).values_list(
            "education_class_id", "unit_id", "count"
        ):
            recorded[(class_id, unit_id)] = count
        for class_id, entries in class_rows.items():
            in_file = {unit_id for _, unit_id, _ in entries}
            before = sum(c for (cid, uid), c in recorded.items() if cid == class_id and uid not in in_file)
            total = before + sum(count for _, _, count in entries)
            event = classes[class_id]
            if total > event.enrolled and len(entries) + (1 if before else 0) > 1:
                lines = ", ".join(str(n) for n, _, _ in entries)
                extra = f" và {before} lượt đã ghi trước" if before else ""
                errors.append(
                    _row_error(
                        entries[-1][0],
                        f"tổng số người dự lớp “{event.title}” ({total}, gồm các dòng {lines}{extra}) "
                        f"lớn hơn số học viên ({event.enrolled})",
                    )
                )
    _raise_if(sorted(errors, key=_row_number))

    with transaction.atomic():
        batch = _create_batch(kind=ImportKind.ATTENDANCE, digest=digest, name=name, rows=len(valid), actor=actor)
        # Lock the classes so a concurrent writer cannot push a class over its enrolment meanwhile.
        list(EducationClass.objects.select_for_update().filter(pk__in=list(class_rows)).values_list("pk", flat=True))
        existing = {}
        unit_ids = list(unit_ids)
        for record in Attendance.objects.filter(
            Q(education_class_id__in=list(classes), unit_id__in=unit_ids)
            | Q(conference_id__in=list(conferences), unit_id__in=unit_ids)
        ):
            kind = "class" if record.education_class_id else "conference"
            existing[(kind, record.education_class_id or record.conference_id, record.unit_id)] = record
        to_create, to_update = [], []
        now = timezone.now()
        for event, unit, values in valid:
            key = (values["kind"], event.pk, unit.pk)
            record = existing.get(key)
            if record is None:
                record = Attendance(unit=unit, **Attendance.event_lookup(event))
                to_create.append(record)
            else:
                to_update.append(record)
            record.count = values["count"]
            record.held_on = event.event_date
            record.import_batch = batch
            record.updated_at = now
        Attendance.objects.bulk_create(to_create, batch_size=1000)
        Attendance.objects.bulk_update(to_update, ["count", "held_on", "import_batch", "updated_at"], batch_size=1000)
        _check_enrolment_after(list(class_rows))
        log(batch, "education.import", user=actor)
    return ImportResult(batch=batch, created=len(to_create), updated=len(to_update))


def _check_enrolment_after(class_ids: list[int]) -> None:
    """Belt and braces inside the transaction: no class ends above its enrolment."""
    over = (
        EducationClass.objects.filter(pk__in=class_ids)
        .annotate(total=Sum("attendances__count"))
        .values_list("title", "total", "enrolled")
    )
    for title, total, enrolled in over:
        if total and total > enrolled:
            raise ImportRejected([f"Lớp “{title}”: số người dự ({total}) lớn hơn số học viên ({enrolled})."])


# --- people recorded by name ------------------------------------------------------------------


def _full_name(value) -> str:
    full_name = _text(value)
    if not full_name:
        raise CellError("thiếu họ và tên")
    if len(full_name) > 255:
        raise CellError("họ và tên dài quá 255 ký tự")
    return full_name


def import_participants(*, actor, uploaded) -> ImportResult:
    """Import the by-name list of events: each row puts one person (name and unit) on an event's list.

    A person already on that event's list is left as they are (counted as
    `updated`); the same name (as written, spaces tidied) in the same unit is
    the same person at every event, so distinct people are counted once.
    """
    digest, name, rows = _open_file(
        actor=actor, uploaded=uploaded, kind=ImportKind.PARTICIPANTS, columns=PARTICIPANT_COLUMNS
    )

    parsed, errors = _parse(rows, lambda row: {**_event_and_unit(row), "full_name": _full_name(row["full_name"])})

    found = _resolve_events(
        parsed,
        actor=actor,
        errors=errors,
        right_message="bạn không có quyền ghi người dự của đơn vị “{unit}” tại “{event}”",
    )
    names = {(unit.pk, values["full_name"]) for _, _, values, _, unit in found.rows}
    people = {
        (p.unit_id, p.full_name): p
        for p in Participant.objects.filter(unit_id__in={unit_id for unit_id, _ in names})
        if (p.unit_id, p.full_name) in names
    }
    listed = set(
        ParticipantAttendance.objects.filter(
            Q(education_class_id__in=list(found.classes)) | Q(conference_id__in=list(found.conferences)),
            participant__in=list(people.values()),
        ).values_list("participant_id", "education_class_id", "conference_id")
    )
    seen: dict[tuple, int] = {}
    new: list[tuple[EducationClass | BriefingConference, Unit, str]] = []
    already = 0
    per_class: dict[int, int] = defaultdict(int)
    for number, _row, values, event, unit in found.rows:
        key = (values["kind"], event.pk, unit.pk, values["full_name"])
        if key in seen:
            errors.append(_row_error(number, f"trùng người dự với dòng {seen[key]}"))
            continue
        seen[key] = number
        person = people.get((unit.pk, key[-1]))
        event_key = (event.pk, None) if values["kind"] == "class" else (None, event.pk)
        if person is not None and (person.pk, *event_key) in listed:
            already += 1
            continue
        new.append((event, unit, values["full_name"]))
        if values["kind"] == "class":
            per_class[event.pk] += 1
    if per_class:
        on_lists = dict(
            ParticipantAttendance.objects.filter(education_class_id__in=list(per_class))
            .values("education_class")
            .annotate(n=Count("pk"))
            .values_list("education_class", "n")
            .order_by()
        )
        for class_id, added in per_class.items():
            if message := named_list_error(found.classes[class_id], on_lists.get(class_id, 0) + added):
                errors.append(message)
    _raise_if(sorted(errors, key=_row_number))

    with transaction.atomic():
        batch = _create_batch(kind=ImportKind.PARTICIPANTS, digest=digest, name=name, rows=len(new), actor=actor)
        list(EducationClass.objects.select_for_update().filter(pk__in=list(per_class)).values_list("pk", flat=True))
        missing = {(unit.pk, full_name): (unit, full_name) for _, unit, full_name in new}
        missing = {key: value for key, value in missing.items() if key not in people}
        Participant.objects.bulk_create([Participant(unit=unit, full_name=n) for unit, n in missing.values()])
        people.update(
            {
                (p.unit_id, p.full_name): p
                for p in Participant.objects.filter(unit_id__in={unit_id for unit_id, _ in missing})
                if (p.unit_id, p.full_name) in missing
            }
        )
        ParticipantAttendance.objects.bulk_create(
            [
                ParticipantAttendance(
                    participant=people[(unit.pk, full_name)],
                    held_on=event.event_date,
                    **ParticipantAttendance.event_lookup(event),
                )
                for event, unit, full_name in new
            ],
            batch_size=1000,
        )
        for class_id in per_class:  # belt and braces inside the transaction, as for lượt
            if message := named_list_error(
                found.classes[class_id], ParticipantAttendance.objects.filter(education_class_id=class_id).count()
            ):
                raise ImportRejected([message])
        log(batch, "education.import", user=actor)
    return ImportResult(batch=batch, created=len(new), updated=already)


def _row_number(message: str) -> int:
    match = re.match(r"Dòng (\d+)", message)
    return int(match.group(1)) if match else 0
