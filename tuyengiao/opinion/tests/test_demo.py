"""Demo data of the opinion and tasks apps: two years over the demo units, no personal data, fast."""

import datetime
import time

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from tuyengiao.opinion import demo as opinion_demo
from tuyengiao.opinion import selectors
from tuyengiao.opinion.models import OpinionItem, OpinionReport
from tuyengiao.opinion.personal_data import find_personal_data
from tuyengiao.portal.demo import DemoUnits
from tuyengiao.tasks import demo as tasks_demo
from tuyengiao.tasks.models import EmulationMovement, Task, TaskProgressNote, TaskStatus
from tuyengiao.units.models import UnitKind, UnitLevel
from tuyengiao.units.services import unit_create

D = datetime.date


def demo_units() -> DemoUnits:
    """The demo tree as tuyengiao.portal.demo builds it."""
    province = unit_create(
        name="Tỉnh ủy Sông Hậu",
        kind=UnitKind.PARTY_COMMITTEE,
        level=UnitLevel.PROVINCE,
        short_code="TU",
        valid_from=D(2025, 7, 1),
    )
    board = unit_create(
        name="Ban Tuyên giáo và Dân vận Tỉnh ủy",
        kind=UnitKind.STAFF_BOARD,
        level=UnitLevel.PROVINCE,
        short_code="BTGDVTU",
        parent=province,
        valid_from=D(2025, 3, 1),
    )
    wards = [
        unit_create(
            name=f"Đảng ủy phường {name}",
            kind=UnitKind.PARTY_COMMITTEE,
            level=UnitLevel.COMMUNE,
            short_code="ĐU",
            parent=province,
            valid_from=D(2025, 7, 1),
        )
        for name in ("Long Hòa", "Bình Thủy", "An Thới")
    ]
    units = DemoUnits(province=province, board=board, wards=wards)
    units.add_grassroots()
    return units


@pytest.mark.django_db
def test_demo_records_cover_two_years_without_personal_data_in_a_few_seconds():
    get_user_model().objects.create_superuser("admin", password=None)
    units = demo_units()

    started = time.perf_counter()
    opinion = opinion_demo.load_demo(units=units)
    tasks = tasks_demo.load_demo(units=units)
    elapsed = time.perf_counter() - started

    assert elapsed < 5, f"demo took {elapsed:.1f} s"
    assert opinion["opinion_reports"] == OpinionReport.objects.count() == 20 + 3 * 16
    months = OpinionReport.objects.order_by("period_start").values_list("period_start", flat=True)
    assert (months.first(), months.last()) == (D(2025, 3, 1), D(2026, 10, 1))
    texts = [
        *OpinionReport.objects.values_list("summary", flat=True),
        *OpinionItem.objects.values_list("content", flat=True),
        *OpinionItem.objects.values_list("recommendation", flat=True),
        *Task.objects.values_list("title", flat=True),
        *TaskProgressNote.objects.values_list("note", flat=True),
    ]
    assert [text for text in texts if find_personal_data(text)] == []

    province = selectors.aggregate(unit=units.province, start=D(2025, 1, 1), end=D(2026, 12, 31), grouping="year")
    assert province.items == OpinionItem.objects.count() > 150
    assert {row.bucket_label for row in province.rows} == {"Năm 2025", "Năm 2026"}

    assert tasks["tasks"] == Task.objects.count() > 150
    assert EmulationMovement.objects.count() == tasks["emulation_movements"] == 6
    today = timezone.localdate()
    late = [task for task in Task.objects.all() if task.is_late(today)]
    assert 0 < len(late) < Task.objects.count() / 3
    assert not Task.objects.filter(status=TaskStatus.DONE, completed_on__isnull=True).exists()
    assert not Task.objects.filter(completed_on__gt=today).exists()


@pytest.mark.django_db
def test_the_full_demo_loads_the_opinion_and_tasks_records():
    from tuyengiao.portal.demo import load_demo

    assert load_demo()["created"] is True

    assert OpinionReport.objects.filter(unit__name="Ban Tuyên giáo và Dân vận Tỉnh ủy").count() == 20
    assert Task.objects.filter(unit__name="Đảng ủy phường An Thới").exists()
    assert EmulationMovement.objects.filter(participants__name__startswith="Chi bộ khu vực").exists()
