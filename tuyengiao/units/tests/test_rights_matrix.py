"""Rights matrix: people × units × actions over every path of the unit and role-assignment admin.

The expectations come from the tree drawn in conftest.py, written out below
(VISIBLE, RESTRUCTURE, ASSIGNMENTS_*), not from the code under test:

- anonymous → 302 to the admin login;
- signed in without a staff role (the reporter) → Wagtail's permission-denied
  redirect to the dashboard (302 to /admin/; 403 for XHR);
- a unit or assignment outside the person's subtree → 404;
- inside, but a structural change of the subtree's own top unit (decided by
  the level above) → permission denied;
- otherwise allowed (200, or 302 after a successful write).

Every denied write is checked to have changed nothing. The tree is built
once per module; each test runs in a transaction rolled back after it.
"""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from tuyengiao.units.models import RoleAssignment, Unit, UnitGroup
from tuyengiao.units.tests.conftest import UNIT_KEYS, USER_KEYS, World, build_world

pytestmark = pytest.mark.django_db

LOGIN, DENIED, MISSING, OK, FORM_ERROR = "login", "denied", "404", "ok", "form error"

ALL = set(UNIT_KEYS)
VISIBLE = {
    "head_a": {"A", "A1", "A2"},
    "spec_a1": {"A1"},
    "reporter_a": set(),
    "head_b": {"B", "B1", "B2"},
    "head_p": ALL,
    "superuser": ALL,
    "anonymous": set(),
}
# Units strictly below the top of the person's subtree: the ones they may move, close, merge, split.
RESTRUCTURE = {
    "head_a": {"A1", "A2"},
    "spec_a1": set(),
    "reporter_a": set(),
    "head_b": {"B1", "B2"},
    "head_p": ALL - {"P"},
    "superuser": ALL,
    "anonymous": set(),
}
# Role assignments are keyed by their holder: head_a@A, spec_a1@A1, reporter_a@A, head_b@B, head_p@P.
HOLDERS = ["head_a", "spec_a1", "reporter_a", "head_b", "head_p"]
ASSIGNMENTS_VISIBLE = {
    "head_a": {"head_a", "spec_a1", "reporter_a"},
    "spec_a1": {"spec_a1"},
    "reporter_a": {"reporter_a"},  # only their own
    "head_b": {"head_b"},
    "head_p": set(HOLDERS),
    "superuser": set(HOLDERS),
    "anonymous": set(),
}
# Nobody but a superuser changes their own assignment.
ASSIGNMENTS_EDITABLE = {user: visible - {user} for user, visible in ASSIGNMENTS_VISIBLE.items()}
ASSIGNMENTS_EDITABLE["superuser"] = set(HOLDERS)

# Where each operation sends a unit when it is allowed (always a valid change).
MOVE_TO = {"A": "B", "A1": "A2", "B1": "B2"}
MERGE_INTO = {"A": "B", "A1": "A2", "B1": "B2"}
OPERATION_TARGETS = ["A", "A1", "B1"]  # own-top for head_a, inside for head_a, sibling's for head_a
READ_TARGETS = ["P", "A", "A1", "B"]  # parent, own top, inside, sibling (for head_a)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        built = build_world()
    yield built
    with django_db_blocker.unblock():
        ModelLogEntry.objects.all().delete()
        RoleAssignment.objects.all().delete()
        Unit.objects.all().delete()
        UnitGroup.objects.all().delete()
        get_user_model().objects.all().delete()
        from django.contrib.auth.models import Group

        Group.objects.filter(name="Cán bộ thử nghiệm").delete()


def has_rights(user: str) -> bool:
    return bool(VISIBLE[user])


def read_outcome(user: str, unit: str) -> str:
    if user == "anonymous":
        return LOGIN
    if not has_rights(user):
        return DENIED
    return OK if unit in VISIBLE[user] else MISSING


def restructure_outcome(user: str, unit: str) -> str:
    outcome = read_outcome(user, unit)
    if outcome == OK and unit not in RESTRUCTURE[user]:
        return DENIED
    return outcome


def snapshot() -> tuple:
    units = list(Unit.objects.order_by("pk").values_list("path", "name", "valid_to", "successor_id", "split_from_id"))
    assignments = list(RoleAssignment.objects.order_by("pk").values_list("user_id", "unit_id", "role", "decision"))
    return units, assignments


