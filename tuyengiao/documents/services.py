"""Writes to the document registry: register, edit and delete documents, allocating numbers.

Every write takes the acting user, checks the unit rights (tuyengiao.units),
runs in one transaction and leaves an audit entry (Wagtail's log).

Numbering: the counter row of (issuer, type, term) is locked with
SELECT … FOR UPDATE while a number is chosen, so two clerks saving at once
get 05 and 06, never 05 twice; the unique constraint on the document is the
last guard (on SQLite, where row locks do not exist, the settings open
every transaction with BEGIN IMMEDIATE, which serialises writers).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from wagtail.log_actions import log

from tuyengiao.units.selectors import require_unit_access

from . import selectors
from .models import Document, NumberCounter, RelationKind, format_date
from .symbols import NumberSymbol, parse_symbol, same_code

ALLOCATION_ATTEMPTS = 3


def check_document(
    *, actor, document: Document, symbol: str = "", original: Document | None = None
) -> NumberSymbol | None:
    """Validate a document before saving; return the typed number-symbol (None: allocate the next number).

    Sets `document.unit` (documents issued by one of our units belong to it)
    and `document.term` (from the issue date). Raises PermissionDenied for a
    unit the actor may not work on, ValidationError (by field) for bad input.
    """
    if original is not None:
        require_unit_access(actor, original.unit)
    errors: dict[str, list[str]] = {}

    def add(field: str, message) -> None:
        errors.setdefault(field, []).extend(message if isinstance(message, list) else [message])

    issuer, doc_type = (
        document.issuer if document.issuer_id else None,
        document.doc_type if document.doc_type_id else None,
    )
    if issuer is not None and not issuer.is_external:
        document.unit = issuer.unit
    if document.unit_id is None:
        add("unit", "Chọn đơn vị quản lý văn bản (đơn vị tiếp nhận, lưu trữ văn bản của cơ quan ngoài).")
    else:
        require_unit_access(actor, document.unit)

    if document.issued_on:
        today = timezone.localdate()
        if document.issued_on > today:
            add("issued_on", f"Ngày ban hành ({format_date(document.issued_on)}) không được sau hôm nay.")
        if issuer is not None:
            term = selectors.term_for(issuer=issuer, on=document.issued_on)
            if term is not None:
                document.term = term
            else:
                add(
                    "issued_on",
                    f"Chưa có nhiệm kỳ nào bao trùm ngày {format_date(document.issued_on)}: "
                    "hãy khai báo nhiệm kỳ trong mục Văn bản › Nhiệm kỳ.",
                )
    try:
        document.clean()
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            add(field, messages)

    typed = None
    if symbol.strip():
        try:
            typed = parse_symbol(symbol)
        except ValidationError as error:
            add("symbol", error.messages)
    elif issuer is not None and issuer.is_external:
        add("symbol", f"Văn bản của {issuer.name}: nhập đúng số, ký hiệu ghi trên văn bản (ví dụ 05-CT/{issuer.code}).")
    if typed and doc_type is not None and not same_code(typed.type_code, doc_type.code):
        add(
            "symbol",
            f"Ký hiệu “{typed.type_code}” trong số, ký hiệu không khớp loại văn bản đã chọn: "
            f"{doc_type.name} có ký hiệu {doc_type.code}.",
        )
    if typed and issuer is not None and not same_code(typed.issuer_code, issuer.code):
        add(
            "symbol",
            f"Ký hiệu “{typed.issuer_code}” trong số, ký hiệu không khớp cơ quan ban hành đã chọn: "
            f"{issuer.name} có ký hiệu {issuer.code}.",
        )
    if typed and not errors.get("symbol") and document.term_id and _number_taken(document, typed.number):
        add("symbol", _taken_message(document, typed.number))
    if errors:
        raise ValidationError(errors)
    return typed


def check_relations(*, actor, document: Document) -> None:
    """Relations point to documents the actor may cite, never to the document itself, never twice."""
    relations = list(document.relations.all())
    allowed = set(
        selectors.relation_targets_for(actor)
        .filter(pk__in=[relation.target_id for relation in relations])
        .values_list("pk", flat=True)
    )
    seen = set()
    messages = []
    for relation in relations:
        target = relation.target
        if document.pk and target.pk == document.pk:
            messages.append("Văn bản không thể liên quan đến chính nó.")
        elif target.pk not in allowed:
            raise PermissionDenied("Bạn không có quyền dẫn chiếu văn bản này.")
        elif (relation.kind, target.pk) in seen:
            messages.append(f"Quan hệ “{relation.get_kind_display()}” với {target.title} bị lặp.")
        elif (
            relation.kind in (RelationKind.IMPLEMENTS, RelationKind.REPLACES)
            and document.issued_on
            and target.issued_on > document.issued_on
        ):
            messages.append(
                f"Văn bản ban hành ngày {format_date(document.issued_on)} không thể "
                f"{relation.get_kind_display().lower()} {target.title} ban hành sau đó "
                f"({format_date(target.issued_on)})."
            )
        seen.add((relation.kind, target.pk))
    if messages:
        raise ValidationError({"relations": messages})


def document_save(*, actor, document: Document, symbol: str = "") -> Document:
    """Register a new document or save changes to one; allocate its number unless `symbol` is typed.

    `document` may carry unsaved attachments and relations (a ClusterableModel
    from the admin form); they are saved with it.
    """
    for attempt in range(ALLOCATION_ATTEMPTS):
        try:
            with transaction.atomic():
                return _save(actor=actor, document=document, symbol=symbol)
        except IntegrityError:
            # Another save took the counter row or the number between our check and our write.
            if attempt == ALLOCATION_ATTEMPTS - 1:
                raise ValidationError(
                    {"symbol": "Số này vừa được dùng cho một văn bản khác. Vui lòng lưu lại để nhận số mới."}
                ) from None
    raise AssertionError("unreachable")


def _save(*, actor, document: Document, symbol: str) -> Document:
    is_new = document.pk is None
    original = None if is_new else Document.objects.select_for_update().select_related("unit").get(pk=document.pk)
    typed = check_document(actor=actor, document=document, symbol=symbol, original=original)
    check_relations(actor=actor, document=document)
    counter = _locked_counter(document)
    same_key = original is not None and (original.issuer_id, original.doc_type_id, original.term_id) == (
        document.issuer_id,
        document.doc_type_id,
        document.term_id,
    )
    if typed is not None:
        number = typed.number
        if _number_taken(document, number):  # checked again under the lock
            raise ValidationError({"symbol": _taken_message(document, number)})
    elif same_key:
        number = original.number
    else:
        number = max(counter.last_number, selectors.highest_registered_number(**_key(document))) + 1
    if number > counter.last_number:
        counter.last_number = number
        counter.save(update_fields=["last_number"])
    document.number = number
    document.symbol = document.compute_symbol()
    document.search_text = selectors.search_text_for(document)
    if is_new:
        document.created_by = actor if getattr(actor, "pk", None) else None
    document.save()
    log(document, "wagtail.create" if is_new else "wagtail.edit", user=actor)
    return document


@transaction.atomic
def document_delete(*, actor, document: Document) -> None:
    """Delete a document nobody cites; its number stays used (the counter does not go back)."""
    document = Document.objects.select_for_update().select_related("unit").get(pk=document.pk)
    require_unit_access(actor, document.unit)
    citing = document.related_from.exclude(document=document).count()
    if citing:
        raise ValidationError(
            f"Không thể xóa {document.title}: có {citing:02d} văn bản khác dẫn chiếu văn bản này. "
            "Hãy bỏ các quan hệ đó trước."
        )
    log(document, "wagtail.delete", user=actor)
    try:
        document.delete()
    except ProtectedError as error:  # e.g. the registry entry of an issued review report; the log rolls back too
        held_by = "; ".join(f"{obj._meta.verbose_name} “{obj}”" for obj in list(error.protected_objects)[:3])
        raise ValidationError(f"Không thể xóa {document.title}: văn bản đang gắn với {held_by}.") from None


def document_create(
    *,
    actor,
    symbol: str = "",
    attachments: list[dict] | tuple = (),
    relations: list[dict] | tuple = (),
    **fields,
) -> Document:
    """Build and register a document from keyword fields (demo data, imports, tests).

    `attachments`: [{"file": wagtail Document, "title": ""}]; `relations`: [{"kind": …, "target": Document}].
    """
    from .models import DocumentAttachment, DocumentRelation

    document = Document(**fields)
    document.attachments = [DocumentAttachment(**item) for item in attachments]
    document.relations = [DocumentRelation(**item) for item in relations]
    return document_save(actor=actor, document=document, symbol=symbol)


def _key(document: Document) -> dict:
    return {"issuer": document.issuer, "doc_type": document.doc_type, "term": document.term}


def _locked_counter(document: Document) -> NumberCounter:
    key = _key(document)
    counter = NumberCounter.objects.select_for_update().filter(**key).first()
    if counter is None:
        try:
            with transaction.atomic():
                NumberCounter.objects.create(**key, last_number=0)
        except IntegrityError:
            pass  # created meanwhile by a concurrent save: lock theirs
        counter = NumberCounter.objects.select_for_update().get(**key)
    return counter


def _number_taken(document: Document, number: int) -> bool:
    return Document.objects.filter(**_key(document), number=number).exclude(pk=document.pk).exists()


def _taken_message(document: Document, number: int) -> str:
    taken = NumberSymbol(number, document.doc_type.code, document.issuer.code)
    return (
        f"{taken.written} đã được dùng trong nhiệm kỳ {document.term.name} của {document.issuer.name}. "
        f"Số tiếp theo là {selectors.next_number(**_key(document)):02d}."
    )
