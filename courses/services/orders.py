"""Writes of buying: enrollment, checkout (priced once, by the quote), cancelling and expiring orders."""

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from platform_site.exceptions import ApplicationError, Conflict

from .. import hooks, selectors
from ..models import Course, Enrollment, Order, OrderAdjustment
from ..payments import get_provider

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

# Stale orders expired per sweep; the periodic task runs again soon for the rest.
ORDER_EXPIRY_BATCH = 1000


# ------------------------------------------------------------------------------ enrollment
def _check_can_enroll(*, learner: "User", course: Course) -> None:
    if course.status != Course.Status.PUBLISHED:
        raise ApplicationError(_("This course is not open for enrollment."), code="course_not_published")
    if Enrollment.objects.active().filter(learner=learner, course=course).exists():
        raise Conflict(_("You are already enrolled in this course."), code="already_enrolled")


def _enrollment_activate(*, learner: "User", course: Course, order: Order | None) -> Enrollment:
    enrollment, _created = Enrollment.objects.update_or_create(
        learner=learner,
        course=course,
        defaults={"status": Enrollment.Status.ACTIVE, "order": order, "revoked_at": None},
    )
    return enrollment


def enrollment_create_free(*, learner: "User", course: Course) -> Enrollment:
    """Enroll `learner` in a free course. Enrolling twice returns the same enrollment."""
    if not course.is_free:
        raise ApplicationError(_("This course is not free; buy it instead."), code="course_not_free")
    existing = Enrollment.objects.active().filter(learner=learner, course=course).first()
    if existing:
        return existing
    _check_can_enroll(learner=learner, course=course)
    try:
        with transaction.atomic():
            return _enrollment_activate(learner=learner, course=course, order=None)
    except IntegrityError:  # a parallel request enrolled first
        return Enrollment.objects.get(learner=learner, course=course)


# ------------------------------------------------------------------------------ orders
class PriceChanged(Conflict):
    """Checkout would charge another price than the learner saw: show both and let them choose.

    Raised instead of repricing silently: when the learner's pending order would be replaced by
    one at another total (a new coupon typed, the coupon removed, the course price changed), or
    when the total the learner confirmed (`confirm_total`) is no longer the price. `extra` holds
    both breakdowns for the API; sending the new total back as `confirm_total` confirms it.
    """

    default_code = "price_changed"

    def __init__(self, *, order: Order | None, current: hooks.Quote | None, quote: hooks.Quote) -> None:
        super().__init__(
            _("The price has changed: confirm the new price or keep your order."),
            extra={
                "order": str(order.number) if order else None,
                "current": current.as_dict() if current else None,
                "quote": quote.as_dict(),
                "confirm_total": str(quote.total),
            },
        )
        self.order, self.current, self.quote = order, current, quote


def _check_can_buy(*, learner: "User", course: Course) -> None:
    if course.is_free:
        raise ApplicationError(_("This course is free; enroll directly."), code="course_is_free")
    _check_can_enroll(learner=learner, course=course)


def _pending_order(*, learner: "User", course: Course) -> Order | None:
    pending = Order.objects.filter(learner=learner, course=course, status=Order.Status.PENDING)
    return pending.prefetch_related("adjustments").first()


def checkout_preview(*, learner: "User", course: Course, context: Mapping[str, Any]) -> hooks.Quote:
    """Return the quote order_checkout would price now (a typed coupon applied), writing nothing.

    Refuses as checkout would (an unknown coupon, a course already bought).
    """
    _check_can_buy(learner=learner, course=course)
    pending = _pending_order(learner=learner, course=course)
    return hooks.checkout_quote(learner=learner, course=course, context=context, order=pending)


