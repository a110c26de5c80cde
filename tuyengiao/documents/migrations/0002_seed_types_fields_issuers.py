"""Seed the official type codes, common fields and the central issuer; all stay editable in the admin."""

from django.db import migrations

TYPES = [
    ("Nghị quyết", "NQ"),
    ("Chỉ thị", "CT"),
    ("Kết luận", "KL"),
    ("Quyết định", "QĐ"),
    ("Quy định", "QĐi"),
    ("Hướng dẫn", "HD"),
    ("Kế hoạch", "KH"),
    ("Chương trình", "CTr"),
    ("Báo cáo", "BC"),
    ("Thông báo", "TB"),
    ("Tờ trình", "TTr"),
    ("Đề án", "ĐA"),
    ("Công văn", "CV"),
]

SUBJECT_AREAS = [
    "Xây dựng Đảng",
    "Tuyên truyền",
    "Giáo dục lý luận chính trị",
    "Bảo vệ nền tảng tư tưởng của Đảng",
    "Dư luận xã hội",
    "Khoa giáo",
    "Văn hóa, văn nghệ",
    "Dân vận",
    "Học tập và làm theo Bác",
    "Tổ chức bộ máy",
]


def seed(apps, schema_editor):
    DocumentType = apps.get_model("documents", "DocumentType")
    SubjectArea = apps.get_model("documents", "SubjectArea")
    Issuer = apps.get_model("documents", "Issuer")
    for order, (name, code) in enumerate(TYPES, start=1):
        DocumentType.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})
    for order, name in enumerate(SUBJECT_AREAS, start=1):
        SubjectArea.objects.get_or_create(name=name, defaults={"sort_order": order})
    Issuer.objects.get_or_create(name="Ban Chấp hành Trung ương", defaults={"code": "TW", "sort_order": 1})


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
