"""Coupons: creating them, what one takes off a course, counting its use once payment starts, releasing it."""

from collections.abc import Iterable
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Course, Order
from platform_site.exceptions import ApplicationError, Conflict

from ..models import Campaign, Coupon, CouponRedemption
from .campaigns import field_errors

if TYPE_CHECKING:
    from accounts.models import User


CENT = Decimal("0.01")
COUPON_FIELDS = ("code", "kind", "value", "campaign", "valid_from", "valid_until", "total_cap", "per_learner_cap")


def check_coupon_fields(
    *, kind: str | None, value: Decimal | None, valid_from: datetime | None, valid_until: datetime | None
) -> None:
    """Refuse a coupon worth nothing, a percentage over 100, or a window that closes before it opens."""
    errors: dict[str, list[str]] = {}
    if value is not None and value <= 0:
        errors["value"] = [_("A coupon must take something off: enter a value above 0.")]
    elif value is not None and kind == Coupon.Kind.PERCENT and value > 100:
        errors["value"] = [_("A percentage cannot exceed 100.")]
    if valid_from and valid_until and valid_from >= valid_until:
        errors["valid_until"] = [_("The coupon must expire after it starts.")]
    field_errors(errors)


def _coupon_save(coupon: Coupon, fields: dict[str, Any], courses: Iterable[Course] | None) -> Coupon:
    for key, value in fields.items():
        if key in COUPON_FIELDS:
            setattr(coupon, key, value)
    check_coupon_fields(
        kind=coupon.kind, value=coupon.value, valid_from=coupon.valid_from, valid_until=coupon.valid_until
    )
    coupon.full_clean()
    coupon.save()
    if courses is not None:
        coupon.courses.set(courses)
    return coupon


@transaction.atomic
def coupon_create(*, courses: Iterable[Course] | None = None, **fields: Any) -> Coupon:
    return _coupon_save(Coupon(), fields, courses)


@transaction.atomic
def coupon_update(*, coupon: Coupon, courses: Iterable[Course] | None = None, **fields: Any) -> Coupon:
    return _coupon_save(coupon, fields, courses)


def coupon_delete(*, coupon: Coupon) -> None:
    coupon.delete()


def _coupon_applies(coupon: Coupon, course: Course) -> bool:
    scoped = list(coupon.courses.all())
    if scoped:
        return course in scoped
    if (campaign := coupon.campaign) is not None:  # None without a query when campaign_id is
        return (
            campaign.knowledge_courses.filter(pk=course.pk).exists()
            or campaign.art_courses.filter(pk=course.pk).exists()
        )
    return True


def _refuse(message: str, code: str) -> ApplicationError:
    """A refusal of the coupon the learner typed, shown at the coupon field (the API's `extra.fields`)."""
    return ApplicationError(message, code=code, extra={"fields": {"coupon": [message]}})


def _check_coupon(
    coupon: Coupon, *, learner: "User", course: Course, now: datetime, order: Order | None = None
) -> None:
    """Refuse a coupon that does not apply now; the uses `order` holds are its own, not counted against it."""
    if not coupon.valid_from <= now < coupon.valid_until:
        raise _refuse(_("This coupon has expired or is not valid yet."), "coupon_expired")
    if coupon.campaign is not None and coupon.campaign.status != Campaign.Status.RUNNING:
        raise _refuse(_("This coupon's campaign is not running."), "coupon_expired")
    if not _coupon_applies(coupon, course):
        raise _refuse(_("This coupon does not apply to this course."), "coupon_not_applicable")
    redeemed = coupon.redemptions.filter(status=CouponRedemption.Status.REDEEMED)
    if order is not None:
        redeemed = redeemed.exclude(order=order)
    if coupon.total_cap is not None and redeemed.count() >= coupon.total_cap:
        raise _refuse(_("This coupon has been used up."), "coupon_used_up")
    if redeemed.filter(learner=learner).count() >= coupon.per_learner_cap:
        raise _refuse(_("You have already used this coupon."), "coupon_used_up")


def coupon_discount(
    *, code: str, learner: "User", course: Course, now: datetime | None = None, order: Order | None = None
) -> tuple[Coupon, Decimal]:
    """Return the coupon named `code` and what it takes off `course` now, or refuse with a reason.

    `order` is the pending order being continued: the coupon use it holds does not count against it.
    """
    coupon = Coupon.objects.select_related("campaign").filter(code__iexact=code.strip()).first()
    if coupon is None:
        raise _refuse(_("There is no coupon with this code."), "coupon_unknown")
    _check_coupon(coupon, learner=learner, course=course, now=now or timezone.now(), order=order)
    if coupon.kind == Coupon.Kind.PERCENT:
        off = (course.price * coupon.value / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    else:
        off = coupon.value
    return coupon, min(off, course.price)


def coupon_redeem(*, order: Order) -> None:
    """Secure the order's coupon use (status `redeemed`), or refuse if it expired or ran out.

    Counted under the coupon's row lock: parallel redemptions queue on it, so a coupon capped at
    50 (in total, or per learner) is redeemed exactly 50 times. The redemption is read again once
    the lock is held: a use secured meanwhile for this same order (a double click, the payment
    callback racing the pay button) counts once and is never refused by its own count.
    """
    redemption = CouponRedemption.objects.filter(order=order).first()
    if redemption is None or redemption.status == CouponRedemption.Status.REDEEMED:
        return
    with transaction.atomic():
        # NO KEY UPDATE queues the redeemers without blocking checkouts that insert redemptions.
        coupon = (
            Coupon.objects.select_for_update(no_key=True, of=("self",))
            .select_related("campaign")
            .get(pk=redemption.coupon_id)
        )
        redemption.refresh_from_db(fields=["status"])
        if redemption.status == CouponRedemption.Status.REDEEMED:
            return
        if redemption.status == CouponRedemption.Status.RELEASED:  # its order was cancelled (expired) meanwhile
            raise Conflict(_("This order was cancelled before it was paid."), code="order_cancelled")
        _check_coupon(coupon, learner=order.learner, course=order.course, now=timezone.now())
        CouponRedemption.objects.filter(pk=redemption.pk).update(status=CouponRedemption.Status.REDEEMED)


def coupon_release(*, order: Order) -> None:
    coupons_release(order_ids=[order.pk])


def coupons_release(*, order_ids: list[int]) -> int:
    """Give back the coupon uses of unpaid orders (cancelled or expired): one UPDATE."""
    return CouponRedemption.objects.filter(order_id__in=order_ids).update(status=CouponRedemption.Status.RELEASED)
