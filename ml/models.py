from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from courses.models import Course
from jobs.models import ACTIVE_STATUSES, Job, JobStatus

from .datasets import term_prior

__all__ = ["ACTIVE_STATUSES", "JobStatus"]  # re-exported: the ml API and admin name them


class EntityType(models.TextChoices):
    KNOWLEDGE = "KNOWLEDGE", _("Knowledge skill")
    ART = "ART", _("Art skill")


class TrainingCorpus(models.Model):
    """A file of training examples a manager imported: CSV in the shape of the shared course
    records (silver spans: each row's own skills in its text) or JSONL with explicit character
    spans (gold). Checked whole on import; stored through Django's storage for every worker."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    file = models.FileField(_("file"), upload_to="ml/corpora/")
    examples = models.PositiveIntegerField(_("examples"), default=0)
    spans = models.PositiveIntegerField(_("spans"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("training corpus")
        verbose_name_plural = _("training corpora")

    def __str__(self) -> str:
        return self.name


class SkillTermQuerySet(models.QuerySet["SkillTerm"]):
    def active(self) -> "SkillTermQuerySet":
        return self.filter(status=SkillTerm.Status.ACTIVE)

    def proposed(self) -> "SkillTermQuerySet":
        return self.filter(status=SkillTerm.Status.PROPOSED)


class SkillTerm(models.Model):
    """The managers' skill lexicon: labels course texts by distant supervision, and gives the
    tagger the terms it judges. Only active terms are used; an imported corpus proposes terms
    (its skills, its gold spans) that a manager accepts or rejects."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("In use")
        PROPOSED = "proposed", _("Proposed")
        REJECTED = "rejected", _("Rejected")

    name = models.CharField(_("skill"), max_length=100, unique=True)
    type = models.CharField(_("type"), max_length=16, choices=EntityType.choices)
    aliases = models.TextField(_("aliases"), blank=True, help_text=_("Other names, Chinese or English, one a line."))
    # A term a manager types in is in use at once; one a corpus proposes waits for a review.
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    corpus = models.ForeignKey(
        TrainingCorpus, on_delete=models.SET_NULL, null=True, blank=True, related_name="terms",
        verbose_name=_("proposed by corpus"),
    )  # fmt: skip
    # Where a proposal came from: the corpus's name (kept once it is deleted) or a file of `ml_train --data`.
    origin = models.CharField(_("proposed by"), max_length=200, blank=True)
    # How often the file that proposed it names it: a reviewer's first sign of a stray tag.
    occurrences = models.PositiveIntegerField(_("times named"), default=0)
    # Of the proposing corpus's texts that name the term, those that label it a skill there: the
    # tagger's prior that the term is a skill where it occurs (`prior`). 0 for a manager's term.
    in_texts = models.PositiveIntegerField(_("texts naming it"), default=0)
    as_skill = models.PositiveIntegerField(_("of which tagged with it"), default=0)

    objects = SkillTermQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("skill term")
        verbose_name_plural = _("skill lexicon")
        indexes = [models.Index(fields=["status", "type"], name="skill_term_status_idx")]
        constraints = [models.CheckConstraint(condition=Q(as_skill__lte=F("in_texts")), name="skill_term_counts")]

    def __str__(self) -> str:
        return self.name

    def names(self) -> list[str]:
        return [self.name, *(line.strip() for line in self.aliases.splitlines() if line.strip())]

    @property
    def prior(self) -> float | None:
        return term_prior(self.in_texts, self.as_skill)


class MlJob(Job):
    """A job of the GPU workers: it records the device it ran on."""

    device = models.CharField(_("device"), max_length=32, blank=True)

    class Meta(Job.Meta):
        abstract = True


class TrainingJob(MlJob):
    params = models.JSONField(_("parameters"), default=dict)
    epoch = models.PositiveIntegerField(_("epoch"), default=0)
    metrics = models.JSONField(_("metrics so far"), default=list, blank=True)
    dataset = models.JSONField(_("dataset summary"), default=dict, blank=True)
    model_version = models.OneToOneField(
        "ModelVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="training_job",
        verbose_name=_("model version"),
    )

    class Meta(MlJob.Meta):
        verbose_name = _("training job")
        verbose_name_plural = _("training jobs")
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"], condition=~Q(idempotency_key=""), name="training_job_key"
            )
        ]

    def __str__(self) -> str:
        return str(_("training #%(pk)s (%(status)s)") % {"pk": self.pk, "status": self.get_status_display()})


