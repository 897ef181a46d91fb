from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    """Progress through lessons and courses, completion certificates, reviews; stands on `courses`."""

    name = "learning"
    verbose_name = _("Learning")

    def ready(self) -> None:
        from courses import hooks

        from .api.serializers import ReviewFiguresField
        from .hooks import LearningOnOrders, annotate_review_figures, keep_queryset

        hooks.register(LearningOnOrders())
        hooks.register_course_annotation(annotate_review_figures)
        hooks.register_course_field("reviews", ReviewFiguresField, keep_queryset)

        from jobs import registry

        from . import assignment_tasks  # noqa: F401  (registers the feedback mail and clip tasks)
        from .clips import send_clip_task
        from .models import SubmissionClip

        registry.register(SubmissionClip, send=send_clip_task)
