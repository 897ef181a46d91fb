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
from courses.models import Course, Order, Partner

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


class Visit(models.Model):
    """One visitor's visit through a link on one day (later visits that day are not counted again)."""

    link = models.ForeignKey(TrackedLink, on_delete=models.CASCADE, related_name="visits")
    # Denormalised from the link: stats group by them without joins.
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="visits")
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="visits")
    visitor = models.CharField(_("visitor"), max_length=36)
    day = models.DateField(_("day"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [models.UniqueConstraint(fields=["link", "visitor", "day"], name="visit_once_per_day")]
        indexes = [models.Index(fields=["campaign", "channel"], name="visit_campaign_channel_idx")]

    def __str__(self) -> str:
        return f"{self.link} {self.day} {self.visitor}"


class Touch(models.Model):
    """Where a learner or an order came from: the first and the last campaign touch."""

    first_campaign = models.ForeignKey(Campaign, on_delete=models.SET_NULL, null=True, related_name="+")
    first_channel = models.ForeignKey(Channel, on_delete=models.SET_NULL, null=True, related_name="+")
    last_campaign = models.ForeignKey(Campaign, on_delete=models.SET_NULL, null=True, related_name="+")
    last_channel = models.ForeignKey(Channel, on_delete=models.SET_NULL, null=True, related_name="+")
    first_touched_at = models.DateTimeField(_("first touched at"))
    last_touched_at = models.DateTimeField(_("last touched at"))
    utm = models.JSONField(_("UTM parameters"), default=dict, blank=True)

    class Meta:
        abstract = True


class LearnerAttribution(Touch):
    """Recorded at a learner's first signed-in request that carries campaign touches."""

    learner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attribution")
    # The learner signed up after the first touch: counts as a sign-up the campaign brought.
    signed_up = models.BooleanField(_("signed up after the touch"), default=False)

    class Meta:
        verbose_name = _("learner attribution")
        verbose_name_plural = _("learner attributions")

    def __str__(self) -> str:
        return f"{self.learner} ← {self.first_campaign}"


class OrderAttribution(Touch):
    """The touches an order came with, and the learner who referred it, captured at checkout."""

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="attribution")
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="referred_orders"
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("order attribution")
        verbose_name_plural = _("order attributions")
        indexes = [models.Index(fields=["last_campaign", "last_channel"], name="order_attr_last_idx")]

    def __str__(self) -> str:
        return f"{self.order} ← {self.last_campaign}"


class Coupon(models.Model):
    class Kind(models.TextChoices):
        PERCENT = "percent", _("Percent off")
        FIXED = "fixed", _("Fixed amount off")

    code = models.CharField(_("code"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    value = models.DecimalField(_("value"), max_digits=10, decimal_places=2)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, null=True, blank=True, related_name="coupons", verbose_name=_("campaign")
    )
    # Empty: every course the campaign promotes (or every course, without a campaign).
    courses = models.ManyToManyField(Course, blank=True, related_name="coupons", verbose_name=_("courses"))
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))
    total_cap = models.PositiveIntegerField(_("uses in total"), null=True, blank=True)
    per_learner_cap = models.PositiveIntegerField(_("uses per learner"), default=1)

    class Meta:
        ordering = ["-valid_from", "code"]
        verbose_name = _("coupon")
        verbose_name_plural = _("coupons")
        constraints = [
            models.CheckConstraint(condition=Q(value__gt=0), name="coupon_value_positive"),
            models.CheckConstraint(condition=~Q(kind="percent") | Q(value__lte=100), name="coupon_percent_at_most_100"),
            models.CheckConstraint(condition=Q(valid_from__lt=models.F("valid_until")), name="coupon_window_ordered"),
        ]

    def __str__(self) -> str:
        return self.code


class CouponRedemption(models.Model):
    """A coupon on an order: applied at checkout, counted once payment starts, released if unpaid."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        REDEEMED = "redeemed", _("Redeemed")
        RELEASED = "released", _("Released")

    coupon = models.ForeignKey(Coupon, on_delete=models.PROTECT, related_name="redemptions")
    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="coupon_redemption")
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.APPLIED)
    discount = models.DecimalField(_("discount"), max_digits=10, decimal_places=2)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("coupon redemption")
        verbose_name_plural = _("coupon redemptions")
        indexes = [models.Index(fields=["coupon", "status"], name="redemption_coupon_status_idx")]

    def __str__(self) -> str:
        return f"{self.coupon} on {self.order}"


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


class BundlePurchase(models.Model):
    """A knowledge and an art course of one campaign bought as its bundle: the second order was
    discounted so that the two paid amounts add up to the campaign's bundle price."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="bundle_purchases")
    first_order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="bundle_as_first")
    second_order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="bundle_as_second")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("bundle purchase")
        verbose_name_plural = _("bundle purchases")

    def __str__(self) -> str:
        return f"{self.campaign}: {self.first_order} + {self.second_order}"


class CampaignScore(models.Model):
    """One computation of a campaign's three scores, with the inputs and counts behind them."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="scores")
    computed_at = models.DateTimeField(_("computed at"), db_index=True)
    respondents = models.PositiveIntegerField(_("respondents"))
    visitors = models.PositiveIntegerField(_("reached visitors"))
    d_k = models.FloatField(null=True)
    d_a = models.FloatField(null=True)
    r_k = models.FloatField(null=True)
    r_a = models.FloatField(null=True)
    e = models.FloatField(null=True)
    # None: not enough data (fewer respondents or visitors than the settings ask for).
    f = models.FloatField(null=True)
    g = models.FloatField(null=True)
    h = models.FloatField(null=True)
    observed_demand = models.FloatField(_("observed share wanting either"), null=True)
    observed_buyers = models.FloatField(_("observed share buying either"), null=True)
    revenue_knowledge = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    revenue_art = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    manual_channels = models.PositiveIntegerField(_("channels with a manual effect"), default=0)

    class Meta:
        ordering = ["-computed_at", "-id"]
        verbose_name = _("campaign score")
        verbose_name_plural = _("campaign scores")
        indexes = [models.Index(fields=["campaign", "-computed_at"], name="score_campaign_time_idx")]

    def __str__(self) -> str:
        return f"{self.campaign} @ {self.computed_at:%Y-%m-%d %H:%M}"
