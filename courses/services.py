"""Writes of the courses domain: publishing, checkout, payment, refund, enrollment."""

import hashlib
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from platform_site.exceptions import ApplicationError, Conflict
from platform_site.queueing import enqueue_on_commit

from . import hooks, selectors, tasks
from .models import Course, Enrollment, Order, OrderAdjustment, Partner, Payment
from .payments import PaymentNotice, PaymentRefused, get_provider

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

# Stale orders expired per sweep; the periodic task runs again soon for the rest.
ORDER_EXPIRY_BATCH = 1000

# What the skill tagger reads: a change to these fires hooks.course_text_changed.
COURSE_TEXT_FIELDS = ("title_zh", "title_en", "description_zh", "description_en")
SLUG_BASE_LENGTH = 70  # of the slug field's 80, leaving room for a "-<n>" suffix
COURSE_FIELDS = (
    "slug", "title_zh", "title_en", "description_zh", "description_en", "track", "level",
    "language", "price", "currency", "cover",
)  # fmt: skip


# ------------------------------------------------------------------------------ catalogue
def check_course_partners(*, partners: list[Partner] | None) -> None:
    """Refuse a course without a partner: someone must teach it and share its revenue."""
    if partners is not None and not list(partners):
        raise ApplicationError(
            _("A course needs at least one partner."),
            code="invalid",
            extra={"fields": {"partners": [_("A course needs at least one partner.")]}},
        )


@transaction.atomic
def course_slug_derive(*, title_en: str, title_zh: str) -> str:
    """Return a slug no course has yet: from the English title, else a short hash of the Chinese one.

    A Chinese manager often leaves the English title empty; slugify() drops every Chinese
    character, and a transliteration would need a dictionary, so `course-<hash>` it is.
    """
    base = slugify(title_en)[:SLUG_BASE_LENGTH].strip("-")
    if not base:
        base = "course-" + hashlib.sha256(title_zh.encode()).hexdigest()[:8]
    taken = set(Course.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def course_create(*, partners: list[Partner], **fields: Any) -> Course:
    check_course_partners(partners=partners)
    course = Course(**{key: value for key, value in fields.items() if key in COURSE_FIELDS})
    if not course.slug:
        course.slug = course_slug_derive(title_en=course.title_en, title_zh=course.title_zh)
    course.full_clean()
    course.save()
    course.partners.set(partners)
    hooks.course_text_changed([course.pk])
    return course


@transaction.atomic
def course_update(*, course: Course, partners: list[Partner] | None = None, **fields: Any) -> Course:
    text_before = [getattr(course, name) for name in COURSE_TEXT_FIELDS]
    check_course_partners(partners=partners)
    for key, value in fields.items():
        if key in COURSE_FIELDS:
            setattr(course, key, value)
    course.full_clean()
    course.save()
    if partners is not None:
        course.partners.set(partners)
    if [getattr(course, name) for name in COURSE_TEXT_FIELDS] != text_before:
        hooks.course_text_changed([course.pk])
    return course


def course_publish(*, course: Course) -> Course:
    if not course.lessons.exists():
        raise ApplicationError(_("A course needs at least one lesson before it is published."), code="no_lessons")
    course.status = Course.Status.PUBLISHED
    course.published_at = course.published_at or timezone.now()
    course.save(update_fields=["status", "published_at", "updated_at"])
    hooks.course_text_changed([course.pk])  # its text is public now: readers (the tagger) start on it
    return course


def course_archive(*, course: Course) -> Course:
    course.status = Course.Status.ARCHIVED
    course.save(update_fields=["status", "updated_at"])
    return course


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
