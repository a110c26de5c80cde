"""The "Văn bản" admin: list, filters, search, XLSX export, inspect, create/edit/delete — under unit rights.

Two people in sibling wards (Long Hòa, Bình Thủy) and a superuser: each
path either shows the other ward's document or answers 404.
"""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tuyengiao.documents.models import Document
from tuyengiao.documents.tests.conftest import client_for, doc_type, register, staff_user

D = datetime.date
INDEX = "/admin/van-ban/"


@pytest.fixture
def people(ward_a, ward_b, admin_user):
    return {"a": staff_user("canbo_longhoa", ward_a), "b": staff_user("canbo_binhthuy", ward_b), "admin": admin_user}


@pytest.fixture
def documents(people, issuers, area):
    admin = people["admin"]
    return {
        "a": register(
            admin, issuers["A"], "KH", day=D(2025, 11, 3), summary="Kế hoạch học tập nghị quyết", subject_area=area
        ),
        "a_old": register(
            admin, issuers["A"], "BC", day=D(2025, 8, 1), summary="Báo cáo quý III", in_force_to=D(2025, 8, 31)
        ),
        "b": register(admin, issuers["B"], "KH", day=D(2025, 11, 4), summary="Kế hoạch tuyên truyền đại hội"),
    }


def form_data(issuer, code="KH", **overrides):
    data = {
        "issuer": issuer.pk,
        "doc_type": doc_type(code).pk,
        "issued_on": "05/11/2025",
        "number_symbol": "",
        "unit": "",
        "summary": "Kế hoạch tổ chức hội nghị báo cáo viên tháng 11/2025",
        "issued_place": "Sông Hậu",
        "subject_area": "",
        "signing_mode": "K/T",
        "signing_for": "Trưởng ban",
        "signer_position": "Phó Trưởng ban",
        "signer_name": "Trần Minh Khoa",
        "recipients": "- Các chi bộ,\n- Lưu Văn phòng.",
        "in_force_from": "",
        "in_force_to": "",
    }
    for prefix in ("attachments", "relations"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0"}
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
    data.update(overrides)
    return data


def test_the_list_shows_only_the_units_documents(people, documents):
    seen_by_a = client_for(people["a"]).get(INDEX).content.decode()
    seen_by_admin = client_for(people["admin"]).get(INDEX).content.decode()

    assert documents["a"].symbol in seen_by_a and "Kế hoạch học tập nghị quyết" in seen_by_a
    assert "Kế hoạch tuyên truyền đại hội" not in seen_by_a
    assert "Bình Thủy" not in seen_by_a  # not even as an issuer to filter by
    assert "Đảng ủy phường Bình Thủy (ĐU)" in seen_by_admin
    assert "Kế hoạch học tập nghị quyết" in seen_by_admin and "Kế hoạch tuyên truyền đại hội" in seen_by_admin
    for heading in ("Số, ký hiệu", "Trích yếu", "Cơ quan ban hành", "Ngày ban hành", "Hiệu lực"):
        assert heading in seen_by_a
    assert "03/11/2025" in seen_by_a


def test_the_export_holds_only_the_filtered_rows_the_user_may_see(people, documents):
    response = client_for(people["a"]).get(INDEX, {"export": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="van-ban-')
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Số, ký hiệu", "Loại văn bản", "Cơ quan ban hành", "Nhiệm kỳ", "Ngày ban hành")
    assert sorted(row[0] for row in rows[1:]) == sorted([documents["a"].symbol, documents["a_old"].symbol])
    date_cell = sheet.cell(row=2, column=5)
    assert date_cell.number_format == "DD/MM/YYYY"

    filtered = client_for(people["a"]).get(INDEX, {"export": "xlsx", "doc_type": doc_type("BC").pk})
    filtered_rows = list(load_workbook(io.BytesIO(b"".join(filtered.streaming_content))).active.values)
    assert [row[0] for row in filtered_rows[1:]] == [documents["a_old"].symbol]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"doc_type": "KH"}, {"a", "b"}),
        ({"validity": "expired"}, {"a_old"}),
        ({"validity": "in_force"}, {"a", "b"}),
        ({"issued_on_from": "01/11/2025", "issued_on_to": "03/11/2025"}, {"a"}),
        ({"q": "hoc tap"}, {"a"}),  # no diacritics typed
        ({"q": "Số 01-BC/ĐU"}, {"a_old"}),
        ({"is_public": "0"}, {"a", "a_old", "b"}),
    ],
)
def test_filters_and_search(people, documents, issuers, query, expected):
    if query.get("doc_type"):
        query = {**query, "doc_type": doc_type(query["doc_type"]).pk}
    html = client_for(people["admin"]).get(INDEX, query).content.decode()

    shown = {key for key, document in documents.items() if document.summary in html}
    assert shown == expected


def test_bad_filter_values_do_not_break_the_list(people, documents):
    response = client_for(people["a"]).get(
        INDEX, {"doc_type": "abc", "issued_on_from": "31/02/2025", "validity": "x", "issuer": "-1", "p": "zz"}
    )
    assert response.status_code == 200


def test_the_list_query_count_does_not_grow_with_rows(people, issuers):
    client = client_for(people["a"])
    register(people["admin"], issuers["A"], "KH")
    client.get(INDEX)  # warm the per-process caches
    with CaptureQueriesContext(connection) as few:
        client.get(INDEX)
    for n in range(6):
        register(people["admin"], issuers["A"], "BC", summary=f"Báo cáo {n}")
    with CaptureQueriesContext(connection) as many:
        client.get(INDEX)
    assert len(many) == len(few)


