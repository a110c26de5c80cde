"""Writes for review reports: create, save (with a revision), regenerate the figures, delete, turn into an article.

Every write takes the acting user, checks the unit rights (tuyengiao.units),
runs in one transaction and leaves an audit entry (Wagtail's log). Bad input
raises ValidationError by field, in Vietnamese; nothing is saved.
"""

from __future__ import annotations

import datetime
import html
import logging
import re
import unicodedata

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from unidecode import unidecode
from wagtail.log_actions import log

from tuyengiao.documents.symbols import NumberSymbol, parse_symbol, same_code
from tuyengiao.tasks.selectors import movements_in
from tuyengiao.units.models import Unit
from tuyengiao.units.selectors import require_unit_access, units_visible_to

from . import prose, selectors
from .figures import compute_figures
from .models import (
    ACTIVE_EXPORT_STATUSES,
    NARRATIVE_FIELDS,
    ExportFormat,
    ExportStatus,
    Report,
    ReportExport,
    ReportStatus,
)
from .periods import PeriodKind, period_bounds
from .storage import export_storage

logger = logging.getLogger(__name__)

ISSUER_NOT_YOURS = "Bạn chỉ chọn được cơ quan ban hành của đơn vị mình phụ trách."
BOARD_SUFFIXES = (" Tỉnh ủy", " Thành ủy", " Đảng ủy")


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def check_report(*, actor, report: Report, original: Report | None = None) -> None:
    """Validate a report before saving; fill the period's bounds and the number. Raises ValidationError by field."""
    if original is not None:
        require_unit_access(actor, original.unit)
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if report.unit_id is None:
        add("unit", "Vui lòng chọn đơn vị.")
    else:
        report.unit = Unit.objects.get(pk=report.unit_id)  # fresh: the tree's paths may have moved since loading
        require_unit_access(actor, report.unit)
    if report.period_kind not in PeriodKind.values:
        add("period_kind", "Loại kỳ báo cáo không hợp lệ.")
    elif report.period_start is None:
        add("period_start", "Vui lòng nhập ngày bắt đầu kỳ báo cáo.")
    else:
        try:
            report.period_start, report.period_end = period_bounds(
                report.period_kind, report.period_start, report.period_end
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    add(field, message)
    if report.issuer_id is not None:
        if not selectors.report_issuers_for(actor).filter(pk=report.issuer_id).exists():
            add("issuer", ISSUER_NOT_YOURS)
    elif report.unit_id is not None:
        report.issuer = selectors.default_issuer(report.unit)
    if report.number_symbol.strip() and report.issuer_id is None:
        add("number_symbol", "Chọn cơ quan ban hành trước khi ghi số, ký hiệu.")
    elif report.number_symbol.strip() and "issuer" not in errors:
        _check_symbol(report, add)
    else:
        report.number_symbol, report.number = "", None
    if errors:
        raise ValidationError(errors)


def _parse_report_symbol(report: Report, text: str, add) -> NumberSymbol | None:
    """The typed number-symbol if its form and its codes (BC, the issuer's) are right; else messages via `add`."""
    try:
        typed = parse_symbol(text)
    except ValidationError as error:
        for message in error.messages:
            add("number_symbol", message)
        return None
    issuer, doc_type = report.issuer, selectors.report_type()
    type_code = doc_type.code if doc_type else selectors.REPORT_TYPE_CODE
    ok = True
    if not same_code(typed.type_code, type_code):
        add("number_symbol", f"Báo cáo có ký hiệu loại văn bản {type_code}, không phải “{typed.type_code}”.")
        ok = False
    if not same_code(typed.issuer_code, issuer.code):
        add(
            "number_symbol",
            f"Ký hiệu “{typed.issuer_code}” không khớp cơ quan ban hành đã chọn: {issuer.name} có ký hiệu {issuer.code}.",
        )
        ok = False
    return NumberSymbol(typed.number, type_code, issuer.code) if ok else None


def _check_symbol(report: Report, add) -> None:
    typed = _parse_report_symbol(report, report.number_symbol, add)
    if typed is None:
        return
    issuer = report.issuer
    if taken := selectors.number_taken(
        issuer=issuer, number=typed.number, on=report.issued_on or timezone.localdate(), exclude_pk=report.pk
    ):
        proposal = selectors.propose_symbol(issuer=issuer, on=report.issued_on, exclude_pk=report.pk)
        add("number_symbol", taken + (f" Số tiếp theo là {proposal}." if proposal else ""))
    report.number_symbol, report.number = str(typed), typed.number


def _fill_defaults(report: Report) -> None:
    """Title, summary, header, place and recipients, where left empty."""
    issuer_unit = report.issuer.unit if report.issuer_id else report.unit
    parent = issuer_unit.get_parent() if issuer_unit else None
    if not report.issuing_body:
        name = issuer_unit.name
        if parent is not None:
            for suffix in BOARD_SUFFIXES:
                name = name.removesuffix(suffix)
        report.issuing_body = name
    if not report.superior_body and parent is not None:
        report.superior_body = parent.name
    word = report.review_word
    if not report.summary:
        if word:
            report.summary = (
                f"{_capitalise(word)} công tác {report.period_text}, phương hướng, nhiệm vụ {report.next_period_text}"
            )
        else:
            report.summary = f"Kết quả công tác {report.period_text}, phương hướng, nhiệm vụ {report.next_period_text}"
    if not report.title:
        report.title = f"Báo cáo {word or 'kết quả'} công tác {report.period_text} — {report.unit.name}"[:500]
    if not report.place:
        report.place = selectors.default_place(report.issuer)
    if not report.recipients:
        lines = [f"- {parent.name} (để báo cáo)," if parent else "", f"- Các đơn vị trực thuộc {report.unit.name},"]
        lines.append(f"- Lưu {report.issuer.code if report.issuer_id else 'Văn phòng'}.")
        report.recipients = "\n".join(line for line in lines if line)
    if not report.number_symbol and report.issuer_id:
        proposal = selectors.propose_symbol(issuer=report.issuer, on=report.issued_on, exclude_pk=report.pk)
        if proposal is not None:
            report.number_symbol, report.number = str(proposal), proposal.number


def _generate(report: Report) -> None:
    figures = compute_figures(unit=report.unit, start=report.period_start, end=report.period_end)
    report.figures = figures.to_json()
    report.generated_sections = [s.as_dict() for s in prose.generated_sections(figures, period=report.period_text)]
    report.generated_at = timezone.now()


def _save_with_revision(*, actor, report: Report, action: str, previous_revision=None, data: dict | None = None):
    report.save()
    revision = report.save_revision(user=actor, log_action=False, previous_revision=previous_revision)
    log(report, action, user=actor, revision=revision, data=data or {})
    return report


@transaction.atomic
def report_save(*, actor, report: Report, previous_revision=None) -> Report:
    """Create or save a report: validate, fill what was left empty, generate figures when the unit or period is new.

    Returns the saved report; its latest revision is the state just saved.
    """
    is_new = report.pk is None
    original = None if is_new else Report.objects.select_for_update().select_related("unit").get(pk=report.pk)
    if original is not None:
        require_unit_access(actor, original.unit)
        _refuse_if_issued(original)
    check_report(actor=actor, report=report, original=original)
    _fill_defaults(report)
    if report.number_symbol and report.number is None:  # a proposal filled in by _fill_defaults
        report.number = parse_symbol(report.number_symbol).number
    changed_scope = original is None or (original.unit_id, original.period_start, original.period_end) != (
        report.unit_id,
        report.period_start,
        report.period_end,
    )
    if is_new:
        report.created_by = actor if getattr(actor, "pk", None) else None
        if not report.emulation:
            report.emulation = prose.emulation_text(
                movements_in(unit=report.unit, start=report.period_start, end=report.period_end)
            )
    if changed_scope or not report.figures:
        _generate(report)
    action = "wagtail.create" if is_new else ("wagtail.revert" if previous_revision else "wagtail.edit")
    return _save_with_revision(actor=actor, report=report, action=action, previous_revision=previous_revision)


def report_create(
    *,
    actor,
    unit: Unit,
    period_kind: str,
    period_start: datetime.date,
    period_end: datetime.date | None = None,
    **fields,
) -> Report:
    """Build, generate and save a report from keyword fields (demo data, tests, scripts)."""
    unknown = set(fields) - {f.name for f in Report._meta.get_fields() if f.concrete and f.editable}
    if unknown:
        raise ValidationError(f"Trường không được hỗ trợ: {', '.join(sorted(unknown))}.")
    report = Report(unit=unit, period_kind=period_kind, period_start=period_start, period_end=period_end, **fields)
    return report_save(actor=actor, report=report)


@transaction.atomic
def report_regenerate(*, actor, report: Report) -> Report:
    """Compute the figures and the sections written from them again, from today's records."""
    report = Report.objects.select_for_update().select_related("unit").get(pk=report.pk)
    require_unit_access(actor, report.unit)
    _refuse_if_issued(report)
    _generate(report)
    return _save_with_revision(actor=actor, report=report, action="reports.regenerate")


@transaction.atomic
def report_delete(*, actor, report: Report) -> None:
    """Delete a draft. An issued report is never deleted: its number stays in the registry with it."""
    report = Report.objects.select_for_update().select_related("unit").get(pk=report.pk)
    require_unit_access(actor, report.unit)
    if report.is_issued:
        raise ValidationError(
            f"Báo cáo {report.number_symbol} đã ban hành và đã vào sổ văn bản, không xóa được. "
            "Nếu cần thay đổi, hãy tạo phiên bản mới thay thế báo cáo này."
        )
    log(report, "wagtail.delete", user=actor)
    report.delete()


# --- issuing: the number and date become final and enter the registry ----------------------

ISSUED_READ_ONLY = (
    "Báo cáo {symbol} đã ban hành ngày {day}, không sửa được. "
    "Muốn sửa nội dung, hãy tạo phiên bản mới: phiên bản mới có số mới và thay thế báo cáo này."
)

# Fields of the registry's document that a report issue fills, by the report field holding them.
REGISTRY_FIELDS = {
    "summary": "summary",
    "issued_place": "place",
    "signing_mode": "signing_mode",
    "signing_for": "signing_for",
    "signer_position": "signer_position",
    "signer_name": "signer_name",
    "recipients": "recipients",
}
# The registry's error fields, as the issue form names them.
REGISTRY_ERROR_FIELDS = {"symbol": "number_symbol", "issued_on": "issued_on"}


def _refuse_if_issued(report: Report) -> None:
    if report.is_issued:
        raise ValidationError(
            ISSUED_READ_ONLY.format(symbol=report.written_symbol, day=report.issued_on.strftime("%d/%m/%Y"))
        )


def report_issue(
    *,
    actor,
    report: Report,
    number_symbol: str | None = None,
    issued_on: datetime.date | None = None,
) -> Report:
    """Issue (ban hành) a draft report: fix its number and date and enter it in the document registry.

    In one transaction: the report row is locked, the registry's document
    (type Báo cáo, the report's issuer, number, date, summary line, signer,
    recipients, the DOCX as its file) is saved through the registry's own
    `document_save` — which locks the (issuer, type, term) counter, checks
    the number again under that lock, and has the unique constraint as its
    last guard — then the report becomes read-only and links to it. So the
    registry's next proposal comes after this number, and two reports issued
    at once never share one. Any refusal (number already in the registry,
    no term for the date, no signer…) raises ValidationError by field, in
    Vietnamese, and nothing is saved.

    `number_symbol`: None keeps the draft's; "" takes the registry's next
    number. `issued_on`: None keeps the draft's date.

    Issuing is final (Party practice): a report is never un-issued and its
    number is never given again. It is corrected by `report_new_version`,
    whose issue gets a new number and is registered as replacing this one;
    even deleting the registry entry leaves its counter past the number.
    """
    from tuyengiao.documents.models import Document, DocumentRelation, RelationKind
    from tuyengiao.documents.services import document_save

    with transaction.atomic():
        report = (
            Report.objects.select_for_update(of=("self",))
            .select_related("unit", "issuer__unit", "replaces__registered_document")
            .get(pk=report.pk)
        )
        require_unit_access(actor, report.unit)
        if report.is_issued:
            raise ValidationError(
                f"Báo cáo đã được ban hành ({report.written_symbol}, ngày {report.issued_on:%d/%m/%Y}); "
                "không ban hành lại."
            )
        if not selectors.may_issue(actor, report.issuer):
            body = report.issuer.name if report.issuer_id else report.unit.name
            raise PermissionDenied(f"Chỉ {selectors.ISSUING_ROLES_TEXT} của {body} mới được ban hành báo cáo.")
        errors: dict[str, list[str]] = {}

        def add(field: str, message: str) -> None:
            errors.setdefault(field, []).append(message)

        doc_type = selectors.report_type()
        if doc_type is None:
            add("__all__", f"Danh mục loại văn bản chưa có loại Báo cáo ({selectors.REPORT_TYPE_CODE}).")
        if report.issuer_id is None or report.issuer.is_external:
            add("__all__", "Báo cáo chưa có cơ quan ban hành của đơn vị: hãy chọn cơ quan ban hành rồi ban hành lại.")
        if not report.signer_name.strip() or not report.signer_position.strip():
            add("__all__", "Báo cáo chưa ghi đủ chức vụ và họ tên người ký: hãy sửa báo cáo trước khi ban hành.")
        if issued_on is not None:
            report.issued_on = issued_on
        typed = None
        if number_symbol is None:
            number_symbol = report.number_symbol
        if number_symbol.strip() and report.issuer_id is not None and not report.issuer.is_external:
            typed = _parse_report_symbol(report, number_symbol, add)
        if errors:
            raise ValidationError(errors)

        document = Document(
            issuer=report.issuer,
            doc_type=doc_type,
            issued_on=report.issued_on,
            **{field: getattr(report, source) for field, source in REGISTRY_FIELDS.items()},
        )
        replaced = report.replaces.registered_document if report.replaces_id else None
        document.relations = [DocumentRelation(kind=RelationKind.REPLACES, target=replaced)] if replaced else []
        try:
            document = document_save(actor=actor, document=document, symbol=str(typed) if typed else "")
        except ValidationError as error:
            by_field = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
            for field, messages in by_field.items():
                for message in messages:
                    add(REGISTRY_ERROR_FIELDS.get(field, "__all__"), message)
            raise ValidationError(errors) from None

        report.number, report.number_symbol = document.number, document.symbol
        report.status = ReportStatus.ISSUED
        report.registered_document = document
        report.issued_at = timezone.now()
        report.issued_by = actor if getattr(actor, "pk", None) else None
        _attach_docx(actor=actor, report=report, document=document)
        _save_with_revision(
            actor=actor, report=report, action="reports.issue", data={"number_symbol": report.number_symbol}
        )
        return report


def _attach_docx(*, actor, report: Report, document) -> None:
    """The issued text (DOCX in the Party format) as the registry entry's file, non-public like the entry."""
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    from tuyengiao.documents.models import DocumentAttachment

    from .export import render_docx

    content = render_docx(build_document(report))
    name = f"{slugify(unidecode(report.number_symbol.replace('/', '-')))}.docx"
    stored = get_document_model()(
        title=f"Báo cáo số {report.number_symbol}",
        file=ContentFile(content, name=name),
        uploaded_by_user=actor if getattr(actor, "pk", None) else None,
    )
    stored.save()
    DocumentAttachment.objects.create(document=document, file=stored, title=f"Báo cáo số {report.number_symbol} (DOCX)")


@transaction.atomic
def report_new_version(*, actor, report: Report) -> Report:
    """A new draft that copies an issued report to be corrected; issued, it gets a new number and replaces it."""
    report = Report.objects.select_for_update().select_related("unit").get(pk=report.pk)
    require_unit_access(actor, report.unit)
    if not report.is_issued:
        raise ValidationError("Báo cáo đang là dự thảo: hãy sửa trực tiếp, không cần tạo phiên bản mới.")
    pending = report.replaced_by.filter(status=ReportStatus.DRAFT).first()
    if pending is not None:
        raise ValidationError(f"Báo cáo đã có phiên bản mới đang soạn: “{pending}”. Hãy sửa phiên bản đó.")
    copied = {
        field.attname: getattr(report, field.attname)
        for field in Report._meta.concrete_fields
        if field.editable and field.name not in ("id", "number_symbol", "issued_on")
    }
    draft = Report(**copied, replaces=report)  # today's date, the next number, figures from today's records
    return report_save(actor=actor, report=draft)


# --- report → portal article ---------------------------------------------------------------


def _article_title(report: Report) -> str:
    body = report.issuer.unit.name if report.issuer_id and report.issuer.unit_id else report.issuing_body
    word = report.review_word or "báo cáo kết quả"
    return f"{body} {word} công tác {report.period_text}"


def _paragraph(text: str) -> tuple[str, str]:
    return ("paragraph", f"<p>{html.escape(text, quote=False)}</p>")


def _unique_slug(parent, title: str) -> str:
    base = slugify(unidecode(title))[:200] or "bao-cao"
    slug, n = base, 1
    siblings = set(parent.get_children().values_list("slug", flat=True))
    while slug in siblings:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _may_write_in(actor, category) -> bool:
    """Page rights on the category, or staff rights in the unit whose portal it is."""
    if category.permissions_for_user(actor).can_add_subpage():
        return True
    from tuyengiao.portal.models import PortalSettings

    site = category.get_site()
    portal = PortalSettings.objects.filter(site=site).select_related("unit").first() if site else None
    return bool(portal and portal.unit_id and units_visible_to(actor).filter(pk=portal.unit_id).exists())


@transaction.atomic
def report_to_article(*, actor, report: Report):
    """A draft portal article (title, lead, key figures, byline) from the report, submitted to the workflow.

    The article is never published here: it waits in moderation (or as a
    draft when the site has no workflow) for the portal's reviewers.
    """
    from tuyengiao.portal.models import ArticleByline, ArticlePage

    report = Report.objects.select_for_update(of=("self",)).select_related("unit", "issuer__unit").get(pk=report.pk)
    require_unit_access(actor, report.unit)
    if report.article_id and ArticlePage.objects.filter(pk=report.article_id).exists():
        raise ValidationError(f"Báo cáo đã có bài viết “{report.article.title}”.")
    category = selectors.news_category_for(report)
    if category is None:
        raise ValidationError("Chưa có chuyên mục tin nào trên cổng thông tin để đăng bài viết.")
    if not _may_write_in(actor, category):
        raise PermissionDenied(f"Bạn không có quyền tạo bài viết trong chuyên mục “{category.title}”.")
    figures = report.figure_set
    sentences = prose.key_figures_text(figures, period=report.period_text) if figures else []
    issued = report.issued_on.strftime("%d/%m/%Y")
    symbol = f" số {report.number_symbol}" if report.number_symbol else ""
    body_name = report.issuer.unit.name if report.issuer_id and report.issuer.unit_id else report.issuing_body
    lead = f"Ngày {issued}, {body_name} ban hành Báo cáo{symbol} {report.summary[:1].lower()}{report.summary[1:]}."
    directions = [line.strip() for line in report.directions.splitlines() if line.strip()]
    paragraphs = [_paragraph(text) for text in sentences]
    if directions:
        paragraphs.append(_paragraph(f"Phương hướng, nhiệm vụ {report.next_period_text}: {directions[0]}"))
    title = _article_title(report)[:255]
    article = ArticlePage(
        title=title,
        slug=_unique_slug(category, title),
        lead=lead,
        body=paragraphs,
        live=False,
        owner=actor,
        source=body_name,
    )
    byline = actor.get_full_name().strip() if hasattr(actor, "get_full_name") else ""
    article.bylines = [ArticleByline(name=byline or body_name, is_news=True)]
    category.add_child(instance=article)
    revision = article.save_revision(user=actor, log_action=True)
    workflow = article.get_workflow()
    if workflow is not None:
        workflow.start(article, actor)
    report.article = article
    report.save(update_fields=["article", "updated_at"])
    log(report, "reports.article", user=actor, revision=revision, data={"article": article.title})
    return ArticlePage.objects.get(pk=article.pk)


# --- the Party document --------------------------------------------------------------------

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]
NARRATIVE_HEADINGS = {
    "limitations": "HẠN CHẾ, NGUYÊN NHÂN",
    "directions": "PHƯƠNG HƯỚNG, NHIỆM VỤ {next}",
    "emulation": "CÔNG TÁC THI ĐUA",
    "proposals": "KIẾN NGHỊ, ĐỀ XUẤT",
}