def order_checkout(
    *,
    learner: "User",
    course: Course,
    idempotency_key: str = "",
    context: Mapping[str, Any] | None = None,
    confirm_total: Decimal | None = None,
) -> tuple[Order, bool]:
    """Return the learner's pending order for `course`, creating it if needed, and whether it is new.

    Safe to call any number of times, in parallel: a retry with the same idempotency key returns
    the order that key created, and the one-open-order constraint turns every racing insert but
    one into a read of the winner. `context` carries what checkout extensions read (a coupon code,
    campaign touches).

    Continuing a pending order keeps its price and its coupon: the extensions price it again on
    its own terms, changed only by what the context asks (another coupon, none). Checkout never
    charges a total the learner did not see: if the pending order would be replaced by one at
    another total, or `confirm_total` (the total the learner confirmed) is not the price now, it
    raises PriceChanged with both breakdowns; called again with `confirm_total` set to the new
    total, it replaces the order. A new quote at the same total replaces it without asking.
    """
    context = context or {}
    if idempotency_key:
        existing = Order.objects.filter(learner=learner, idempotency_key=idempotency_key).first()
        if existing:
            if existing.course_id != course.pk:
                raise ApplicationError(
                    _("This idempotency key was already used for another course."), code="idempotency_key_reused"
                )
            return existing, False
    _check_can_buy(learner=learner, course=course)
    pending = _pending_order(learner=learner, course=course)
    quote = hooks.checkout_quote(learner=learner, course=course, context=context, order=pending)
    current = selectors.order_quote(order=pending) if pending else None
    if current is not None and pending is not None and current.same_terms(quote):
        return pending, False
    confirmed = confirm_total is not None and confirm_total == quote.total
    if confirm_total is not None and not confirmed:
        raise PriceChanged(order=pending, current=current, quote=quote)
    if pending is not None and current is not None:
        if not (confirmed or current.same_price(quote)):
            raise PriceChanged(order=pending, current=current, quote=quote)
        order_cancel(order=pending)
    try:
        with transaction.atomic():
            order = Order.objects.create(
                learner=learner,
                course=course,
                list_price=quote.list_price,
                discount=quote.discount,
                amount=quote.total,
                currency=quote.currency,
                provider=get_provider().name,
                idempotency_key=idempotency_key,
            )
            OrderAdjustment.objects.bulk_create(
                OrderAdjustment(order=order, kind=line.kind, code=line.code, amount=line.amount)
                for line in quote.adjustments
            )
            for extension in hooks.extensions():
                extension.order_created(order=order, quote=quote, context=context)
        return order, True
    except IntegrityError:
        winner = Order.objects.filter(learner=learner, course=course, status__in=Order.OPEN_STATUSES).first()
        if winner is None and idempotency_key:
            winner = Order.objects.filter(learner=learner, idempotency_key=idempotency_key).first()
        if winner is None:
            raise
        return winner, False


def order_cancel(*, order: Order) -> Order:
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status == Order.Status.CANCELLED:
            return order
        if order.status != Order.Status.PENDING:
            raise Conflict(_("Only an unpaid order can be cancelled."), code="order_not_pending")
        order.status = Order.Status.CANCELLED
        order.cancelled_at = timezone.now()
        order.save(update_fields=["status", "cancelled_at"])
        for extension in hooks.extensions():
            extension.order_cancelled(order=order)
    return order


def order_expire_stale(*, now: "datetime | None" = None) -> int:
    """Cancel up to ORDER_EXPIRY_BATCH pending orders older than ORDER_PENDING_TTL_MINUTES; return how many.

    In bulk, like saleor's `_expire_orders`: the ids of one batch are selected and locked (rows a
    payment holds are skipped: it decides them), cancelled with one UPDATE, and the extensions
    release what the whole batch held in one call. A constant number of queries per batch.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.ORDER_PENDING_TTL_MINUTES)
    with transaction.atomic():
        ids = list(
            Order.objects.select_for_update(skip_locked=True)
            .filter(status=Order.Status.PENDING, created_at__lt=cutoff)
            .order_by("pk")
            .values_list("pk", flat=True)[:ORDER_EXPIRY_BATCH]
        )
        if not ids:
            return 0
        Order.objects.filter(pk__in=ids).update(status=Order.Status.CANCELLED, cancelled_at=now)
        for extension in hooks.extensions():
            extension.orders_cancelled(order_ids=ids)
    return len(ids)
