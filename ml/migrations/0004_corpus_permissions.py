"""Course managers import training corpora (and remove them)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Course managers"
PERMISSIONS = ["add_trainingcorpus", "delete_trainingcorpus", "view_trainingcorpus"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("ml")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="ml", codename__in=PERMISSIONS))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="ml", codename__in=PERMISSIONS))


class Migration(migrations.Migration):
    dependencies = [("ml", "0003_trainingcorpus")]

    operations = [migrations.RunPython(grant, revoke)]