def assert_outcome(response, outcome: str, *, success_status: int = 200) -> None:
    location = response.headers.get("Location", "")
    if outcome == LOGIN:
        assert response.status_code == 302 and location.startswith("/admin/login/"), (response.status_code, location)
    elif outcome == DENIED:
        assert response.status_code == 302 and location == "/admin/", (response.status_code, location)
    elif outcome == MISSING:
        assert response.status_code == 404, response.status_code
    elif outcome == FORM_ERROR:
        assert response.status_code == 200, (response.status_code, location)
    else:
        assert response.status_code == success_status, (response.status_code, location)


def unit_names_in(html: str, world: World) -> set[str]:
    return {key for key in UNIT_KEYS if world.units[key].name in html}


def xlsx_column(content: bytes, heading: str) -> set[str]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    index = list(rows[0]).index(heading)
    return {row[index] for row in rows[1:]}


CODE_TO_KEY = {"TU": "P", "DU-A": "A", "DU-B": "B", "CB-A1": "A1", "CB-A2": "A2", "CB-B1": "B1", "CB-B2": "B2"}


# --- Unit admin: list, export, inspect, history -------------------------------------------------------------------


@pytest.mark.parametrize("user", USER_KEYS)
def test_unit_list_shows_exactly_the_subtree(world, user):
    response = world.client(user).get("/admin/units/")
    outcome = OK if has_rights(user) else (LOGIN if user == "anonymous" else DENIED)
    assert_outcome(response, outcome)
    if outcome == OK:
        assert unit_names_in(response.content.decode(), world) == VISIBLE[user]


@pytest.mark.parametrize("user", USER_KEYS)
def test_unit_export_holds_exactly_the_subtree(world, user):
    response = world.client(user).get("/admin/units/?export=xlsx")
    outcome = OK if has_rights(user) else (LOGIN if user == "anonymous" else DENIED)
    assert_outcome(response, outcome)
    if outcome == OK:
        codes = xlsx_column(b"".join(response.streaming_content), "Mã đơn vị")
        assert {CODE_TO_KEY[code] for code in codes} == VISIBLE[user]


@pytest.mark.parametrize("unit", READ_TARGETS)
@pytest.mark.parametrize("user", USER_KEYS)
def test_unit_inspect(world, user, unit):
    response = world.client(user).get(f"/admin/units/inspect/{world.units[unit].pk}/")
    assert_outcome(response, read_outcome(user, unit))


@pytest.mark.parametrize("unit", ["A", "B"])
@pytest.mark.parametrize("user", USER_KEYS)
def test_unit_history(world, user, unit):
    response = world.client(user).get(f"/admin/units/history/{world.units[unit].pk}/")
    assert_outcome(response, read_outcome(user, unit))


# --- Unit admin: edit -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("unit", READ_TARGETS)
@pytest.mark.parametrize("user", USER_KEYS)
def test_unit_edit_form(world, user, unit):
    response = world.client(user).get(f"/admin/units/edit/{world.units[unit].pk}/")
    assert_outcome(response, read_outcome(user, unit))


@pytest.mark.parametrize("unit", READ_TARGETS)
@pytest.mark.parametrize("user", USER_KEYS)
def test_unit_edit_post(world, user, unit):
    target = world.unit(unit)
    before = snapshot()
    form = {"name": "Tên mới", "kind": target.kind, "level": target.level, "short_code": target.short_code}
    form["code"] = target.code
    response = world.client(user).post(f"/admin/units/edit/{target.pk}/", form)
    outcome = read_outcome(user, unit)
    assert_outcome(response, outcome, success_status=302)
    if outcome == OK:
        assert world.unit(unit).name == "Tên mới"
    else:
        assert snapshot() == before


# --- Unit admin: create under a parent --------------------------------------------------------------------------------


