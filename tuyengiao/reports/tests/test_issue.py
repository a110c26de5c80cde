"""Issuing (ban hành) a report: its number enters the document registry, once, and the report becomes final.

The board (issuer BTGDVTU) registered 01-BC/BTGDVTU on 15/01/2025 (the
`records` fixture), so a new report's draft proposes 02-BC/BTGDVTU.
"""

import datetime
import io
import threading

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from docx import Document as Docx

from tuyengiao.documents import selectors as registry
from tuyengiao.documents.models import Document, DocumentType, NumberCounter, RelationKind
from tuyengiao.documents.services import document_create, document_delete
from tuyengiao.education.tests.conftest import staff_user
from tuyengiao.reports import services
from tuyengiao.reports.models import Report, ReportStatus
from tuyengiao.reports.periods import PeriodKind
from tuyengiao.units.models import Role
from tuyengiao.units.services import role_assign

from .conftest import client_for

D = datetime.date
SIGNER = {
    "signing_mode": "K/T",
    "signing_for": "Trưởng ban",
    "signer_position": "Phó Trưởng ban",
    "signer_name": "Trần Minh Khoa",
}
TAKEN_02 = (
    "Số 02-BC/BTGDVTU đã được dùng trong nhiệm kỳ 2020–2025 của Ban Tuyên giáo và Dân vận Tỉnh ủy. "
    "Số tiếp theo là 03."
)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the issued DOCX is stored as the registry entry's file


@pytest.fixture
def head(tree, admin_group):
    """Trưởng ban: head of the board and of the province's reports (as in the demo)."""
    user = staff_user("truongban", tree.board, admin_group, role=Role.HEAD)
    role_assign(user=user, unit=tree.province, role=Role.HEAD, valid_from=D(2020, 1, 1))
    return user


def draft(tree, actor, **fields) -> Report:
    return services.report_create(
        actor=actor,
        unit=tree.province,
        period_kind=PeriodKind.HALF,
        period_start=D(2025, 1, 1),
        issued_on=fields.pop("issued_on", D(2025, 7, 10)),
        **{**SIGNER, **fields},
    )


def issue_url(report) -> str:
    return reverse("reports_report:issue", args=[report.pk])


def issue_form(number_symbol="02-BC/BTGDVTU", issued_on="10/07/2025") -> dict:
    return {"number_symbol": number_symbol, "issued_on": issued_on}


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def errors_of(response) -> str:
    return " ".join(p.get_text() for p in soup(response).select(".error-message"))


def docx_text(content: bytes) -> str:
    document = Docx(io.BytesIO(content))
    cells = [p.text for table in document.tables for row in table.rows for cell in row.cells for p in cell.paragraphs]
    return "\n".join([*cells, *(p.text for p in document.paragraphs)])


def board_reports():
    return Document.objects.filter(issuer__code="BTGDVTU", doc_type__code="BC")


# --- through the admin -----------------------------------------------------------------------------------


