"""The abstract row of a long job: its state lives here, so the UI and API never ask Celery."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)
TERMINAL_STATUSES = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


class Job(models.Model):
    """State of a long job. A concrete kind adds its own inputs and results, and a unique
    constraint on (created_by, idempotency_key) where the key is not empty."""

    status = models.CharField(_("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.FloatField(_("progress"), default=0.0)
    error = models.TextField(_("error"), blank=True)
    heartbeat_at = models.DateTimeField(_("heartbeat"), null=True, blank=True)
    # Runs that claimed the job: a run owns it only while this still reads its own claim.
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # When its task was last sent: a job queued long after that may have lost its message.
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now)
    cancel_requested = models.BooleanField(_("cancel requested"), default=False)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    @property
    def is_finished(self) -> bool:
        return self.status not in ACTIVE_STATUSES
