"""The usual political-theory programmes; editable afterwards in the admin (Chương trình bồi dưỡng)."""

from django.db import migrations

PROGRAMMES = [
    ("so-cap-llct", "Sơ cấp lý luận chính trị", 10),
    ("nhan-thuc-ve-dang", "Bồi dưỡng nhận thức về Đảng", 20),
    ("dang-vien-moi", "Lý luận chính trị cho đảng viên mới", 30),
    ("boi-duong-cap-uy-vien", "Bồi dưỡng cấp ủy viên", 40),
    ("cap-nhat-kien-thuc", "Cập nhật kiến thức", 50),
    ("nghiep-vu-tuyen-giao", "Bồi dưỡng nghiệp vụ công tác tuyên giáo", 60),
]


def seed(apps, schema_editor):
    Programme = apps.get_model("education", "Programme")
    for code, name, order in PROGRAMMES:
        Programme.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})


def unseed(apps, schema_editor):
    Programme = apps.get_model("education", "Programme")
    Programme.objects.filter(code__in=[code for code, _name, _order in PROGRAMMES], classes__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("education", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
