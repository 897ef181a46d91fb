"""The survey models move here from `marketing`, tables and rows untouched.

State only (SeparateDatabaseAndState): the tables `marketing_survey`, `marketing_question`,
`marketing_choice`, `marketing_response`, `marketing_answer` and `marketing_answer_choices` were
created by marketing 0004 and keep their names, columns, constraints and foreign keys (to
marketing's campaign and channel too); marketing 0006 drops the models from its own state.
Reversible: unapplying it changes no table either.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('marketing', '0005_survey_permissions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Question',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.PositiveIntegerField(verbose_name='position')),
                        ('text_zh', models.CharField(max_length=300, verbose_name='question (Chinese)')),
                        ('text_en', models.CharField(blank=True, max_length=300, verbose_name='question (English)')),
                        ('kind', models.CharField(choices=[('single', 'Single choice'), ('multiple', 'Multiple choice'), ('likert', 'Likert scale 1-5'), ('nps', 'Net promoter score 0-10'), ('text', 'Free text'), ('number', 'Number')], max_length=16, verbose_name='kind')),
                        ('required', models.BooleanField(default=True, verbose_name='required')),
                        ('dimension', models.CharField(blank=True, choices=[('knowledge', 'Wants knowledge content'), ('art', 'Wants art training')], max_length=16, verbose_name='demand dimension')),
                        ('min_value', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='minimum')),
                        ('max_value', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='maximum')),
                    ],
                    options={
                        'verbose_name': 'question',
                        'verbose_name_plural': 'questions',
                        'db_table': 'marketing_question',
                        'ordering': ['survey', 'position'],
                    },
                ),
                migrations.CreateModel(
                    name='Choice',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.PositiveIntegerField(verbose_name='position')),
                        ('label_zh', models.CharField(max_length=200, verbose_name='label (Chinese)')),
                        ('label_en', models.CharField(blank=True, max_length=200, verbose_name='label (English)')),
                        ('shows_want', models.BooleanField(default=False, verbose_name='shows the want')),
                        ('question', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='choices', to='surveys.question')),
                    ],
                    options={
                        'verbose_name': 'choice',
                        'verbose_name_plural': 'choices',
                        'db_table': 'marketing_choice',
                        'ordering': ['question', 'position'],
                    },
                ),
                migrations.CreateModel(
                    name='Response',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('idempotency_key', models.CharField(max_length=64, verbose_name='idempotency key')),
                        ('wants_knowledge', models.BooleanField(default=False, verbose_name='wants knowledge content')),
                        ('wants_art', models.BooleanField(default=False, verbose_name='wants art training')),
                        ('submitted_at', models.DateTimeField(auto_now_add=True, verbose_name='submitted at')),
                        ('campaign', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='responses', to='marketing.campaign')),
                        ('channel', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='responses', to='marketing.channel')),
                        ('respondent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='survey_responses', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'survey response',
                        'verbose_name_plural': 'survey responses',
                        'db_table': 'marketing_response',
                        'ordering': ['-submitted_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='Answer',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, verbose_name='number')),
                        ('text', models.TextField(blank=True, verbose_name='text')),
                        ('choices', models.ManyToManyField(blank=True, related_name='answers', to='surveys.choice')),
                        ('question', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='surveys.question')),
                        ('response', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='surveys.response')),
                    ],
                    options={
                        'verbose_name': 'answer',
                        'verbose_name_plural': 'answers',
                        'db_table': 'marketing_answer',
                    },
                ),
                migrations.CreateModel(
                    name='Survey',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('slug', models.SlugField(unique=True, verbose_name='slug')),
                        ('title_zh', models.CharField(max_length=200, verbose_name='title (Chinese)')),
                        ('title_en', models.CharField(blank=True, max_length=200, verbose_name='title (English)')),
                        ('intro_zh', models.TextField(blank=True, verbose_name='introduction (Chinese)')),
                        ('intro_en', models.TextField(blank=True, verbose_name='introduction (English)')),
                        ('purpose', models.CharField(choices=[('demand_research', 'Demand research'), ('feedback', 'Feedback')], max_length=32, verbose_name='purpose')),
                        ('opens_at', models.DateTimeField(verbose_name='opens at')),
                        ('closes_at', models.DateTimeField(verbose_name='closes at')),
                        ('allow_anonymous', models.BooleanField(default=True, verbose_name='anonymous answers allowed')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('campaign', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='surveys', to='marketing.campaign', verbose_name='campaign')),
                    ],
                    options={
                        'verbose_name': 'survey',
                        'verbose_name_plural': 'surveys',
                        'db_table': 'marketing_survey',
                        'ordering': ['-opens_at', '-id'],
                    },
                ),
                migrations.AddField(
                    model_name='response',
                    name='survey',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='responses', to='surveys.survey'),
                ),
                migrations.AddField(
                    model_name='question',
                    name='survey',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='questions', to='surveys.survey'),
                ),
                migrations.AddConstraint(
                    model_name='choice',
                    constraint=models.UniqueConstraint(fields=('question', 'position'), name='choice_position_unique'),
                ),
                migrations.AddConstraint(
                    model_name='answer',
                    constraint=models.UniqueConstraint(fields=('response', 'question'), name='answer_once_per_question'),
                ),
                migrations.AddConstraint(
                    model_name='survey',
                    constraint=models.CheckConstraint(condition=models.Q(('opens_at__lt', models.F('closes_at'))), name='survey_opens_before_closes'),
                ),
                migrations.AddIndex(
                    model_name='response',
                    index=models.Index(fields=['campaign'], name='response_campaign_idx'),
                ),
                migrations.AddConstraint(
                    model_name='response',
                    constraint=models.UniqueConstraint(fields=('survey', 'idempotency_key'), name='response_idempotency_key_unique'),
                ),
                migrations.AddConstraint(
                    model_name='response',
                    constraint=models.UniqueConstraint(condition=models.Q(('respondent__isnull', False)), fields=('survey', 'respondent'), name='response_one_per_learner'),
                ),
                migrations.AddConstraint(
                    model_name='question',
                    constraint=models.UniqueConstraint(fields=('survey', 'position'), name='question_position_unique'),
                ),
            ],
        ),
    ]
