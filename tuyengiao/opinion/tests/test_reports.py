"""Filing reports: periods, one report per unit and period, and the refusal of personal data on every path."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import ModelLogEntry

from tuyengiao.opinion import services
from tuyengiao.opinion.models import OpinionItem, OpinionReport, Tendency
from tuyengiao.opinion.periods import PeriodKind

from .factories import client_for
from .helpers import item

D = datetime.date


def form_data(unit, *, kind="month", start="15/03/2025", end="", summary="", items=()):
    data = {
        "unit": unit.pk,
        "period_kind": kind,
        "period_start": start,
        "period_end": end,
        "summary": summary,
        "items-TOTAL_FORMS": len(items),
        "items-INITIAL_FORMS": 0,
        "items-MIN_NUM_FORMS": 0,
        "items-MAX_NUM_FORMS": 1000,
    }
    for n, values in enumerate(items):
        data.update({f"items-{n}-{key}": value for key, value in values.items()})
        data.update({f"items-{n}-ORDER": n + 1, f"items-{n}-DELETE": "", f"items-{n}-id": ""})
    return data


def admin_item(topic, **overrides):
    return {
        "topic": topic.pk,
        "field": "economy",
        "tendency": "concerned",
        "intensity": "medium",
        "scope": "local",
        "source_count": 4,
        "content": "Người dân băn khoăn về giá cả dịp Tết.",
        "recommendation": "",
        "follow_up": "pending",
        **overrides,
    }


def test_service_refuses_an_item_naming_a_citizen_and_saves_nothing(tree, admin_user, topics):
    with pytest.raises(ValidationError) as caught:
        services.report_create(
            actor=admin_user,
            unit=tree.ward_a,
            period_kind=PeriodKind.MONTH,
            period_start=D(2025, 3, 1),
            items=[
                item(topics[0]),
                item(topics[1], content="Ông Nguyễn Văn A (0912 345 678) phản đối việc sáp nhập."),
            ],
        )

    message = " ".join(caught.value.messages)
    assert "Tin 2 (nội dung dư luận)" in message
    assert "họ tên “Ông Nguyễn Văn A”" in message and "số điện thoại “0912 345 678”" in message
    assert "Nghị định 13/2023/NĐ-CP" in message
    assert not OpinionReport.objects.exists() and not OpinionItem.objects.exists()


def test_service_refuses_personal_data_in_the_summary(tree, admin_user):
    with pytest.raises(ValidationError) as caught:
        services.report_create(
            actor=admin_user,
            unit=tree.ward_a,
            period_kind=PeriodKind.MONTH,
            period_start=D(2025, 3, 1),
            summary="Phản ánh qua thư nguyenvana@gmail.com.",
        )

    assert "thư điện tử “nguyenvana@gmail.com”" in caught.value.message_dict["summary"][0]
    assert not OpinionReport.objects.exists()


def test_admin_form_shows_the_refusal_on_the_item_and_saves_nothing(tree, admin_user, topics):
    client = client_for(admin_user)
    data = form_data(tree.ward_a, items=[admin_item(topics[0], content="Bà Lê Thị B ở số 12 đường Trần Phú phản ánh.")])

    response = client.post("/admin/opinion/reports/new/", data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "họ tên “Bà Lê Thị B”" in html and "địa chỉ nhà “số 12 đường Trần Phú”" in html
    assert "Luật Bảo vệ dữ liệu cá nhân 2025" in html
    assert not OpinionReport.objects.exists()


def test_admin_form_saves_a_clean_report_with_its_items_and_an_audit_entry(tree, admin_user, topics):
    client = client_for(admin_user)
    data = form_data(
        tree.ward_a,
        kind="quarter",
        start="20/05/2025",
        summary="Tình hình tư tưởng ổn định.",
        items=[admin_item(topics[0]), admin_item(topics[2], tendency="agree", source_count=7)],
    )

    response = client.post("/admin/opinion/reports/new/", data)

    assert response.status_code == 302, response.content.decode()[:3000]
    report = OpinionReport.objects.get()
    assert (report.period_start, report.period_end) == (D(2025, 4, 1), D(2025, 6, 30))
    assert str(report) == "Quý 2/2025 — Đảng ủy phường A"
    assert sorted(report.items.values_list("source_count", flat=True)) == [4, 7]
    assert ModelLogEntry.objects.filter(object_id=str(report.pk), action="wagtail.create").exists()


def test_a_month_is_normalised_from_any_day_in_it(tree, admin_user):
    report = services.report_create(
        actor=admin_user, unit=tree.ward_a, period_kind=PeriodKind.MONTH, period_start=D(2028, 2, 17)
    )

    assert (report.period_start, report.period_end, report.period_label) == (
        D(2028, 2, 1),
        D(2028, 2, 29),
        "Tháng 02/2028",
    )


def test_a_custom_range_needs_an_end_on_or_after_its_start(tree, admin_user):
    with pytest.raises(ValidationError) as missing:
        services.report_create(
            actor=admin_user, unit=tree.ward_a, period_kind=PeriodKind.CUSTOM, period_start=D(2025, 3, 10)
        )
    with pytest.raises(ValidationError) as reversed_range:
        services.report_create(
            actor=admin_user,
            unit=tree.ward_a,
            period_kind=PeriodKind.CUSTOM,
            period_start=D(2025, 3, 10),
            period_end=D(2025, 3, 1),
        )

    assert missing.value.message_dict["period_end"] == ["Vui lòng nhập ngày kết thúc kỳ báo cáo."]
    assert reversed_range.value.message_dict["period_end"] == ["Ngày kết thúc không được trước ngày bắt đầu."]


def test_one_report_per_unit_and_period(tree, admin_user):
    services.report_create(actor=admin_user, unit=tree.ward_a, period_kind=PeriodKind.MONTH, period_start=D(2025, 3, 1))

    with pytest.raises(ValidationError) as caught:
        services.report_create(
            actor=admin_user, unit=tree.ward_a, period_kind=PeriodKind.MONTH, period_start=D(2025, 3, 20)
        )

    assert "Đơn vị đã có báo cáo dư luận xã hội cho kỳ này." in caught.value.messages
    assert OpinionReport.objects.count() == 1


def test_a_unit_cannot_report_for_a_period_before_it_existed(tree, admin_user):
    with pytest.raises(ValidationError) as caught:
        services.report_create(
            actor=admin_user, unit=tree.ward_a, period_kind=PeriodKind.MONTH, period_start=D(2024, 12, 1)
        )

    assert caught.value.message_dict["unit"] == [
        "Đơn vị “Đảng ủy phường A” bắt đầu hoạt động từ 01/01/2025, sau kỳ này."
    ]


def test_an_item_needs_at_least_one_source(tree, admin_user, topics):
    with pytest.raises(ValidationError) as caught:
        services.report_create(
            actor=admin_user,
            unit=tree.ward_a,
            period_kind=PeriodKind.MONTH,
            period_start=D(2025, 3, 1),
            items=[{**item(topics[0], Tendency.OPPOSE), "source_count": 0}],
        )

    assert "Tin 1 (số nguồn tin): Số nguồn tin phải từ 1 trở lên." in caught.value.messages


def test_the_topic_list_is_seeded_and_configurable(admin_user, topics):
    assert len(topics) >= 10
    assert "Sắp xếp tổ chức bộ máy, đơn vị hành chính" in [t.name for t in topics]
    client = client_for(admin_user)

    response = client.post(
        "/admin/opinion/topics/new/",
        {"name": "Bầu cử đại biểu Quốc hội khóa XVI", "description": "", "sort_order": 5, "is_active": "on"},
    )

    assert response.status_code == 302
    assert "Bầu cử đại biểu Quốc hội khóa XVI" in client.get("/admin/opinion/topics/").content.decode()
