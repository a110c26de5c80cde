"""Figures by topic, tendency and period over a subtree, honouring a merge; each figure leads to its records."""

import csv
import datetime
import io
from urllib.parse import urlencode

import pytest
from openpyxl import load_workbook

from tuyengiao.opinion import selectors
from tuyengiao.opinion.models import OpinionField, Tendency
from tuyengiao.opinion.periods import Grouping
from tuyengiao.units.services import unit_merge

from .factories import client_for, refresh
from .helpers import item, monthly_report

D = datetime.date
YEAR_2025 = {"start": D(2025, 1, 1), "end": D(2025, 12, 31)}


@pytest.fixture
def records(tree, admin_user, topics):
    """Ward C files in May and August 2025 and is merged into ward A from 01/07/2025."""
    land, prices = topics[4], topics[2]
    monthly_report(admin_user, tree.ward_a, D(2025, 5, 1), [item(land, Tendency.CONCERNED, sources=4), item(prices)])
    monthly_report(admin_user, tree.cell_a, D(2025, 6, 1), [item(land, Tendency.CONCERNED, sources=2)])
    monthly_report(admin_user, tree.ward_a, D(2025, 8, 1), [item(land, Tendency.OPPOSE, sources=5)])
    monthly_report(admin_user, tree.ward_b, D(2025, 5, 1), [item(land, Tendency.CONCERNED, sources=9)])
    monthly_report(
        admin_user,
        tree.ward_c,
        D(2025, 5, 1),
        [item(prices, Tendency.OPPOSE, sources=6, field=OpinionField.POLITICS)],
    )
    monthly_report(admin_user, tree.ward_c, D(2025, 8, 1), [item(land, Tendency.CONCERNED, sources=1)])
    unit_merge(source=refresh(tree.ward_c), target=refresh(tree.ward_a), on=D(2025, 7, 1))
    return {"land": land, "prices": prices}


def cells(result):
    return {(row.bucket_label, row.topic_name): dict(row.by_tendency) for row in result.rows}


def test_ward_a_counts_its_cells_and_the_merged_ward_from_the_merge_date(tree, records):
    land, prices = records["land"].name, records["prices"].name

    result = selectors.aggregate(unit=refresh(tree.ward_a), grouping=Grouping.MONTH, **YEAR_2025)

    assert cells(result) == {
        ("Tháng 05/2025", land): {Tendency.CONCERNED: 1},
        ("Tháng 05/2025", prices): {Tendency.AGREE: 1},
        ("Tháng 06/2025", land): {Tendency.CONCERNED: 1},
        ("Tháng 08/2025", land): {Tendency.OPPOSE: 1, Tendency.CONCERNED: 1},  # ward C's August counts here
    }
    assert (result.items, result.sources) == (5, 4 + 3 + 2 + 5 + 1)
    assert result.by_tendency == {Tendency.AGREE: 1, Tendency.OPPOSE: 1, Tendency.CONCERNED: 3}


def test_the_merged_ward_keeps_its_own_history_and_the_province_counts_everything_once(tree, records):
    ward_c = selectors.aggregate(unit=refresh(tree.ward_c), grouping=Grouping.YEAR, **YEAR_2025)
    province = selectors.aggregate(unit=refresh(tree.province), grouping=Grouping.YEAR, **YEAR_2025)

    assert ward_c.items == 2
    assert province.items == 7
    assert {row.topic_name: row.items for row in province.topic_totals} == {
        records["land"].name: 5,
        records["prices"].name: 2,
    }


def test_quarters_and_the_field_filter(tree, records):
    by_quarter = selectors.aggregate(unit=refresh(tree.province), grouping=Grouping.QUARTER, **YEAR_2025)
    politics = selectors.aggregate(
        unit=refresh(tree.province), grouping=Grouping.QUARTER, field=OpinionField.POLITICS, **YEAR_2025
    )

    assert {(row.bucket_label, row.topic_name): row.items for row in by_quarter.rows} == {
        ("Quý 2/2025", records["land"].name): 3,
        ("Quý 2/2025", records["prices"].name): 2,
        ("Quý 3/2025", records["land"].name): 2,
    }
    assert [(row.bucket_label, row.items) for row in politics.rows] == [("Quý 2/2025", 1)]