def document_sections(report: Report) -> list[dict]:
    """Generated section I, then the narrative sections that have text, numbered II, III…"""
    sections = [dict(section) for section in report.generated_sections]
    number = 1
    for name in NARRATIVE_FIELDS:
        paragraphs = [line.strip() for line in getattr(report, name).splitlines() if line.strip()]
        if not paragraphs:
            continue
        heading = NARRATIVE_HEADINGS[name].format(next=report.next_period_text.upper())
        sections.append({"heading": f"{ROMAN[number]}. {heading}", "paragraphs": paragraphs, "level": 1})
        number += 1
    return sections


def build_document(report: Report):
    """The report as the exports' ReportDocument (DOCX, XLSX annex, PDF)."""
    from .document import FigureRow, ReportDocument, ReportSection

    figures = report.figure_set
    symbol = report.written_symbol
    if not symbol:
        code = report.issuer.code if report.issuer_id else ""
        symbol = f"Số      -{selectors.REPORT_TYPE_CODE}/{code}"
    authority = f"{report.signing_mode} {report.signing_for.upper()}".strip() if report.signing_mode else ""
    return ReportDocument(
        superior_body=report.superior_body.upper(),
        issuing_body=report.issuing_body.upper(),
        number_symbol=symbol,
        place=report.place,
        date=report.issued_on,
        type_name="BÁO CÁO",
        summary=report.summary,
        sections=[
            ReportSection(heading=s["heading"], paragraphs=list(s["paragraphs"]), level=s.get("level", 1))
            for s in document_sections(report)
        ],
        signer_authority=authority,
        signer_position=report.signer_position.upper(),
        signer_name=report.signer_name,
        recipients=report.recipient_lines,
        figures=[
            FigureRow(key=f.key, label=f.label, value=f.value, by_unit=[tuple(row) for row in f.by_unit])
            for f in (figures.figures if figures else [])
        ],
    )


