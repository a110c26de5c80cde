"""Records over the education tests' tree for the report tests.

Tỉnh ủy (P)
├── Ban Tuyên giáo và Dân vận (board, issuer BTGDVTU)
├── Đảng ủy phường An Thới (A) ── Chi bộ A1, A2
├── Đảng ủy phường Long Hòa (L) ── Chi bộ L1, L2, M1 (moved in by the merge)
└── Đảng ủy phường Mỹ Khánh (M) — merged into L from 01/07/2025

Records in the first half of 2025 (H1) and the second (H2), some of ward M
before and after its merge, so the figures of L and P show the merge rule.
"""

from __future__ import annotations

import datetime

import pytest

from tuyengiao.documents.models import DocumentType, Issuer, Term
from tuyengiao.documents.services import document_create
from tuyengiao.education.models import (
    Attendance,
    BriefingConference,
    EducationClass,
    Level,
    Mode,
    Programme,
    StudyCampaign,
    StudyCampaignUnit,
    StudyReturn,
)
from tuyengiao.education.tests.conftest import admin_group, client_for, staff_user, tree, users  # noqa: F401
from tuyengiao.opinion.models import OpinionItem, OpinionReport, OpinionTopic, Tendency
from tuyengiao.tasks.models import Task, TaskStatus

D = datetime.date
H1 = (D(2025, 1, 1), D(2025, 6, 30))
H2 = (D(2025, 7, 1), D(2025, 12, 31))


def _conference(organiser, day, mode=Mode.IN_PERSON, points=0, attendees=()):
    conference = BriefingConference.objects.create(
        title=f"Hội nghị báo cáo viên {day:%d/%m/%Y} — {organiser.name}",
        organiser=organiser,
        held_on=day,
        level=Level.LOCAL,
        mode=mode,
        connection_points=points,
    )
    for unit, count in attendees:
        Attendance.objects.create(conference=conference, unit=unit, count=count, held_on=day)
    return conference


def _class(organiser, programme, day, attendees=()):
    education_class = EducationClass.objects.create(
        title=f"Lớp {programme.name} — {organiser.name} {day:%d/%m/%Y}",
        programme=programme,
        organiser=organiser,
        starts_on=day,
        ends_on=day + datetime.timedelta(days=4),
        enrolled=200,
        completed=180,
    )
    for unit, count in attendees:
        Attendance.objects.create(education_class=education_class, unit=unit, count=count, held_on=day)
    return education_class


def _opinion(unit, day, items):
    report = OpinionReport.objects.create(unit=unit, period_kind="month", period_start=day, period_end=day)
    for n, (topic, tendency) in enumerate(items):
        OpinionItem.objects.create(
            report=report,
            topic=topic,
            field="economy",
            tendency=tendency,
            content="Cán bộ, đảng viên quan tâm việc sắp xếp tổ chức bộ máy.",
            sort_order=n,
        )


@pytest.fixture
def issuers(tree):  # noqa: F811
    Term.objects.get_or_create(name="2020–2025", issuer=None, defaults={"starts_on": D(2020, 10, 15)})
    board = Issuer.objects.create(name=tree.board.name, code="BTGDVTU", unit=tree.board)
    ward_a = Issuer.objects.create(name=tree.ward_a.name, code="ĐU", unit=tree.ward_a)
    return {"board": board, "ward_a": ward_a}


@pytest.fixture
def records(tree, users, issuers):  # noqa: F811
    """Records in 2025 over the tree; returns what the tests compare against."""
    admin = users["admin"]
    t = tree
    basic = Programme.objects.get(code="so-cap-llct")
    awareness = Programme.objects.get(code="nhan-thuc-ve-dang")
    # H1: classes of A and of M (before its merge), conferences of the board (one online) and of A.
    _class(t.ward_a, basic, D(2025, 3, 3), [(t.a1, 30), (t.a2, 25)])
    _class(t.a1, awareness, D(2025, 4, 7), [(t.a1, 12)])
    _class(t.ward_m, awareness, D(2025, 5, 5), [(t.m1, 40)])
    _conference(t.board, D(2025, 2, 10), Mode.BOTH, 5, [(t.ward_a, 100), (t.ward_l, 120), (t.ward_m, 80)])
    _conference(t.board, D(2025, 5, 12), Mode.IN_PERSON, 0, [(t.board, 50)])
    _conference(t.ward_a, D(2025, 6, 2), Mode.ONLINE, 3, [(t.a1, 9), (t.a2, 7)])
    # H2: the merged ward's conference after the merge counts for Long Hòa.
    _conference(t.ward_m, D(2025, 7, 15), Mode.IN_PERSON, 0, [(t.m1, 11)])
    _class(t.ward_l, awareness, D(2025, 8, 4), [(t.l1, 20), (t.l2, 18)])
    # A study campaign across the merge: deadline 31/07/2025.
    campaign = StudyCampaign.objects.create(
        title="Học tập Chỉ thị 05-CT/TW",
        documents_text="Số 05-CT/TW — về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        issuing_unit=t.province,
        starts_on=D(2025, 6, 1),
        deadline=D(2025, 7, 31),
    )
    for unit in (t.a1, t.a2, t.l1, t.l2):
        StudyCampaignUnit.objects.create(campaign=campaign, unit=unit)
    for unit, total, present, submitted in ((t.a1, 30, 28, D(2025, 7, 20)), (t.l1, 20, 19, D(2025, 8, 5))):
        StudyReturn.objects.create(
            campaign=campaign,
            unit=unit,
            members_total=total,
            members_present=present,
            makeup_sessions=1,
            makeup_attendance=1,
            studied_on=D(2025, 6, 20),
            submitted_on=submitted,
        )
    # Public opinion: items of A and of M (before), and of M after the merge (counts for L).
    topics = list(OpinionTopic.objects.order_by("sort_order")[:2])
    _opinion(t.ward_a, D(2025, 3, 1), [(topics[0], Tendency.AGREE), (topics[0], Tendency.CONCERNED)])
    _opinion(t.ward_m, D(2025, 4, 1), [(topics[1], Tendency.OPPOSE)])
    _opinion(t.ward_m, D(2025, 9, 1), [(topics[1], Tendency.AGREE)])
    # Documents issued by the board and by ward A.
    report_type = DocumentType.objects.get(code="BC")
    plan = DocumentType.objects.get(code="KH")
    for issuer, doc_type, day in (
        (issuers["board"], report_type, D(2025, 1, 15)),
        (issuers["board"], plan, D(2025, 2, 20)),
        (issuers["ward_a"], plan, D(2025, 4, 2)),
    ):
        document_create(
            actor=admin,
            issuer=issuer,
            doc_type=doc_type,
            issued_on=day,
            issued_place="Sông Hậu",
            summary=f"Văn bản ngày {day:%d/%m/%Y}",
        )
    # Tasks: due in H1 (one done late, one overdue), one done in H1.
    Task.objects.create(
        unit=t.ward_a,
        title="Tổng hợp dư luận quý I",
        assigned_on=D(2025, 1, 2),
        deadline=D(2025, 3, 31),
        status=TaskStatus.DONE,
        completed_on=D(2025, 3, 20),
    )
    Task.objects.create(
        unit=t.ward_l,
        title="Báo cáo chuyên đề",
        assigned_on=D(2025, 1, 2),
        deadline=D(2025, 4, 30),
        status=TaskStatus.DONE,
        completed_on=D(2025, 5, 10),
    )
    Task.objects.create(unit=t.board, title="Kế hoạch tuyên truyền", assigned_on=D(2025, 1, 2), deadline=D(2025, 6, 1))
    return {"campaign": campaign, "topics": topics}