def test_issuing_enters_the_number_in_the_registry_and_the_next_proposal_follows(tree, users, records, head):
    report = draft(tree, users["p"])
    assert (report.status, report.number_symbol) == (ReportStatus.DRAFT, "02-BC/BTGDVTU")
    client = client_for(head)
    page = soup(client.get(reverse("reports_report:inspect", args=[report.pk])))
    assert page.select_one(f'#report-actions a[href="{issue_url(report)}"]').get_text() == "Ban hành"
    form = soup(client.get(issue_url(report)))
    assert form.select_one("#id_number_symbol")["value"] == "02-BC/BTGDVTU"
    assert form.select_one("#id_issued_on")["value"] == "10/07/2025"

    response = client.post(issue_url(report), issue_form(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("reports_report:inspect", args=[report.pk])
    text = response.content.decode()
    assert "Đã ban hành báo cáo Số 02-BC/BTGDVTU ngày 10/07/2025 và vào sổ văn bản." in text
    assert "Đã ban hành" in soup(response).select_one("#report-status").get_text()

    report.refresh_from_db()
    entry = report.registered_document
    assert report.status == ReportStatus.ISSUED and report.issued_by == head and report.number == 2
    assert (entry.symbol, entry.issued_on, entry.doc_type.code, entry.unit) == (
        "02-BC/BTGDVTU",
        D(2025, 7, 10),
        "BC",
        tree.board,
    )
    assert entry.summary == report.summary == (
        "Sơ kết công tác 6 tháng đầu năm 2025, phương hướng, nhiệm vụ 6 tháng cuối năm 2025"
    )
    assert entry.signature_lines == ["K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "Trần Minh Khoa"]
    assert (entry.issued_place, entry.recipients, entry.is_public) == (report.place, report.recipients, False)
    (attachment,) = entry.attachments.all()
    with attachment.file.file.open("rb") as stored:
        assert "Số 02-BC/BTGDVTU" in docx_text(stored.read())

    # The registry's next Báo cáo of the board is 03: in its form's proposal and in what it allocates.
    next_url = reverse("documents_document:next_number")
    answer = client.get(
        next_url, {"issuer": report.issuer_id, "doc_type": entry.doc_type_id, "issued_on": "11/07/2025"}
    ).json()
    assert answer["symbol"] == "03-BC/BTGDVTU"
    registered = document_create(
        actor=head, issuer=report.issuer, doc_type=entry.doc_type, issued_on=D(2025, 7, 11), summary="Báo cáo nhanh"
    )
    assert registered.symbol == "03-BC/BTGDVTU"
    # The log says who issued it.
    assert report.revisions.count() == 2
    history = client.get(reverse("reports_report:history", args=[report.pk])).content.decode()
    assert "Ban hành" in history


def test_an_issued_report_is_read_only_on_every_path(tree, users, records, head):
    report = services.report_issue(actor=head, report=draft(tree, users["p"]))
    client = client_for(head)
    inspect = reverse("reports_report:inspect", args=[report.pk])
    page = soup(client.get(inspect))
    actions = page.select_one("#report-actions").get_text()
    assert "Sửa báo cáo" not in actions and "Tổng hợp lại" not in actions and "Ban hành" not in actions
    assert "Tạo phiên bản mới (thay thế)" in actions

    response = client.get(reverse("reports_report:edit", args=[report.pk]), follow=True)
    assert response.redirect_chain == [(inspect, 302)]
    assert "Báo cáo Số 02-BC/BTGDVTU đã ban hành ngày 10/07/2025, không sửa được." in response.content.decode()
    assert client.post(reverse("reports_report:edit", args=[report.pk]), {"limitations": "x"}).status_code == 302
    revision = report.revisions.first()
    revert = reverse("reports_report:revisions_revert", args=[report.pk, revision.pk])
    assert client.post(revert, {}).status_code == 302
    response = client.post(reverse("reports_report:regenerate", args=[report.pk]), follow=True)
    assert "không sửa được" in response.content.decode()
    response = client.post(reverse("reports_report:delete", args=[report.pk]), follow=True)
    assert "không sửa được" in response.content.decode()
    response = client.post(issue_url(report), issue_form("05-BC/BTGDVTU"))
    assert response.status_code == 302

    fresh = Report.objects.get(pk=report.pk)
    assert (fresh.limitations, fresh.number_symbol, fresh.revisions.count()) == ("", "02-BC/BTGDVTU", 2)
    assert fresh.generated_at == report.generated_at
    with pytest.raises(ValidationError, match="không sửa được"):
        services.report_save(actor=head, report=fresh)
    with pytest.raises(ValidationError, match="không xóa được"):
        services.report_delete(actor=head, report=fresh)
    with pytest.raises(ValidationError, match="không ban hành lại"):
        services.report_issue(actor=head, report=fresh, number_symbol="")
    # The registry keeps the entry while the report exists: its number can never be freed.
    with pytest.raises(ValidationError, match="đang gắn với báo cáo sơ kết, tổng kết"):
        document_delete(actor=head, document=fresh.registered_document)
    assert board_reports().filter(number=2).exists()


def test_number_taken_in_the_registry_meanwhile_is_refused_and_nothing_saved(tree, users, records, head):
    report = draft(tree, users["p"])
    bc = DocumentType.objects.get(code="BC")
    # A clerk registers a Báo cáo directly in the registry: it takes 02, the draft's proposal.
    clerk_entry = document_create(
        actor=head, issuer=report.issuer, doc_type=bc, issued_on=D(2025, 7, 9), summary="Báo cáo đột xuất"
    )
    assert clerk_entry.symbol == "02-BC/BTGDVTU"
    counter = NumberCounter.objects.get(issuer=report.issuer, doc_type=bc).last_number
    client = client_for(head)

    response = client.post(issue_url(report), issue_form("02-BC/BTGDVTU"))
    assert response.status_code == 200
    assert TAKEN_02 in errors_of(response)
    report.refresh_from_db()
    assert (report.status, report.registered_document, report.revisions.count()) == (ReportStatus.DRAFT, None, 1)
    assert board_reports().count() == 2
    assert NumberCounter.objects.get(issuer=report.issuer, doc_type=bc).last_number == counter

    # The form now offers the registry's next number; left empty, the registry allocates it.
    assert soup(client.get(issue_url(report))).select_one("#id_number_symbol")["value"] == "03-BC/BTGDVTU"
    assert client.post(issue_url(report), issue_form("")).status_code == 302
    report.refresh_from_db()
    assert (report.number_symbol, report.registered_document.symbol) == ("03-BC/BTGDVTU", "03-BC/BTGDVTU")


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        (issue_form("Số: 02-BC/BTGDVTU"), "number_symbol", "Không đặt dấu hai chấm sau chữ “Số”"),
        (issue_form("02-KH/BTGDVTU"), "number_symbol", "Báo cáo có ký hiệu loại văn bản BC, không phải “KH”."),
        (issue_form("01-BC/BTGDVTU"), "number_symbol", "Số 01-BC/BTGDVTU đã được dùng trong nhiệm kỳ 2020–2025"),
        (issue_form(issued_on="31/12/2099"), "issued_on", "Ngày ban hành (31/12/2099) không được sau hôm nay."),
        (issue_form(issued_on="2025"), "issued_on", "Ngày có dạng dd/mm/yyyy."),
    ],
)
def test_bad_number_or_date_is_refused_on_the_form(tree, users, records, head, form, field, message):
    report = draft(tree, users["p"])
    response = client_for(head).post(issue_url(report), form)
    assert response.status_code == 200
    errors = soup(response).select_one(f"#id_{field}").find_parent(class_="w-field__wrapper")
    assert message in errors.get_text()
    assert Report.objects.get(pk=report.pk).status == ReportStatus.DRAFT
    assert board_reports().count() == 1


def test_a_report_without_a_signer_is_not_issued(tree, users, records, head):
    report = draft(tree, users["p"], signer_name="", signer_position="")
    response = client_for(head).post(issue_url(report), issue_form())
    assert "Báo cáo chưa ghi đủ chức vụ và họ tên người ký" in errors_of(response)
    assert board_reports().count() == 1


def test_only_the_head_deputy_or_clerk_issues(tree, users, records, admin_group):
    report = draft(tree, users["p"])
    specialist = client_for(users["p"])
    refusal = (
        "Chỉ Trưởng ban (thủ trưởng), Phó trưởng ban hoặc văn thư của Ban Tuyên giáo và Dân vận Tỉnh ủy "
        "mới được ban hành báo cáo."
    )
    page = soup(specialist.get(reverse("reports_report:inspect", args=[report.pk])))
    assert not page.select(f'a[href="{issue_url(report)}"]')
    response = specialist.get(issue_url(report))
    assert response.status_code == 403 and refusal in response.content.decode()
    response = specialist.post(issue_url(report), issue_form())
    assert response.status_code == 403 and refusal in response.content.decode()
    # Staff of a sibling ward do not even see the report.
    assert client_for(users["a"]).post(issue_url(report), issue_form()).status_code == 404
    assert Report.objects.get(pk=report.pk).status == ReportStatus.DRAFT and board_reports().count() == 1
    with pytest.raises(PermissionDenied):
        services.report_issue(actor=users["p"], report=report)
    # The board's clerk (văn thư) numbers and dates documents after signing: allowed.
    clerk = staff_user("vanthu", tree.province, admin_group, role=Role.SPECIALIST)
    role_assign(user=clerk, unit=tree.board, role=Role.CLERK, valid_from=D(2020, 1, 1))
    assert client_for(clerk).post(issue_url(report), issue_form()).status_code == 302
    assert Report.objects.get(pk=report.pk).status == ReportStatus.ISSUED


def test_a_new_version_gets_a_new_number_and_replaces_the_old_in_the_registry(tree, users, records, head):
    old = services.report_issue(actor=head, report=draft(tree, users["p"], limitations="Có chậm trễ."))
    client = client_for(head)
    response = client.post(reverse("reports_report:new_version", args=[old.pk]))
    new = Report.objects.get(replaces=old)
    assert response["Location"] == reverse("reports_report:edit", args=[new.pk])
    assert (new.status, new.limitations, new.signer_name) == (ReportStatus.DRAFT, "Có chậm trễ.", "Trần Minh Khoa")
    assert new.number_symbol == "03-BC/BTGDVTU"  # 02 stays used by the issued report
    response = client.post(reverse("reports_report:new_version", args=[old.pk]), follow=True)
    assert "Báo cáo đã có phiên bản mới đang soạn" in response.content.decode()
    assert Report.objects.filter(replaces=old).count() == 1

    day = new.issued_on.strftime("%d/%m/%Y")
    assert client.post(issue_url(new), issue_form("03-BC/BTGDVTU", day)).status_code == 302
    new.refresh_from_db()
    (relation,) = new.registered_document.relations.all()
    assert (relation.kind, relation.target) == (RelationKind.REPLACES, old.registered_document)
    assert sorted(board_reports().values_list("number", flat=True)) == [1, 2, 3]
    page = soup(client.get(reverse("reports_report:inspect", args=[old.pk]))).select_one("#report-status").get_text()
    assert "Phiên bản mới: Số 03-BC/BTGDVTU (đã ban hành)" in page


def test_issued_state_in_the_list(tree, users, records, head):
    issued = services.report_issue(actor=head, report=draft(tree, users["p"]))
    draft(tree, users["p"], issued_on=D(2025, 7, 11))
    client = client_for(head)
    rows = soup(client.get(reverse("reports_report:list"), {"status": "issued"})).select("tbody tr")
    assert len(rows) == 1 and "Đã ban hành" in rows[0].get_text() and issued.number_symbol in rows[0].get_text()


# --- concurrency (PostgreSQL: real concurrent transactions) ---------------------------------------------

needs_row_locks = pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite serialises writers itself (BEGIN IMMEDIATE); needs PostgreSQL"
)


