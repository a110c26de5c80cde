"""Figures for the review reports (issue 5): documents issued by type over a unit subtree and a period."""

import datetime

from tuyengiao.documents import selectors
from tuyengiao.documents.tests.conftest import register
from tuyengiao.units.services import unit_merge

D = datetime.date


YEAR_2025 = (D(2025, 1, 1), D(2025, 12, 31))


def counts(unit, period=YEAR_2025):
    start, end = period
    return {
        row["doc_type"].code: row["count"]
        for row in selectors.documents_issued_by_type(unit=unit, start=start, end=end)
    }


def test_documents_issued_by_type_over_a_subtree_and_period(admin_user, issuers, province, board, ward_a, ward_b):
    register(admin_user, issuers["A"], "KH", day=D(2025, 11, 3))
    register(admin_user, issuers["A"], "KH", day=D(2025, 11, 4))
    register(admin_user, issuers["A"], "BC", day=D(2025, 8, 1))
    register(admin_user, issuers["B"], "KH", day=D(2025, 11, 5))
    register(admin_user, issuers["BTGDVTU"], "BC", day=D(2026, 1, 5))  # outside 2025
    register(admin_user, issuers["TW"], "CT", unit=board, symbol="05-CT/TW", day=D(2025, 4, 14))  # received, not issued

    assert counts(ward_a) == {"KH": 2, "BC": 1}
    assert counts(ward_b) == {"KH": 1}
    assert counts(province) == {"KH": 3, "BC": 1}
    assert counts(board) == {}
    assert counts(ward_a, (D(2025, 11, 4), D(2025, 11, 30))) == {"KH": 1}
    # Each figure is the count of a listable queryset.
    assert selectors.documents_issued(unit=province, start=D(2025, 1, 1), end=D(2025, 12, 31)).count() == 4


def test_a_merged_wards_documents_count_for_its_successor_from_the_merge_date(admin_user, issuers, ward_a, ward_b):
    register(admin_user, issuers["B"], "KH", day=D(2025, 10, 20))  # before the merge: stays with B
    register(admin_user, issuers["B"], "KH", day=D(2025, 11, 10))  # after: counts for A
    unit_merge(source=ward_b, target=ward_a, on=D(2025, 11, 1))
    ward_a.refresh_from_db()

    assert counts(ward_a) == {"KH": 1}
