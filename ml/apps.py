from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MlConfig(AppConfig):
    """The BERT skill tagger: training and tagging jobs that run on Celery `gpu` workers."""

    name = "ml"
    verbose_name = _("Machine learning")