# --- exports: DOCX, XLSX and PDF files made by a background job ------------------------------------

EXPORT_TASK = "tuyengiao.reports.export"
# A job not finished this long after it was queued or started is taken for lost (worker down, message gone).
EXPORT_STALE_AFTER = datetime.timedelta(minutes=15)
EXPORT_BAD_FORMAT = "Không xuất được báo cáo sang định dạng “{format}”: chỉ có DOCX, XLSX và PDF."
EXPORT_FAILED = (
    "Xuất tệp không thành công do lỗi của hệ thống. Hãy thử lại sau ít phút; nếu vẫn lỗi, hãy báo quản trị hệ thống."
)
EXPORT_STALE = (
    "Sau {minutes} phút tệp vẫn chưa được xuất (máy xử lý nền có thể đang dừng), nên yêu cầu này đã được hủy. "
    "Hãy bấm xuất lại."
)
# Characters file systems or browsers refuse in a file name.
_UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def export_filename(report: Report, fmt: str) -> str:
    """The name the browser saves: the report's title in Vietnamese (NFC), without characters file systems refuse."""
    title = _UNSAFE_FILENAME.sub("-", unicodedata.normalize("NFC", report.title or "Báo cáo")).strip(" .-")
    return f"{title[:150].rstrip(' .-') or 'Báo cáo'}.{fmt}"


