"""The group "Cán bộ đơn vị": everyone holding a staff role in a unit is put in it by the role services.

It opens the Wagtail admin (wagtailadmin.access_admin) and lets staff upload
the files of the Party documents they register (wagtaildocs "add" on the root
collection: they see and choose only the files they uploaded themselves).
Which records they reach is decided by their roles and the unit tree, not by
this group.
"""

from django.db import migrations

STAFF_GROUP = "Cán bộ đơn vị"


def create_staff_group(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Permission = apps.get_model("auth.Permission")
    Group = apps.get_model("auth.Group")
    Collection = apps.get_model("wagtailcore.Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore.GroupCollectionPermission")

    admin_type, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    access_admin, _ = Permission.objects.get_or_create(
        content_type=admin_type, codename="access_admin", defaults={"name": "Can access Wagtail admin"}
    )
    document_type, _ = ContentType.objects.get_or_create(app_label="wagtaildocs", model="document")
    add_document, _ = Permission.objects.get_or_create(
        content_type=document_type, codename="add_document", defaults={"name": "Can add document"}
    )
    group, _ = Group.objects.get_or_create(name=STAFF_GROUP)
    group.permissions.add(access_admin)
    root = Collection.objects.filter(depth=1).order_by("path").first()
    if root is not None:
        GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=add_document)


def remove_staff_group(apps, schema_editor):
    apps.get_model("auth.Group").objects.filter(name=STAFF_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("units", "0003_unit_code_imports"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(create_staff_group, remove_staff_group)]
