"""Reads for review reports: rights, defaults drawn from the registry, the portal category for the article."""

from __future__ import annotations

import datetime

from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from tuyengiao.documents.models import Document, DocumentType, Issuer, Term
from tuyengiao.documents.selectors import issuers_for, next_number, term_for
from tuyengiao.documents.symbols import NumberSymbol
from tuyengiao.units.models import Role, Unit, UnitKind
from tuyengiao.units.selectors import active_assignments, managed_roots, units_visible_to

from .models import Report, ReportExport

REPORT_TYPE_CODE = "BC"

# Who issues (signs, or numbers and dates after signing) a unit's documents: its head, a deputy, its clerk (văn thư).
ISSUING_ROLES = frozenset({Role.HEAD, Role.DEPUTY, Role.CLERK})
ISSUING_ROLES_TEXT = "Trưởng ban (thủ trưởng), Phó trưởng ban hoặc văn thư"


def reports_visible_to(user) -> QuerySet[Report]:
    """Reports on the units the user works on (their subtrees; merged units count with their successor)."""
    reports = Report.objects.select_related("unit", "issuer")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return reports.none()
    if user.is_superuser:
        return reports
    return reports.filter(unit__in=units_visible_to(user))


def report_issuers_for(user) -> QuerySet[Issuer]:
    """Issuers a user may put on a report: those of the units they work on (never external bodies)."""
    return issuers_for(user).filter(unit__isnull=False)


def home_unit(user) -> Unit | None:
    """The unit a user's dashboard and new reports start from: their first managed subtree (the root for admins)."""
    roots = managed_roots(user=user)
    if roots:
        return roots[0]
    if getattr(user, "is_superuser", False):
        return Unit.get_root_nodes().order_by("path").first()
    return None


def default_issuer(unit: Unit) -> Issuer | None:
    """Who issues a unit's report: its staff board (Ban Tuyên giáo và Dân vận) if it has one, else the unit itself."""
    boards = Unit.objects.filter(
        path__startswith=unit.path, depth=unit.depth + 1, kind=UnitKind.STAFF_BOARD, valid_to__isnull=True
    ).order_by("path")
    for candidate in [*boards, unit]:
        issuer = Issuer.objects.filter(unit=candidate).first()
        if issuer is not None:
            return issuer
    return None


def report_type() -> DocumentType | None:
    return DocumentType.objects.filter(code=REPORT_TYPE_CODE).first()


def default_place(issuer: Issuer | None) -> str:
    """The place written on the issuer's latest registered document."""
    if issuer is None:
        return ""
    latest = Document.objects.filter(issuer=issuer).exclude(issued_place="").order_by("-issued_on", "-pk").first()
    return latest.issued_place if latest else ""


def _term_range(term: Term) -> Q:
    condition = Q(issued_on__gte=term.starts_on)
    if term.ends_on:
        condition &= Q(issued_on__lte=term.ends_on)
    return condition


def reports_numbered(*, issuer: Issuer, term: Term, exclude_pk: int | None = None) -> QuerySet[Report]:
    """Reports of the issuer that carry a number in the term."""
    return Report.objects.filter(_term_range(term), issuer=issuer, number__isnull=False).exclude(pk=exclude_pk)


def propose_symbol(*, issuer: Issuer, on: datetime.date, exclude_pk: int | None = None) -> NumberSymbol | None:
    """The next Báo cáo number of the issuer in the term covering `on`: after the registry's and other reports'."""
    doc_type, term = report_type(), term_for(issuer=issuer, on=on)
    if doc_type is None or term is None or issuer.is_external:
        return None
    registry = next_number(issuer=issuer, doc_type=doc_type, term=term)
    reports = reports_numbered(issuer=issuer, term=term, exclude_pk=exclude_pk).aggregate(top=Max("number"))["top"]
    return NumberSymbol(max(registry, (reports or 0) + 1), doc_type.code, issuer.code)


def number_taken(*, issuer: Issuer, number: int, on: datetime.date, exclude_pk: int | None = None) -> str:
    """Why the number cannot be used (taken in the registry or by another report), or ""."""
    doc_type, term = report_type(), term_for(issuer=issuer, on=on)
    if doc_type is None or term is None:
        return ""
    symbol = NumberSymbol(number, doc_type.code, issuer.code)
    if Document.objects.filter(issuer=issuer, doc_type=doc_type, term=term, number=number).exists():
        return f"{symbol.written} đã được dùng trong sổ văn bản (nhiệm kỳ {term.name})."
    other = reports_numbered(issuer=issuer, term=term, exclude_pk=exclude_pk).filter(number=number).first()
    if other is not None:
        return f"{symbol.written} đã được dùng cho báo cáo “{other}”."
    return ""


def may_issue(user, issuer: Issuer | None) -> bool:
    """Superusers, and people holding an issuing role today in the issuer's unit or a unit above it."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if issuer is None or issuer.unit_id is None:
        return False
    path = issuer.unit.path
    return any(
        assignment.role in ISSUING_ROLES and path.startswith(assignment.unit.path)
        for assignment in active_assignments(user=user)
    )


def registered_number_taken(*, issuer: Issuer, number: int, on: datetime.date) -> bool:
    """Whether the registry already holds this Báo cáo number of the issuer in the term covering `on`."""
    doc_type, term = report_type(), term_for(issuer=issuer, on=on)
    if doc_type is None or term is None:
        return False
    return Document.objects.filter(issuer=issuer, doc_type=doc_type, term=term, number=number).exists()


def issue_proposal(report: Report, *, on: datetime.date) -> str:
    """The number-symbol the issue form offers: the draft's own while the registry has not used it, else the next."""
    if report.issuer_id is None:
        return ""
    if report.number and not registered_number_taken(issuer=report.issuer, number=report.number, on=on):
        return report.number_symbol
    proposal = propose_symbol(issuer=report.issuer, on=on, exclude_pk=report.pk)
    return str(proposal) if proposal else ""


def news_category_for(report: Report):
    """The portal category a report's article goes to: the first category of the nearest portal of the
    issuing unit or the report's unit (up the tree), else of the default site."""
    from wagtail.models import Site

    from tuyengiao.portal.models import CategoryPage, PortalSettings

    units = [u for u in (report.issuer.unit if report.issuer_id else None, report.unit) if u is not None]
    paths = {unit.path[: Unit.steplen * depth] for unit in units for depth in range(1, unit.depth + 1)}
    portals = PortalSettings.objects.filter(unit__path__in=paths).select_related("site", "unit")
    sites = [p.site for p in sorted(portals, key=lambda p: -p.unit.depth)]
    default = Site.objects.filter(is_default_site=True).first()
    if default is not None:
        sites.append(default)
    for site in sites:
        category = CategoryPage.objects.child_of(site.root_page).order_by("path").first()
        if category is not None:
            return category
    return None


def today() -> datetime.date:
    return timezone.localdate()


def export_visible_to(user, *, report_pk, export_pk) -> ReportExport | None:
    """An export of one of the user's reports (the report's own rule: its unit's subtree), else None."""
    return (
        ReportExport.objects.select_related("report", "revision__user")
        # report__id, not report_id: an id past the column's range then matches nothing instead of a 500.
        .filter(pk=export_pk, report__id=report_pk, report__in=reports_visible_to(user))
        .first()
    )


def recent_exports(report: Report, *, limit: int = 10) -> list[ReportExport]:
    return list(report.exports.select_related("requested_by", "revision")[:limit])
