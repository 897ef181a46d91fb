"""Let the "Course managers" group read the agreement trail in the admin."""

from django.db import migrations

from platform_site.migration_ops import grant_permissions

PERMISSIONS = ["view_agreementevent"]


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0003_agreement_events"),
        ("courses", "0002_course_managers_group"),
    ]

    operations = [grant_permissions("partners", PERMISSIONS)]
