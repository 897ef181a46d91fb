"""Course managers moderate lesson questions and answers: they hide or show them."""

from django.db import migrations

from platform_site.migration_ops import grant_permissions

PERMISSIONS = ["view_question", "change_question", "view_answer", "change_answer"]


class Migration(migrations.Migration):
    dependencies = [("learning", "0005_lesson_questions")]

    operations = [grant_permissions("learning", PERMISSIONS)]
