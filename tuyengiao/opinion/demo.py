"""Demo public-opinion reports: monthly reports of the board and the three wards, 2025 – 2026.

Topics follow the year the demo news tells: the administrative reorganisation
and two-level local government (2025), Party congresses (autumn 2025, the
14th National Congress in January 2026), prices, social policy, floods,
online scams. Aggregate wording only — no names, phones or addresses; every
record runs `full_clean`, so the personal-data check runs on it.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction

from .models import FollowUp, Intensity, OpinionField, OpinionItem, OpinionReport, OpinionTopic, Scope, Tendency
from .periods import PeriodKind

LAST_MONTH = datetime.date(2026, 10, 1)  # the November 2026 reports are not due yet
SUMMARY = (
    "Tình hình tư tưởng của cán bộ, đảng viên và nhân dân ổn định; "
    "đa số đồng tình với chủ trương, chính sách của Đảng và Nhà nước."
)

# (topic name, field, tendency, intensity, scope, content, recommendation, months active as (from, to))
SEEDS = [
    (
        "Sắp xếp tổ chức bộ máy, đơn vị hành chính",
        OpinionField.PARTY_BUILDING,
        Tendency.AGREE,
        Intensity.HIGH,
        Scope.NATIONAL,
        "Cán bộ, đảng viên và nhân dân đồng tình với chủ trương sắp xếp tinh gọn bộ máy, "
        "sáp nhập tỉnh và tổ chức chính quyền địa phương hai cấp.",
        "Tiếp tục thông tin kịp thời lộ trình sắp xếp, chính sách đối với cán bộ dôi dư.",
        ("2025-03", "2025-09"),
    ),
    (
        "Sắp xếp tổ chức bộ máy, đơn vị hành chính",
        OpinionField.PARTY_BUILDING,
        Tendency.CONCERNED,
        Intensity.MEDIUM,
        Scope.LOCAL,
        "Một bộ phận người dân băn khoăn về việc thay đổi địa chỉ trên giấy tờ và khoảng cách đến "
        "trung tâm hành chính công sau khi sáp nhập.",
        "Hướng dẫn cụ thể thủ tục cập nhật giấy tờ; bố trí điểm tiếp nhận hồ sơ lưu động.",
        ("2025-05", "2025-12"),
    ),
    (
        "Đại hội Đảng các cấp",
        OpinionField.PARTY_BUILDING,
        Tendency.AGREE,
        Intensity.HIGH,
        Scope.PROVINCE,
        "Cán bộ, đảng viên quan tâm, tin tưởng vào công tác chuẩn bị nhân sự và văn kiện đại hội "
        "đảng bộ các cấp nhiệm kỳ 2025 - 2030.",
        "Đẩy mạnh tuyên truyền kết quả đại hội, đưa nghị quyết vào cuộc sống.",
        ("2025-06", "2026-02"),
    ),
    (
        "Tình hình kinh tế, giá cả, việc làm",
        OpinionField.ECONOMY,
        Tendency.CONCERNED,
        Intensity.MEDIUM,
        Scope.NATIONAL,
        "Người dân lo lắng giá một số mặt hàng thiết yếu tăng dịp cuối năm; lao động tự do thiếu việc làm ổn định.",
        "Tăng cường kiểm tra, bình ổn giá; kết nối việc làm cho lao động địa phương.",
        ("2025-03", "2026-10"),
    ),
    (
        "Biển Đông, đối ngoại, tình hình quốc tế",
        OpinionField.FOREIGN_AFFAIRS,
        Tendency.CONCERNED,
        Intensity.MEDIUM,
        Scope.INTERNATIONAL,
        "Doanh nghiệp và người lao động quan tâm tác động của chính sách thuế quan của một số nước đến xuất khẩu.",
        "Thông tin đầy đủ về các giải pháp hỗ trợ doanh nghiệp, đa dạng hóa thị trường.",
        ("2025-04", "2025-12"),
    ),
    (
        "Chính sách an sinh xã hội",
        OpinionField.CULTURE_SOCIETY,
        Tendency.AGREE,
        Intensity.MEDIUM,
        Scope.NATIONAL,
        "Nhân dân phấn khởi trước các chính sách miễn học phí, hỗ trợ người có công và chăm lo Tết cho hộ nghèo.",
        "Rà soát kịp thời đối tượng thụ hưởng, bảo đảm công khai, minh bạch.",
        ("2025-08", "2026-10"),
    ),
    (
        "Môi trường, thiên tai, biến đổi khí hậu",
        OpinionField.LAND_ENVIRONMENT,
        Tendency.CONCERNED,
        Intensity.HIGH,
        Scope.LOCAL,
        "Người dân vùng ven sông lo ngại sạt lở bờ sông và triều cường mùa nước nổi.",
        "Khảo sát, cảnh báo điểm sạt lở; xây dựng phương án di dời khi cần thiết.",
        ("2025-09", "2026-10"),
    ),
    (
        "An ninh trật tự, an toàn giao thông",
        OpinionField.DEFENCE_SECURITY,
        Tendency.OPPOSE,
        Intensity.MEDIUM,
        Scope.LOCAL,
        "Dư luận bức xúc, phản đối các hành vi lừa đảo chiếm đoạt tài sản qua mạng, giả danh cơ quan chức năng.",
        "Tăng cường tuyên truyền nhận diện thủ đoạn lừa đảo qua loa truyền thanh và nhóm mạng xã hội khu vực.",
        ("2025-03", "2026-10"),
    ),
    (
        "Chuyển đổi số, dịch vụ công",
        OpinionField.ECONOMY,
        Tendency.AGREE,
        Intensity.LOW,
        Scope.PROVINCE,
        "Nhiều ý kiến đánh giá cao việc giải quyết thủ tục hành chính trực tuyến; người cao tuổi còn gặp khó khăn.",
        "Duy trì tổ công nghệ số cộng đồng hỗ trợ người dân tại bộ phận một cửa.",
        ("2025-07", "2026-10"),
    ),
    (
        "Thông tin xấu độc trên không gian mạng",
        OpinionField.POLITICS,
        Tendency.OPPOSE,
        Intensity.MEDIUM,
        Scope.NATIONAL,
        "Cán bộ, đảng viên phản bác các luận điệu xuyên tạc về công tác nhân sự đại hội trên mạng xã hội.",
        "Phát huy vai trò Ban Chỉ đạo 35, kịp thời cung cấp thông tin chính thống.",
        ("2025-09", "2026-03"),
    ),
    (
        "Đất đai, đền bù, giải phóng mặt bằng",
        OpinionField.LAND_ENVIRONMENT,
        Tendency.CONCERNED,
        Intensity.MEDIUM,
        Scope.LOCAL,
        "Một số hộ dân băn khoăn về đơn giá bồi thường theo bảng giá đất mới áp dụng từ năm 2026.",
        "Đối thoại công khai với các hộ bị ảnh hưởng; giải thích căn cứ xác định giá đất.",
        ("2026-01", "2026-10"),
    ),
    (
        "Y tế, giáo dục",
        OpinionField.HEALTH_EDUCATION,
        Tendency.AGREE,
        Intensity.MEDIUM,
        Scope.NATIONAL,
        "Phụ huynh đồng tình với chủ trương miễn học phí và thống nhất một bộ sách giáo khoa.",
        "",
        ("2025-09", "2026-10"),
    ),
]


def _month(text: str) -> datetime.date:
    year, month = text.split("-")
    return datetime.date(int(year), int(month), 1)


def _months(first: datetime.date, last: datetime.date):
    day = first
    while day <= last:
        yield day
        day = datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _items_for(month: datetime.date, rng: random.Random, topics: dict[str, OpinionTopic], scale: int) -> list[dict]:
    active = [seed for seed in SEEDS if _month(seed[7][0]) <= month <= _month(seed[7][1])]
    chosen = rng.sample(active, k=min(len(active), rng.randint(2, 4)))
    items = []
    for name, field, tendency, intensity, scope, content, recommendation, _months_active in chosen:
        months_old = (LAST_MONTH.year - month.year) * 12 + LAST_MONTH.month - month.month
        items.append(
            {
                "topic": topics[name],
                "field": field,
                "tendency": tendency,
                "intensity": intensity,
                "scope": scope,
                "source_count": rng.randint(2, 12) * scale,
                "content": content,
                "recommendation": recommendation,
                # Older items have been dealt with; recent ones are still followed.
                "follow_up": FollowUp.RESOLVED
                if months_old > 3
                else rng.choice([FollowUp.MONITORING, FollowUp.PENDING, FollowUp.RESOLVED]),
            }
        )
    return items


def load_demo(*, units) -> dict:
    """Monthly reports: the board from March 2025, each ward from July 2025, to October 2026.

    Each record runs `full_clean` (the personal-data validators included);
    the rows are then written in bulk to keep the demo fast.
    """
    rng = random.Random(13)
    topics = {topic.name: topic for topic in OpinionTopic.objects.all()}
    reporters = [(units.board, 3), *[(ward, 1) for ward in units.wards]]
    reports, items = [], []
    for unit, scale in reporters:
        first = max(datetime.date(2025, 3, 1), unit.valid_from or datetime.date(2025, 3, 1)).replace(day=1)
        for month in _months(first, LAST_MONTH):
            report = OpinionReport(unit=unit, period_kind=PeriodKind.MONTH, period_start=month, summary=SUMMARY)
            report.full_clean(exclude=["unit"], validate_constraints=False)
            reports.append(report)
            for position, values in enumerate(_items_for(month, rng, topics, scale)):
                entry = OpinionItem(report=report, sort_order=position, **values)
                entry.full_clean(exclude=["report", "topic"])
                items.append(entry)
    with transaction.atomic():
        OpinionReport.objects.bulk_create(reports)
        for entry in items:
            entry.report_id = entry.report.pk
        OpinionItem.objects.bulk_create(items)
    return {"opinion_reports": len(reports), "opinion_items": len(items)}
