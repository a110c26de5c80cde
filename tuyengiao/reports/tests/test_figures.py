"""Report figures: the numbers for a subtree and period, traceable to their records, merges honoured."""

import datetime

import pytest

from tuyengiao.reports.figures import UnknownFigure, compute_figures, records_for, records_total
from tuyengiao.reports.prose import so

from .conftest import H1, H2

D = datetime.date
YEAR = (D(2025, 1, 1), D(2025, 12, 31))


def values(figures) -> dict[str, int]:
    return {figure.key: figure.value for figure in figures.figures}


def test_every_figure_equals_its_records_and_its_breakdown(tree, records):
    for unit_name in ("province", "ward_l", "ward_a", "ward_m", "board"):
        unit = getattr(tree, unit_name)
        for start, end in (H1, H2, YEAR):
            figures = compute_figures(unit=unit, start=start, end=end)
            assert figures.figures
            for figure in figures.figures:
                where = (unit_name, start, figure.key)
                queryset, sum_field = records_for(figure.key, unit=unit, start=start, end=end)
                assert sum_field == figure.sum_field, where
                assert records_total(queryset, sum_field) == figure.value, where
                assert sum(n for _name, n in figure.by_unit) == figure.value, where


def test_province_first_half(tree, records):
    got = values(compute_figures(unit=tree.province, start=H1[0], end=H1[1]))
    assert got["classes"] == 3
    assert got["classes.so-cap-llct"] == 1 and got["classes.nhan-thuc-ve-dang"] == 2
    assert got["conferences"] == 3 and got["conferences.online"] == 2
    assert got["attendance"] == 30 + 25 + 12 + 40 + 100 + 120 + 80 + 50 + 9 + 7
    assert got["attendance.classes"] == 107
    assert got["opinion"] == 3 and got["opinion.tendency.agree"] == 1 and got["opinion.tendency.oppose"] == 1
    assert got["documents"] == 3
    assert got["tasks.due"] == 3 and got["tasks.done"] == 2 and got["tasks.late"] == 2


def test_breakdown_is_by_child_unit_with_merged_ward_until_its_merge(tree, records):
    figures = compute_figures(unit=tree.province, start=YEAR[0], end=YEAR[1])
    conferences = dict(figures.get("conferences").by_unit)
    assert conferences == {tree.board.name: 2, tree.ward_a.name: 1, tree.ward_l.name: 1}
    classes = dict(figures.get("classes").by_unit)
    # Mỹ Khánh's class of May stays with it; Long Hòa gets what came after the merge.
    assert classes == {tree.ward_a.name: 2, tree.ward_m.name: 1, tree.ward_l.name: 1}


def test_merged_ward_counts_for_its_successor_from_the_merge_date(tree, records):
    before = values(compute_figures(unit=tree.ward_l, start=H1[0], end=H1[1]))
    after = values(compute_figures(unit=tree.ward_l, start=H2[0], end=H2[1]))
    assert before["conferences"] == 0 and before["classes"] == 0 and before["opinion"] == 0
    assert after["conferences"] == 1  # Mỹ Khánh's conference of 15/07/2025
    assert after["classes"] == 1 and after["attendance"] == 11 + 20 + 18
    assert after["opinion"] == 1


def test_study_share_and_late_units(tree, records):
    campaign = records["campaign"]
    got = values(compute_figures(unit=tree.province, start=YEAR[0], end=YEAR[1]))
    prefix = f"study.{campaign.pk}"
    assert got[f"{prefix}.required"] == 4 and got[f"{prefix}.returned"] == 2
    assert got[f"{prefix}.members"] == 50 and got[f"{prefix}.studied"] == 49
    # A2 and L2 never reported, L1 reported after the deadline.
    assert got[f"{prefix}.late"] == 3


def test_period_with_no_records_has_only_zero_figures(tree, records):
    figures = compute_figures(unit=tree.province, start=D(2024, 1, 1), end=D(2024, 6, 30))
    assert figures.is_empty
    assert all(figure.value == 0 for figure in figures.figures)


def test_end_before_start_is_refused(tree):
    with pytest.raises(ValueError, match="Ngày kết thúc không được trước ngày bắt đầu"):
        compute_figures(unit=tree.province, start=H1[1], end=H1[0])


def test_unknown_key(tree):
    with pytest.raises(UnknownFigure):
        records_for("classes.x.y", unit=tree.province, start=H1[0], end=H1[1])
    with pytest.raises(UnknownFigure):
        records_for("study.999.required", unit=tree.province, start=H1[0], end=H1[1])


def test_figure_set_survives_storage(tree, records):
    from tuyengiao.reports.figures import FigureSet

    figures = compute_figures(unit=tree.province, start=YEAR[0], end=YEAR[1])
    again = FigureSet.from_json(figures.to_json())
    assert again == figures


@pytest.mark.parametrize(
    ("n", "text"), [(0, "0"), (4, "04"), (8, "08"), (29, "29"), (2302, "2.302"), (1234567, "1.234.567")]
)
def test_so_writes_counts_the_party_way(n, text):
    assert so(n) == text
