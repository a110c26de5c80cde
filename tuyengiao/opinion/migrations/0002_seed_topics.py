"""Seed the configurable list of public-opinion topics (editable in the admin afterwards)."""

from django.db import migrations

TOPICS = [
    ("Sắp xếp tổ chức bộ máy, đơn vị hành chính", "Sáp nhập tỉnh, bỏ cấp huyện, chính quyền địa phương hai cấp; bố trí cán bộ."),
    ("Đại hội Đảng các cấp", "Đại hội đảng bộ các cấp nhiệm kỳ 2025 - 2030 và Đại hội XIV của Đảng."),
    ("Tình hình kinh tế, giá cả, việc làm", "Giá cả thị trường, thu nhập, việc làm, sản xuất kinh doanh."),
    ("Chính sách an sinh xã hội", "Tiền lương, bảo hiểm xã hội, hỗ trợ người có công, hộ nghèo."),
    ("Đất đai, đền bù, giải phóng mặt bằng", "Thu hồi đất, bồi thường, tái định cư, quy hoạch."),
    ("Y tế, giáo dục", "Khám chữa bệnh, bảo hiểm y tế, học phí, chương trình sách giáo khoa."),
    ("Phòng, chống tham nhũng, tiêu cực", "Các vụ án, vụ việc được dư luận quan tâm; lãng phí."),
    ("An ninh trật tự, an toàn giao thông", "Tội phạm, tệ nạn xã hội, tai nạn giao thông, lừa đảo qua mạng."),
    ("Môi trường, thiên tai, biến đổi khí hậu", "Sạt lở, hạn mặn, ô nhiễm, rác thải."),
    ("Chuyển đổi số, dịch vụ công", "Định danh điện tử, dịch vụ công trực tuyến, thanh toán không dùng tiền mặt."),
    ("Tôn giáo, dân tộc", "Hoạt động tôn giáo, chính sách dân tộc."),
    ("Biển Đông, đối ngoại, tình hình quốc tế", "Chủ quyền biển đảo, quan hệ quốc tế, thương mại quốc tế."),
    ("Thông tin xấu độc trên không gian mạng", "Quan điểm sai trái, thù địch; tin giả."),
]


def seed(apps, schema_editor):
    Topic = apps.get_model("opinion", "OpinionTopic")
    for order, (name, description) in enumerate(TOPICS, start=1):
        Topic.objects.get_or_create(name=name, defaults={"description": description, "sort_order": order * 10})


def unseed(apps, schema_editor):
    Topic = apps.get_model("opinion", "OpinionTopic")
    Topic.objects.filter(name__in=[name for name, _ in TOPICS], items__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("opinion", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
