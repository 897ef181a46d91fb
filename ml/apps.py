from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _tag_changed_courses(course_ids: list[int]) -> None:
    from .services import course_embeddings_refresh, courses_text_changed

    courses_text_changed(course_ids=course_ids)
    course_embeddings_refresh(course_ids=course_ids)


class MlConfig(AppConfig):
    """The BERT skill tagger: training and tagging jobs that run on Celery `gpu` workers."""

    name = "ml"
    verbose_name = _("Machine learning")

    def ready(self) -> None:
        from django.db import transaction
        from django.db.models.signals import post_delete

        from courses import hooks

        hooks.register_course_text_changed(_tag_changed_courses)

        from jobs import registry

        from . import tasks
        from .models import TaggingJob, TrainingCorpus, TrainingJob

        registry.register(TrainingJob, send=tasks.train_model_task.delay)
        registry.register(TaggingJob, send=tasks.tag_courses_task.delay)

        def delete_corpus_file(sender: type, instance: TrainingCorpus, **kwargs: object) -> None:
            # The row is gone (admin, API or shell alike); its file in storage goes once that commits.
            transaction.on_commit(lambda: instance.file.delete(save=False))

        post_delete.connect(delete_corpus_file, sender=TrainingCorpus, dispatch_uid="ml-corpus-file", weak=False)

        import django_filters
        from django.utils.translation import gettext_lazy as _

        from .api.serializers import CourseTagsField
        from .selectors import filter_courses_by_skill, with_active_skills

        hooks.register_course_filter(
            "skill", django_filters.CharFilter(label=_("Skill"), method=filter_courses_by_skill, max_length=100)
        )
        hooks.register_course_field("skills", CourseTagsField, with_active_skills)
