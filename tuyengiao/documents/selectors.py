"""Reads on the document registry.

Admin reads are scoped by `documents_visible_to(user)` (the unit subtree
rule of tuyengiao.units.selectors); public reads by `public_documents(unit=)`.
Report reads (`documents_issued`, `documents_issued_by_type`) take a unit
subtree and a date range and honour merges (rollup_q).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from unidecode import unidecode

from tuyengiao.units.models import Unit
from tuyengiao.units.selectors import rollup_q, units_visible_to

from .models import Document, DocumentType, Issuer, NumberCounter, SubjectArea, Term
from .symbols import NumberSymbol, normalise

LIST_RELATED = ("issuer", "doc_type", "term", "subject_area", "unit")


# --- text search -----------------------------------------------------------


def fold(text: str) -> str:
    """Lower case without marks, đ → d: ``Nghị quyết 05-CT/TW`` → ``nghi quyet 05-ct/tw``."""
    return unidecode(normalise(text)).lower()


def search_text_for(document: Document) -> str:
    parts = [document.symbol, document.doc_type.name, document.summary, document.issuer.name, document.signer_name]
    return fold(" ".join(part for part in parts if part))


def search_q(query: str) -> Q:
    """Every word of the query in the folded number-symbol, type, summary, issuer or signer."""
    words = fold(query).split()
    if words and words[0] == "so" and len(words) > 1:  # "Số 05-CT/TW": the word "số" is not searched
        words = words[1:]
    condition = Q()
    for word in words[:10]:
        condition &= Q(search_text__contains=word)
    return condition


# --- validity ----------------------------------------------------------------


VALIDITY_CHOICES = [("in_force", "Còn hiệu lực"), ("expired", "Hết hiệu lực"), ("pending", "Chưa có hiệu lực")]


def validity_q(status: str, *, on: datetime.date | None = None) -> Q:
    on = on or timezone.localdate()
    started = Q(in_force_from__lte=on) | Q(in_force_from__isnull=True, issued_on__lte=on)
    if status == "in_force":
        return started & (Q(in_force_to__isnull=True) | Q(in_force_to__gte=on))
    if status == "expired":
        return Q(in_force_to__lt=on)
    if status == "pending":
        return ~started
    return Q()


# --- rights ------------------------------------------------------------------


def documents_visible_to(user) -> QuerySet[Document]:
    """Documents of the units the user works on (their subtree); everything for superusers."""
    documents = Document.objects.select_related(*LIST_RELATED)
    if getattr(user, "is_superuser", False):
        return documents
    return documents.filter(unit__in=units_visible_to(user))


class FileAccess:
    OPEN = "open"  # not a Party document's file, or attached to a public one
    SIGN_IN = "sign_in"  # attached to non-public documents only, and nobody is signed in
    ALLOWED = "allowed"  # non-public, and the user has rights on one of those documents' units
    DENIED = "denied"  # non-public, and the user works elsewhere


def file_access(*, file, user) -> str:
    """Who may download a Wagtail document (file) by its own URL (/documents/<id>/<name>).

    A file attached to a non-public Party document is served only to people
    with rights on that document's unit (`documents_visible_to`); a file that
    any public document carries is open to all, as on the public pages.
    """
    attached = Document.objects.filter(attachments__file=file)
    if not attached.exists() or attached.filter(is_public=True).exists():
        return FileAccess.OPEN
    if not getattr(user, "is_authenticated", False):
        return FileAccess.SIGN_IN
    if documents_visible_to(user).filter(attachments__file=file).exists():
        return FileAccess.ALLOWED
    return FileAccess.DENIED


def relation_targets_for(user) -> QuerySet[Document]:
    """Documents a new document may refer to: the user's own ones and every public one."""
    documents = Document.objects.select_related("issuer", "doc_type")
    if getattr(user, "is_superuser", False):
        return documents
    return documents.filter(Q(unit__in=units_visible_to(user)) | Q(is_public=True))


def issuers_for(user) -> QuerySet[Issuer]:
    """External issuers (to register what they send) and the issuers of the user's units."""
    issuers = Issuer.objects.select_related("unit")
    if getattr(user, "is_superuser", False):
        return issuers
    return issuers.filter(Q(unit__isnull=True) | Q(unit__in=units_visible_to(user)))


def units_for(user) -> QuerySet[Unit]:
    return units_visible_to(user).order_by("path")


# --- numbering ---------------------------------------------------------------


def term_for(*, issuer: Issuer, on: datetime.date) -> Term | None:
    """The issuer's own term covering the date, else the general one."""
    covering = Term.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on), starts_on__lte=on)
    return covering.filter(issuer=issuer).first() or covering.filter(issuer__isnull=True).first()


def highest_registered_number(*, issuer: Issuer, doc_type: DocumentType, term: Term) -> int:
    registered = Document.objects.filter(issuer=issuer, doc_type=doc_type, term=term).aggregate(top=Max("number"))
    return registered["top"] or 0