@pytest.mark.parametrize("parent", ["A", "B", None])
@pytest.mark.parametrize("user", USER_KEYS)
def test_unit_create_under_parent(world, user, parent):
    before = snapshot()
    form = {"name": "Chi bộ mới", "kind": "party_cell", "level": "cell", "short_code": "CB"}
    if parent:
        form["parent"] = world.units[parent].pk
    response = world.client(user).post("/admin/units/new/", form)
    if user == "anonymous":
        outcome = LOGIN
    elif not has_rights(user):
        outcome = DENIED
    elif parent is None:
        outcome = OK if user == "superuser" else FORM_ERROR  # only superusers create root units
    else:
        outcome = OK if parent in VISIBLE[user] else FORM_ERROR  # a parent outside the subtree is not a choice
    assert_outcome(response, outcome, success_status=302)
    created = Unit.objects.filter(name="Chi bộ mới").first()
    if outcome == OK:
        assert created is not None
        assert (created.get_parent().pk if created.get_parent() else None) == (
            world.units[parent].pk if parent else None
        )
    else:
        assert created is None and snapshot() == before


# --- Unit admin: move, close, merge, split ----------------------------------------------------------------------------


@pytest.mark.parametrize("unit", OPERATION_TARGETS)
@pytest.mark.parametrize("user", USER_KEYS)
def test_merge_form(world, user, unit):
    response = world.client(user).get(f"/admin/units/merge/{world.units[unit].pk}/")
    assert_outcome(response, restructure_outcome(user, unit))


def _operation_payload(world: World, operation: str, unit: str) -> dict:
    if operation == "move":
        return {"new_parent": world.units[MOVE_TO[unit]].pk}
    if operation == "close":
        return {"on": "01/07/2025"}
    if operation == "merge":
        return {"target": world.units[MERGE_INTO[unit]].pk, "on": "01/07/2025"}
    return {"names": "Đơn vị tách thứ nhất\nĐơn vị tách thứ hai", "on": "01/07/2025"}


def _operation_done(world: World, operation: str, unit: str) -> bool:
    current = world.unit(unit)
    if operation == "move":
        return current.get_parent().pk == world.units[MOVE_TO[unit]].pk
    if operation == "close":
        return current.valid_to is not None and current.successor_id is None
    if operation == "merge":
        return current.successor_id == world.units[MERGE_INTO[unit]].pk
    return Unit.objects.filter(split_from=current).count() == 2


@pytest.mark.parametrize("unit", OPERATION_TARGETS)
@pytest.mark.parametrize("operation", ["move", "close", "merge", "split"])
@pytest.mark.parametrize("user", USER_KEYS)
def test_structural_operation(world, user, operation, unit):
    if operation in ("close", "split") and unit == "A":
        # A ward with working cells cannot close or split (a rule, not a right): cells first.
        for cell in ("A1", "A2"):
            Unit.objects.filter(pk=world.units[cell].pk).update(valid_to="2024-12-31")
    before = snapshot()
    response = world.client(user).post(
        f"/admin/units/{operation}/{world.units[unit].pk}/", _operation_payload(world, operation, unit)
    )
    outcome = restructure_outcome(user, unit)
    assert_outcome(response, outcome, success_status=302)
    if outcome == OK:
        assert response.headers["Location"] == f"/admin/units/inspect/{world.units[unit].pk}/"
        assert _operation_done(world, operation, unit)
    else:
        assert snapshot() == before


# --- Unit chooser and API -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("user", USER_KEYS)
def test_unit_chooser_lists_exactly_the_subtree(world, user):
    response = world.client(user).get("/admin/units/chooser/results/")
    outcome = OK if has_rights(user) else (LOGIN if user == "anonymous" else DENIED)
    assert_outcome(response, outcome)
    if outcome == OK:
        assert unit_names_in(response.content.decode(), world) == VISIBLE[user]


@pytest.mark.parametrize("unit", ["A1", "B"])
@pytest.mark.parametrize("user", USER_KEYS)
def test_unit_chooser_refuses_a_unit_outside_the_subtree(world, user, unit):
    response = world.client(user).get(f"/admin/units/chooser/chosen/{world.units[unit].pk}/")
    assert_outcome(response, read_outcome(user, unit))


@pytest.mark.urls("tuyengiao.units.tests.urls")
@pytest.mark.parametrize("user", USER_KEYS)
def test_unit_api_returns_exactly_the_subtree(world, user):
    response = world.client(user).get("/api/v1/units/")
    if user == "anonymous":
        assert response.status_code == 403
        return
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert ids == {world.units[key].pk for key in VISIBLE[user]}


