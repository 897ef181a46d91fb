"""Course managers build surveys, read their responses and the campaign scores."""

from django.db import migrations

from platform_site.migration_ops import grant_permissions

PERMISSIONS = [
    "add_survey", "change_survey", "view_survey",
    "add_question", "change_question", "delete_question", "view_question",
    "add_choice", "change_choice", "delete_choice", "view_choice",
    "view_response", "view_answer", "view_campaignscore",
]  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("marketing", "0004_surveys_and_scores")]

    operations = [grant_permissions("marketing", PERMISSIONS)]
