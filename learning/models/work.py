"""Assignments and the work learners hand in: submissions with their images or clip, the
instructor's feedback, and the share posters of work shown in the gallery."""

import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from courses.i18n import Translated
from courses.models import Lesson
from jobs.models import ACTIVE_STATUSES, Job, JobStatus

if TYPE_CHECKING:
    from django.core.files.storage import Storage


# ------------------------------------------------------------------------------ assignments
def _protected_storage() -> "Storage":
    from courses.media.storage import protected_storage

    return protected_storage()


def _artwork_path(instance: models.Model, filename: str) -> str:
    # A random folder and the name we chose: nothing a learner typed ends up in a path.
    return f"assignments/{instance.submission.assignment_id}/{uuid.uuid4().hex}/{filename}"  # type: ignore[attr-defined]


class Assignment(models.Model):
    """A lesson's assignment: a bilingual brief, an optional due date and a rubric of criteria.

    `rubric` is a list of {"name_zh", "name_en", "max_points"}, checked by
    `learning.assignments.check_rubric` before it is stored.
    """

    class Work(models.TextChoices):
        IMAGES = "images", _("Images of the work")
        CLIP = "clip", _("An audio or video clip (music, performance)")

    lesson = models.OneToOneField(Lesson, on_delete=models.CASCADE, related_name="assignment",
                                  verbose_name=_("lesson"))  # fmt: skip
    # What a learner hands in: images (drawing, painting) or one short clip (music, performance).
    work = models.CharField(_("work handed in"), max_length=8, choices=Work.choices, default=Work.IMAGES)
    brief_zh = models.TextField(_("brief (Chinese)"))
    brief_en = models.TextField(_("brief (English)"), blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    # The course's certificate waits for a passed submission of this assignment.
    required_for_completion = models.BooleanField(_("required for completion"), default=False)
    rubric = models.JSONField(_("rubric"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    brief = Translated("brief")

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self) -> str:
        return f"{self.lesson}"

    @property
    def is_past_due(self) -> bool:
        return self.due_at is not None and timezone.now() > self.due_at

    @property
    def max_points(self) -> int:
        return sum(int(criterion["max_points"]) for criterion in self.rubric)

    @property
    def criteria(self) -> list[dict[str, Any]]:
        """The rubric with each criterion's name in the page's language (the other as fallback)."""
        english = (get_language() or "").startswith("en")
        return [
            {
                "name": (c.get("name_en") or c["name_zh"]) if english else c["name_zh"],
                "max_points": c["max_points"],
            }
            for c in self.rubric
        ]


class SubmissionQuerySet(models.QuerySet["Submission"]):
    def awaiting_review(self) -> "SubmissionQuerySet":
        return self.filter(status=Submission.Status.SUBMITTED)

    def published(self) -> "SubmissionQuerySet":
        return self.filter(status=Submission.Status.PASSED, published_at__isnull=False)


class Submission(models.Model):
    """One attempt of a learner at an assignment, and the instructor's feedback on it.

    A resubmission is a new row with the next attempt number: the earlier work and its feedback stay.
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting review")
        PASSED = "passed", _("Passed")
        RESUBMIT = "resubmit", _("Resubmission asked")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="submissions",
                                   verbose_name=_("assignment"))  # fmt: skip
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions",
                                verbose_name=_("learner"))  # fmt: skip
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    note = models.TextField(_("note to the instructor"), blank=True, max_length=2000)
    # Chosen by an API client (the Idempotency-Key header): a retried upload returns the first attempt.
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    # The feedback: a comment, points per rubric criterion (in the rubric's order), who and when.
    comment = models.TextField(_("comment"), blank=True, max_length=4000)
    grades = models.JSONField(_("points per criterion"), default=list, blank=True)
    score = models.PositiveIntegerField(_("score"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("reviewed by"))  # fmt: skip
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    # The instructor's strokes over the images, normalised to 0..1 (`learning.annotation`).
    annotation = models.JSONField(_("drawing over the work"), default=list, blank=True)
    # Set while the learner shows the work in the course's gallery (opt-in, revocable).
    published_at = models.DateTimeField(_("shown in the gallery since"), null=True, blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "learner", "attempt"], name="submission_attempt_unique"),
            # One attempt at a time waits for review.
            models.UniqueConstraint(
                fields=["assignment", "learner"], condition=Q(status="submitted"), name="submission_one_open"
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(status="passed"), name="submission_published_if_passed"
            ),
            models.UniqueConstraint(
                fields=["learner", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="submission_idempotency_key_unique",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="submission_queue_idx")]

    def __str__(self) -> str:
        return f"{self.learner} · {self.assignment} #{self.attempt}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_late(self) -> bool:
        """Handed in after the assignment's due date: accepted, and marked for the instructor."""
        due = self.assignment.due_at
        return due is not None and self.created_at > due

    @property
    def graded_rubric(self) -> list[tuple[dict[str, Any], int]]:
        return list(zip(self.assignment.criteria, self.grades, strict=False))

    @property
    def annotated_images(self) -> list[tuple["SubmissionImage", list[str]]]:
        """The images the instructor drew on, each with its strokes as SVG points (images prefetched)."""
        from learning.annotation import svg_points

        if not self.annotation:
            return []
        drawn = [(image, svg_points(self.annotation, image=image.position)) for image in self.images.all()]
        return [(image, strokes) for image, strokes in drawn if strokes]


class SubmissionImage(models.Model):
    """One image of a submission, re-encoded without its metadata, and its thumbnail (made once)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="images",
                                   verbose_name=_("submission"))  # fmt: skip
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    file = models.FileField(_("image"), storage=_protected_storage, upload_to=_artwork_path, max_length=255)
    thumbnail = models.FileField(_("thumbnail"), storage=_protected_storage, upload_to=_artwork_path,
                                 max_length=255)  # fmt: skip
    content_type = models.CharField(_("content type"), max_length=32)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    size = models.PositiveBigIntegerField(_("size (bytes)"))

    class Meta:
        ordering = ["submission", "position", "id"]
        verbose_name = _("submission image")
        verbose_name_plural = _("submission images")

    def __str__(self) -> str:
        return f"{self.submission_id}/{self.position}"


class SubmissionClip(Job):
    """A submission's audio or video clip, on its way to playable: a job of the `media` queue
    (claim, heartbeat, reaper from `jobs`), transcoded by the lessons' ffmpeg functions.

    The upload waits in `source` (already probed: it is media, and short enough) until the job
    makes `file` (H.264/AAC MP4, or AAC audio) and, for a video, `poster`; then it is deleted.
    """

    class Kind(models.TextChoices):
        VIDEO = "video", _("Video")
        AUDIO = "audio", _("Audio")

    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="clip",
                                      verbose_name=_("submission"))  # fmt: skip
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    source = models.FileField(_("uploaded file"), storage=_protected_storage, upload_to=_artwork_path,
                              max_length=255, blank=True)  # fmt: skip
    file = models.FileField(_("clip"), storage=_protected_storage, upload_to=_artwork_path, max_length=255,
                            blank=True)  # fmt: skip
    poster = models.FileField(_("poster"), storage=_protected_storage, upload_to=_artwork_path, max_length=255,
                              blank=True)  # fmt: skip
    content_type = models.CharField(_("content type"), max_length=32, blank=True)
    duration_seconds = models.FloatField(_("duration (seconds)"))
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    # A failure keeps its code, so that the learner reads it in the language of their page.
    error_code = models.CharField(_("error code"), max_length=32, blank=True)

    class Meta(Job.Meta):
        verbose_name = _("submission clip")
        verbose_name_plural = _("submission clips")
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"], condition=~Q(idempotency_key=""), name="clip_job_key"
            )
        ]

    def __str__(self) -> str:
        return f"clip of {self.submission_id} ({self.status})"

    @property
    def is_processing(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def is_ready(self) -> bool:
        return self.status == JobStatus.SUCCEEDED and bool(self.file)

    @property
    def has_failed(self) -> bool:
        return self.status in (JobStatus.FAILED, JobStatus.CANCELLED)

    def failure_message(self) -> str:
        from learning.clips import clip_failure_message

        return clip_failure_message(self.error_code)


# ------------------------------------------------------------------------------ share posters
def _poster_path(instance: models.Model, filename: str) -> str:
    return f"posters/{instance.submission_id}/{filename}"  # type: ignore[attr-defined]


class Poster(models.Model):
    """A share poster of a work shown in the gallery: drawn once per work, options and language.

    `fingerprint` hashes everything the picture shows (the image, the texts, the partners, the
    link in the QR code, the layout's version): the same request finds the stored file, and a
    change anywhere (a retitled course, a campaign that ended) draws a new one.
    """

    class Size(models.TextChoices):
        PHONE = "phone", _("Phone screen (1080 × 1920)")
        MOMENTS = "moments", _("WeChat Moments (1080 × 1440)")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="posters",
                                   verbose_name=_("submission"))  # fmt: skip
    size = models.CharField(_("size"), max_length=16, choices=Size.choices)
    language = models.CharField(_("language"), max_length=8)
    # Empty: the learner chose not to show a name.
    display_name = models.CharField(_("name shown"), max_length=40, blank=True)
    # What the QR code holds: the learner's referral link of a running campaign, else the course page.
    target_url = models.CharField(_("link in the QR code"), max_length=500)
    referral = models.BooleanField(_("referral link"), default=False)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    file = models.FileField(_("poster image"), storage=_protected_storage, upload_to=_poster_path, max_length=255)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("share poster")
        verbose_name_plural = _("share posters")
        constraints = [
            models.UniqueConstraint(fields=["submission", "fingerprint"], name="poster_once_per_fingerprint"),
        ]

    def __str__(self) -> str:
        return f"{self.submission_id} · {self.size} · {self.language}"
