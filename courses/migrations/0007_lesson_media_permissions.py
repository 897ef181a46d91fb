"""Course managers keep lessons' attachments and subtitles, and see their media."""

from django.db import migrations

from platform_site.migration_ops import grant_permissions

PERMISSIONS = [
    "add_lessonattachment", "change_lessonattachment", "delete_lessonattachment", "view_lessonattachment",
    "add_lessonsubtitle", "change_lessonsubtitle", "delete_lessonsubtitle", "view_lessonsubtitle",
    "view_lessonmedia", "view_mediarendition",
]  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("courses", "0006_lesson_media")]

    operations = [grant_permissions("courses", PERMISSIONS)]