@pytest.mark.parametrize("view", ["edit", "inspect", "delete", "history", "usage"])
def test_another_units_document_is_a_404_on_every_path(people, documents, view):
    theirs = documents["b"]

    assert client_for(people["a"]).get(f"{INDEX}{view}/{theirs.pk}/").status_code == 404
    assert client_for(people["admin"]).get(f"{INDEX}{view}/{theirs.pk}/").status_code == 200
    assert client_for(people["b"]).get(f"{INDEX}{view}/{theirs.pk}/").status_code == 200


def test_posting_to_another_units_document_changes_nothing(people, documents, issuers):
    theirs = documents["b"]
    client = client_for(people["a"])

    edited = client.post(f"{INDEX}edit/{theirs.pk}/", form_data(issuers["B"], summary="Sửa trái phép"))
    deleted = client.post(f"{INDEX}delete/{theirs.pk}/")

    assert (edited.status_code, deleted.status_code) == (404, 404)
    assert Document.objects.get(pk=theirs.pk).summary == "Kế hoạch tuyên truyền đại hội"


def test_inspect_shows_the_metadata(people, documents):
    html = client_for(people["a"]).get(f"{INDEX}inspect/{documents['a'].pk}/").content.decode()

    for text in ("Số 01-KH/ĐU", "Kế hoạch học tập nghị quyết", "03/11/2025", "Tuyên truyền", "Đảng ủy phường Long Hòa"):
        assert text in html


def test_creating_gives_the_next_number_of_the_term(people, documents, issuers, ward_a):
    response = client_for(people["a"]).post(f"{INDEX}new/", form_data(issuers["A"]))

    assert response.status_code == 302
    created = Document.objects.latest("pk")
    assert (created.written_symbol, created.unit, created.created_by) == ("Số 02-KH/ĐU", ward_a, people["a"])


def test_the_form_shows_the_proposed_number(people, documents, issuers):
    client = client_for(people["a"])
    params = {"issuer": issuers["A"].pk, "doc_type": doc_type("KH").pk, "issued_on": "06/11/2025"}

    proposal = client.get(f"{INDEX}so-tiep-theo/", params).json()
    sibling = client.get(f"{INDEX}so-tiep-theo/", {**params, "issuer": issuers["B"].pk}).json()
    form = client.get(f"{INDEX}new/").content.decode()

    assert proposal["symbol"] == "02-KH/ĐU"
    assert "Số tiếp theo: Số 02-KH/ĐU (nhiệm kỳ 2025–2030)" in proposal["message"]
    assert sibling["symbol"] == ""  # another unit's issuer is not offered
    assert 'data-next-number-url="/admin/van-ban/so-tiep-theo/"' in form
    assert "documents/js/next_number.js" in form


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"number_symbol": "Số: 05-KH/ĐU"}, "Không đặt dấu hai chấm sau chữ “Số”"),
        ({"number_symbol": "01-KH/ĐU"}, "Số 01-KH/ĐU đã được dùng trong nhiệm kỳ 2025–2030"),
        ({"number_symbol": "05-CT/ĐU"}, "không khớp loại văn bản đã chọn"),
        ({"in_force_from": "01/11/2025"}, "Ngày có hiệu lực (01/11/2025) không được trước ngày ban hành (05/11/2025)."),
        ({"issued_on": "05/11/2019"}, "Chưa có nhiệm kỳ nào bao trùm ngày 05/11/2019"),
    ],
)
def test_bad_input_is_refused_in_vietnamese_and_nothing_saved(people, documents, issuers, fields, expected):
    before = Document.objects.count()

    response = client_for(people["a"]).post(f"{INDEX}new/", form_data(issuers["A"], **fields))

    assert response.status_code == 200
    assert expected in response.content.decode()
    assert Document.objects.count() == before


def test_another_units_issuer_cannot_be_chosen(people, documents, issuers):
    before = Document.objects.count()

    response = client_for(people["a"]).post(f"{INDEX}new/", form_data(issuers["B"]))

    assert response.status_code == 200
    assert Document.objects.count() == before


def test_the_relation_chooser_offers_own_and_public_documents_only(people, documents, issuers):
    public_b = register(people["admin"], issuers["B"], "KH", summary="Kế hoạch công khai của Bình Thủy", is_public=True)

    html = client_for(people["a"]).get("/admin/van-ban/chon/results/").content.decode()
    chosen_hidden = client_for(people["a"]).get(f"/admin/van-ban/chon/{documents['b'].pk}/")

    assert "Kế hoạch học tập nghị quyết" in html and public_b.summary in html
    assert "Kế hoạch tuyên truyền đại hội" not in html
    assert chosen_hidden.status_code == 404


def test_people_without_a_staff_role_see_no_documents_menu(db, documents, django_user_model):
    from django.contrib.auth.models import Permission

    outsider = django_user_model.objects.create_user("khach")
    outsider.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = client_for(outsider)

    assert client.get(INDEX).status_code in (302, 403)
    assert client.get(f"{INDEX}so-tiep-theo/").status_code in (302, 403)


def test_the_csv_export_writes_dates_as_readers_write_them(people, documents):
    response = client_for(people["a"]).get(INDEX, {"export": "csv"})
    text = b"".join(response.streaming_content).decode()

    assert "03/11/2025" in text and "2025-11-03" not in text
    assert "Đảng ủy phường Long Hòa" in text and "Đảng ủy phường Bình Thủy" not in text
