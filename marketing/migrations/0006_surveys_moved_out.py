"""The survey models now live in `surveys` (see surveys 0001): drop them from marketing's state
only; their tables stay where they are, with every row."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('marketing', '0005_survey_permissions'),
        ('surveys', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(
                    model_name='choice',
                    name='question',
                ),
                migrations.RemoveField(
                    model_name='question',
                    name='survey',
                ),
                migrations.RemoveField(
                    model_name='response',
                    name='campaign',
                ),
                migrations.RemoveField(
                    model_name='response',
                    name='channel',
                ),
                migrations.RemoveField(
                    model_name='response',
                    name='respondent',
                ),
                migrations.RemoveField(
                    model_name='response',
                    name='survey',
                ),
                migrations.RemoveField(
                    model_name='survey',
                    name='campaign',
                ),
                migrations.DeleteModel(
                    name='Answer',
                ),
                migrations.DeleteModel(
                    name='Choice',
                ),
                migrations.DeleteModel(
                    name='Question',
                ),
                migrations.DeleteModel(
                    name='Response',
                ),
                migrations.DeleteModel(
                    name='Survey',
                ),
            ],
        ),
    ]
