"""The demo has one report of the provincial board, generated from the demo records (one slow test)."""

from django.contrib.auth import get_user_model
from django.urls import reverse

from tuyengiao.reports.figures import records_for, records_total
from tuyengiao.reports.models import Report

from .conftest import client_for


def test_demo_report(db):
    from tuyengiao.portal.demo import load_demo

    load_demo()
    report = Report.objects.get()
    assert report.unit.name == "Tỉnh ủy Sông Hậu" and report.issuer.code == "BTGDVTU"
    assert report.number_symbol.endswith("-BC/BTGDVTU")
    figures = report.figure_set
    assert not figures.is_empty and figures.value("conferences") > 0
    for figure in figures.figures:
        records, sum_field = records_for(figure.key, unit=report.unit, start=figures.start, end=figures.end)
        assert records_total(records, sum_field) == figure.value, figure.key
    head = client_for(get_user_model().objects.get(username="truongban"))
    assert head.get(reverse("reports_report:inspect", args=[report.pk])).status_code == 200
    assert head.get(reverse("reports_report:docx", args=[report.pk])).status_code == 200
    ward = client_for(get_user_model().objects.get(username="phuonglonghoa"))
    assert ward.get(reverse("reports_report:inspect", args=[report.pk])).status_code == 404
    home = head.get(reverse("wagtailadmin_home")).content.decode()
    assert 'id="reports-dashboard-section"' in home
