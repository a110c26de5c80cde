"""The reports in the admin: every figure traceable, rights on every path, downloads, the dashboard."""

import datetime
import re

from bs4 import BeautifulSoup
from django.urls import reverse

from tuyengiao.portal.dates import vietnamese_number
from tuyengiao.reports import services
from tuyengiao.reports.admin_views import figure_url
from tuyengiao.reports.models import Report
from tuyengiao.reports.periods import PeriodKind

from .conftest import client_for

D = datetime.date
REPORT_URLS = ("edit", "inspect", "history", "delete", "docx", "xlsx")


def make_report(tree, actor, unit=None, **fields) -> Report:
    return services.report_create(
        actor=actor,
        unit=unit or tree.province,
        period_kind=fields.pop("period_kind", PeriodKind.YEAR),
        period_start=fields.pop("period_start", D(2025, 1, 1)),
        **fields,
    )


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def test_every_figure_links_to_a_list_whose_count_equals_it(tree, users, records):
    report = make_report(tree, users["p"])
    client = client_for(users["p"])
    page = soup(client.get(reverse("reports_report:inspect", args=[report.pk])))
    links = {a["data-figure-value"]: a["href"] for a in page.select("a[data-figure-value]")}
    figures = report.figure_set.figures
    assert set(links) == {figure.key for figure in figures}
    for figure in figures:
        response = client.get(links[figure.key])
        assert response.status_code == 200, figure.key
        listed = soup(response)
        shown = listed.select_one("#figure-total" if figure.sum_field else "#figure-count").get_text()
        assert shown == vietnamese_number(figure.value), figure.key
        if not figure.sum_field and figure.value <= 50:
            assert len(listed.select("#figure-records tbody tr")) == figure.value, figure.key


def test_figures_page_for_a_unit_and_period(tree, users, records):
    response = client_for(users["p"]).get(
        reverse("reports_figures:index"), {"unit": tree.province.pk, "start": "01/01/2025", "end": "30/06/2025"}
    )
    assert response.status_code == 200
    row = soup(response).select_one('tr[data-figure="attendance"] a')
    assert row.get_text() == "473"


def test_figure_list_of_a_unit_without_rights_is_refused_with_a_message(tree, users, records):
    url = figure_url("classes", unit=tree.ward_l, start=D(2025, 1, 1), end=D(2025, 12, 31))
    response = client_for(users["a"]).get(url)
    assert response.status_code == 403
    assert "Bạn không có quyền xem số liệu của đơn vị “Đảng ủy phường Long Hòa”." in response.content.decode()
    response = client_for(users["a"]).get(reverse("reports_figures:index"), {"unit": tree.ward_l.pk})
    assert response.status_code == 403


def test_figure_list_with_end_before_start_says_so(tree, users):
    url = reverse("reports_figures:records", args=["classes"])
    response = client_for(users["p"]).get(url, {"unit": tree.province.pk, "start": "30/06/2025", "end": "01/01/2025"})
    assert response.status_code == 400
    assert "Ngày kết thúc không được trước ngày bắt đầu." in response.content.decode()
    response = client_for(users["p"]).get(url, {"unit": tree.province.pk, "start": "2025", "end": "x"})
    assert response.status_code == 400 and "dd/mm/yyyy" in response.content.decode()


def test_figures_page_end_before_start_is_a_form_error(tree, users):
    response = client_for(users["p"]).get(
        reverse("reports_figures:index"), {"unit": tree.province.pk, "start": "30/06/2025", "end": "01/01/2025"}
    )
    assert response.status_code == 200
    assert "Ngày kết thúc không được trước ngày bắt đầu." in response.content.decode()


