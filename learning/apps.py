from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    """Progress through lessons and courses, and completion certificates; stands on `courses`."""

    name = "learning"
    verbose_name = _("Learning")

    def ready(self) -> None:
        from courses import hooks

        from .hooks import CertificateRevocation

        hooks.register(CertificateRevocation())