def _at_once(*jobs):
    """Run the jobs in threads released together; returns the errors they raised."""
    start = threading.Barrier(len(jobs))
    errors = []

    def run(job):
        try:
            start.wait()
            job()
        except Exception as error:  # noqa: BLE001 - returned to the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@needs_row_locks
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reports_and_a_clerk_numbering_at_once_never_share_a_number(tree, users, issuers, head):
    reports = [draft(tree, users["p"], issued_on=D(2025, 7, 10 + n)) for n in range(3)]
    bc = DocumentType.objects.get(code="BC")
    jobs = [lambda r=r: services.report_issue(actor=head, report=r, number_symbol="") for r in reports]
    jobs.append(
        lambda: document_create(
            actor=head, issuer=issuers["board"], doc_type=bc, issued_on=D(2025, 7, 12), summary="Báo cáo nhanh"
        )
    )
    assert _at_once(*jobs) == []
    assert sorted(board_reports().values_list("number", flat=True)) == [1, 2, 3, 4]
    issued = Report.objects.filter(status=ReportStatus.ISSUED)
    assert issued.count() == 3
    assert all(r.number == r.registered_document.number for r in issued.select_related("registered_document"))
    proposal = registry.propose_symbol(issuer=issuers["board"], doc_type=bc, on=D(2025, 7, 13))
    assert str(proposal.symbol) == "05-BC/BTGDVTU"


@needs_row_locks
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_reports_issued_at_once_with_the_same_number_one_is_refused(tree, users, issuers, head):
    first, second = (draft(tree, users["p"], issued_on=D(2025, 7, 10)) for _ in range(2))
    jobs = [lambda r=r: services.report_issue(actor=head, report=r, number_symbol="01-BC/BTGDVTU") for r in (first, second)]
    errors = _at_once(*jobs)
    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
    assert "Số 01-BC/BTGDVTU đã được dùng trong nhiệm kỳ 2020–2025" in " ".join(errors[0].messages)
    assert list(board_reports().values_list("number", flat=True)) == [1]
    statuses = sorted(Report.objects.values_list("status", flat=True))
    assert statuses == [ReportStatus.DRAFT, ReportStatus.ISSUED]
    loser = Report.objects.get(status=ReportStatus.DRAFT)
    assert loser.registered_document is None and loser.revisions.count() == 1