class ModelVersion(models.Model):
    name = models.CharField(_("name"), max_length=64, unique=True)
    base_model = models.CharField(_("base model"), max_length=300)
    # A zip of the checkpoint, through Django's storage API: every worker machine can fetch it.
    artifact = models.FileField(_("artifact"), upload_to="ml/models/")
    labels = models.JSONField(_("label set"))
    metrics = models.JSONField(_("dev metrics"), default=dict)
    is_active = models.BooleanField(_("active"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("model version")
        verbose_name_plural = _("model versions")
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True), name="one_active_model")
        ]

    def __str__(self) -> str:
        return self.name


class TaggingJob(MlJob):
    model_version = models.ForeignKey(
        ModelVersion, on_delete=models.CASCADE, related_name="tagging_jobs", verbose_name=_("model version")
    )
    # Empty: every published course.
    course_ids = models.JSONField(_("courses"), default=list, blank=True)
    tagged = models.PositiveIntegerField(_("courses tagged"), default=0)

    class Meta(MlJob.Meta):
        verbose_name = _("tagging job")
        verbose_name_plural = _("tagging jobs")
        constraints = [
            models.UniqueConstraint(
                fields=["created_by", "idempotency_key"], condition=~Q(idempotency_key=""), name="tagging_job_key"
            )
        ]

    def __str__(self) -> str:
        return str(_("tagging #%(pk)s (%(status)s)") % {"pk": self.pk, "status": self.get_status_display()})


class CourseSkill(models.Model):
    """A skill span the tagger found in a course's text (title + "\\n" + description)."""

    class Review(models.TextChoices):
        PENDING = "pending", _("Not reviewed")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        CORRECTED = "corrected", _("Corrected")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="skills")
    model_version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="skills")
    language = models.CharField(_("text language"), max_length=8, default="zh")
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    TEXT_LENGTH = 200
    text = models.CharField(_("text"), max_length=TEXT_LENGTH)
    type = models.CharField(_("type"), max_length=16, choices=EntityType.choices)
    confidence = models.FloatField(_("confidence"))
    review = models.CharField(_("review"), max_length=16, choices=Review.choices, default=Review.PENDING)

    class Meta:
        ordering = ["course", "language", "start"]
        verbose_name = _("course skill")
        verbose_name_plural = _("course skills")
        indexes = [models.Index(fields=["model_version", "course"], name="skill_version_course_idx")]

    def __str__(self) -> str:
        return f"{self.text} ({self.type})"

    @classmethod
    def excerpt(cls, text: str, start: int, end: int) -> str:
        """What the `text` field keeps of a span of the course text."""
        return text[start:end][: cls.TEXT_LENGTH]

    def matches(self, text: str | None) -> bool:
        """Whether the course text (None: that language is gone) still reads the same at its offsets."""
        return text is not None and self.excerpt(text, self.start, self.end) == self.text


class CourseEmbedding(models.Model):
    """A course's text (both languages) as one unit vector of a sentence encoder.

    The vector is float32 bytes (little-endian), not a database array type, so that PostgreSQL and
    SQLite hold it alike; search is exact inner product in memory (ml/recommendations.py)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="embeddings", verbose_name=_("course"))
    model_name = models.CharField(_("model"), max_length=200)
    dimensions = models.PositiveIntegerField(_("dimensions"))
    vector = models.BinaryField(_("vector"))
    # The text the vector was computed from, hashed: an unchanged text is not embedded again.
    text_digest = models.CharField(_("text digest"), max_length=64)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("course embedding")
        verbose_name_plural = _("course embeddings")
        constraints = [
            models.UniqueConstraint(fields=["course", "model_name"], name="course_embedding_once_per_model"),
            models.CheckConstraint(condition=Q(dimensions__gt=0), name="course_embedding_dimensions_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.course_id} · {self.model_name}"
