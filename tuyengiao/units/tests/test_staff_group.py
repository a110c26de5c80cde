"""Admin access comes with a staff role: the role services keep the group "Cán bộ đơn vị" in step.

Nobody hand-adds permissions: a person given a staff role through the
service signs in to the admin and works on their unit's records (never a
sibling's); when their last staff role ends they are out of the group again.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from tuyengiao.tasks.services import task_create
from tuyengiao.units.models import STAFF_GROUP, Role, Unit
from tuyengiao.units.services import role_assign, role_assignment_update, unit_close, unit_merge

from .conftest import build_world

pytestmark = pytest.mark.django_db

D = datetime.date


def signed_in(user) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(pk=user.pk))  # fresh: no cached permissions
    return client


def in_group(user) -> bool:
    return get_user_model().objects.get(pk=user.pk).groups.filter(name=STAFF_GROUP).exists()


def assert_kept_out(response) -> None:
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


@pytest.fixture
def world():
    world = build_world()
    superuser = world.users["superuser"]
    for key in ("A", "B"):
        task_create(
            actor=superuser, unit=world.units[key], title=f"Nhiệm vụ của đơn vị {key}", deadline=D(2026, 12, 31)
        )
    return world


def test_the_migration_made_the_group_with_admin_access():
    group = Group.objects.get(name=STAFF_GROUP)

    assert group.permissions.filter(content_type__app_label="wagtailadmin", codename="access_admin").exists()
    # …and the right to upload the files of Party documents (not to see other people's files).
    codenames = set(group.collection_permissions.values_list("permission__codename", flat=True))
    assert codenames == {"add_document"}


def test_a_fresh_user_given_a_role_opens_the_admin_and_their_units_lists_only(world):
    person = get_user_model().objects.create_user("canbo_moi", first_name="Cán bộ mới")
    assert_kept_out(signed_in(person).get("/admin/"))

    role_assign(
        user=person,
        unit=world.unit("A"),
        role=Role.SPECIALIST,
        valid_from=timezone.localdate(),
        actor=world.users["head_p"],
    )
    client = signed_in(person)

    assert client.get("/admin/").status_code == 200
    units = client.get("/admin/units/")
    assert units.status_code == 200
    html = units.content.decode()
    assert world.units["A"].name in html and world.units["A1"].name in html
    assert world.units["B"].name not in html and world.units["P"].name not in html
    tasks = client.get("/admin/tasks/")
    assert tasks.status_code == 200
    assert "Nhiệm vụ của đơn vị A" in tasks.content.decode()
    assert "Nhiệm vụ của đơn vị B" not in tasks.content.decode()
    sibling = Unit.objects.get(pk=world.units["B"].pk)
    assert client.get(f"/admin/units/edit/{sibling.pk}/").status_code == 404


def test_a_role_starting_later_lets_them_in_but_shows_nothing_yet(world):
    person = get_user_model().objects.create_user("canbo_sau")
    role_assign(
        user=person, unit=world.unit("A"), role=Role.HEAD, valid_from=timezone.localdate() + datetime.timedelta(days=7)
    )

    assert in_group(person)
    response = signed_in(person).get("/admin/tasks/")
    assert response.status_code == 302 and response["Location"] == "/admin/"  # no rights before the role starts


def test_roles_without_back_office_work_give_no_admin_access(world):
    person = get_user_model().objects.create_user("baocaovien")
    role_assign(user=person, unit=world.unit("A"), role=Role.REPORTER, valid_from=D(2025, 1, 1))

    assert not in_group(person)
    assert_kept_out(signed_in(person).get("/admin/"))


def test_ending_the_last_staff_role_takes_admin_access_away(world):
    person = get_user_model().objects.create_user("canbo_hai_don_vi")
    in_a = role_assign(user=person, unit=world.unit("A1"), role=Role.SPECIALIST, valid_from=D(2025, 1, 1))
    in_b = role_assign(user=person, unit=world.unit("B1"), role=Role.CLERK, valid_from=D(2025, 1, 1))
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    role_assignment_update(
        assignment=in_a, unit=in_a.unit, role=in_a.role, valid_from=in_a.valid_from, valid_to=yesterday
    )
    assert in_group(person)  # still a clerk of B1
    assert signed_in(person).get("/admin/").status_code == 200

    role_assignment_update(
        assignment=in_b, unit=in_b.unit, role=in_b.role, valid_from=in_b.valid_from, valid_to=yesterday
    )
    assert not in_group(person)
    assert_kept_out(signed_in(person).get("/admin/"))


def test_closing_or_merging_a_unit_ends_its_staff_admin_access(world):
    closing = get_user_model().objects.create_user("canbo_a2")
    merged = get_user_model().objects.create_user("canbo_b2")
    role_assign(user=closing, unit=world.unit("A2"), role=Role.SPECIALIST, valid_from=D(2025, 1, 1))
    role_assign(user=merged, unit=world.unit("B2"), role=Role.SPECIALIST, valid_from=D(2025, 1, 1))
    today = timezone.localdate()

    unit_close(unit=world.unit("A2"), on=today)
    unit_merge(source=world.unit("B2"), target=world.unit("B1"), on=today)

    assert not in_group(closing) and not in_group(merged)
    assert in_group(world.users["head_a"]) and in_group(world.users["head_b"])  # the others keep theirs
