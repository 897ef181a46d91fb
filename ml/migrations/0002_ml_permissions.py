"""Course managers run the skill tagger: start and cancel jobs, activate versions, keep the lexicon."""

from django.db import migrations

from platform_site.migration_ops import grant_permissions

PERMISSIONS = [
    "add_trainingjob", "change_trainingjob", "view_trainingjob",
    "add_taggingjob", "change_taggingjob", "view_taggingjob",
    "change_modelversion", "view_modelversion",
    "add_skillterm", "change_skillterm", "delete_skillterm", "view_skillterm",
    "change_courseskill", "view_courseskill",
]  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("ml", "0001_initial")]

    operations = [grant_permissions("ml", PERMISSIONS)]
