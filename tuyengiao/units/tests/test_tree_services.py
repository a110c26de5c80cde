import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from tuyengiao.units import selectors, services
from tuyengiao.units.models import Role, Unit, UnitKind, UnitLevel

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def tree():
    """Province → two wards (each with a cell) and a board."""
    province = services.unit_create(
        name="Tỉnh ủy",
        kind=UnitKind.PARTY_COMMITTEE,
        level=UnitLevel.PROVINCE,
        short_code="TU",
        valid_from=D(2020, 1, 1),
    )
    ward_a = services.unit_create(
        name="Đảng ủy phường A",
        kind=UnitKind.PARTY_COMMITTEE,
        level=UnitLevel.COMMUNE,
        short_code="ĐU",
        parent=province,
        valid_from=D(2020, 1, 1),
    )
    ward_b = services.unit_create(
        name="Đảng ủy phường B",
        kind=UnitKind.PARTY_COMMITTEE,
        level=UnitLevel.COMMUNE,
        short_code="ĐU",
        parent=province,
        valid_from=D(2020, 1, 1),
    )
    cell_a = services.unit_create(
        name="Chi bộ khu vực 1",
        kind=UnitKind.PARTY_CELL,
        level=UnitLevel.CELL,
        short_code="CB",
        parent=ward_a,
        valid_from=D(2020, 1, 1),
    )
    cell_b = services.unit_create(
        name="Chi bộ khu vực 2",
        kind=UnitKind.PARTY_CELL,
        level=UnitLevel.CELL,
        short_code="CB",
        parent=ward_b,
        valid_from=D(2020, 1, 1),
    )
    return {"province": province, "a": ward_a, "b": ward_b, "cell_a": cell_a, "cell_b": cell_b}


def fresh(unit):
    return Unit.objects.get(pk=unit.pk)


def test_merge_moves_cells_links_successor_and_keeps_history(tree):
    services.unit_merge(source=tree["b"], target=tree["a"], on=D(2025, 7, 1))
    merged = fresh(tree["b"])
    assert merged.valid_to == D(2025, 6, 30)
    assert merged.successor_id == tree["a"].pk
    assert fresh(tree["cell_b"]).get_parent().pk == tree["a"].pk
    assert Unit.objects.filter(pk=tree["b"].pk).exists()


@pytest.mark.parametrize("case", ["into_itself", "into_descendant", "into_closed"])
def test_bad_merges_are_refused_in_vietnamese_and_change_nothing(tree, case):
    if case == "into_closed":
        services.unit_close(unit=tree["cell_b"], on=D(2024, 1, 1))
        services.unit_close(unit=tree["b"], on=D(2024, 1, 1))
        source, target = tree["a"], fresh(tree["b"])
    elif case == "into_itself":
        source, target = tree["a"], tree["a"]
    else:
        source, target = tree["a"], tree["cell_a"]
    before = list(Unit.objects.order_by("pk").values_list("path", "valid_to", "successor_id"))
    with pytest.raises(ValidationError) as error:
        services.unit_merge(source=source, target=target, on=D(2025, 7, 1))
    assert "sáp nhập" in str(error.value)
    assert list(Unit.objects.order_by("pk").values_list("path", "valid_to", "successor_id")) == before


def test_split_creates_siblings_that_remember_their_origin(tree):
    services.unit_close(unit=tree["cell_b"], on=D(2025, 1, 1))
    parts = services.unit_split(
        source=fresh(tree["b"]), parts=[{"name": "Phường B1"}, {"name": "Phường B2"}], on=D(2025, 7, 1)
    )
    assert {p.get_parent().pk for p in parts} == {tree["province"].pk}
    assert all(p.split_from_id == tree["b"].pk and p.valid_from == D(2025, 7, 1) for p in parts)
    assert fresh(tree["b"]).valid_to == D(2025, 6, 30)


def test_move_into_own_descendant_is_refused(tree):
    with pytest.raises(ValidationError, match="cấp dưới"):
        services.unit_move(unit=tree["a"], new_parent=tree["cell_a"])
    services.unit_move(unit=tree["cell_b"], new_parent=tree["a"])
    assert fresh(tree["cell_b"]).get_parent().pk == tree["a"].pk


def test_rights_follow_the_tree_never_sideways_or_up(tree):
    user = get_user_model().objects.create_user("chuyenvien")
    services.role_assign(user=user, unit=tree["a"], role=Role.SPECIALIST, valid_from=D(2024, 1, 1))
    visible = set(selectors.units_visible_to(user).values_list("pk", flat=True))
    assert visible == {tree["a"].pk, tree["cell_a"].pk}
    with pytest.raises(PermissionDenied, match="không có quyền"):
        selectors.require_unit_access(user, tree["b"])
    with pytest.raises(PermissionDenied):
        selectors.require_unit_access(user, tree["province"])


def test_rights_end_with_the_assignment_and_reporters_get_none(tree):
    user = get_user_model().objects.create_user("hetnhiemky")
    services.role_assign(user=user, unit=tree["a"], role=Role.HEAD, valid_from=D(2020, 1, 1), valid_to=D(2021, 1, 1))
    services.role_assign(user=user, unit=tree["b"], role=Role.REPORTER, valid_from=D(2020, 1, 1))
    assert not selectors.units_visible_to(user).exists()
    assert selectors.units_visible_to(user, on=D(2020, 6, 1)).count() == 2


def test_successor_staff_see_the_merged_unit(tree):
    user = get_user_model().objects.create_user("phuonga")
    services.role_assign(user=user, unit=tree["a"], role=Role.HEAD, valid_from=D(2024, 1, 1))
    services.unit_merge(source=tree["b"], target=tree["a"], on=D(2025, 7, 1))
    assert selectors.can_access_unit(user, fresh(tree["b"]))


def test_superuser_sees_everything(tree):
    admin = get_user_model().objects.create_superuser("quantri")
    assert selectors.units_visible_to(admin).count() == Unit.objects.count()


def test_assignment_ending_before_it_starts_is_refused(tree):
    user = get_user_model().objects.create_user("x")
    with pytest.raises(ValidationError):
        services.role_assign(
            user=user, unit=tree["a"], role=Role.HEAD, valid_from=D(2024, 1, 1), valid_to=D(2023, 1, 1)
        )


def test_units_active_during_a_period_include_the_merged_ward_before_its_merger(tree):
    services.unit_merge(source=tree["b"], target=tree["a"], on=D(2025, 7, 1))
    services.unit_close(unit=fresh(tree["cell_a"]), on=D(2025, 3, 1))

    first_half = set(selectors.units_active_during(fresh(tree["a"]), start=D(2025, 1, 1), end=D(2025, 6, 30)))
    second_half = set(selectors.units_active_during(fresh(tree["a"]), start=D(2025, 7, 1), end=D(2025, 12, 31)))

    assert {u.name for u in first_half} == {
        "Đảng ủy phường A",
        "Đảng ủy phường B",
        "Chi bộ khu vực 1",
        "Chi bộ khu vực 2",
    }
    assert {u.name for u in second_half} == {"Đảng ủy phường A", "Chi bộ khu vực 2"}
