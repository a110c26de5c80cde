"""Tasks and movements: rights follow the unit tree on list, detail, edit, delete, export and form choices."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tuyengiao.opinion.tests.factories import client_for
from tuyengiao.tasks import services
from tuyengiao.tasks.models import EmulationMovement, Task, TaskStatus

D = datetime.date


@pytest.fixture
def records(tree, admin_user):
    movement = services.movement_create(
        actor=admin_user,
        unit=tree.province,
        title="Thi đua chào mừng đại hội",
        start_date=D(2025, 1, 1),
        end_date=D(2025, 12, 31),
        participants=[tree.ward_a, tree.ward_b],
    )
    return {
        "movement": movement,
        "movement_a": services.movement_create(
            actor=admin_user,
            unit=tree.ward_a,
            title="Chi bộ bốn tốt phường A",
            start_date=D(2025, 1, 1),
            end_date=D(2025, 12, 31),
            participants=[tree.ward_a, tree.cell_a],
        ),
        "a": services.task_create(
            actor=admin_user,
            unit=tree.ward_a,
            title="Nhiệm vụ phường A",
            deadline=D(2025, 5, 1),
            assigned_on=D(2025, 4, 1),
        ),
        "cell_a": services.task_create(
            actor=admin_user,
            unit=tree.cell_a,
            title="Nhiệm vụ chi bộ A",
            deadline=D(2025, 5, 1),
            assigned_on=D(2025, 4, 1),
        ),
        "b": services.task_create(
            actor=admin_user,
            unit=tree.ward_b,
            title="Nhiệm vụ phường B",
            deadline=D(2025, 5, 1),
            assigned_on=D(2025, 4, 1),
            movement=movement,
        ),
    }


def export_titles(client, url):
    response = client.get(url)
    return sorted(row[1] for row in list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))[1:])


def test_task_list_and_export_are_scoped(records, staff_a, staff_b, admin_user):
    html_a = client_for(staff_a).get("/admin/tasks/").content.decode()

    assert "Nhiệm vụ phường A" in html_a and "Nhiệm vụ chi bộ A" in html_a and "Nhiệm vụ phường B" not in html_a
    assert export_titles(client_for(staff_a), "/admin/tasks/?export=csv") == ["Nhiệm vụ chi bộ A", "Nhiệm vụ phường A"]
    assert export_titles(client_for(staff_b), "/admin/tasks/?export=csv") == ["Nhiệm vụ phường B"]
    assert len(export_titles(client_for(admin_user), "/admin/tasks/?export=csv")) == 3


@pytest.mark.parametrize("view", ["edit", "inspect", "delete", "history"])
def test_a_sibling_units_task_is_not_found(records, staff_a, staff_b, view):
    assert client_for(staff_a).get(f"/admin/tasks/{view}/{records['b'].pk}/").status_code == 404
    assert client_for(staff_b).get(f"/admin/tasks/{view}/{records['b'].pk}/").status_code == 200


@pytest.mark.parametrize("view", ["edit", "inspect", "delete"])
def test_a_sibling_or_parent_units_movement_is_not_found(records, staff_a, view):
    client = client_for(staff_a)

    assert client.get(f"/admin/tasks/movements/{view}/{records['movement'].pk}/").status_code == 404
    assert client.get(f"/admin/tasks/movements/{view}/{records['movement_a'].pk}/").status_code == 200


def test_services_refuse_a_sibling(tree, records, staff_a):
    with pytest.raises(PermissionDenied):
        services.task_create(
            actor=staff_a, unit=tree.ward_b, title="X", deadline=D(2025, 6, 1), assigned_on=D(2025, 5, 1)
        )
    with pytest.raises(PermissionDenied):
        services.task_delete(actor=staff_a, task=records["b"])
    with pytest.raises(PermissionDenied):
        services.task_set_status(actor=staff_a, task=records["b"], status=TaskStatus.PAUSED)
    with pytest.raises(PermissionDenied):
        services.movement_delete(actor=staff_a, movement=records["movement"])
    assert Task.objects.count() == 3 and EmulationMovement.objects.count() == 2


def test_task_form_offers_only_visible_units_and_movements(tree, records, staff_a):
    client = client_for(staff_a)

    html = client.get("/admin/tasks/new/").content.decode()
    response = client.post(
        "/admin/tasks/new/",
        {
            "unit": tree.ward_b.pk,
            "title": "Lấn sang phường B",
            "assigned_on": "01/04/2025",
            "deadline": "30/04/2025",
            "status": "not_started",
            "progress_notes-TOTAL_FORMS": 0,
            "progress_notes-INITIAL_FORMS": 0,
            "progress_notes-MIN_NUM_FORMS": 0,
            "progress_notes-MAX_NUM_FORMS": 1000,
        },
    )

    assert "Đảng ủy phường A" in html and "Đảng ủy phường B" not in html
    # Ward A takes part in the province's movement, so its tasks may belong to it.
    assert "Thi đua chào mừng đại hội" in html and "Chi bộ bốn tốt phường A" in html
    assert response.status_code == 200
    assert "Bạn chỉ được chọn đơn vị mình phụ trách hoặc đơn vị cấp dưới." in response.content.decode()
    assert not Task.objects.filter(title="Lấn sang phường B").exists()


def test_staff_create_a_task_with_dated_progress_notes(tree, staff_a):
    response = client_for(staff_a).post(
        "/admin/tasks/new/",
        {
            "unit": tree.cell_a.pk,
            "title": "Tổ chức hội nghị báo cáo viên",
            "description": "",
            "assigned_on": "01/04/2025",
            "deadline": "30/04/2025",
            "status": "done",
            "completed_on": "05/05/2025",
            "progress_notes-TOTAL_FORMS": 2,
            "progress_notes-INITIAL_FORMS": 0,
            "progress_notes-MIN_NUM_FORMS": 0,
            "progress_notes-MAX_NUM_FORMS": 1000,
            "progress_notes-0-date": "10/04/2025",
            "progress_notes-0-note": "Đã có kế hoạch.",
            "progress_notes-0-ORDER": 1,
            "progress_notes-1-date": "05/05/2025",
            "progress_notes-1-note": "Đã tổ chức, 120 lượt người dự.",
            "progress_notes-1-ORDER": 2,
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    created = Task.objects.get(title="Tổ chức hội nghị báo cáo viên")
    assert created.is_late()
    assert [n.date for n in created.progress_notes.all()] == [D(2025, 4, 10), D(2025, 5, 5)]
    inspect = client_for(staff_a).get(f"/admin/tasks/inspect/{created.pk}/").content.decode()
    assert "30/04/2025 — Trễ hạn" in inspect and "Đã tổ chức, 120 lượt người dự." in inspect


def test_movement_participants_must_be_below_the_launching_unit(tree, admin_user, staff_a):
    with pytest.raises(ValidationError) as caught:
        services.movement_create(
            actor=admin_user,
            unit=tree.ward_a,
            title="Phong trào phường A",
            start_date=D(2025, 1, 1),
            end_date=D(2025, 6, 30),
            participants=[tree.cell_a, tree.ward_b],
        )
    response = client_for(staff_a).post(
        "/admin/tasks/movements/new/",
        {
            "unit": tree.ward_a.pk,
            "title": "Phong trào phường A",
            "start_date": "01/01/2025",
            "end_date": "30/06/2025",
            "participants": [tree.cell_a.pk, tree.ward_b.pk],
        },
    )

    assert caught.value.message_dict["participants"] == [
        "Đơn vị tham gia phải là “Đảng ủy phường A” hoặc đơn vị cấp dưới; không thuộc: Đảng ủy phường B."
    ]
    assert response.status_code == 200  # ward B is not even offered to staff of ward A
    assert "Bạn chỉ được chọn đơn vị mình phụ trách hoặc đơn vị cấp dưới." in response.content.decode()
    assert not EmulationMovement.objects.exists()


def test_movement_list_and_export(records, staff_a, admin_user):
    html = client_for(staff_a).get("/admin/tasks/movements/").content.decode()
    export = client_for(admin_user).get("/admin/tasks/movements/?export=csv&ordering=title")
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))

    assert "Chi bộ bốn tốt phường A" in html and "Thi đua chào mừng đại hội" not in html
    assert rows[0] == [
        "Đơn vị phát động",
        "Tên phong trào",
        "Từ ngày",
        "Đến ngày",
        "Số đơn vị tham gia",
        "Số nhiệm vụ",
        "Nội dung, chỉ tiêu",
    ]
    assert rows[1][1:6] == ["Chi bộ bốn tốt phường A", "01/01/2025", "31/12/2025", "2", "0"]
    assert rows[2][1:6] == ["Thi đua chào mừng đại hội", "01/01/2025", "31/12/2025", "2", "1"]


def test_lists_do_not_query_per_row(tree, admin_user, records):
    client = client_for(admin_user)

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = {url: queries(url) for url in ("/admin/tasks/", "/admin/tasks/movements/")}
    for n in range(8):
        services.task_create(
            actor=admin_user,
            unit=tree.cell_b,
            title=f"Nhiệm vụ thêm {n}",
            deadline=D(2025, 6, 1),
            assigned_on=D(2025, 5, 1),
            movement=records["movement"],
        )
        services.movement_create(
            actor=admin_user,
            unit=tree.ward_b,
            title=f"Phong trào thêm {n}",
            start_date=D(2025, 1, 1),
            end_date=D(2025, 3, 1),
            participants=[tree.cell_b],
        )

    assert {url: queries(url) for url in few} == few
