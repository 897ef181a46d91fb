from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MlConfig(AppConfig):
    """The BERT skill tagger: training and tagging jobs that run on Celery `gpu` workers."""

    name = "ml"
    verbose_name = _("Machine learning")

    def ready(self) -> None:
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from courses.models import Course

        def tag_after_commit(sender: type, instance: Course, **kwargs: object) -> None:
            from .services import course_changed

            # After commit: the tagging job must see the course as it was saved.
            transaction.on_commit(lambda: course_changed(course=instance))

        # A signal: course edits come from the admin, the API and services alike. Held strongly
        # (weak=False): a function defined here has no other reference and would be collected.
        post_save.connect(tag_after_commit, sender=Course, dispatch_uid="ml-tag-course", weak=False)

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

        from courses import hooks

        from .api.serializers import CourseTagsField
        from .selectors import filter_courses_by_skill, with_active_skills

        hooks.register_course_filter(
            "skill", django_filters.CharFilter(label=_("Skill"), method=filter_courses_by_skill, max_length=100)
        )
        hooks.register_course_field("skills", CourseTagsField, with_active_skills)