def highest_number(*, issuer: Issuer, doc_type: DocumentType, term: Term) -> int:
    """The highest number given so far (counter or registered documents, whichever is higher)."""
    counted = (
        NumberCounter.objects.filter(issuer=issuer, doc_type=doc_type, term=term)
        .values_list("last_number", flat=True)
        .first()
    )
    return max(counted or 0, highest_registered_number(issuer=issuer, doc_type=doc_type, term=term))


def next_number(*, issuer: Issuer, doc_type: DocumentType, term: Term) -> int:
    return highest_number(issuer=issuer, doc_type=doc_type, term=term) + 1


@dataclass(frozen=True)
class Proposal:
    symbol: NumberSymbol | None
    term: Term | None
    message: str = ""


def propose_symbol(*, issuer: Issuer, doc_type: DocumentType, on: datetime.date) -> Proposal:
    """The number-symbol the next document would get, or why there is none."""
    term = term_for(issuer=issuer, on=on)
    if term is None:
        return Proposal(None, None, f"Chưa có nhiệm kỳ nào bao trùm ngày {on:%d/%m/%Y}.")
    if issuer.is_external:
        return Proposal(None, term, "Văn bản của cơ quan ngoài: nhập đúng số, ký hiệu ghi trên văn bản.")
    number = next_number(issuer=issuer, doc_type=doc_type, term=term)
    return Proposal(NumberSymbol(number, doc_type.code, issuer.code), term)


# --- public pages ------------------------------------------------------------


def ancestor_paths(unit: Unit) -> list[str]:
    return [unit.path[: Unit.steplen * depth] for depth in range(1, unit.depth + 1)]


def public_documents(*, unit: Unit | None) -> QuerySet[Document]:
    """Public documents a portal shows: its unit's and its upper levels', and those of external issuers.

    A portal without a unit shows every public document.
    """
    documents = Document.objects.filter(is_public=True).select_related("issuer", "doc_type", "subject_area")
    if unit is None:
        return documents
    return documents.filter(Q(issuer__unit__isnull=True) | Q(unit__path__in=ancestor_paths(unit)))


def filter_documents(
    documents: QuerySet[Document],
    *,
    doc_type: DocumentType | None = None,
    issuer: Issuer | None = None,
    subject_area: SubjectArea | None = None,
    year: int | None = None,
    query: str = "",
) -> QuerySet[Document]:
    if doc_type is not None:
        documents = documents.filter(doc_type=doc_type)
    if issuer is not None:
        documents = documents.filter(issuer=issuer)
    if subject_area is not None:
        documents = documents.filter(subject_area=subject_area)
    if year is not None:
        documents = documents.filter(issued_on__year=year)
    if query.strip():
        documents = documents.filter(search_q(query))
    return documents


def filter_choices(documents: QuerySet[Document]) -> dict:
    """Options of the public filters, from the documents the portal shows (no empty options)."""
    ids = documents.order_by().values("pk")
    return {
        "types": DocumentType.objects.filter(documents__in=ids).distinct(),
        "issuers": Issuer.objects.filter(documents__in=ids).distinct(),
        "subject_areas": SubjectArea.objects.filter(documents__in=ids).distinct(),
        "years": [day.year for day in documents.order_by().dates("issued_on", "year", order="DESC")],
    }


def public_document_detail(*, unit: Unit | None, pk: int) -> Document | None:
    return (
        public_documents(unit=unit)
        .select_related("term", "unit")
        .prefetch_related("attachments__file")
        .filter(pk=pk)
        .first()
    )


def related_public(*, document: Document, unit: Unit | None) -> list[tuple[str, Document]]:
    """Relations both ways, limited to documents this portal shows."""
    from .models import REVERSE_RELATION_LABELS, DocumentRelation

    shown = public_documents(unit=unit)
    outgoing = DocumentRelation.objects.filter(document=document, target__in=shown).select_related(
        "target__doc_type", "target__issuer"
    )
    incoming = DocumentRelation.objects.filter(target=document, document__in=shown).select_related(
        "document__doc_type", "document__issuer"
    )
    rows = [(relation.get_kind_display(), relation.target) for relation in outgoing]
    rows += [(REVERSE_RELATION_LABELS[relation.kind], relation.document) for relation in incoming]
    return rows


# --- reports (issue 5) -------------------------------------------------------


def documents_issued(*, unit: Unit, start: datetime.date, end: datetime.date) -> QuerySet[Document]:
    """Documents issued by the units of a subtree (not those received from external issuers), by issue date."""
    return Document.objects.filter(
        rollup_q(unit, date_field="issued_on", unit_field="unit"),
        issuer__unit__isnull=False,
        issued_on__gte=start,
        issued_on__lte=end,
    )


def documents_issued_by_type(*, unit: Unit, start: datetime.date, end: datetime.date) -> list[dict]:
    """[{"doc_type": DocumentType, "count": n}] in the configured order of types; types with none left out."""
    counts = dict(
        documents_issued(unit=unit, start=start, end=end)
        .order_by()
        .values_list("doc_type")
        .annotate(count=Count("pk"))
        .values_list("doc_type", "count")
    )
    return [
        {"doc_type": doc_type, "count": counts[doc_type.pk]} for doc_type in DocumentType.objects.filter(pk__in=counts)
    ]
