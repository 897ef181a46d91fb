"""Create the "Course managers" group with exactly the permissions course managers need."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Course managers"
PERMISSIONS = [
    # Courses are archived, not deleted: orders point at them.
    "add_course", "change_course", "view_course",
    "add_lesson", "change_lesson", "delete_lesson", "view_lesson",
    "add_partner", "change_partner", "view_partner",
    # Money records are read-only; refunds go through the refund action.
    "view_order", "refund_order", "view_payment", "view_enrollment",
]  # fmt: skip


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations ran; create ours now.
    app_config = apps.get_app_config("courses")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="courses", codename__in=PERMISSIONS))


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
