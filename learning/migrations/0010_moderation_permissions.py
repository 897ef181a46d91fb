"""Course managers work the reports queue of questions and answers and read partners' answers to reviews."""

from django.db import migrations

from platform_site.migration_ops import grant_permissions

PERMISSIONS = ["view_qareport", "view_reviewreply"]


class Migration(migrations.Migration):
    dependencies = [("learning", "0009_review_replies_reports_mail_language")]

    operations = [grant_permissions("learning", PERMISSIONS)]