# --- Role assignments -----------------------------------------------------------------------------------------------


def assignment_outcome(user: str, holder: str, *, edit: bool) -> str:
    if user == "anonymous":
        return LOGIN
    if edit and not has_rights(user):
        return DENIED
    allowed = ASSIGNMENTS_EDITABLE[user] if edit else ASSIGNMENTS_VISIBLE[user]
    return OK if holder in allowed else MISSING


@pytest.mark.parametrize("user", USER_KEYS)
def test_assignment_list_shows_the_subtree_and_own_roles(world, user):
    response = world.client(user).get("/admin/role-assignments/")
    assert_outcome(response, LOGIN if user == "anonymous" else OK)
    if user != "anonymous":
        html = response.content.decode()
        assert {holder for holder in HOLDERS if f"({holder})" in html} == ASSIGNMENTS_VISIBLE[user]


@pytest.mark.parametrize("user", USER_KEYS)
def test_assignment_export(world, user):
    response = world.client(user).get("/admin/role-assignments/?export=xlsx")
    assert_outcome(response, LOGIN if user == "anonymous" else OK)
    if user != "anonymous":
        assert xlsx_column(b"".join(response.streaming_content), "Tên đăng nhập") == ASSIGNMENTS_VISIBLE[user]


@pytest.mark.parametrize("holder", ["spec_a1", "head_b", "reporter_a"])
@pytest.mark.parametrize("user", USER_KEYS)
def test_assignment_inspect(world, user, holder):
    response = world.client(user).get(f"/admin/role-assignments/inspect/{world.assignments[holder].pk}/")
    assert_outcome(response, assignment_outcome(user, holder, edit=False))


@pytest.mark.parametrize("holder", ["spec_a1", "head_b", "head_a"])
@pytest.mark.parametrize("user", USER_KEYS)
def test_assignment_edit_form(world, user, holder):
    response = world.client(user).get(f"/admin/role-assignments/edit/{world.assignments[holder].pk}/")
    assert_outcome(response, assignment_outcome(user, holder, edit=True))


@pytest.mark.parametrize("holder", ["spec_a1", "head_b", "head_a"])
@pytest.mark.parametrize("user", USER_KEYS)
def test_assignment_edit_post(world, user, holder):
    assignment = world.assignments[holder]
    before = snapshot()
    response = world.client(user).post(
        f"/admin/role-assignments/edit/{assignment.pk}/",
        {
            "unit": assignment.unit_id,
            "role": assignment.role,
            "valid_from": "01/01/2024",
            "decision": "Quyết định số 99-QĐ/TU",
        },
    )
    outcome = assignment_outcome(user, holder, edit=True)
    assert_outcome(response, outcome, success_status=302)
    if outcome == OK:
        assert RoleAssignment.objects.get(pk=assignment.pk).decision == "Quyết định số 99-QĐ/TU"
    else:
        assert snapshot() == before


@pytest.mark.parametrize("unit", ["A1", "B"])
@pytest.mark.parametrize("user", USER_KEYS)
def test_assignment_create_only_inside_the_subtree(world, user, unit):
    newcomer = get_user_model().objects.create_user("nguoimoi")
    before = snapshot()
    response = world.client(user).post(
        "/admin/role-assignments/new/",
        {"user": newcomer.pk, "unit": world.units[unit].pk, "role": "specialist", "valid_from": "01/01/2025"},
    )
    if user == "anonymous":
        outcome = LOGIN
    elif not has_rights(user):
        outcome = DENIED
    else:
        outcome = OK if unit in VISIBLE[user] else FORM_ERROR
    assert_outcome(response, outcome, success_status=302)
    created = RoleAssignment.objects.filter(user=newcomer).exists()
    assert created == (outcome == OK)
    if outcome != OK:
        assert snapshot() == before


def test_denied_admin_requests_made_by_script_get_403(world):
    """Wagtail redirects a browser to the dashboard; a script (XHR) gets a plain 403."""
    client = world.client("reporter_a")
    response = client.get("/admin/units/", headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 403
    response = world.client("head_a").post(
        f"/admin/units/close/{world.units['A'].pk}/",
        {"on": "01/07/2025"},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.status_code == 403
    assert world.unit("A").valid_to is None