def test_reports_of_other_units_are_out_of_reach_on_every_path(tree, users, records):
    province_report = make_report(tree, users["p"])
    own = make_report(tree, users["a"], unit=tree.ward_a)
    client = client_for(users["a"])
    listing = client.get(reverse("reports_report:list")).content.decode()
    assert own.title in listing and province_report.title not in listing
    for name in REPORT_URLS:
        assert client.get(reverse(f"reports_report:{name}", args=[province_report.pk])).status_code == 404, name
    for name in ("regenerate", "article"):
        assert client.post(reverse(f"reports_report:{name}", args=[province_report.pk])).status_code == 404, name
    revision = province_report.latest_revision
    assert (
        client.get(reverse("reports_report:revisions_revert", args=[province_report.pk, revision.pk])).status_code
        == 404
    )
    assert client.get(reverse("reports_report:inspect", args=[own.pk])).status_code == 200


def _form_data(**fields) -> dict:
    data = {
        "unit": "",
        "period_kind": PeriodKind.HALF,
        "period_start": "01/03/2025",
        "period_end": "",
        "issuer": "",
        "superior_body": "",
        "issuing_body": "",
        "number_symbol": "",
        "issued_on": "10/07/2025",
        "place": "",
        "title": "",
        "summary": "",
        "limitations": "",
        "directions": "",
        "emulation": "",
        "proposals": "",
        "signing_mode": "",
        "signing_for": "",
        "signer_position": "",
        "signer_name": "",
        "recipients": "",
    }
    data.update(fields)
    return data


def test_create_in_the_admin_then_edit_with_a_bad_symbol(tree, users, records):
    client = client_for(users["p"])
    response = client.post(reverse("reports_report:add"), _form_data(unit=tree.province.pk))
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports_report:inspect", args=[report.pk])
    page = client.get(response["Location"]).content.decode()
    assert "tổng số 473 lượt người dự" in page and "Số 02-BC/BTGDVTU" in page
    data = _form_data(unit=tree.province.pk, issuer=report.issuer_id, number_symbol="Số: 2-BC/BTGDVTU")
    response = client.post(reverse("reports_report:edit", args=[report.pk]), data)
    assert response.status_code == 200
    assert "Không đặt dấu hai chấm sau chữ “Số”" in response.content.decode()
    report.refresh_from_db()
    assert report.number_symbol == "02-BC/BTGDVTU" and report.revisions.count() == 1
    data["number_symbol"], data["limitations"] = "09-BC/BTGDVTU", "Một số chi bộ báo cáo chậm."
    assert client.post(reverse("reports_report:edit", args=[report.pk]), data).status_code == 302
    report.refresh_from_db()
    assert report.number_symbol == "09-BC/BTGDVTU" and report.revisions.count() == 2
    assert client.get(reverse("reports_report:history", args=[report.pk])).status_code == 200
    # Going back to the first version: the revert page shows it, saving it makes a third revision.
    first = report.revisions.order_by("created_at", "pk").first()
    revert_url = reverse("reports_report:revisions_revert", args=[report.pk, first.pk])
    assert 'value="02-BC/BTGDVTU"' in client.get(revert_url).content.decode()
    data["number_symbol"], data["limitations"] = "02-BC/BTGDVTU", ""
    assert client.post(revert_url, data).status_code == 302
    report.refresh_from_db()
    assert report.number_symbol == "02-BC/BTGDVTU" and report.revisions.count() == 3
    assert report.latest_revision.as_object().limitations == ""


def test_create_for_a_unit_without_rights_is_refused(tree, users):
    client = client_for(users["a"])
    response = client.post(reverse("reports_report:add"), _form_data(unit=tree.ward_l.pk))
    assert response.status_code == 200
    assert "Bạn chỉ được chọn đơn vị mình phụ trách hoặc đơn vị cấp dưới." in response.content.decode()
    assert not Report.objects.exists()


