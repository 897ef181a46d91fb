"""Coupons and their redemptions on orders; bundle purchases (two orders priced as one)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from courses.models import Course, Order

from .campaigns import Campaign


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
