"""Create the "Course managers" group with exactly the permissions course managers need."""

from django.db import migrations

from platform_site.migration_ops import grant_permissions

PERMISSIONS = [
    # Courses are archived, not deleted: orders point at them.
    "add_course", "change_course", "view_course",
    "add_lesson", "change_lesson", "delete_lesson", "view_lesson",
    "add_partner", "change_partner", "view_partner",
    # Money records are read-only; refunds go through the refund action.
    "view_order", "refund_order", "view_payment", "view_enrollment",
]  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [grant_permissions("courses", PERMISSIONS)]
