"""Campaigns, the partners' sides in them, their channels and tracked links, their statistics."""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from courses.i18n import Translated
from courses.models import Course, Partner

CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: codes get read aloud and typed


def new_code(length: int = 8) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


class Side(models.TextChoices):
    KNOWLEDGE = "knowledge", _("Knowledge side")
    ART = "art", _("Art side")


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def running(self) -> "CampaignQuerySet":
        return self.filter(status=Campaign.Status.RUNNING)


class Campaign(models.Model):
    """A joint campaign: a knowledge platform and an art-training partner promote courses together."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        RUNNING = "running", _("Running")
        ENDED = "ended", _("Ended")

    slug = models.SlugField(_("slug"), unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    budget = models.DecimalField(_("budget"), max_digits=12, decimal_places=2, default=Decimal("0"))
    goal = models.CharField(_("goal"), max_length=300, blank=True)
    knowledge_courses = models.ManyToManyField(
        Course, related_name="knowledge_campaigns", blank=True, verbose_name=_("knowledge courses")
    )
    art_courses = models.ManyToManyField(
        Course, related_name="art_campaigns", blank=True, verbose_name=_("art courses")
    )
    # Buying one knowledge and one art course of the campaign together costs this, when set.
    bundle_price = models.DecimalField(_("bundle price"), max_digits=10, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    name = Translated("name")
    description = Translated("description")

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(condition=Q(starts_at__lt=models.F("ends_at")), name="campaign_starts_before_ends"),
            models.CheckConstraint(condition=Q(budget__gte=0), name="campaign_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name_zh


class CampaignPartner(models.Model):
    """A partner's side in a campaign and its share of the campaign's net revenue."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="partner_shares")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="campaign_shares")
    side = models.CharField(_("side"), max_length=16, choices=Side.choices)
    share_percent = models.DecimalField(
        _("revenue share (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        verbose_name = _("campaign partner")
        verbose_name_plural = _("campaign partners")
        constraints = [models.UniqueConstraint(fields=["campaign", "partner"], name="campaign_partner_unique")]

    def __str__(self) -> str:
        return f"{self.partner} ({self.get_side_display()}, {self.share_percent}%)"


class Channel(models.Model):
    class Kind(models.TextChoices):
        JOINT_EVENT = "joint_event", _("Joint event")
        CONTENT_COOPERATION = "content_cooperation", _("Content cooperation")
        USER_REFERRAL = "user_referral", _("User referral")
        OTHER = "other", _("Other")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="channels")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=120)
    cost = models.DecimalField(_("cost"), max_digits=12, decimal_places=2, default=Decimal("0"))
    # For a channel no link can track (an offline joint event): the manager's estimate of paid
    # orders per 100 people reached, used instead of the measured effect.
    manual_effect = models.DecimalField(
        _("manual effect"),
        max_digits=8,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Paid orders per 100 people reached, for channels that cannot be tracked."),
    )

    class Meta:
        ordering = ["campaign", "id"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        constraints = [models.CheckConstraint(condition=Q(cost__gte=0), name="channel_cost_not_negative")]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.name}"


def validate_site_path(value: str) -> None:
    # Only a path of this site: "/courses/x/" yes; "//evil.com", "https://evil.com", "javascript:" no.
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        raise ValidationError(_("Enter a path on this site, starting with a single /."))


class TrackedLink(models.Model):
    """A short link (/r/<code>/) that counts visits for a channel; with a referrer, a learner's own."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="links")
    code = models.SlugField(_("code"), max_length=32, unique=True, default=new_code)
    target_path = models.CharField(_("target path"), max_length=300, default="/", validators=[validate_site_path])
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="referral_links",
        verbose_name=_("referrer"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("tracked link")
        verbose_name_plural = _("tracked links")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "referrer"], condition=Q(referrer__isnull=False), name="referral_link_unique"
            )
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("marketing:tracked-link", args=[self.code])


class CampaignStats(models.Model):
    """The latest figures of a campaign, refreshed by a periodic task (never inside a request)."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="stats")
    data = models.JSONField(_("figures"), default=dict)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("campaign statistics")
        verbose_name_plural = _("campaign statistics")

    def __str__(self) -> str:
        return f"{self.campaign} @ {self.computed_at:%Y-%m-%d %H:%M}"
