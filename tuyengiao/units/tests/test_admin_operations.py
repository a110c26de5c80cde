"""Unit admin as people use it: move, close, merge, split, rename, filters, history and the change log."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import ModelLogEntry

from tuyengiao.units import services
from tuyengiao.units.models import Role, RoleAssignment, Unit, UnitGroup

D = datetime.date


def units_state() -> list:
    return list(Unit.objects.order_by("pk").values_list("path", "name", "valid_to", "successor_id", "split_from_id"))


def html(response) -> str:
    return response.content.decode()


def test_merge_shows_what_will_move_then_moves_it_and_links_the_history(world):
    client = world.client("head_p")
    source, target = world.units["A"], world.units["B"]

    form = html(client.get(f"/admin/units/merge/{source.pk}/"))
    assert "Chi bộ A1" in form and "Chi bộ A2" in form  # the cells that will move
    assert "Head A" in form and "Trưởng ban" in form  # the role that will end

    response = client.post(f"/admin/units/merge/{source.pk}/", {"target": target.pk, "on": "01/07/2025"})

    assert response.status_code == 302
    merged = world.unit("A")
    assert (merged.valid_to, merged.successor_id) == (D(2025, 6, 30), target.pk)
    assert {u.name for u in world.unit("B").get_children()} == {"Chi bộ A1", "Chi bộ A2", "Chi bộ B1", "Chi bộ B2"}
    assert RoleAssignment.objects.get(pk=world.assignments["head_a"].pk).valid_to == D(2025, 6, 30)
    entry = ModelLogEntry.objects.get(action="units.merge", object_id=str(source.pk))
    assert entry.user == world.users["head_p"]
    target_page = html(client.get(f"/admin/units/inspect/{target.pk}/"))
    assert f'href="/admin/units/inspect/{source.pk}/">Đảng ủy phường A</a> — từ ngày 01/07/2025' in target_page
    assert "Nhận sáp nhập “Đảng ủy phường A” từ ngày 01/07/2025" in target_page
    source_page = html(client.get(f"/admin/units/inspect/{source.pk}/"))
    assert (
        "30/06/2025" in source_page and f'href="/admin/units/inspect/{target.pk}/">Đảng ủy phường B</a>' in source_page
    )


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        ("A", "A1", "Không thể sáp nhập đơn vị vào chính nó hoặc vào đơn vị cấp dưới của nó."),
        ("A", "A", "Không thể sáp nhập đơn vị vào chính nó hoặc vào đơn vị cấp dưới của nó."),
        ("A1", "B2", "Không thể sáp nhập vào “Chi bộ B2”: đơn vị này đã ngừng hoạt động."),
    ],
)
def test_bad_merges_show_a_vietnamese_error_and_change_nothing(world, source, target, message):
    services.unit_close(unit=world.units["B2"], on=D(2025, 1, 1))
    before = units_state()

    response = world.client("superuser").post(
        f"/admin/units/merge/{world.units[source].pk}/", {"target": world.units[target].pk, "on": "01/07/2025"}
    )

    assert response.status_code == 200
    assert message in html(response)
    assert units_state() == before


def test_move_into_own_descendant_is_refused_and_a_good_move_is_logged(world):
    client = world.client("superuser")
    before = units_state()
    refused = client.post(f"/admin/units/move/{world.units['A'].pk}/", {"new_parent": world.units["A1"].pk})
    assert "Không thể chuyển đơn vị vào chính nó hoặc đơn vị cấp dưới của nó." in html(refused)
    assert units_state() == before

    client.post(f"/admin/units/move/{world.units['B1'].pk}/", {"new_parent": world.units["A"].pk})

    assert world.unit("B1").get_parent().pk == world.units["A"].pk
    entry = ModelLogEntry.objects.get(action="units.move")
    assert entry.message == "Chuyển từ “Đảng ủy phường B” sang trực thuộc “Đảng ủy phường A”"


def test_staff_cannot_move_a_cell_out_of_their_subtree(world):
    before = units_state()
    response = world.client("head_a").post(
        f"/admin/units/move/{world.units['A1'].pk}/", {"new_parent": world.units["B"].pk}
    )
    assert response.status_code == 200
    assert "không có trong phạm vi bạn phụ trách" in html(response)
    assert units_state() == before


def test_close_needs_a_date_after_the_start_and_no_working_cells(world):
    client = world.client("head_p")
    ward = world.units["A"]
    assert "Vui lòng nhập ngày." in html(client.post(f"/admin/units/close/{ward.pk}/", {"on": ""}))
    assert "Ngày không hợp lệ" in html(client.post(f"/admin/units/close/{ward.pk}/", {"on": "31/02/2025"}))
    busy = client.post(f"/admin/units/close/{ward.pk}/", {"on": "01/07/2025"})
    assert "Đơn vị còn đơn vị cấp dưới đang hoạt động" in html(busy)
    early = client.post(f"/admin/units/close/{world.units['A1'].pk}/", {"on": "01/01/2019"})
    assert "Ngày ngừng hoạt động phải sau ngày bắt đầu hiệu lực." in html(early)
    assert world.unit("A").valid_to is None and world.unit("A1").valid_to is None

    client.post(f"/admin/units/close/{world.units['A1'].pk}/", {"on": "01/07/2025"})

    assert world.unit("A1").valid_to == D(2025, 6, 30)
    # The specialist's role in the closed cell ended with it.
    assert RoleAssignment.objects.get(pk=world.assignments["spec_a1"].pk).valid_to == D(2025, 6, 30)


def test_split_creates_the_named_units_remembering_their_origin(world):
    client = world.client("head_a")
    cell = world.units["A1"]
    one = client.post(f"/admin/units/split/{cell.pk}/", {"names": "Chi bộ A1a", "on": "01/07/2025"})
    assert "Chia tách cần ít nhất hai đơn vị mới." in html(one)

    response = client.post(
        f"/admin/units/split/{cell.pk}/",
        {"names": "Chi bộ A1a\n\n  Chi bộ   A1b ", "short_code": "CBa", "on": "01/07/2025"},
    )

    assert response.status_code == 302
    parts = list(Unit.objects.filter(split_from=cell).order_by("name"))
    assert [(p.name, p.short_code, p.valid_from) for p in parts] == [
        ("Chi bộ A1a", "CBa", D(2025, 7, 1)),
        ("Chi bộ A1b", "CBa", D(2025, 7, 1)),
    ]
    assert all(p.get_parent().pk == world.units["A"].pk for p in parts)
    page = html(client.get(f"/admin/units/inspect/{cell.pk}/"))
    assert "Chi bộ A1a" in page and "Chia tách thành Chi bộ A1a, Chi bộ A1b từ ngày 01/07/2025" in page


def test_rename_is_logged_with_who_and_both_names(world):
    client = world.client("head_a")
    ward = world.unit("A")
    response = client.post(
        f"/admin/units/edit/{ward.pk}/",
        {"name": "Đảng ủy phường A mới", "kind": ward.kind, "level": ward.level, "short_code": "ĐU", "code": "DU-A"},
    )
    assert response.status_code == 302
    entry = ModelLogEntry.objects.get(action="units.rename", object_id=str(ward.pk))
    assert entry.user == world.users["head_a"] and entry.timestamp is not None
    history = html(client.get(f"/admin/units/history/{ward.pk}/"))
    assert "Đổi tên từ “Đảng ủy phường A” thành “Đảng ủy phường A mới”" in history


def test_staff_edit_cannot_set_end_date_or_successor_directly(world):
    client = world.client("head_a")
    cell = world.unit("A1")
    page = html(client.get(f"/admin/units/edit/{cell.pk}/"))
    assert 'name="valid_to"' not in page and 'name="successor"' not in page

    client.post(
        f"/admin/units/edit/{cell.pk}/",
        {
            "name": cell.name,
            "kind": cell.kind,
            "level": cell.level,
            "short_code": "CB",
            "code": cell.code,
            "valid_to": "30/06/2025",
            "successor": world.units["A2"].pk,
        },
    )

    assert (world.unit("A1").valid_to, world.unit("A1").successor_id) == (None, None)


def test_duplicate_code_is_refused_on_the_form(world):
    cell = world.unit("A1")
    response = world.client("head_a").post(
        f"/admin/units/edit/{cell.pk}/",
        {"name": cell.name, "kind": cell.kind, "level": cell.level, "short_code": "CB", "code": "CB-A2"},
    )
    assert response.status_code == 200
    assert "Mã đơn vị này đã được dùng cho một đơn vị khác." in html(response)
    assert world.unit("A1").code == "CB-A1"


def test_khoi_are_assigned_on_the_form_and_filter_the_list(world):
    group = UnitGroup.objects.create(name="Khối khoa giáo")
    client = world.client("head_p")
    cell = world.unit("B1")
    client.post(
        f"/admin/units/edit/{cell.pk}/",
        {"name": cell.name, "kind": cell.kind, "level": cell.level, "short_code": "CB", "groups": [group.pk]},
    )
    assert list(world.unit("B1").groups.all()) == [group]

    page = html(client.get(f"/admin/units/?group={group.pk}"))
    assert "Chi bộ B1" in page and "Chi bộ B2" not in page


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("kind=party_cell", "Chi bộ A1", "Đảng ủy phường A"),
        ("level=commune", "Đảng ủy phường B", "Chi bộ B1"),
        ("status=closed", "Chi bộ B2", "Chi bộ B1"),
        ("status=active", "Chi bộ B1", "Chi bộ B2"),
        ("q=CB-A2", "Chi bộ A2", "Chi bộ A1"),
    ],
)
def test_list_filters_and_search(world, query, shown, hidden):
    services.unit_close(unit=world.units["B2"], on=D(2025, 1, 1))
    page = html(world.client("superuser").get(f"/admin/units/?{query}"))
    assert shown in page and hidden not in page


def test_create_under_a_parent_is_prefilled_from_the_list_action(world):
    client = world.client("head_a")
    page = html(client.get(f"/admin/units/new/?parent={world.units['A'].pk}"))
    assert f'value="{world.units["A"].pk}"' in page
    list_page = html(client.get("/admin/units/"))
    assert f"/admin/units/new/?parent={world.units['A1'].pk}" in list_page
    # Structural actions appear only where the person may use them: inside, not on their own ward.
    assert f"/admin/units/merge/{world.units['A1'].pk}/" in list_page
    assert f"/admin/units/merge/{world.units['A'].pk}/" not in list_page


def test_unit_list_query_count_does_not_grow_with_rows(world):
    client = world.client("head_p")
    client.get("/admin/units/")  # warm caches (content types, site)
    with CaptureQueriesContext(connection) as small:
        client.get("/admin/units/")
    parent = world.unit("B")
    group = UnitGroup.objects.create(name="Khối phường")
    for n in range(15):
        unit = services.unit_create(
            name=f"Chi bộ thêm {n}", kind="party_cell", level="cell", short_code="CB", parent=parent
        )
        unit.groups.add(group)
    Unit.objects.filter(pk=world.units["B2"].pk).update(valid_to=D(2025, 6, 30), successor=world.units["B1"].pk)
    with CaptureQueriesContext(connection) as large:
        client.get("/admin/units/")
    assert len(large) == len(small)


def test_assignment_list_query_count_does_not_grow_with_rows(world):
    client = world.client("head_p")
    client.get("/admin/role-assignments/")
    with CaptureQueriesContext(connection) as small:
        client.get("/admin/role-assignments/")
    from django.contrib.auth import get_user_model

    for n in range(10):
        person = get_user_model().objects.create_user(f"nguoi{n}")
        services.role_assign(user=person, unit=world.units["B1"], role=Role.PROPAGANDIST, valid_from=D(2025, 1, 1))
    with CaptureQueriesContext(connection) as large:
        client.get("/admin/role-assignments/")
    assert len(large) == len(small)


def test_own_roles_are_listed_but_not_editable(world):
    client = world.client("head_a")
    own = world.assignments["head_a"]
    page = html(client.get("/admin/role-assignments/?scope=mine"))
    assert "(head_a)" in page and "(spec_a1)" not in page
    assert f"/admin/role-assignments/edit/{own.pk}/" not in page
    assert client.get(f"/admin/role-assignments/edit/{own.pk}/").status_code == 404


def test_assigning_oneself_or_an_overlapping_role_is_refused_in_vietnamese(world):
    client = world.client("head_a")
    form = {"unit": world.units["A1"].pk, "role": "head", "valid_from": "01/01/2025"}
    myself = client.post("/admin/role-assignments/new/", {**form, "user": world.users["head_a"].pk})
    assert "Bạn không thể tự phân công hoặc sửa vai trò của chính mình." in html(myself)
    twice = client.post(
        "/admin/role-assignments/new/",
        {**form, "user": world.users["spec_a1"].pk, "role": "specialist", "valid_from": "01/06/2025"},
    )
    assert "thời gian bị trùng" in html(twice)
    assert RoleAssignment.objects.count() == len(world.assignments)


def test_khoi_are_managed_by_superusers_and_show_their_unit_count(world):
    client = world.client("superuser")
    response = client.post("/admin/unit-groups/new/", {"name": "Khối dân vận", "description": "Mặt trận, đoàn thể."})
    assert response.status_code == 302
    group = UnitGroup.objects.get(name="Khối dân vận")
    group.units.add(world.units["A"], world.units["B"])
    page = html(client.get("/admin/unit-groups/"))
    assert "Khối dân vận" in page and ">2<" in page.replace(" ", "").replace("\n", "")
    assert ModelLogEntry.objects.filter(action="wagtail.create", label="Khối dân vận").exists()
    denied = world.client("head_a").get("/admin/unit-groups/")
    assert (denied.status_code, denied.headers["Location"]) == (302, "/admin/")


def test_choosers_name_their_columns_in_vietnamese(world):
    client = world.client("head_a")
    units = html(client.get("/admin/units/chooser/results/"))
    assert "Tên đơn vị" in units and "Ký hiệu" in units
    people = html(client.get("/admin/units/people-chooser/results/?q=spec"))
    assert "Họ tên" in people and "Spec A1" in people and "Head B" not in people
