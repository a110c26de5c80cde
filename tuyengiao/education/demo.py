"""Demo study campaigns, classes, briefing conferences, attendance and reporters, 01/2025 – 11/2026.

Consistent with the demo news (monthly reporters' conferences of the
provincial board, "nhận thức về Đảng" classes of the political centre,
study of resolutions in the cells) and with the demo documents registry
(campaigns link its documents when they are there). The wards and cells
exist from 01/07/2025, so their records start then. Deterministic
(fixed seed); a few seconds.
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from .models import (
    Attendance,
    BriefingConference,
    EducationClass,
    Level,
    Mode,
    Participant,
    ParticipantAttendance,
    Programme,
    Reporter,
    StudyCampaign,
)
from .services import campaign_save, class_save, conference_save, reporter_save, study_return_submit

d = datetime.date
WARDS_FROM = d(2025, 7, 1)
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Hữu", "Thanh", "Quốc", "Hoàng", "Kim", "Đức"]
GIVEN = ["An", "Bình", "Cúc", "Dũng", "Giang", "Hạnh", "Hùng", "Khánh", "Lan", "Long", "Mai", "Nam", "Phúc", "Quyên",
         "Sơn", "Tâm", "Thảo", "Trí", "Uyên", "Vy"]  # fmt: skip

TOPICS = [
    "Thông tin thời sự trong nước, quốc tế nổi bật",
    "Kết quả thực hiện nhiệm vụ phát triển kinh tế - xã hội của tỉnh",
    "Định hướng công tác tuyên truyền trong tháng",
    "Tình hình tư tưởng, dư luận xã hội",
    "Đấu tranh phản bác quan điểm sai trái, thù địch trên không gian mạng",
    "Chuyển đổi số và chính quyền địa phương hai cấp",
]


def _months(start: datetime.date, end: datetime.date):
    day = start.replace(day=1)
    while day <= end:
        yield day
        day = d(day.year + day.month // 12, day.month % 12 + 1, 1)


def _cells(units) -> list:
    return [cell for ward in units.wards for cell in units.cells.get(ward.pk, [])]


def _document(summary_part: str, symbol: str = ""):
    """A document of the demo registry, if the documents app has one (None otherwise)."""
    from django.apps import apps

    if not apps.is_installed("tuyengiao.documents"):
        return None
    from tuyengiao.documents.models import Document

    documents = Document.objects.all()
    if symbol:
        documents = documents.filter(symbol=symbol)
    if summary_part:
        documents = documents.filter(summary__icontains=summary_part)
    return documents.order_by("issued_on").first()


def load_demo(*, units) -> dict:
    """Create the demo records; `units` is tuyengiao.portal.demo.DemoUnits."""
    actor = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
    if actor is None:
        raise RuntimeError("Cần một tài khoản quản trị (superuser) để tạo dữ liệu học tập mẫu.")
    rng = random.Random(2026)
    today = timezone.localdate()
    cells = _cells(units)
    members = {cell.pk: rng.randint(14, 46) for cell in cells}  # Party members per cell
    counts = {
        "reporters": _reporters(actor, units),
        "conferences": _conferences(actor, units, cells, rng, today),
        "classes": _classes(actor, units, cells, rng, today),
        "campaigns": _campaigns(actor, units, cells, members, rng, today),
    }
    return counts


def _reporters(actor, units) -> int:
    centre = units.political_centre or units.board
    people = [
        ("Nguyễn Thị Hoà", "Trưởng Ban Tuyên giáo và Dân vận Tỉnh ủy", units.board, Level.PROVINCIAL),
        ("Trần Minh Khoa", "Phó Trưởng Ban Tuyên giáo và Dân vận Tỉnh ủy", units.board, Level.PROVINCIAL),
        ("Phạm Quốc Bảo", "Giám đốc Trung tâm Chính trị tỉnh", centre, Level.PROVINCIAL),
        ("Võ Thanh Tâm", "Trưởng phòng Tuyên truyền", units.board, Level.PROVINCIAL),
        ("Huỳnh Ngọc Ánh", "Giảng viên Trung tâm Chính trị tỉnh", centre, Level.PROVINCIAL),
        ("Đặng Hữu Phước", "Phó Trưởng Ban Tuyên giáo và Dân vận Tỉnh ủy", units.board, Level.CENTRAL),
    ]
    created = 0
    for name, position, unit, level in people:
        decision = "Quyết định số 1520-QĐ/BTGDVTW" if level == Level.CENTRAL else "Quyết định số 125-QĐ/TU"
        reporter_save(
            actor=actor,
            reporter=Reporter(
                full_name=name,
                position=position,
                unit=unit,
                level=level,
                term="2025 - 2030",
                decision=decision,
                decision_date=d(2025, 9, 25) if level == Level.CENTRAL else d(2025, 8, 20),
            ),
        )
        created += 1
    for n, ward in enumerate(units.wards):
        for k, position in enumerate(("Phó Bí thư Thường trực Đảng ủy", "Trưởng Ban Xây dựng Đảng")):
            reporter_save(
                actor=actor,
                reporter=Reporter(
                    full_name=f"{FAMILY[(3 * n + k) % len(FAMILY)]} {MIDDLE[(n + k) % len(MIDDLE)]} "
                    f"{GIVEN[(5 * n + 2 * k) % len(GIVEN)]}",
                    position=position,
                    unit=ward,
                    level=Level.LOCAL,
                    term="2025 - 2030",
                    decision=f"Quyết định số {8 + n:02d}-QĐ/ĐU",
                    decision_date=d(2025, 9, 5),
                ),
            )
            created += 1
    return created


def _conferences(actor, units, cells, rng, today) -> int:
    """The board's monthly conference (online with connection points from the wards' time) and the wards' quarterly ones."""
    rows: list[Attendance] = []
    created = 0
    for month in _months(d(2025, 3, 1), today):
        held_on = month + datetime.timedelta(days=9 + rng.randint(0, 5))
        if held_on > today:
            break
        wards_exist = held_on >= WARDS_FROM
        online = wards_exist and month.month % 3 != 0  # each third month in the hall only
        conference = conference_save(
            actor=actor,
            conference=BriefingConference(
                title=f"Hội nghị báo cáo viên tháng {month.month}/{month.year}",
                organiser=units.board,
                held_on=held_on,
                level=Level.PROVINCIAL,
                mode=Mode.BOTH if online else Mode.IN_PERSON,
                connection_points=(len(units.wards) + len(cells)) if online else 0,
                topics="\n".join(rng.sample(TOPICS, 3)),
            ),
        )
        created += 1
        rows.append(Attendance(conference=conference, unit=units.board, count=rng.randint(28, 42), held_on=held_on))
        if wards_exist:
            for ward in units.wards:
                rows.append(Attendance(conference=conference, unit=ward, count=rng.randint(6, 14), held_on=held_on))
            if online:
                for cell in cells:
                    rows.append(Attendance(conference=conference, unit=cell, count=rng.randint(3, 9), held_on=held_on))
    for ward in units.wards:
        place = ward.name.removeprefix("Đảng ủy ")
        for quarter_start in (
            d(2025, 7, 1),
            d(2025, 10, 1),
            d(2026, 1, 1),
            d(2026, 4, 1),
            d(2026, 7, 1),
            d(2026, 10, 1),
        ):
            held_on = quarter_start + datetime.timedelta(days=20 + rng.randint(0, 10))
            if held_on > today:
                continue
            conference = conference_save(
                actor=actor,
                conference=BriefingConference(
                    title=f"Hội nghị báo cáo viên quý {(quarter_start.month - 1) // 3 + 1}/{quarter_start.year} "
                    f"({place})",
                    organiser=ward,
                    held_on=held_on,
                    level=Level.LOCAL,
                    mode=Mode.IN_PERSON,
                    topics="\n".join(rng.sample(TOPICS, 2)),
                ),
            )
            created += 1
            for cell in units.cells.get(ward.pk, []):
                rows.append(Attendance(conference=conference, unit=cell, count=rng.randint(8, 20), held_on=held_on))
    created += _merged_ward_history(actor, rows, rng)
    Attendance.objects.bulk_create(rows, batch_size=500)
    return created


