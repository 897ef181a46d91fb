"""What a learner buys and holds: orders, their price adjustments, payments and enrollments."""

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .. import hooks
from .catalogue import Course, Currency

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise


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
