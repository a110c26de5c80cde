"""Rights follow the unit tree on every path: staff of ward A never see or touch ward B's reports, and vice versa."""

import csv
import datetime
import io
from urllib.parse import urlencode

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tuyengiao.opinion import selectors, services
from tuyengiao.opinion.models import OpinionReport, Tendency
from tuyengiao.opinion.periods import PeriodKind

from .factories import client_for, make_staff
from .helpers import item, monthly_report

D = datetime.date


@pytest.fixture
def reports(tree, admin_user, topics):
    return {
        "a": monthly_report(admin_user, tree.ward_a, D(2025, 5, 1), [item(topics[0], content="Ý kiến ở phường A.")]),
        "cell_a": monthly_report(admin_user, tree.cell_a, D(2025, 5, 1), [item(topics[0])]),
        "b": monthly_report(admin_user, tree.ward_b, D(2025, 5, 1), [item(topics[1], content="Ý kiến ở phường B.")]),
    }


def export_rows(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))[1:]


def test_report_list_and_export_show_only_the_users_subtree(reports, staff_a, staff_b, admin_user):
    lists = {
        name: client_for(user).get("/admin/opinion/reports/").content.decode()
        for name, user in [("a", staff_a), ("b", staff_b), ("admin", admin_user)]
    }
    exports = {
        name: [row[0] for row in export_rows(client_for(user), "/admin/opinion/reports/?export=csv")]
        for name, user in [("a", staff_a), ("b", staff_b), ("admin", admin_user)]
    }

    assert "Đảng ủy phường A" in lists["a"] and "Chi bộ khu vực 1 (A)" in lists["a"]
    assert "Đảng ủy phường B" not in lists["a"]
    assert "Đảng ủy phường B" in lists["b"] and "Đảng ủy phường A" not in lists["b"]
    assert sorted(exports["a"]) == ["Chi bộ khu vực 1 (A)", "Đảng ủy phường A"]
    assert exports["b"] == ["Đảng ủy phường B"]
    assert len(exports["admin"]) == 3


@pytest.mark.parametrize("view", ["edit", "inspect", "delete", "history"])
def test_a_sibling_units_report_is_not_found_on_every_detail_path(reports, staff_a, staff_b, view):
    report_b = reports["b"]

    assert client_for(staff_a).get(f"/admin/opinion/reports/{view}/{report_b.pk}/").status_code == 404
    assert client_for(staff_b).get(f"/admin/opinion/reports/{view}/{report_b.pk}/").status_code == 200


def test_a_sibling_cannot_edit_or_delete_by_post(reports, staff_a, topics):
    report_b = reports["b"]
    client = client_for(staff_a)

    edit = client.post(f"/admin/opinion/reports/edit/{report_b.pk}/", {"unit": report_b.unit_id})
    delete = client.post(f"/admin/opinion/reports/delete/{report_b.pk}/")

    assert (edit.status_code, delete.status_code) == (404, 404)
    assert OpinionReport.objects.filter(pk=report_b.pk).exists()


def test_staff_can_delete_their_own_units_report(reports, staff_a):
    response = client_for(staff_a).post(f"/admin/opinion/reports/delete/{reports['cell_a'].pk}/")

    assert response.status_code == 302
    assert not OpinionReport.objects.filter(pk=reports["cell_a"].pk).exists()


def test_the_unit_field_offers_only_visible_units_and_refuses_others(tree, staff_a, topics):
    client = client_for(staff_a)

    form = client.get("/admin/opinion/reports/new/").content.decode()
    response = client.post(
        "/admin/opinion/reports/new/",
        {
            "unit": tree.ward_b.pk,
            "period_kind": "month",
            "period_start": "01/05/2025",
            "summary": "",
            "items-TOTAL_FORMS": 0,
            "items-INITIAL_FORMS": 0,
            "items-MIN_NUM_FORMS": 0,
            "items-MAX_NUM_FORMS": 1000,
        },
    )

    assert "Đảng ủy phường A" in form and "Chi bộ khu vực 1 (A)" in form
    assert "Đảng ủy phường B" not in form and "Tỉnh ủy Thử nghiệm" not in form
    assert response.status_code == 200
    assert "Bạn chỉ được chọn đơn vị mình phụ trách hoặc đơn vị cấp dưới." in response.content.decode()
    assert not OpinionReport.objects.exists()