def test_custom_period_end_before_start_in_the_admin(tree, users):
    client = client_for(users["p"])
    data = _form_data(
        unit=tree.province.pk, period_kind=PeriodKind.CUSTOM, period_start="30/06/2025", period_end="01/01/2025"
    )
    response = client.post(reverse("reports_report:add"), data)
    assert response.status_code == 200
    assert "Ngày kết thúc không được trước ngày bắt đầu." in response.content.decode()
    assert not Report.objects.exists()


def test_downloads(tree, users, records):
    report = make_report(tree, users["p"])
    client = client_for(users["p"])
    docx = client.get(reverse("reports_report:docx", args=[report.pk]))
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert docx["Content-Type"].endswith("wordprocessingml.document")
    assert 'filename="Bao cao tong ket' in docx["Content-Disposition"]
    assert "filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20t%E1%BB%95ng%20k%E1%BA%BFt" in docx["Content-Disposition"]
    assert docx["X-Content-Type-Options"] == "nosniff"
    xlsx = client.get(reverse("reports_report:xlsx", args=[report.pk]))
    assert xlsx.status_code == 200 and xlsx["Content-Type"].endswith("spreadsheetml.sheet")


# PDF (and the DOCX and XLSX buttons) go through export jobs: test_exports.py.


def test_regenerate_and_article_buttons(tree, users, records, category):
    report = make_report(tree, users["admin"])
    client = client_for(users["admin"])
    response = client.post(reverse("reports_report:regenerate", args=[report.pk]), follow=True)
    assert "Đã tổng hợp lại số liệu" in response.content.decode()
    response = client.post(reverse("reports_report:article", args=[report.pk]), follow=True)
    assert "Đã tạo bài viết nháp" in response.content.decode()
    report.refresh_from_db()
    assert report.article is not None and not report.article.live


# --- the dashboard on the admin home -------------------------------------------------------------


def numbers(cells) -> list[int]:
    return [int(cell["data-value"]) for cell in cells]


def test_dashboard_shows_the_same_numbers_as_the_report(tree, users, records, monkeypatch):
    monkeypatch.setattr("tuyengiao.reports.dashboard.today", lambda: D(2025, 9, 15))
    report = make_report(tree, users["p"], period_kind=PeriodKind.HALF, period_start=D(2025, 9, 15))
    figures = report.figure_set
    response = client_for(users["p"]).get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    panel = soup(response).select_one("#reports-dashboard-section")
    assert panel is not None and "6 tháng cuối năm 2025" in panel.get_text()
    assert panel.select_one('[data-dashboard="attendance"]').get_text() == vietnamese_number(
        figures.value("attendance")
    )
    assert sum(numbers(panel.select('table[data-table="attendance"] [data-value]'))) == figures.value("attendance")
    assert panel.select_one('[data-dashboard="opinion"]').get_text() == vietnamese_number(figures.value("opinion"))
    assert sum(numbers(panel.select('table[data-table="opinion"] [data-value]'))) == figures.value("opinion")
    campaign = records["campaign"]
    studied = panel.select_one('[data-dashboard="studied"]').get_text()
    assert studied == vietnamese_number(figures.value(f"study.{campaign.pk}.studied"))
    late = figures.value(f"study.{campaign.pk}.late") + figures.value("tasks.late")
    assert sum(numbers(panel.select('table[data-table="late"] [data-value]'))) == late
    assert panel.select("svg[role=img]")  # charts, drawn on the server
    assert not re.search(r"<script[^>]+src=", str(panel))


def test_dashboard_follows_the_users_unit(tree, users, records, monkeypatch):
    monkeypatch.setattr("tuyengiao.reports.dashboard.today", lambda: D(2025, 9, 15))
    panel = soup(client_for(users["l"]).get(reverse("wagtailadmin_home"))).select_one("#reports-dashboard-section")
    assert "Đảng ủy phường Long Hòa" in panel.get_text()
    # Long Hòa in H2 2025: its class (38 lượt) and the merged ward's conference (11 lượt).
    assert panel.select_one('[data-dashboard="attendance"]').get_text() == "49"
