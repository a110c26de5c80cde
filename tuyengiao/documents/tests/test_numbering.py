"""Registering documents: numbers per issuer, type and term; typed symbols checked; validity dates checked."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from tuyengiao.documents import selectors, services
from tuyengiao.documents.models import Document, DocumentRelation, NumberCounter, RelationKind, Term
from tuyengiao.documents.tests.conftest import doc_type, register, staff_user

D = datetime.date


def refusal(error: ValidationError, field: str) -> str:
    return " ".join(error.message_dict[field])


def test_numbers_follow_each_other_per_issuer_and_type(admin_user, issuers):
    first = register(admin_user, issuers["BTGDVTU"], "KH")
    second = register(admin_user, issuers["BTGDVTU"], "KH")
    report = register(admin_user, issuers["BTGDVTU"], "BC")
    other_issuer = register(admin_user, issuers["TU"], "KH")

    assert [first.symbol, second.symbol] == ["01-KH/BTGDVTU", "02-KH/BTGDVTU"]
    assert report.symbol == "01-BC/BTGDVTU"
    assert other_issuer.symbol == "01-KH/TU"
    assert second.written_symbol == "Số 02-KH/BTGDVTU"


def test_numbers_restart_at_01_in_each_term(admin_user, issuers, terms):
    board = issuers["BTGDVTU"]
    late_old_term = [register(admin_user, board, "KH", day=D(2025, 9, d)) for d in (10, 20, 29)]
    new_term = register(admin_user, board, "KH", day=D(2025, 10, 2))
    backdated = register(admin_user, board, "KH", day=D(2025, 9, 30))  # registered late, still the old term
    after = register(admin_user, board, "KH", day=D(2025, 10, 3))

    assert [d.number for d in late_old_term] == [1, 2, 3]
    assert (new_term.number, new_term.term) == (1, terms["new"])
    assert (backdated.number, backdated.term) == (4, terms["old"])
    assert after.number == 2


def test_the_proposed_number_is_the_one_given(admin_user, issuers):
    board, kh = issuers["BTGDVTU"], doc_type("KH")
    register(admin_user, board, "KH")

    proposal = selectors.propose_symbol(issuer=board, doc_type=kh, on=D(2025, 11, 6))
    given = register(admin_user, board, "KH", day=D(2025, 11, 6))

    assert proposal.symbol.written == "Số 02-KH/BTGDVTU" == given.written_symbol


def test_a_typed_number_is_kept_and_numbering_goes_on_after_it(admin_user, issuers):
    board = issuers["BTGDVTU"]
    typed = register(admin_user, board, "KH", symbol="Số 10-KH/BTGDVTU")
    after = register(admin_user, board, "KH")

    assert (typed.number, after.number) == (10, 11)


def test_a_number_already_used_in_the_term_is_refused(admin_user, issuers):
    board = issuers["BTGDVTU"]
    register(admin_user, board, "KH")
    register(admin_user, board, "KH")

    with pytest.raises(ValidationError) as refused:
        register(admin_user, board, "KH", symbol="02-KH/BTGDVTU")

    message = refusal(refused.value, "symbol")
    assert "Số 02-KH/BTGDVTU đã được dùng trong nhiệm kỳ 2025–2030" in message
    assert "Số tiếp theo là 03" in message
    assert Document.objects.count() == 2
    # The same number in another term is a different document.
    assert register(admin_user, board, "KH", day=D(2025, 8, 1), symbol="02-KH/BTGDVTU").term.name == "2020–2025"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("05-CT/BTGDVTU", "Ký hiệu “CT” trong số, ký hiệu không khớp loại văn bản đã chọn: Kế hoạch có ký hiệu KH"),
        ("05-KH/TU", "Ký hiệu “TU” trong số, ký hiệu không khớp cơ quan ban hành đã chọn"),
        ("Số: 05-KH/BTGDVTU", "Không đặt dấu hai chấm"),
        ("5-KH/BTGDVTU", "chữ số 0 đứng trước"),
    ],
)
def test_a_typed_symbol_must_match_the_chosen_type_and_issuer(admin_user, issuers, typed, expected):
    with pytest.raises(ValidationError) as refused:
        register(admin_user, issuers["BTGDVTU"], "KH", symbol=typed)

    assert expected in refusal(refused.value, "symbol")
    assert not Document.objects.exists()


def test_documents_of_external_issuers_need_their_printed_symbol(admin_user, issuers, board):
    with pytest.raises(ValidationError) as refused:
        register(admin_user, issuers["TW"], "CT", unit=board)
    assert "nhập đúng số, ký hiệu ghi trên văn bản" in refusal(refused.value, "symbol")

    received = register(admin_user, issuers["TW"], "CT", unit=board, symbol="Số 05-CT/TW")
    assert (received.written_symbol, received.unit) == ("Số 05-CT/TW", board)


def test_a_document_issued_by_a_unit_belongs_to_it(admin_user, issuers, ward_a, board):
    document = register(admin_user, issuers["A"], "KH", unit=board)

    assert document.unit == ward_a


def test_a_date_outside_every_term_is_refused(admin_user, issuers):
    with pytest.raises(ValidationError) as refused:
        register(admin_user, issuers["BTGDVTU"], "KH", day=D(2019, 5, 1))

    assert "Chưa có nhiệm kỳ nào bao trùm ngày 01/05/2019" in refusal(refused.value, "issued_on")


def test_an_issuer_term_of_its_own_wins_over_the_general_one(admin_user, issuers, board):
    central = issuers["TW"]
    xiv = Term.objects.create(name="Khóa XIV", issuer=central, starts_on=D(2026, 1, 23))

    document = register(admin_user, central, "CT", unit=board, day=D(2026, 2, 10), symbol="01-CT/TW")

    assert document.term == xiv


def test_effective_before_it_was_issued_is_refused(admin_user, issuers):
    with pytest.raises(ValidationError) as refused:
        register(admin_user, issuers["BTGDVTU"], "KH", day=D(2025, 11, 5), in_force_from=D(2025, 11, 1))

    assert refusal(refused.value, "in_force_from") == (
        "Ngày có hiệu lực (01/11/2025) không được trước ngày ban hành (05/11/2025)."
    )
    assert not Document.objects.exists()


def test_validity_ending_before_it_starts_is_refused(admin_user, issuers):
    with pytest.raises(ValidationError) as refused:
        register(admin_user, issuers["BTGDVTU"], "KH", day=D(2025, 11, 5), in_force_to=D(2025, 11, 4))

    assert "không được trước ngày có hiệu lực (05/11/2025)" in refusal(refused.value, "in_force_to")


def test_the_database_refuses_effective_before_issued_even_past_the_services(admin_user, issuers, terms):
    document = register(admin_user, issuers["BTGDVTU"], "KH", day=D(2025, 11, 5))

    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.filter(pk=document.pk).update(in_force_from=D(2025, 11, 4))


def test_a_future_issue_date_is_refused(admin_user, issuers):
    from django.utils import timezone

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        register(admin_user, issuers["BTGDVTU"], "KH", day=tomorrow)

    assert "không được sau hôm nay" in refusal(refused.value, "issued_on")


def test_editing_keeps_the_number_and_a_new_type_gets_its_own(admin_user, issuers):
    board = issuers["BTGDVTU"]
    register(admin_user, board, "BC")
    document = register(admin_user, board, "KH")

    document.summary = "Kế hoạch (sửa)"
    services.document_save(actor=admin_user, document=document, symbol=document.symbol)
    assert Document.objects.get(pk=document.pk).symbol == "01-KH/BTGDVTU"

    document.doc_type = doc_type("BC")
    with pytest.raises(ValidationError):  # the old symbol no longer matches the type
        services.document_save(actor=admin_user, document=document, symbol="01-KH/BTGDVTU")
    services.document_save(actor=admin_user, document=document, symbol="")
    assert Document.objects.get(pk=document.pk).symbol == "02-BC/BTGDVTU"


def test_relations_refuse_the_document_itself_and_later_documents(admin_user, issuers):
    board = issuers["BTGDVTU"]
    earlier = register(admin_user, board, "KH", day=D(2025, 11, 1))
    later = register(admin_user, board, "KH", day=D(2025, 11, 20))

    with pytest.raises(ValidationError) as refused:
        register(
            admin_user, board, "BC", day=D(2025, 11, 10), relations=[{"kind": RelationKind.IMPLEMENTS, "target": later}]
        )
    assert "ban hành sau đó (20/11/2025)" in refusal(refused.value, "relations")

    implementing = register(
        admin_user, board, "BC", day=D(2025, 11, 10), relations=[{"kind": RelationKind.IMPLEMENTS, "target": earlier}]
    )
    assert [r.target for r in implementing.relations.all()] == [earlier]

    implementing.relations.add(DocumentRelation(kind=RelationKind.RELATED, target=implementing))
    with pytest.raises(ValidationError) as refused:
        services.document_save(actor=admin_user, document=implementing, symbol="")
    assert "không thể liên quan đến chính nó" in refusal(refused.value, "relations")


def test_a_sibling_unit_can_neither_register_nor_edit_nor_delete_for_another(issuers, ward_a, ward_b, admin_user):
    staff_a = staff_user("canbo_a", ward_a)
    own = register(staff_a, issuers["A"], "KH")
    theirs = register(admin_user, issuers["B"], "KH")

    with pytest.raises(PermissionDenied):
        register(staff_a, issuers["B"], "KH")
    theirs.summary = "Sửa trái phép"
    with pytest.raises(PermissionDenied):
        services.document_save(actor=staff_a, document=theirs, symbol="")
    with pytest.raises(PermissionDenied):
        services.document_delete(actor=staff_a, document=theirs)
    # Moving one's own document over to the sibling is refused too.
    own.issuer = issuers["B"]
    with pytest.raises(PermissionDenied):
        services.document_save(actor=staff_a, document=own, symbol="")

    assert Document.objects.get(pk=theirs.pk).summary == "Kế hoạch tuyên truyền"
    assert Document.objects.filter(unit=ward_b).count() == 1


def test_a_cited_document_is_not_deleted_and_its_number_is_not_reused(admin_user, issuers):
    board = issuers["BTGDVTU"]
    cited = register(admin_user, board, "KH", day=D(2025, 11, 1))
    register(admin_user, board, "BC", day=D(2025, 11, 2), relations=[{"kind": "implements", "target": cited}])
    lone = register(admin_user, board, "KH", day=D(2025, 11, 3))

    with pytest.raises(ValidationError, match="có 01 văn bản khác dẫn chiếu"):
        services.document_delete(actor=admin_user, document=cited)
    services.document_delete(actor=admin_user, document=lone)

    assert register(admin_user, board, "KH").symbol == "03-KH/BTGDVTU"
    assert NumberCounter.objects.get(issuer=board, doc_type__code="KH").last_number == 3
