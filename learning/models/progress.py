"""A learner's progress through a course's lessons, and the certificate that completes it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from courses.models import Lesson


class LessonProgress(models.Model):
    """How far one learner got in one lesson. Only ever moves forward: watched ranges are merged,
    completion is never undone, and the resume position follows the newest report, not the last
    one to arrive."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress", verbose_name=_("learner")
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress", verbose_name=_("lesson"))
    # Seconds into the media where the learner was, for "resume".
    position_seconds = models.FloatField(_("position (seconds)"), default=0)
    # The client's clock (ms) at that position: a late report of an earlier moment is ignored.
    position_at = models.BigIntegerField(_("position reported at"), default=0)
    # Merged, sorted, disjoint [start, end] pairs, in seconds.
    watched = models.JSONField(_("watched ranges"), default=list)
    watched_seconds = models.FloatField(_("seconds watched"), default=0)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(fields=["learner", "lesson"], name="progress_one_per_learner_lesson"),
            models.CheckConstraint(condition=Q(watched_seconds__gte=0), name="progress_watched_not_negative"),
        ]
        indexes = [models.Index(fields=["learner", "updated_at"], name="progress_learner_recent_idx")]

    def __str__(self) -> str:
        return f"{self.learner} · {self.lesson}"

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None


class CertificateQuerySet(models.QuerySet["Certificate"]):
    def valid(self) -> "CertificateQuerySet":
        return self.filter(revoked_at__isnull=True)


class Certificate(models.Model):
    """A learner completed every required lesson of a course. Revoked, never deleted, when the
    enrollment is refunded: its verification page must keep saying what happened to it."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="certificates", verbose_name=_("learner")
    )
    course = models.ForeignKey(
        "courses.Course", on_delete=models.PROTECT, related_name="certificates", verbose_name=_("course")
    )
    # Public, printed and in the QR code; random so that serials cannot be walked.
    serial = models.CharField(_("serial number"), max_length=24, unique=True)
    # As the learner typed it, once: the printed name never changes afterwards.
    name = models.CharField(_("name on the certificate"), max_length=60)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [models.UniqueConstraint(fields=["learner", "course"], name="certificate_one_per_course")]

    def __str__(self) -> str:
        return self.serial

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("learning:certificate-verify", args=[self.serial])

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
