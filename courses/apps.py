from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from .cache import catalogue_changed
        from .models import Course, Lesson, Partner

        # Signals, not services: admin forms, inlines and the API all write these models, and
        # every one of those writes must retire the cached catalogue.
        for model in (Course, Lesson, Partner):
            post_save.connect(catalogue_changed, sender=model, dispatch_uid=f"catalogue-save-{model.__name__}")
            post_delete.connect(catalogue_changed, sender=model, dispatch_uid=f"catalogue-delete-{model.__name__}")
        m2m_changed.connect(catalogue_changed, sender=Course.partners.through, dispatch_uid="catalogue-partners")

        from jobs import registry

        from .media.jobs import send_media_task
        from .models import MediaJob

        registry.register(MediaJob, send=send_media_task)
