"""The "Finance" group (the platform's finance staff): they read statements and the ledger and
mark statements paid; nobody else may. Course managers review partners' publish requests."""

from django.db import migrations

from platform_site.migration_ops import grant_permissions

FINANCE = "Finance"
FINANCE_PERMISSIONS = ["view_statement", "change_statement", "mark_statement_paid", "view_ledgerline"]
REVIEW_PERMISSIONS = ["view_publishrequest", "change_publishrequest", "review_publish_request"]


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0008_assignments_publish_requests_token_scope"),
        ("courses", "0002_course_managers_group"),
    ]

    operations = [
        grant_permissions("partners", FINANCE_PERMISSIONS, group_name=FINANCE),
        grant_permissions("partners", REVIEW_PERMISSIONS),
    ]
