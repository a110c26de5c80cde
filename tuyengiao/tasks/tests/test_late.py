"""Late tasks: the rule, the "Trễ hạn" badge and filter in the list, and the figures for review reports."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from tuyengiao.opinion.tests.factories import client_for, refresh
from tuyengiao.tasks import selectors, services
from tuyengiao.tasks.models import Task, TaskStatus
from tuyengiao.units.services import unit_merge

D = datetime.date
TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def task(actor, unit, title, *, deadline, status=TaskStatus.IN_PROGRESS, completed_on=None, assigned_on=None):
    return services.task_create(
        actor=actor,
        unit=unit,
        title=title,
        assigned_on=assigned_on or min(deadline, TODAY) - 30 * DAY,
        deadline=deadline,
        status=status,
        completed_on=completed_on,
    )


@pytest.mark.parametrize(
    ("status", "deadline", "completed_on", "late"),
    [
        (TaskStatus.IN_PROGRESS, TODAY - DAY, None, True),  # deadline passed, not done
        (TaskStatus.NOT_STARTED, TODAY - DAY, None, True),
        (TaskStatus.PAUSED, TODAY - DAY, None, True),
        (TaskStatus.IN_PROGRESS, TODAY, None, False),  # the deadline day itself is still on time
        (TaskStatus.NOT_STARTED, TODAY + DAY, None, False),
        (TaskStatus.DONE, TODAY - 10 * DAY, TODAY - 5 * DAY, True),  # done after the deadline
        (TaskStatus.DONE, TODAY - 10 * DAY, TODAY - 10 * DAY, False),  # done on the deadline
        (TaskStatus.DONE, TODAY + 5 * DAY, TODAY, False),
    ],
)
def test_late_rule(status, deadline, completed_on, late):
    assert Task(status=status, deadline=deadline, completed_on=completed_on).is_late(TODAY) is late


@pytest.fixture
def tasks(tree, admin_user):
    return {
        "overdue": task(admin_user, tree.ward_a, "Báo cáo quá hạn", deadline=TODAY - 3 * DAY),
        "done_late": task(
            admin_user,
            tree.ward_a,
            "Hoàn thành muộn",
            deadline=TODAY - 10 * DAY,
            status=TaskStatus.DONE,
            completed_on=TODAY - 4 * DAY,
        ),
        "on_time": task(
            admin_user,
            tree.cell_a,
            "Hoàn thành đúng hạn",
            deadline=TODAY - 10 * DAY,
            status=TaskStatus.DONE,
            completed_on=TODAY - 12 * DAY,
        ),
        "future": task(admin_user, tree.ward_a, "Chưa đến hạn", deadline=TODAY + 20 * DAY),
    }


def titles(html: str, tasks: dict) -> set[str]:
    return {key for key, t in tasks.items() if t.title in html}


def test_the_list_flags_late_tasks_with_a_badge(tasks, admin_user):
    html = client_for(admin_user).get("/admin/tasks/").content.decode()

    assert titles(html, tasks) == set(tasks)
    assert html.count("tg-late") == 2
    rows = html.split("<tr")
    late_rows = {key for key, t in tasks.items() for row in rows if t.title in row and "Trễ hạn" in row}
    assert late_rows == {"overdue", "done_late"}


def test_the_late_filter(tasks, admin_user):
    client = client_for(admin_user)

    late = client.get("/admin/tasks/?late=late").content.decode()
    on_time = client.get("/admin/tasks/?late=on_time").content.decode()
    # Seen 11 days ago, no deadline had passed yet.
    earlier = client.get(f"/admin/tasks/?late=late&late_on={(TODAY - 11 * DAY):%d/%m/%Y}").content.decode()

    assert titles(late, tasks) == {"overdue", "done_late"}
    assert titles(on_time, tasks) == {"on_time", "future"}
    assert titles(earlier, tasks) == set()


def test_export_has_the_late_flag_and_vietnamese_dates(tasks, admin_user):
    client = client_for(admin_user)

    response = client.get("/admin/tasks/?export=csv&ordering=title")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    xlsx = client.get("/admin/tasks/?export=xlsx&ordering=title")
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active

    assert rows[0][:5] == ["Đơn vị chủ trì", "Tên nhiệm vụ", "Phong trào thi đua", "Ngày giao", "Hạn hoàn thành"]
    by_title = {row[1]: row for row in rows[1:]}
    assert by_title["Báo cáo quá hạn"][4] == f"{TODAY - 3 * DAY:%d/%m/%Y}"
    assert by_title["Báo cáo quá hạn"][7] == "Trễ hạn"
    assert by_title["Hoàn thành đúng hạn"][7] == ""
    assert by_title["Hoàn thành muộn"][5:8] == ["Hoàn thành", f"{TODAY - 4 * DAY:%d/%m/%Y}", "Trễ hạn"]
    assert sheet.cell(row=2, column=5).number_format.lower() == "dd/mm/yyyy"  # Excel codes ignore case
    assert sheet.max_row == 5


def test_figures_for_a_period_are_judged_at_its_end(tree, admin_user):
    """Issue 5: due, done and late in H1 2025, seen at 30/06/2025 whatever happened later."""
    end = D(2025, 6, 30)
    task(
        admin_user,
        tree.ward_a,
        "Đúng hạn",
        deadline=D(2025, 3, 31),
        status=TaskStatus.DONE,
        completed_on=D(2025, 3, 30),
    )
    task(admin_user, tree.ward_a, "Muộn", deadline=D(2025, 4, 30), status=TaskStatus.DONE, completed_on=D(2025, 5, 6))
    # Due in June, done only in July: overdue when the half-year closed.
    task(
        admin_user,
        tree.cell_a,
        "Xong sau kỳ",
        deadline=D(2025, 6, 15),
        status=TaskStatus.DONE,
        completed_on=D(2025, 7, 2),
    )
    task(admin_user, tree.ward_a, "Còn tồn", deadline=D(2025, 6, 20))
    task(admin_user, tree.ward_a, "Kỳ sau", deadline=D(2025, 8, 1))
    task(admin_user, tree.ward_b, "Phường khác", deadline=D(2025, 6, 1))

    counts = selectors.task_counts(unit=refresh(tree.ward_a), start=D(2025, 1, 1), end=end)
    late = selectors.tasks_late(unit=refresh(tree.ward_a), start=D(2025, 1, 1), end=end)

    assert counts == {"due": 4, "done": 2, "late": 3, "done_late": 1, "overdue": 2}
    assert sorted(late.values_list("title", flat=True)) == ["Còn tồn", "Muộn", "Xong sau kỳ"]
    assert selectors.tasks_done(unit=refresh(tree.ward_a), start=D(2025, 7, 1), end=D(2025, 7, 31)).count() == 1


def test_a_merged_wards_tasks_count_for_its_successor_from_the_merge_date(tree, admin_user):
    task(admin_user, tree.ward_c, "Trước sáp nhập", deadline=D(2025, 5, 31))
    task(admin_user, tree.ward_c, "Sau sáp nhập", deadline=D(2025, 9, 30))
    unit_merge(source=refresh(tree.ward_c), target=refresh(tree.ward_a), on=D(2025, 7, 1))

    ward_a = selectors.tasks_due(unit=refresh(tree.ward_a), start=D(2025, 1, 1), end=D(2025, 12, 31))
    ward_c = selectors.tasks_due(unit=refresh(tree.ward_c), start=D(2025, 1, 1), end=D(2025, 12, 31))

    assert list(ward_a.values_list("title", flat=True)) == ["Sau sáp nhập"]
    assert ward_c.count() == 2


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"status": TaskStatus.DONE}, "completed_on", "Vui lòng nhập ngày hoàn thành."),
        (
            {"status": TaskStatus.IN_PROGRESS, "completed_on": D(2025, 3, 1)},
            "completed_on",
            "Chỉ ghi ngày hoàn thành khi nhiệm vụ ở trạng thái “Hoàn thành”.",
        ),
        (
            {"status": TaskStatus.DONE, "completed_on": TODAY + DAY},
            "completed_on",
            "Ngày hoàn thành không được sau hôm nay.",
        ),
        ({"assigned_on": D(2025, 4, 1)}, "deadline", "Hạn hoàn thành không được trước ngày giao."),
    ],
)
def test_bad_task_input_is_refused_in_vietnamese(tree, admin_user, fields, field, message):
    values = {"assigned_on": D(2025, 3, 1), "deadline": D(2025, 3, 20), **fields}

    with pytest.raises(ValidationError) as caught:
        services.task_create(actor=admin_user, unit=tree.ward_a, title="Nhiệm vụ", **values)

    assert caught.value.message_dict[field] == [message]
    assert not Task.objects.exists()


def test_marking_done_adds_a_dated_progress_note(tree, admin_user):
    t = task(admin_user, tree.ward_a, "Tổng hợp báo cáo", deadline=TODAY - 2 * DAY)

    services.task_set_status(
        actor=admin_user, task=t, status=TaskStatus.DONE, completed_on=TODAY - DAY, note="Đã gửi báo cáo."
    )

    t.refresh_from_db()
    assert (t.status, t.completed_on, t.is_late()) == (TaskStatus.DONE, TODAY - DAY, True)
    assert [(n.date, n.note) for n in t.progress_notes.all()] == [(TODAY - DAY, "Đã gửi báo cáo.")]