def test_a_period_with_no_records_is_empty_not_an_error(tree, records):
    result = selectors.aggregate(unit=refresh(tree.province), start=D(2030, 1, 1), end=D(2030, 12, 31))

    assert result.is_empty and result.items == 0


def test_issue_5_counts_match_the_aggregate(tree, records):
    counts = selectors.topic_tendency_counts(unit=refresh(tree.ward_a), **YEAR_2025)
    by_unit = selectors.item_counts_by_unit(units=[refresh(tree.ward_a), refresh(tree.ward_b)], **YEAR_2025)

    assert sum(entry["items"] for entry in counts) == 5
    assert by_unit == {tree.ward_a.pk: 5, tree.ward_b.pk: 1}


def _csv_rows(client, url):
    response = client.get(url + "&export=csv")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))[1:]


def test_every_figure_in_the_admin_table_links_to_exactly_its_records(tree, records, admin_user):
    client = client_for(admin_user)
    query = urlencode({"unit": tree.province.pk, "date_from": "01/01/2025", "date_to": "31/12/2025"})

    response = client.get(f"/admin/opinion/aggregate/?{query}&grouping=quarter")

    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == 3
    links = [cell for row in rows for cell in [*row["cells"], row["items"]] if cell[1]]
    links += [cell for cell in [*response.context["totals"]["cells"], response.context["totals"]["items"]]]
    for figure, url in links:
        assert len(_csv_rows(client, url)) == int(figure), url
    assert response.context["totals"]["items"][0] == "7"


def test_json_and_xlsx_give_the_same_figures(tree, records, admin_user):
    client = client_for(admin_user)
    query = urlencode({"unit": tree.ward_a.pk, "date_from": "01/01/2025", "date_to": "31/12/2025", "grouping": "month"})

    data = client.get(f"/admin/opinion/aggregate/?{query}&format=json").json()
    xlsx = client.get(f"/admin/opinion/aggregate/?{query}&export=xlsx")

    assert data["totals"] == {"agree": 1, "oppose": 1, "concerned": 3, "items": 5, "sources": 15}
    assert [(row["period_label"], row["items"]) for row in data["rows"]] == [
        ("Tháng 05/2025", 1),
        ("Tháng 05/2025", 1),
        ("Tháng 06/2025", 1),
        ("Tháng 08/2025", 2),
    ]
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))["Theo kỳ"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[1] == ("Đơn vị: Đảng ủy phường A (gồm đơn vị cấp dưới)", None, None, None, None, None, None)
    assert values[4] == ("Kỳ", "Chủ đề", "Đồng tình", "Phản đối", "Băn khoăn", "Tổng số tin", "Số nguồn tin")
    assert values[-1] == ("Tổng cộng", None, 1, 1, 3, 5, 15)
    assert xlsx["Content-Disposition"].startswith('attachment; filename="tong-hop-du-luan-xa-hoi.xlsx"')


def test_an_end_before_the_start_is_a_clear_message(tree, admin_user):
    client = client_for(admin_user)
    query = urlencode({"unit": tree.province.pk, "date_from": "01/06/2025", "date_to": "01/01/2025"})

    html = client.get(f"/admin/opinion/aggregate/?{query}").content.decode()
    data = client.get(f"/admin/opinion/aggregate/?{query}&format=json")

    assert "Ngày kết thúc không được trước ngày bắt đầu." in html
    assert data.status_code == 400
    assert data.json()["errors"]["date_to"][0]["message"] == "Ngày kết thúc không được trước ngày bắt đầu."
