"""Scope a response's idempotency key to its respondent.

Existing rows: a learner's response gets `user:<id>`; an anonymous one gets `legacy:<id>`, a scope
no client holds, so an old key can no longer be replayed by anybody (it used to return the
response to whoever sent it).
"""

from django.db import migrations, models
from django.db.models import F, Value
from django.db.models.functions import Cast, Concat


def fill_scopes(apps, schema_editor):
    Response = apps.get_model("surveys", "Response")
    as_text = models.CharField()
    Response.objects.filter(respondent__isnull=False).update(
        respondent_scope=Concat(Value("user:"), Cast(F("respondent_id"), as_text))
    )
    Response.objects.filter(respondent__isnull=True).update(
        respondent_scope=Concat(Value("legacy:"), Cast(F("id"), as_text))
    )


class Migration(migrations.Migration):
    dependencies = [("surveys", "0002_content_types_moved")]

    operations = [
        migrations.AddField(
            model_name="response",
            name="respondent_scope",
            field=models.CharField(default="", max_length=80, verbose_name="respondent scope"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_scopes, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="response", name="response_idempotency_key_unique"),
        migrations.AddConstraint(
            model_name="response",
            constraint=models.UniqueConstraint(
                fields=("survey", "respondent_scope", "idempotency_key"), name="response_key_per_respondent"
            ),
        ),
    ]
