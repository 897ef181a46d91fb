"""Coupons: what one takes off a course, counting its use once payment starts, releasing it."""

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Course, Order
from platform_site.exceptions import ApplicationError

from ..models import (
    Campaign,
    Coupon,
    CouponRedemption,
)

if TYPE_CHECKING:
    from accounts.models import User


CENT = Decimal("0.01")


def _coupon_applies(coupon: Coupon, course: Course) -> bool:
    scoped = list(coupon.courses.all())
    if scoped:
        return course in scoped
    if coupon.campaign_id:
        campaign = coupon.campaign
        return (
            campaign.knowledge_courses.filter(pk=course.pk).exists()
            or campaign.art_courses.filter(pk=course.pk).exists()
        )
    return True


def _check_coupon(coupon: Coupon, *, learner: "User", course: Course, now: datetime) -> None:
    if not coupon.valid_from <= now < coupon.valid_until:
        raise ApplicationError(_("This coupon has expired or is not valid yet."), code="coupon_expired")
    if coupon.campaign_id and coupon.campaign.status != Campaign.Status.RUNNING:
        raise ApplicationError(_("This coupon's campaign is not running."), code="coupon_expired")
    if not _coupon_applies(coupon, course):
        raise ApplicationError(_("This coupon does not apply to this course."), code="coupon_not_applicable")
    redeemed = coupon.redemptions.filter(status=CouponRedemption.Status.REDEEMED)
    if coupon.total_cap is not None and redeemed.count() >= coupon.total_cap:
        raise ApplicationError(_("This coupon has been used up."), code="coupon_used_up")
    if redeemed.filter(learner=learner).count() >= coupon.per_learner_cap:
        raise ApplicationError(_("You have already used this coupon."), code="coupon_used_up")


def coupon_discount(
    *, code: str, learner: "User", course: Course, now: datetime | None = None
) -> tuple[Coupon, Decimal]:
    """Return the coupon named `code` and what it takes off `course` now, or refuse with a reason."""
    coupon = Coupon.objects.select_related("campaign").filter(code__iexact=code.strip()).first()
    if coupon is None:
        raise ApplicationError(
            _("There is no coupon with this code."), code="coupon_unknown", extra={"field": "coupon"}
        )
    _check_coupon(coupon, learner=learner, course=course, now=now or timezone.now())
    if coupon.kind == Coupon.Kind.PERCENT:
        off = (course.price * coupon.value / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    else:
        off = coupon.value
    return coupon, min(off, course.price)


def coupon_redeem(*, order: Order) -> None:
    """Count the order's coupon use, or refuse if it expired or ran out since checkout.

    The coupon row is locked while its uses are counted: parallel redemptions queue on it, so a
    coupon capped at 50 is redeemed exactly 50 times.
    """
    redemption = CouponRedemption.objects.filter(order=order).first()
    if redemption is None or redemption.status == CouponRedemption.Status.REDEEMED:
        return
    with transaction.atomic():
        coupon = Coupon.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=redemption.coupon_id)
        _check_coupon(coupon, learner=order.learner, course=order.course, now=timezone.now())
        CouponRedemption.objects.filter(pk=redemption.pk).update(status=CouponRedemption.Status.REDEEMED)


def coupon_release(*, order: Order) -> None:
    CouponRedemption.objects.filter(order=order).update(status=CouponRedemption.Status.RELEASED)
