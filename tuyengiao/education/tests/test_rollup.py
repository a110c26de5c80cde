"""Completion, late units and roll-ups up the tree, with a ward merged into another during the campaign."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tuyengiao.education import selectors
from tuyengiao.education.models import StudyCampaign
from tuyengiao.education.services import campaign_add_cells_under, campaign_save, study_return_submit

AFTER_DEADLINE = datetime.date(2025, 8, 15)
BEFORE_DEADLINE = datetime.date(2025, 7, 1)


def file(campaign, unit, actor, *, total, present, makeup=0, summaries=0, submitted, studied=None):
    return study_return_submit(
        actor=actor,
        campaign=campaign,
        unit=unit,
        members_total=total,
        members_present=present,
        makeup_sessions=1 if makeup else 0,
        makeup_attendance=makeup,
        summaries_submitted=summaries,
        studied_on=studied or datetime.date(2025, 6, 10),
        submitted_on=submitted,
    )


@pytest.fixture
def returns(campaign, tree, users):
    """A1 on time, A2 nothing, L1 late, L2 on time, merged ward M on time (before the merge)."""
    admin = users["admin"]
    file(campaign, tree.a1, admin, total=20, present=18, makeup=2, summaries=20, submitted=datetime.date(2025, 7, 20))
    file(campaign, tree.l1, admin, total=30, present=25, makeup=3, summaries=28, submitted=datetime.date(2025, 8, 5))
    file(campaign, tree.l2, admin, total=10, present=10, summaries=9, submitted=datetime.date(2025, 7, 30))
    file(campaign, tree.ward_m, admin, total=15, present=12, summaries=12, submitted=datetime.date(2025, 6, 20))


def test_completion_over_the_province(campaign, tree, returns):
    progress = selectors.campaign_progress(campaign, root=tree.province, on=AFTER_DEADLINE)

    assert (progress.required, progress.returned, progress.missing) == (5, 4, 1)
    assert progress.completion_rate == Decimal("0.8")
    assert (progress.members_total, progress.members_studied) == (75, 70)
    assert selectors.format_percent(progress.studied_rate) == "93,33%"
    assert progress.summaries_submitted == 69
    # L1 filed after the deadline; A2 has filed nothing and the deadline has passed.
    assert (progress.returned_late, progress.overdue_missing, progress.late_units) == (1, 1, 2)
    late = selectors.late_requirements(campaign, root=tree.province, on=AFTER_DEADLINE)
    assert {(r.unit, r.returned_on) for r in late} == {(tree.a2, None), (tree.l1, datetime.date(2025, 8, 5))}


def test_missing_returns_are_not_late_before_the_deadline(campaign, tree, returns):
    progress = selectors.campaign_progress(campaign, root=tree.province, on=BEFORE_DEADLINE)

    assert (progress.overdue_missing, progress.late_units) == (0, 1)
    assert [r.unit for r in selectors.late_requirements(campaign, on=BEFORE_DEADLINE)] == [tree.l1]


def test_rollup_per_ward_counts_the_merged_ward_for_its_successor(campaign, tree, returns):
    rows = selectors.campaign_rollup(campaign, root=tree.province, on=AFTER_DEADLINE)

    by_unit = {row.unit: row for row in rows}
    assert list(by_unit) == [tree.ward_a, tree.ward_l]  # no row for the merged ward: it counts for Long Hòa
    long_hoa = by_unit[tree.ward_l]
    assert (long_hoa.required, long_hoa.returned, long_hoa.late_units) == (3, 3, 1)
    assert (long_hoa.members_total, long_hoa.members_studied) == (55, 50)
    an_thoi = by_unit[tree.ward_a]
    assert (an_thoi.required, an_thoi.returned, an_thoi.late_units) == (2, 1, 1)
    # The rows add up to the province's figures.
    total = selectors.campaign_progress(campaign, root=tree.province, on=AFTER_DEADLINE)
    assert sum(r.returned for r in rows) == total.returned
    assert sum(r.members_studied for r in rows) == total.members_studied
    assert sum(r.late_units for r in rows) == total.late_units

    # The successor's own roll-up includes the merged ward's return too.
    assert selectors.campaign_progress(campaign, root=tree.ward_l, on=AFTER_DEADLINE).returned == 3


def test_before_the_merge_the_merged_ward_keeps_its_own_row(tree, users):
    early = campaign_save(
        actor=users["admin"],
        campaign=StudyCampaign(
            title="Học tập chuyên đề năm 2025",
            theme="Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
            issuing_unit=tree.province,
            starts_on=datetime.date(2025, 5, 1),
            deadline=datetime.date(2025, 6, 15),
        ),
        units=[tree.ward_m, tree.l1],
    )
    file(
        early,
        tree.ward_m,
        users["admin"],
        total=15,
        present=15,
        submitted=datetime.date(2025, 6, 1),
        studied=datetime.date(2025, 5, 20),
    )

    rows = selectors.campaign_rollup(early, root=tree.province, on=AFTER_DEADLINE)

    assert [(row.unit, row.required, row.returned) for row in rows] == [(tree.ward_l, 1, 0), (tree.ward_m, 1, 1)]
    assert selectors.campaign_progress(early, root=tree.ward_l, on=AFTER_DEADLINE).returned == 0


def test_rollup_is_a_fixed_number_of_queries(campaign, tree, users, returns):
    selectors.campaign_rollup(campaign, root=tree.province)  # warm-up
    with CaptureQueriesContext(connection) as few:
        selectors.campaign_rollup(campaign, root=tree.province)
    campaign_add_cells_under(actor=users["admin"], campaign=campaign, unit=tree.province)
    file(campaign, tree.a2, users["admin"], total=12, present=12, submitted=datetime.date(2025, 7, 2))
    with CaptureQueriesContext(connection) as more:
        rows = selectors.campaign_rollup(campaign, root=tree.province)
    assert len(more) == len(few)
    assert sum(row.required for row in rows) == 6


def test_all_cells_under_a_ward(campaign, tree, users):
    added = campaign_add_cells_under(actor=users["admin"], campaign=campaign, unit=tree.province)

    assert added == 1  # M1, moved into Long Hòa by the merge; the other cells were already required
    assert set(campaign.units.all()) == {tree.a1, tree.a2, tree.l1, tree.l2, tree.m1, tree.ward_m}


def test_scope_root_is_the_deepest_unit_holding_every_required_unit(campaign, tree, users):
    assert selectors.campaign_scope_root(campaign) == tree.province
    only_long_hoa = campaign_save(
        actor=users["admin"],
        campaign=StudyCampaign(
            title="Quán triệt kết luận",
            documents_text="Số 21-KL/TW",
            issuing_unit=tree.province,
            starts_on=datetime.date(2025, 8, 1),
            deadline=datetime.date(2025, 8, 31),
        ),
        cells_under=[tree.ward_l],
    )
    assert set(only_long_hoa.units.all()) == {tree.l1, tree.l2, tree.m1}
    assert selectors.campaign_scope_root(only_long_hoa) == tree.ward_l


def test_the_shortcut_roll_up_scope_selects_what_the_units_rollup_q_selects(campaign, tree, users, returns):
    from tuyengiao.education.models import StudyCampaignUnit, StudyReturn
    from tuyengiao.units.selectors import rollup_q

    for root in (tree.province, tree.ward_l, tree.ward_m, tree.ward_a, tree.l1):
        for model in (StudyCampaignUnit, StudyReturn):
            ours = set(model.objects.filter(selectors.rollup_q(root, date_field="campaign__deadline")))
            theirs = set(model.objects.filter(rollup_q(root, date_field="campaign__deadline")))
            assert ours == theirs, (root, model)
    # Long Hòa took over Mỹ Khánh: its roll-up includes the merged ward's return (filed before the deadline).
    assert tree.ward_m.pk in {
        r.unit_id for r in StudyReturn.objects.filter(selectors.rollup_q(tree.ward_l, date_field="campaign__deadline"))
    }
