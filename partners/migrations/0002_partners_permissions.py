"""Give the "Course managers" group the partners permissions: they name each partner's first owner."""

from django.db import migrations

from platform_site.migration_ops import grant_permissions

PERMISSIONS = ["add_membership", "change_membership", "delete_membership", "view_membership", "view_invitation"]


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0001_initial"),
        ("courses", "0002_course_managers_group"),
    ]

    operations = [grant_permissions("partners", PERMISSIONS)]
