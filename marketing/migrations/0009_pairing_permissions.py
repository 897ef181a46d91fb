"""Course managers read the pairing suggestions (and turn one into a draft campaign, add_campaign)."""

from django.db import migrations

from platform_site.migration_ops import grant_permissions

PERMISSIONS = ["view_coursepairing"]


class Migration(migrations.Migration):
    dependencies = [("marketing", "0008_course_pairings")]

    operations = [grant_permissions("marketing", PERMISSIONS)]