def _merged_ward_history(actor, rows, rng) -> int:
    """The ward merged into Long Hòa on 01/07/2025 (units demo) keeps its own earlier conferences."""
    from tuyengiao.units.models import Unit

    merged = Unit.objects.filter(successor__isnull=False, valid_to__isnull=False, level="commune").first()
    if merged is None:
        return 0
    place = merged.name.removeprefix("Đảng ủy ")
    held = [d(2025, 4, 22), d(2025, 6, 17)]
    for held_on in held:
        conference = conference_save(
            actor=actor,
            conference=BriefingConference(
                title=f"Hội nghị báo cáo viên quý {(held_on.month - 1) // 3 + 1}/2025 ({place})",
                organiser=merged,
                held_on=held_on,
                level=Level.LOCAL,
                mode=Mode.IN_PERSON,
                topics="Sắp xếp đơn vị hành chính, tổ chức chính quyền địa phương hai cấp",
            ),
        )
        rows.append(Attendance(conference=conference, unit=merged, count=rng.randint(20, 30), held_on=held_on))
    return len(held)


def _classes(actor, units, cells, rng, today) -> int:
    """ "Nhận thức về Đảng" about every ten weeks, "đảng viên mới" twice a year, one for new committee members."""
    centre = units.political_centre or units.board
    programmes = {p.code: p for p in Programme.objects.all()}
    plan = []
    for n, start in enumerate([d(2025, 3, 17), d(2025, 5, 19)], start=1):
        plan.append(("nhan-thuc-ve-dang", units.board, start, n, 2025))
    khoa = {2025: 2, 2026: 0}
    day = d(2025, 7, 21)
    while day <= today:
        khoa[day.year] += 1
        plan.append(("nhan-thuc-ve-dang", centre, day, khoa[day.year], day.year))
        day += datetime.timedelta(weeks=10)
    for n, start in enumerate([d(2025, 8, 11), d(2026, 3, 9), d(2026, 9, 14)], start=1):
        plan.append(("dang-vien-moi", centre, start, n, start.year))
    plan.append(("boi-duong-cap-uy-vien", centre, d(2025, 11, 3), 1, 2025))
    plan.append(("cap-nhat-kien-thuc", centre, d(2026, 6, 8), 1, 2026))
    titles = {
        "nhan-thuc-ve-dang": "Lớp bồi dưỡng nhận thức về Đảng khóa {n} năm {year}",
        "dang-vien-moi": "Lớp bồi dưỡng lý luận chính trị cho đảng viên mới khóa {n} năm {year}",
        "boi-duong-cap-uy-vien": "Lớp bồi dưỡng cấp ủy viên cơ sở nhiệm kỳ 2025 - 2030",
        "cap-nhat-kien-thuc": "Lớp cập nhật kiến thức cho cán bộ diện Ban Thường vụ Tỉnh ủy quản lý năm {year}",
    }
    rows: list[Attendance] = []
    named: list[tuple[EducationClass, list]] = []
    for code, organiser, start, n, year in sorted(plan, key=lambda p: p[2]):
        ends_on = start + datetime.timedelta(days=4 if code != "boi-duong-cap-uy-vien" else 9)
        enrolled = rng.randint(42, 65) if code != "cap-nhat-kien-thuc" else rng.randint(30, 40)
        finished = ends_on < today
        course = class_save(
            actor=actor,
            education_class=EducationClass(
                title=titles[code].format(n=n, year=year),
                programme=programmes[code],
                organiser=organiser,
                starts_on=start,
                ends_on=ends_on,
                place="Hội trường Trung tâm Chính trị tỉnh" if organiser == centre else "Hội trường Tỉnh ủy",
                mode=Mode.IN_PERSON if code != "cap-nhat-kien-thuc" else Mode.BOTH,
                lecturer_names="Phạm Quốc Bảo\nHuỳnh Ngọc Ánh" if organiser == centre else "Trần Minh Khoa",
                enrolled=enrolled,
                completed=enrolled - rng.randint(0, 3) if finished else 0,
            ),
        )
        # Learners come from the cells (or the board before the wards existed); never above the enrolment.
        senders = cells if start >= WARDS_FROM else [units.board]
        left = enrolled
        for unit in rng.sample(senders, k=min(len(senders), 8)):
            count = min(left, rng.randint(3, 8)) if unit != units.board else enrolled - rng.randint(0, 4)
            if count <= 0:
                break
            rows.append(Attendance(education_class=course, unit=unit, count=count, held_on=start))
            left -= count
        if code == "nhan-thuc-ve-dang" and start >= WARDS_FROM and len(named) < 2:
            named.append((course, senders))
    Attendance.objects.bulk_create(rows, batch_size=500)
    _named_lists(named, rng)
    return len(plan)


