"""The survey models' content types follow them from `marketing` to `surveys`.

Renaming the content type rows (rather than letting new ones be created) keeps what points at
them: the "Course managers" group's survey permissions, admin log entries. A `surveys` content
type that already exists (created by a migrate run that stopped halfway) holds nothing yet and
gives way to the old row.
"""

from django.db import migrations

MODELS = ["survey", "question", "choice", "response", "answer"]

# What the course managers hold on survey models (granted by marketing 0005 and moved here).
PERMISSIONS = [
    "add_survey", "change_survey", "view_survey",
    "add_question", "change_question", "delete_question", "view_question",
    "add_choice", "change_choice", "delete_choice", "view_choice",
    "view_response", "view_answer",
]  # fmt: skip


def _move(apps, source: str, target: str) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        old = content_type.objects.filter(app_label=source, model=model).first()
        if old is None:
            continue
        content_type.objects.filter(app_label=target, model=model).delete()
        old.app_label = target
        old.save(update_fields=["app_label"])


def forwards(apps, schema_editor) -> None:
    _move(apps, "marketing", "surveys")


def backwards(apps, schema_editor) -> None:
    _move(apps, "surveys", "marketing")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("surveys", "0001_initial"),
        ("marketing", "0006_surveys_moved_out"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
