"""Give the "Course managers" group the marketing permissions: they run the joint campaigns."""

from django.db import migrations

from platform_site.migration_ops import grant_permissions

PERMISSIONS = [
    "add_campaign", "change_campaign", "view_campaign",
    "add_campaignpartner", "change_campaignpartner", "delete_campaignpartner", "view_campaignpartner",
    "add_channel", "change_channel", "delete_channel", "view_channel",
    "add_trackedlink", "change_trackedlink", "delete_trackedlink", "view_trackedlink",
    "add_coupon", "change_coupon", "view_coupon",
    "view_couponredemption", "view_visit", "view_campaignstats",
]  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("marketing", "0001_initial"),
        ("courses", "0002_course_managers_group"),
    ]

    operations = [grant_permissions("marketing", PERMISSIONS)]
