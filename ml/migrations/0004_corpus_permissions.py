"""Course managers import training corpora (and remove them)."""

from django.db import migrations

from platform_site.migration_ops import grant_permissions

PERMISSIONS = ["add_trainingcorpus", "delete_trainingcorpus", "view_trainingcorpus"]


class Migration(migrations.Migration):
    dependencies = [("ml", "0003_trainingcorpus")]

    operations = [grant_permissions("ml", PERMISSIONS)]
