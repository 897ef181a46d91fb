"""Give the "Course managers" group the marketing permissions: they run the joint campaigns."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Course managers"
PERMISSIONS = [
    "add_campaign", "change_campaign", "view_campaign",
    "add_campaignpartner", "change_campaignpartner", "delete_campaignpartner", "view_campaignpartner",
    "add_channel", "change_channel", "delete_channel", "view_channel",
    "add_trackedlink", "change_trackedlink", "delete_trackedlink", "view_trackedlink",
    "add_coupon", "change_coupon", "view_coupon",
    "view_couponredemption", "view_visit", "view_campaignstats",
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
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=GROUP_NAME):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="marketing"))


class Migration(migrations.Migration):
    dependencies = [
        ("marketing", "0001_initial"),
        ("courses", "0002_course_managers_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
