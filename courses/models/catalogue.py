"""The catalogue: partners, courses and their lessons."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from ..i18n import Translated


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
    # The platform's cut of this partner's part of each paid order (0.2 = 20%); empty: the
    # PARTNER_COMMISSION_DEFAULT setting. The partners app posts the split; courses only holds the rate.
    commission_rate = models.DecimalField(
        _("platform commission rate"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("A fraction of the partner's share, e.g. 0.2 for 20%. Empty: the platform's default."),
    )

    name = Translated("name")
    description = Translated("description")

    class Meta:
        ordering = ["slug"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.CheckConstraint(
                condition=Q(commission_rate__isnull=True) | Q(commission_rate__gte=0, commission_rate__lte=1),
                name="partner_commission_rate_fraction",
            )
        ]

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
        from ..covers import cover_key  # Pillow is needed only where a cover is shown

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