def test_services_refuse_a_sibling_unit(tree, staff_a, reports):
    with pytest.raises(PermissionDenied):
        services.report_create(
            actor=staff_a, unit=tree.ward_b, period_kind=PeriodKind.MONTH, period_start=D(2025, 6, 1)
        )
    with pytest.raises(PermissionDenied):
        services.report_delete(actor=staff_a, report=reports["b"])
    report_a = reports["a"]
    report_a.unit = tree.ward_b  # moving a report to a sibling's unit
    with pytest.raises(PermissionDenied):
        services.report_save(actor=staff_a, report=report_a)


def test_item_list_and_its_export_are_scoped(reports, staff_a, staff_b):
    rows_a = export_rows(client_for(staff_a), "/admin/opinion/items/?export=csv")
    html_b = client_for(staff_b).get("/admin/opinion/items/").content.decode()

    assert sorted(row[0] for row in rows_a) == ["Chi bộ khu vực 1 (A)", "Đảng ủy phường A"]
    assert "Ý kiến ở phường B." in html_b and "Ý kiến ở phường A." not in html_b
    # Items are edited in their report: no add/edit/delete of single items.
    assert client_for(staff_a).get("/admin/opinion/items/new/").status_code == 404


def test_the_aggregate_refuses_a_sibling_unit_in_html_and_json(tree, reports, staff_a, admin_user):
    query = urlencode({"unit": tree.ward_b.pk, "date_from": "01/01/2025", "date_to": "31/12/2025"})
    own = urlencode({"unit": tree.ward_a.pk, "date_from": "01/01/2025", "date_to": "31/12/2025"})
    client = client_for(staff_a)

    html = client.get(f"/admin/opinion/aggregate/?{query}")
    json = client.get(f"/admin/opinion/aggregate/?{query}&format=json")
    xlsx = client.get(f"/admin/opinion/aggregate/?{query}&export=xlsx")

    # The admin answers a refused page with its "no permission" redirect; the JSON API with 403.
    assert (html.status_code, html["Location"]) == (302, "/admin/")
    assert (xlsx.status_code, xlsx["Location"]) == (302, "/admin/")
    assert json.status_code == 403
    assert json.json() == {"error": "Bạn không có quyền xem số liệu của đơn vị này."}
    assert client.get(f"/admin/opinion/aggregate/?{own}&format=json").json()["totals"]["items"] == 2
    assert client_for(admin_user).get(f"/admin/opinion/aggregate/?{query}&format=json").json()["totals"]["items"] == 1


def test_the_aggregate_defaults_to_the_users_own_unit(tree, reports, staff_a):
    response = client_for(staff_a).get("/admin/opinion/aggregate/")

    assert response.context["result"].unit == tree.ward_a
    unit_select = response.context["form"]["unit"].as_widget()
    assert "Đảng ủy phường A" in unit_select and "Đảng ủy phường B" not in unit_select


def test_a_user_without_a_staff_role_sees_nothing(tree, reports, db):
    from tuyengiao.units.models import Role

    reporter = make_staff("bcv", tree.ward_a, role=Role.REPORTER)  # not a staff role
    client = client_for(reporter)

    assert client.get("/admin/opinion/reports/").status_code == 302  # permission denied → admin home
    assert client.get("/admin/opinion/aggregate/").status_code == 302
    # The sidebar menu is JSON in the page; the group's menu name marks it.
    assert "du-luan-xa-hoi" not in client.get("/admin/").content.decode()
    assert "du-luan-xa-hoi" in client_for(make_staff("cb2", tree.ward_a)).get("/admin/").content.decode()


def test_selectors_scope_by_user(reports, staff_a, staff_b, admin_user):
    assert set(selectors.reports_visible_to(staff_a)) == {reports["a"], reports["cell_a"]}
    assert set(selectors.reports_visible_to(staff_b)) == {reports["b"]}
    assert selectors.items_visible_to(admin_user).count() == 3


def test_lists_do_not_query_per_row(tree, admin_user, topics):
    client = client_for(admin_user)

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    for month in (1, 2):
        monthly_report(admin_user, tree.ward_a, D(2025, month, 1), [item(topics[0]), item(topics[1], Tendency.OPPOSE)])
    few = {url: queries(url) for url in ("/admin/opinion/reports/", "/admin/opinion/items/")}
    for month in range(3, 11):
        monthly_report(admin_user, tree.ward_b, D(2025, month, 1), [item(topics[0]), item(topics[2])])
    many = {url: queries(url) for url in few}

    assert many == few
