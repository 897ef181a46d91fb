"""Course managers read progress (the per-course figures) and certificates."""

from django.db import migrations

from platform_site.migration_ops import grant_permissions

PERMISSIONS = ["view_lessonprogress", "view_certificate"]


class Migration(migrations.Migration):
    dependencies = [("learning", "0001_initial")]

    operations = [grant_permissions("learning", PERMISSIONS)]
