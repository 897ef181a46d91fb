"""Course managers build surveys, read their responses and the campaign scores."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Course managers"
PERMISSIONS = [
    "add_survey", "change_survey", "view_survey",
    "add_question", "change_question", "delete_question", "view_question",
    "add_choice", "change_choice", "delete_choice", "view_choice",
    "view_response", "view_answer", "view_campaignscore",
]  # fmt: skip


def grant(apps, schema_editor):
    app_config = apps.get_app_config("marketing")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="marketing", codename__in=PERMISSIONS))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="marketing", codename__in=PERMISSIONS))


class Migration(migrations.Migration):
    dependencies = [("marketing", "0004_surveys_and_scores")]

    operations = [migrations.RunPython(grant, revoke)]
