"""Writes for review reports: create, save (with a revision), regenerate the figures, delete, turn into an article.

Every write takes the acting user, checks the unit rights (tuyengiao.units),
runs in one transaction and leaves an audit entry (Wagtail's log). Bad input
raises ValidationError by field, in Vietnamese; nothing is saved.
"""

from __future__ import annotations

import datetime
import html

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from unidecode import unidecode
from wagtail.log_actions import log

from tuyengiao.documents.symbols import parse_symbol, same_code
from tuyengiao.tasks.selectors import movements_in
from tuyengiao.units.models import Unit
from tuyengiao.units.selectors import require_unit_access, units_visible_to

from . import prose, selectors
from .figures import compute_figures
from .models import NARRATIVE_FIELDS, Report
from .periods import PeriodKind, period_bounds

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


def _check_symbol(report: Report, add) -> None:
    try:
        typed = parse_symbol(report.number_symbol)
    except ValidationError as error:
        for message in error.messages:
            add("number_symbol", message)
        return
    issuer, doc_type = report.issuer, selectors.report_type()
    type_code = doc_type.code if doc_type else selectors.REPORT_TYPE_CODE
    if not same_code(typed.type_code, type_code):
        add("number_symbol", f"Báo cáo có ký hiệu loại văn bản {type_code}, không phải “{typed.type_code}”.")
    if not same_code(typed.issuer_code, issuer.code):
        add(
            "number_symbol",
            f"Ký hiệu “{typed.issuer_code}” không khớp cơ quan ban hành đã chọn: {issuer.name} có ký hiệu {issuer.code}.",
        )
    if taken := selectors.number_taken(
        issuer=issuer, number=typed.number, on=report.issued_on or timezone.localdate(), exclude_pk=report.pk
    ):
        proposal = selectors.propose_symbol(issuer=issuer, on=report.issued_on, exclude_pk=report.pk)
        add("number_symbol", taken + (f" Số tiếp theo là {proposal}." if proposal else ""))
    report.number_symbol = f"{typed.number:02d}-{type_code}/{issuer.code}"
    report.number = typed.number


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
    _generate(report)
    return _save_with_revision(actor=actor, report=report, action="reports.regenerate")


@transaction.atomic
def report_delete(*, actor, report: Report) -> None:
    report = Report.objects.select_related("unit").get(pk=report.pk)
    require_unit_access(actor, report.unit)
    log(report, "wagtail.delete", user=actor)
    report.delete()


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