def export_request(*, actor, report: Report, fmt: str) -> ReportExport:
    """Ask for a file of the report as it is now: a job on the worker, or (no worker configured) at once.

    The same version in the same format already exported (its file still there) or on its way is
    returned instead, so a double click or a second browser tab never makes a second job or file.
    Raises ValidationError (unknown format) or PermissionDenied (not the user's unit).
    """
    export, created = _export_create(actor=actor, report=report, fmt=fmt)
    if created:
        _export_dispatch(export.pk)
        export.refresh_from_db()
    return export


@transaction.atomic
def _export_create(*, actor, report: Report, fmt: str) -> tuple[ReportExport, bool]:
    if fmt not in ExportFormat.values:
        raise ValidationError(EXPORT_BAD_FORMAT.format(format=fmt))
    # The report's row lock makes concurrent requests for it take turns (the constraint is the last guard).
    report = Report.objects.select_for_update(of=("self",)).select_related("unit").get(pk=report.pk)
    require_unit_access(actor, report.unit)
    same = ReportExport.objects.filter(report=report, revision_id=report.latest_revision_id, format=fmt)
    now = timezone.now()
    for active in same.filter(status__in=ACTIVE_EXPORT_STATUSES):
        if now - (active.started_at or active.requested_at) < EXPORT_STALE_AFTER:
            return active, False
        minutes = int(EXPORT_STALE_AFTER.total_seconds() // 60)
        active.status, active.error, active.finished_at = ExportStatus.FAILED, EXPORT_STALE.format(minutes=minutes), now
        active.save(update_fields=["status", "error", "finished_at"])
    done = same.filter(status=ExportStatus.DONE).exclude(file="").first()
    if done is not None and export_storage.exists(done.file.name):
        return done, False
    export = ReportExport.objects.create(
        report=report,
        revision_id=report.latest_revision_id,
        format=fmt,
        requested_by=actor if getattr(actor, "pk", None) else None,
    )
    log(report, "reports.export", user=actor, data={"format": fmt, "export": export.pk})
    return export, True


def _export_dispatch(export_id: int) -> None:
    """To the worker after the commit (tuyengiao.worker.queue); without a broker, or if it is unreachable, here."""
    from tuyengiao.worker.queue import enqueue_after_commit

    if enqueue_after_commit(EXPORT_TASK, export_id, fallback=lambda: export_run(export_id=export_id)):
        return
    export_run(export_id=export_id)


def export_run(*, export_id: int) -> str:
    """The export job: render the requested version and keep the file. Returns the status it ends in.

    Safe to run again at any point (a redelivered message after a worker was killed, a duplicate):
    the claim (queued or running → running) commits first; the rendering holds no lock
    (LibreOffice takes seconds); then, the row locked, the file is written under the export's one
    name and the job marked done in the same transaction — unless another run finished first, whose
    file is kept and this run's result dropped. A run killed between writing and committing is
    repeated over the same name. Done and failed are final. Conversion errors (LibreOffice missing,
    too slow) end as failed with their Vietnamese message; anything else with EXPORT_FAILED.
    """
    from .export import PdfUnavailable

    with transaction.atomic():
        export = ReportExport.objects.select_for_update().filter(pk=export_id).first()
        if export is None or not export.is_active:
            return export.status if export is not None else ""
        export.status, export.started_at = ExportStatus.RUNNING, timezone.now()
        export.save(update_fields=["status", "started_at"])
    try:
        content, filename = _export_render(export)
    except PdfUnavailable as error:
        return _export_finish(export_id, error=str(error))
    except Exception:  # a job must end with a status the user sees, whatever went wrong
        logger.exception("Export %s of report %s failed", export_id, export.report_id)
        return _export_finish(export_id, error=EXPORT_FAILED)
    return _export_finish(export_id, content=content, filename=filename)


def _export_render(export: ReportExport) -> tuple[bytes, str]:
    """The version recorded at the request (the report may have been edited since), as bytes and a file name."""
    from . import export as renderers

    report = export.revision.as_object() if export.revision_id else Report.objects.get(pk=export.report_id)
    render = {
        ExportFormat.DOCX: renderers.render_docx,
        ExportFormat.XLSX: renderers.render_xlsx,
        ExportFormat.PDF: renderers.render_pdf,
    }[export.format]
    return render(build_document(report)), export_filename(report, export.format)


def _export_finish(export_id: int, *, content: bytes | None = None, filename: str = "", error: str = "") -> str:
    with transaction.atomic():
        export = ReportExport.objects.select_for_update().filter(pk=export_id).first()
        if export is None:
            return ""
        if not export.is_active:  # another run of the job finished first
            return export.status
        if content is not None:
            export.file.name = export_storage.save(export.storage_name, ContentFile(content))
            export.filename, export.status, export.error = filename, ExportStatus.DONE, ""
        else:
            export.status, export.error = ExportStatus.FAILED, error
        export.finished_at = timezone.now()
        export.save(update_fields=["file", "filename", "status", "error", "finished_at"])
        return export.status
