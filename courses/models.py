import uuid
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.storage import Storage
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from jobs.models import Job

from . import hooks
from .i18n import Translated

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


class Currency(models.TextChoices):
    CNY = "CNY", _("Chinese yuan")
    USD = "USD", _("US dollar")


class Partner(models.Model):
    """An organisation whose courses the platform sells: a knowledge platform, an art school, a brand."""

    class Kind(models.TextChoices):
        KNOWLEDGE_PLATFORM = "knowledge_platform", _("Knowledge platform")
        ART_INSTITUTION = "art_institution", _("Art-training institution")
        BRAND = "brand", _("Brand")

    slug = models.SlugField(_("slug"), unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    logo = models.ImageField(_("logo"), upload_to="partners/", blank=True)
    website = models.URLField(_("website"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    name = Translated("name")
    description = Translated("description")

    class Meta:
        ordering = ["slug"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self) -> str:
        return str(self.name)  # the page's language: partner pickers read it


class CourseQuerySet(models.QuerySet["Course"]):
    def published(self) -> "CourseQuerySet":
        return self.filter(status=Course.Status.PUBLISHED)


class Course(models.Model):
    class Track(models.TextChoices):
        KNOWLEDGE = "knowledge", _("Knowledge")
        ART = "art", _("Art")
        CROSSOVER = "crossover", _("Crossover")

    class Level(models.TextChoices):
        BEGINNER = "beginner", _("Beginner")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    class Language(models.TextChoices):
        CHINESE = "zh", _("Chinese")
        ENGLISH = "en", _("English")
        BILINGUAL = "bilingual", _("Bilingual")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    slug = models.SlugField(_("slug"), unique=True, max_length=80)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description_zh = models.TextField(_("description (Chinese)"))
    description_en = models.TextField(_("description (English)"), blank=True)
    track = models.CharField(_("track"), max_length=16, choices=Track.choices)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.BEGINNER)
    language = models.CharField(
        _("teaching language"), max_length=16, choices=Language.choices, default=Language.CHINESE
    )
    # The validator shows "not negative" at the field; the constraint holds it for every writer.
    price = models.DecimalField(
        _("price"), max_digits=10, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.CNY)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    cover = models.ImageField(_("cover image"), upload_to="courses/covers/", blank=True)
    partners = models.ManyToManyField(Partner, related_name="courses", verbose_name=_("partners"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CourseQuerySet.as_manager()

    title = Translated("title")
    description = Translated("description")

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="course_price_not_negative"),
        ]
        indexes = [
            # The catalogue's default order, walked by the index instead of sorting every row.
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(status="published"),
                name="course_published_order_idx",
            ),
            models.Index(fields=["status", "track", "-published_at"], name="course_catalogue_idx"),
        ]

    def __str__(self) -> str:
        return self.title_zh

    def get_absolute_url(self) -> str:
        return reverse("courses:detail", args=[self.slug])

    @property
    def is_free(self) -> bool:
        return self.price == 0

    @property
    def cover_url(self) -> str:
        """The uploaded cover, else the co-branded one drawn for the active language."""
        if self.cover:
            return self.cover.url
        from .covers import cover_key  # Pillow is needed only where a cover is shown

        return f"{reverse('courses:cover', args=[self.slug, get_language() or 'zh-hans'])}?v={cover_key(self)}"


class Lesson(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        VIDEO = "video", _("Video")
        AUDIO = "audio", _("Audio")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons", verbose_name=_("course"))
    position = models.PositiveIntegerField(_("position"))
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    body_zh = models.TextField(_("body (Chinese)"), blank=True)
    body_en = models.TextField(_("body (English)"), blank=True)
    # Preview lessons are open to every visitor: the course's shop window.
    is_free_preview = models.BooleanField(_("free preview"), default=False)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=10)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.TEXT)
    # Course progress counts required lessons only: an optional one is extra reading.
    is_required = models.BooleanField(_("required lesson"), default=True)

    title = Translated("title")
    body = Translated("body")

    class Meta:
        ordering = ["course", "position"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        constraints = [models.UniqueConstraint(fields=["course", "position"], name="lesson_position_unique")]

    def __str__(self) -> str:
        return f"{self.position}. {self.title_zh}"

    def get_absolute_url(self) -> str:
        return reverse("courses:lesson", args=[self.course.slug, self.position])


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending payment")
        PAID = "paid", _("Paid")
        REFUNDED = "refunded", _("Refunded")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATUSES = (Status.PENDING, Status.PAID)

    # The public reference, used in URLs and sent to the gateway; ids stay internal.
    number = models.UUIDField(_("number"), default=uuid.uuid4, unique=True, editable=False)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders", verbose_name=_("learner")
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="orders", verbose_name=_("course"))
    list_price = models.DecimalField(_("list price"), max_digits=10, decimal_places=2, default=Decimal("0"))
    discount = models.DecimalField(_("discount"), max_digits=10, decimal_places=2, default=Decimal("0"))
    # What the learner pays: list price less discount, fixed when the order is created.
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    provider = models.CharField(_("payment provider"), max_length=32)
    # Chosen by the client (the API's Idempotency-Key header); a retry with the same key gets
    # the same order back instead of a new one.
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    receipt_sent_at = models.DateTimeField(_("receipt sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        permissions = [("refund_order", _("Can refund orders"))]
        constraints = [
            # At most one order per learner and course is waiting for payment or paid: two
            # clicks on "buy", in any number of processes, cannot open a second one.
            models.UniqueConstraint(
                fields=["learner", "course"],
                condition=Q(status__in=["pending", "paid"]),
                name="order_one_open_per_learner_course",
            ),
            models.UniqueConstraint(
                fields=["learner", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="order_idempotency_key_unique",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="order_amount_not_negative"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="order_status_created_idx")]

    def __str__(self) -> str:
        return str(self.number)


class OrderAdjustment(models.Model):
    """One line of an order's price breakdown (a coupon, a bundle price), stored as its quote priced it.

    Like django-oscar's OrderDiscount: the gateway page and the receipt read the breakdown back
    from here instead of pricing the order again, so they show what the learner agreed to pay.
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="adjustments", verbose_name=_("order"))
    kind = models.CharField(_("kind"), max_length=32)
    # What the learner sees of what grants it: the coupon's code; empty for a bundle price.
    code = models.CharField(_("code"), max_length=64, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("order adjustment")
        verbose_name_plural = _("order adjustments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="order_adjustment_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return " ".join(part for part in (str(self.label), self.code, f"−{self.amount}") if part)

    @property
    def label(self) -> "_StrOrPromise":
        """The kind's name in the active language ("优惠券", "Coupon"), as extensions registered it."""
        return hooks.Adjustment(kind=self.kind, amount=self.amount).label


class Payment(models.Model):
    """Money received from a gateway for an order; one per order, one per gateway transaction."""

    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="payment", verbose_name=_("order"))
    provider = models.CharField(_("payment provider"), max_length=32)
    reference = models.CharField(_("gateway transaction"), max_length=128)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    # The verified callback as received, kept for reconciliation with the gateway.
    payload = models.JSONField(_("callback payload"), default=dict)
    created_at = models.DateTimeField(_("paid at"), auto_now_add=True)
    refund_reference = models.CharField(_("refund reference"), max_length=128, blank=True)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(fields=["provider", "reference"], name="payment_reference_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.reference}"


class EnrollmentQuerySet(models.QuerySet["Enrollment"]):
    def active(self) -> "EnrollmentQuerySet":
        return self.filter(status=Enrollment.Status.ACTIVE)


class Enrollment(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        REVOKED = "revoked", _("Revoked")

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments", verbose_name=_("learner")
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrollments", verbose_name=_("course"))
    # The order that paid for it; empty for a free course.
    order = models.ForeignKey(Order, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("order"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        constraints = [models.UniqueConstraint(fields=["learner", "course"], name="enrollment_one_per_learner_course")]

    def __str__(self) -> str:
        return f"{self.learner} → {self.course}"


# ------------------------------------------------------------------------------ lesson media
def _protected_storage() -> "Storage":
    from .media.storage import protected_storage

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
        from .media.services import media_failure_message

        if not self.error_code:
            return self.error
        return media_failure_message(self.error_code, self.error_params)
