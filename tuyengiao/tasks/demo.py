"""Demo tasks and emulation movements for the board and the wards, March 2025 – November 2026.

Past deadlines are mostly met; a few tasks were finished late and a few are
still overdue, so the "Trễ hạn" badge and filter have something to show.
Tasks follow the demo news: monthly reporter conferences, "nhận thức về Đảng"
classes, studying resolutions, six-month and yearly reviews.
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from . import services
from .models import Task, TaskProgressNote, TaskStatus

LAST_DAY = datetime.date(2026, 11, 30)

MONTHLY = [
    ("Tổ chức hội nghị báo cáo viên tháng {m}/{y}", "Thông tin thời sự, định hướng tuyên truyền trong tháng.", 20),
    ("Tổng hợp báo cáo dư luận xã hội tháng {m}/{y}", "Tổng hợp ý kiến từ các chi bộ, cộng tác viên.", 28),
]
QUARTERLY = [
    (
        "Mở lớp bồi dưỡng nhận thức về Đảng quý {q}/{y}",
        "Phối hợp Trung tâm Chính trị mở lớp cho quần chúng ưu tú.",
        75,
    ),
    (
        "Hướng dẫn học tập, quán triệt nghị quyết quý {q}/{y}",
        "Xây dựng kế hoạch, đôn đốc các chi bộ học tập và thu bài thu hoạch.",
        60,
    ),
]
REVIEWS = [
    ("Sơ kết công tác tuyên giáo và dân vận 6 tháng đầu năm {y}", datetime.date(1, 7, 10)),
    ("Tổng kết công tác tuyên giáo và dân vận năm {y}", datetime.date(1, 12, 20)),
]


def _months(first: datetime.date, last: datetime.date):
    day = first
    while day <= last:
        yield day
        day = datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _outcome(deadline: datetime.date, assigned: datetime.date, today: datetime.date, rng: random.Random) -> dict:
    """Status, completion date and a progress note consistent with today's date."""
    if deadline >= today:
        if assigned > today:
            return {"status": TaskStatus.NOT_STARTED, "completed_on": None, "progress": []}
        return {
            "status": TaskStatus.IN_PROGRESS,
            "completed_on": None,
            "progress": [
                (min(today, assigned + datetime.timedelta(days=5)), "Đã xây dựng kế hoạch, phân công thực hiện.")
            ],
        }
    roll = rng.random()
    if roll < 0.06:  # still overdue
        return {
            "status": rng.choice([TaskStatus.IN_PROGRESS, TaskStatus.PAUSED]),
            "completed_on": None,
            "progress": [(assigned + datetime.timedelta(days=3), "Đang chờ số liệu từ các chi bộ.")],
        }
    if roll < 0.2:  # done late
        done = min(today, deadline + datetime.timedelta(days=rng.randint(2, 12)))
    else:
        done = deadline - datetime.timedelta(days=rng.randint(0, min(6, (deadline - assigned).days)))
    return {
        "status": TaskStatus.DONE,
        "completed_on": done,
        "progress": [
            (assigned + datetime.timedelta(days=2), "Đã xây dựng kế hoạch, phân công thực hiện."),
            (done, "Hoàn thành, đã báo cáo kết quả."),
        ],
    }


def load_demo(*, units) -> dict:
    """Movements through the services; tasks validated one by one (`full_clean`), then written in bulk."""
    rng = random.Random(29)
    today = timezone.localdate()
    actor = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    movements = _movements(units, actor)
    tasks, notes = [], []
    for unit in [units.board, *units.wards]:
        first = max(datetime.date(2025, 3, 1), unit.valid_from or datetime.date(2025, 3, 1)).replace(day=1)
        for month in _months(first, LAST_DAY):
            plans = [(title, text, month + datetime.timedelta(days=days)) for title, text, days in MONTHLY]
            if month.month in (1, 4, 7, 10):
                plans += [(title, text, month + datetime.timedelta(days=days)) for title, text, days in QUARTERLY]
            plans += [
                (title, "Xây dựng báo cáo, tổ chức hội nghị.", when.replace(year=month.year))
                for title, when in REVIEWS
                if month.month == when.month
            ]
            for title, text, deadline in plans:
                deadline = min(deadline, LAST_DAY)
                outcome = _outcome(deadline, month, today, rng)
                task = Task(
                    unit=unit,
                    title=title.format(m=f"{month.month:02d}", y=month.year, q=(month.month - 1) // 3 + 1),
                    description=text,
                    assigned_on=month,
                    deadline=deadline,
                    status=outcome["status"],
                    completed_on=outcome["completed_on"],
                    movement=_movement_for(movements, unit, deadline),
                )
                task.full_clean(exclude=["unit", "movement"])
                tasks.append(task)
                notes += [
                    TaskProgressNote(task=task, date=day, note=note, sort_order=n)
                    for n, (day, note) in enumerate(outcome["progress"])
                ]
    with transaction.atomic():
        Task.objects.bulk_create(tasks)
        for note in notes:
            note.full_clean(exclude=["task"])
        TaskProgressNote.objects.bulk_create(notes)
    return {"tasks": len(tasks), "emulation_movements": len(movements)}


def _movement_for(movements, unit, deadline):
    """The movement of the unit or a unit above it running on the deadline, if any."""
    return next(
        (m for m in movements if m.start_date <= deadline <= m.end_date and unit.path.startswith(m.unit.path)), None
    )


def _movements(units, actor) -> list:
    created = [
        services.movement_create(
            actor=actor,
            unit=units.board,
            title="Thi đua thực hiện tốt công tác tuyên giáo và dân vận năm 2025",
            description="Hoàn thành đúng hạn các nhiệm vụ tham mưu, tuyên truyền, nắm bắt dư luận xã hội.",
            start_date=datetime.date(2025, 3, 1),
            end_date=datetime.date(2025, 12, 31),
            participants=[units.board],
        ),
        services.movement_create(
            actor=actor,
            unit=units.province,
            title="Thi đua chào mừng Đại hội Đảng bộ tỉnh lần thứ I, nhiệm kỳ 2025 - 2030",
            description="Lập thành tích chào mừng đại hội đảng bộ các cấp.",
            start_date=datetime.date(2025, 7, 1),
            end_date=datetime.date(2025, 10, 31),
            participants=[units.board, *units.wards],
        ),
        services.movement_create(
            actor=actor,
            unit=units.province,
            title="Phong trào thi đua “Dân vận khéo” năm 2026",
            description="Mỗi chi bộ có ít nhất một mô hình dân vận khéo được công nhận.",
            start_date=datetime.date(2026, 1, 1),
            end_date=datetime.date(2026, 12, 31),
            participants=[units.board, *units.wards],
        ),
    ]
    for ward in units.wards:
        cells = units.cells.get(ward.pk, [])
        created.append(
            services.movement_create(
                actor=actor,
                unit=ward,
                title=f"Thi đua xây dựng chi bộ trong sạch, vững mạnh năm 2026 ({ward.name.removeprefix('Đảng ủy ')})",
                description="Sinh hoạt chi bộ đúng định kỳ, nội dung phong phú; 100% đảng viên học tập nghị quyết.",
                start_date=datetime.date(2026, 1, 1),
                end_date=datetime.date(2026, 12, 31),
                participants=[ward, *cells],
            )
        )
    return created
