"""Writes of paying: starting and confirming a payment, refunds and receipts."""

import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from platform_site.exceptions import ApplicationError, Conflict
from platform_site.queueing import enqueue_on_commit

from .. import hooks, selectors, tasks
from ..models import Enrollment, Order, Payment
from ..payments import PaymentNotice, PaymentRefused, get_provider
from .orders import _enrollment_activate, order_cancel

if TYPE_CHECKING:
    pass

logger = logging.getLogger(__name__)


def payment_secure(*, order: Order) -> None:
    """Check that `order` may be paid as priced now, securing what its price relies on (a coupon
    use, counted under the coupon's row lock); raise to refuse. Securing twice counts once."""
    if order.status != Order.Status.PENDING:
        raise Conflict(_("This order is not waiting for payment."), code="order_not_pending")
    with transaction.atomic():
        for extension in hooks.extensions():
            extension.payment_starting(order=order)


def payment_start(*, order: Order) -> str:
    """Return the URL where the learner pays `order`, once every extension agrees to its price."""
    payment_secure(order=order)
    return get_provider(order.provider).checkout_url(order)


def payment_confirm(*, notice: PaymentNotice) -> Order:
    """Record the verified payment of an order and enroll its learner.

    Idempotent: the same gateway transaction confirmed twice (a replayed or doubled callback,
    in parallel too: the order row is locked) changes nothing the second time. Any mismatch
    with the order is refused with nothing written.

    The price holds where the money moves: under the order's lock, every extension must find
    what the order's price relies on secured for it (its coupon use, counted under the coupon's
    cap), or secure it now. If one cannot (the coupon ran out: the order never started payment,
    or the gateway charged it anyway), the payment is refused (`PaymentRefused`), the order is
    cancelled (its coupon use released, so it can never be paid at that price later), and the
    transaction is logged at ERROR to be refunded at the gateway, as for a payment that arrives
    for an order already cancelled. Nothing is repriced: a learner cannot owe what they did not
    agree to pay, and no order is ever paid at a discount it was not counted for.
    """
    order, refusal = _payment_record(notice=notice)
    if refusal is not None:
        logger.error(
            "Payment %s for order %s refused (%s): refund it at the gateway", notice.reference, order.number,
            refusal.code,
        )  # fmt: skip
        message = _(
            "%(reason)s The order can no longer be paid at its price: "
            "it was cancelled and the payment will be refunded."
        )
        raise PaymentRefused(message % {"reason": refusal.message}, extra={"reason": refusal.code})
    return order


@transaction.atomic
def _payment_record(*, notice: PaymentNotice) -> tuple[Order, ApplicationError | None]:
    """Record the payment of `notice`, or cancel its order if an extension refuses the price."""
    order = Order.objects.select_for_update().filter(number=notice.order_number).first()
    if order is None:
        raise ApplicationError(_("The payment is for an unknown order."), code="unknown_order")
    if order.status in (Order.Status.PAID, Order.Status.REFUNDED):
        if order.payment.provider == notice.provider and order.payment.reference == notice.reference:
            return order, None
        logger.error(
            "Second transaction %s for paid order %s: refund it at the gateway", notice.reference, order.number
        )
        raise Conflict(_("This order was already paid."), code="order_already_paid")
    if order.status == Order.Status.CANCELLED:
        logger.error("Payment %s for cancelled order %s: refund it at the gateway", notice.reference, order.number)
        raise Conflict(_("This order was cancelled before it was paid."), code="order_cancelled")
    if notice.provider != order.provider or notice.amount != order.amount or notice.currency != order.currency:
        raise ApplicationError(_("The payment does not match the order."), code="payment_mismatch")
    try:
        with transaction.atomic():
            for extension in hooks.extensions():
                extension.payment_confirming(order=order)
    except ApplicationError as refusal:
        return order_cancel(order=order), refusal

    now = timezone.now()
    Payment.objects.create(
        order=order,
        provider=notice.provider,
        reference=notice.reference,
        amount=notice.amount,
        currency=notice.currency,
        payload=dict(notice.payload),
    )
    order.status = Order.Status.PAID
    order.paid_at = now
    order.save(update_fields=["status", "paid_at"])
    _enrollment_activate(learner=order.learner, course=order.course, order=order)
    for extension in hooks.extensions():
        extension.order_paid(order=order)
    # A broker outage must not undo a payment or fail its callback: the periodic sweep sends the receipt later.
    enqueue_on_commit(tasks.order_send_receipt_task, order.pk)
    return order, None


@transaction.atomic
def order_refund(*, order: Order) -> Order:
    """Refund a paid order at its gateway and revoke the enrollment it bought. Idempotent."""
    order = Order.objects.select_for_update(of=("self",)).select_related("payment").get(pk=order.pk)
    if order.status == Order.Status.REFUNDED:
        return order
    if order.status != Order.Status.PAID:
        raise Conflict(_("Only a paid order can be refunded."), code="order_not_paid")
    now = timezone.now()
    payment = order.payment
    payment.refund_reference = get_provider(order.provider).refund(payment)
    payment.refunded_at = now
    payment.save(update_fields=["refund_reference", "refunded_at"])
    order.status = Order.Status.REFUNDED
    order.refunded_at = now
    order.save(update_fields=["status", "refunded_at"])
    Enrollment.objects.filter(order=order).update(status=Enrollment.Status.REVOKED, revoked_at=now)
    for extension in hooks.extensions():
        extension.order_refunded(order=order)
    return order


def order_send_receipt(*, order_id: int) -> bool:
    """E-mail the receipt of a paid order once, with its price breakdown; return whether it was sent now.

    We do not know which language the learner reads, so the receipt says it in each of the
    site's languages, the default one (Chinese) first.
    """
    with transaction.atomic():
        order = (
            Order.objects.select_for_update(of=("self",))
            .select_related("learner", "course")
            .prefetch_related("adjustments")
            .filter(pk=order_id)
            .first()
        )
        if order is None or order.status != Order.Status.PAID or order.receipt_sent_at:
            return False
        quote = selectors.order_quote(order=order)
        subjects, bodies = [], []
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                subjects.append(_("Your receipt for %(course)s") % {"course": order.course.title})
                context = {"order": order, "quote": quote}
                bodies.append(render_to_string("courses/email/receipt.txt", context).strip())
        send_mail(
            subject=" / ".join(dict.fromkeys(subjects)),
            message="\n\n----\n\n".join(bodies) + "\n",
            from_email=None,
            recipient_list=[order.learner.email],
        )
        order.receipt_sent_at = timezone.now()
        order.save(update_fields=["receipt_sent_at"])
    return True


def orders_missing_receipt_ids(*, older_than: timedelta) -> list[int]:
    cutoff = timezone.now() - older_than
    return list(
        Order.objects.filter(status=Order.Status.PAID, receipt_sent_at__isnull=True, paid_at__lt=cutoff).values_list(
            "pk", flat=True
        )[:500]
    )
