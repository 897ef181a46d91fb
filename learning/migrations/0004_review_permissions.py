"""Course managers moderate reviews: they read reports and hide or show reviews."""

from django.db import migrations

from platform_site.migration_ops import grant_permissions

PERMISSIONS = ["view_review", "change_review", "view_reviewreport", "view_reviewhelpful"]


class Migration(migrations.Migration):
    dependencies = [("learning", "0003_reviews")]

    operations = [grant_permissions("learning", PERMISSIONS)]
