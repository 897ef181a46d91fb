from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Long-running jobs kept in database rows: claim, heartbeat, cancel, finish and reap.

    No tables of its own: apps subclass `jobs.models.Job` and register each concrete kind (with
    the function that sends its task) from their AppConfig.ready()."""

    name = "jobs"
    verbose_name = _("Jobs")
