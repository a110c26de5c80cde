"""Rights are enforced in the services themselves, whatever the caller (admin, import, another app)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from tuyengiao.units import services
from tuyengiao.units.models import Role, RoleAssignment, Unit

D = datetime.date


def state() -> list:
    return list(Unit.objects.order_by("pk").values_list("path", "name", "valid_to", "successor_id"))


@pytest.mark.parametrize(
    ("actor", "call", "message"),
    [
        (
            "head_a",
            lambda w, a: services.unit_close(unit=w.units["A"], on=D(2025, 7, 1), actor=a),
            "đơn vị cấp trên quyết định",
        ),
        (
            "head_a",
            lambda w, a: services.unit_merge(source=w.units["A"], target=w.units["B"], on=D(2025, 7, 1), actor=a),
            "đơn vị cấp trên quyết định",
        ),
        (
            "head_a",
            lambda w, a: services.unit_merge(source=w.units["A1"], target=w.units["B1"], on=D(2025, 7, 1), actor=a),
            "Chi bộ B1",
        ),
        (
            "head_a",
            lambda w, a: services.unit_move(unit=w.units["A1"], new_parent=w.units["B"], actor=a),
            "Đảng ủy phường B",
        ),
        ("head_a", lambda w, a: services.unit_rename(unit=w.units["B1"], name="Mới", actor=a), "Chi bộ B1"),
        (
            "head_a",
            lambda w, a: services.unit_create(name="X", kind="party_cell", level="cell", short_code="CB", actor=a),
            "đơn vị gốc",
        ),
        (
            "spec_a1",
            lambda w, a: services.unit_split(
                source=w.units["A1"], parts=[{"name": "1"}, {"name": "2"}], on=D(2025, 7, 1), actor=a
            ),
            "đơn vị cấp trên quyết định",
        ),
        (
            "head_p",
            lambda w, a: services.unit_close(unit=w.units["P"], on=D(2025, 7, 1), actor=a),
            "Chỉ quản trị hệ thống",
        ),
        ("reporter_a", lambda w, a: services.unit_rename(unit=w.units["A"], name="Mới", actor=a), "không có quyền"),
    ],
    ids=[
        "close-own-ward",
        "merge-own-ward",
        "merge-into-sibling-cell",
        "move-to-sibling-ward",
        "rename-sibling-cell",
        "create-root",
        "split-own-cell",
        "close-the-root",
        "reporter-renames",
    ],
)
def test_unit_services_refuse_what_the_actor_may_not_do(world, actor, call, message):
    before = state()
    with pytest.raises(PermissionDenied, match=message):
        call(world, world.users[actor])
    assert state() == before


def test_role_services_refuse_outside_the_subtree_and_self_assignment(world):
    head_a = world.users["head_a"]
    with pytest.raises(PermissionDenied, match="Đảng ủy phường B"):
        services.role_assign(
            user=world.users["spec_a1"], unit=world.units["B"], role=Role.HEAD, valid_from=D(2025, 1, 1), actor=head_a
        )
    with pytest.raises(PermissionDenied, match="chính mình"):
        services.role_assign(
            user=head_a, unit=world.units["A1"], role=Role.HEAD, valid_from=D(2025, 1, 1), actor=head_a
        )
    with pytest.raises(PermissionDenied, match="Đảng ủy phường B"):
        services.role_assignment_update(
            assignment=world.assignments["spec_a1"],
            unit=world.units["B"],
            role=Role.SPECIALIST,
            valid_from=D(2024, 1, 1),
            actor=head_a,
        )
    assert RoleAssignment.objects.get(pk=world.assignments["spec_a1"].pk).unit_id == world.units["A1"].pk


def test_allowed_changes_are_logged_with_the_actor(world):
    from wagtail.models import ModelLogEntry

    head_a = world.users["head_a"]
    services.unit_merge(source=world.units["A1"], target=world.units["A2"], on=D(2025, 7, 1), actor=head_a)
    services.role_assign(
        user=world.users["reporter_a"], unit=world.units["A2"], role=Role.CLERK, valid_from=D(2025, 7, 1), actor=head_a
    )
    actions = set(ModelLogEntry.objects.filter(user=head_a).values_list("action", flat=True))
    assert actions == {"units.merge", "units.merge_in", "wagtail.create"}
