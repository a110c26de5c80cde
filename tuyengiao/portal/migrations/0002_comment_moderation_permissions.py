"""Give Wagtail's default groups the rights they need on reader comments.

Moderators (kiểm duyệt viên) approve, reject, delete and answer comments as
"Ban biên tập"; editors write news but do not moderate readers. The group
comes from Wagtail's own initial migration.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Moderators": ["change_comment", "delete_comment", "view_comment"],
}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; make them now.
    app_config = apps.get_app_config("portal")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GRANTS.items():
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            continue
        group.permissions.add(*Permission.objects.filter(content_type__app_label="portal", codename__in=codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GRANTS.items():
        group = Group.objects.filter(name=group_name).first()
        if group is not None:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label="portal", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("wagtailcore", "0002_initial_data"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
