from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    """Surveys, their questions, responses and answers (built on `courses`; marketing reads them)."""

    name = "surveys"
    verbose_name = _("Surveys")