def _named_lists(named, rng) -> None:
    """By-name lists for two classes (learners' names), the source of distinct-people counts."""
    for course, senders in named:
        people = []
        for _ in range(12):
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            participant, _ = Participant.objects.get_or_create(full_name=name, unit=rng.choice(senders))
            people.append(participant)
        ParticipantAttendance.objects.bulk_create(
            [
                ParticipantAttendance(participant=p, education_class=course, held_on=course.starts_on)
                for p in set(people)
            ],
            ignore_conflicts=True,
        )


def _campaigns(actor, units, cells, members, rng, today) -> int:
    """Campaigns on the registry's documents; returns from the cells, some late, some missing."""
    plans = [
        {
            "title": "Học tập, quán triệt Chỉ thị số 48-CT/TW về đấu tranh phản bác quan điểm sai trái trên không gian mạng",
            "document": ("phản bác quan điểm sai trái", "48-CT/TW"),
            "text": "Số 48-CT/TW — về đẩy mạnh đấu tranh phản bác quan điểm sai trái, thù địch trên không gian mạng",
            "starts_on": d(2025, 9, 15),
            "deadline": d(2025, 10, 31),
            "late": 2,
            "missing": 1,
        },
        {
            "title": "Quán triệt Nghị quyết của Tỉnh ủy về phát triển văn hóa, con người Sông Hậu giai đoạn 2025–2030",
            "document": ("phát triển văn hóa, con người Sông Hậu", ""),
            "text": "Nghị quyết của Tỉnh ủy về phát triển văn hóa, con người Sông Hậu giai đoạn 2025–2030",
            "starts_on": d(2025, 11, 3),
            "deadline": d(2025, 12, 20),
            "late": 1,
            "missing": 2,
        },
        {
            "title": "Học tập, quán triệt Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIV của Đảng",
            "document": ("Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIV", "01-CT/TW"),
            "text": "Số 01-CT/TW — về tổ chức nghiên cứu, học tập, quán triệt Nghị quyết Đại hội XIV của Đảng",
            "starts_on": d(2026, 3, 10),
            "deadline": d(2026, 5, 31),
            "late": 1,
            "missing": 0,
        },
        {
            "title": "Học tập chuyên đề năm 2026 về học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
            "theme": "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về xây dựng Đảng trong sạch, vững mạnh",
            "year": 2026,
            "starts_on": d(2026, 7, 1),
            "deadline": d(2026, 9, 30),
            "late": 2,
            "missing": 1,
        },
        {
            "title": "Quán triệt Quy định của Tỉnh ủy về chế độ thông tin, báo cáo",
            "document": ("chế độ thông tin, báo cáo trong các cơ quan, đơn vị thuộc Tỉnh ủy (thay thế", ""),
            "text": "Quy định của Tỉnh ủy về chế độ thông tin, báo cáo (thay thế Quy định năm 2025)",
            "starts_on": d(2026, 11, 9),
            "deadline": d(2026, 12, 18),
            "late": 0,
            "missing": 0,
            "filed_share": 0.4,  # still running: not every cell has studied yet
        },
    ]
    created = 0
    for plan in plans:
        if plan["starts_on"] > today:
            continue
        document = _document(*plan["document"]) if "document" in plan else None
        campaign = campaign_save(
            actor=actor,
            campaign=StudyCampaign(
                title=plan["title"],
                documents_text="" if document else plan.get("text", ""),
                theme=plan.get("theme", ""),
                year=plan.get("year"),
                issuing_unit=units.province,
                starts_on=plan["starts_on"],
                deadline=plan["deadline"],
            ),
            cells_under=units.wards,
            documents=[document] if document else [],
        )
        created += 1
        order = cells[:]
        rng.shuffle(order)
        missing = set(c.pk for c in order[: plan["missing"]])
        late = set(c.pk for c in order[plan["missing"] : plan["missing"] + plan["late"]])
        span = (plan["deadline"] - plan["starts_on"]).days
        for cell in cells:
            if cell.pk in missing or rng.random() > plan.get("filed_share", 1):
                continue
            studied_on = plan["starts_on"] + datetime.timedelta(days=rng.randint(3, max(4, span - 12)))
            submitted_on = (
                plan["deadline"] + datetime.timedelta(days=rng.randint(3, 15))
                if cell.pk in late
                else min(studied_on + datetime.timedelta(days=rng.randint(1, 7)), plan["deadline"])
            )
            if studied_on > today or submitted_on > today:
                continue
            total = members[cell.pk]
            present = total - rng.randint(0, 4)
            makeup = rng.randint(0, total - present)
            study_return_submit(
                actor=actor,
                campaign=campaign,
                unit=cell,
                members_total=total,
                members_present=present,
                makeup_sessions=1 if makeup else 0,
                makeup_attendance=makeup,
                summaries_submitted=max(present + makeup - rng.randint(0, 2), 0),
                studied_on=studied_on,
                submitted_on=submitted_on,
            )
    return created
