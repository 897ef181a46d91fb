"""A lesson's media: renditions, attachments, subtitles and the job that makes them from an upload."""

import uuid

from django.core.files.storage import Storage
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jobs.models import Job

from ..i18n import Translated
from .catalogue import Lesson


def _protected_storage() -> "Storage":
    from ..media.storage import protected_storage

    return protected_storage()


def _lesson_file_path(instance: models.Model, filename: str) -> str:
    # A fresh folder per upload: a new file never overwrites one a learner may be watching.
    return f"lessons/{instance.lesson_id}/{uuid.uuid4().hex}/{filename}"  # type: ignore[attr-defined]


class LessonMedia(models.Model):
    """The media a lesson plays: written whole by a media job that succeeded, replaced only by the next."""

    lesson = models.OneToOneField(Lesson, on_delete=models.CASCADE, related_name="media", verbose_name=_("lesson"))
    duration_seconds = models.FloatField(_("duration (seconds)"))
    poster = models.FileField(_("poster"), storage=_protected_storage, upload_to=_lesson_file_path, blank=True)
    source_name = models.CharField(_("uploaded file"), max_length=255, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("lesson media")
        verbose_name_plural = _("lesson media")

    def __str__(self) -> str:
        return f"{self.lesson}: {self.duration_seconds:.0f}s"


class MediaRendition(models.Model):
    """One encoding of a lesson's media: a video height, or the audio."""

    media = models.ForeignKey(LessonMedia, on_delete=models.CASCADE, related_name="renditions")
    label = models.CharField(_("label"), max_length=16)  # "720p", "360p", "audio"
    file = models.FileField(_("file"), storage=_protected_storage, upload_to=_lesson_file_path, max_length=255)
    content_type = models.CharField(_("content type"), max_length=64)
    width = models.PositiveIntegerField(_("width"), null=True, blank=True)
    height = models.PositiveIntegerField(_("height"), null=True, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)

    class Meta:
        ordering = ["media", "-height", "id"]
        verbose_name = _("rendition")
        verbose_name_plural = _("renditions")
        constraints = [models.UniqueConstraint(fields=["media", "label"], name="rendition_label_unique")]

    def __str__(self) -> str:
        return self.label

    @property
    def lesson_id(self) -> int:
        return self.media.lesson_id


class LessonAttachment(models.Model):
    class Kind(models.TextChoices):
        PDF = "pdf", _("PDF")
        IMAGE = "image", _("Image")
        FILE = "file", _("File")

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("lesson"))
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    file = models.FileField(_("file"), storage=_protected_storage, upload_to=_lesson_file_path, max_length=255)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.FILE)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    position = models.PositiveIntegerField(_("position"), default=0)

    title = Translated("title")

    class Meta:
        ordering = ["lesson", "position", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.title_zh


class LessonSubtitle(models.Model):
    class Language(models.TextChoices):
        CHINESE = "zh-hans", _("Chinese")
        ENGLISH = "en", _("English")

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="subtitles", verbose_name=_("lesson"))
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    file = models.FileField(_("WebVTT file"), storage=_protected_storage, upload_to=_lesson_file_path)

    class Meta:
        ordering = ["lesson", "language"]
        verbose_name = _("subtitles")
        verbose_name_plural = _("subtitles")
        constraints = [models.UniqueConstraint(fields=["lesson", "language"], name="subtitle_one_per_language")]

    def __str__(self) -> str:
        return f"{self.lesson} [{self.get_language_display()}]"


class MediaJob(Job):
    """An uploaded file on its way to becoming a lesson's media (probe, transcode, poster).

    The upload stays in `source` until the job succeeds; the lesson's current media is replaced
    only then. A failure keeps a code and its parameters, so that the manager reads it in the
    language of their page (`failure_message`), not the worker's.
    """

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="media_jobs", verbose_name=_("lesson"))
    source = models.FileField(_("uploaded file"), storage=_protected_storage, upload_to=_lesson_file_path,
                              max_length=255, blank=True)  # fmt: skip
    source_name = models.CharField(_("file name"), max_length=255)
    error_code = models.CharField(_("error code"), max_length=32, blank=True)
    error_params = models.JSONField(_("error details"), default=dict, blank=True)
    duration_seconds = models.FloatField(_("duration (seconds)"), null=True, blank=True)

    class Meta(Job.Meta):
        verbose_name = _("media job")
        verbose_name_plural = _("media jobs")
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"], condition=~Q(idempotency_key=""), name="media_job_key"
            )
        ]

    def __str__(self) -> str:
        return f"media #{self.pk} ({self.status})"

    def failure_message(self) -> str:
        from ..media.services import media_failure_message

        if not self.error_code:
            return self.error
        return media_failure_message(self.error_code, self.error_params)
