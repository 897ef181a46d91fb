"""The revenue ledger: each paid order's amount split into the partners' shares and the platform's
commission, posted once when it is paid and reversed once when it is refunded.

The split is computed exactly (fractions of cents), rounded once to the currency's cents by the
largest-remainder method, so that the parts of an order always add up to its amount paid.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from courses.hooks import CheckoutExtension
from courses.models import Order, Partner

from .models import CourseShare, LedgerLine, LedgerPosting

# Both currencies sold (CNY, USD) count in hundredths; a currency without cents would list 1 here.
CURRENCY_MINOR_UNITS: Mapping[str, int] = {"CNY": 100, "USD": 100}
DEFAULT_MINOR_UNITS = 100


@dataclass(frozen=True)
class Part:
    """One part of a split: a partner's share or the commission on it (partner None: the platform's course)."""

    kind: str
    partner_id: int | None
    amount: Decimal


def _commission_rate(partner: Partner) -> Fraction:
    rate = partner.commission_rate if partner.commission_rate is not None else settings.PARTNER_COMMISSION_DEFAULT
    return Fraction(rate)


def split_amount(
    *, amount: Decimal, currency: str, weights: Mapping[int, Fraction], rates: Mapping[int, Fraction]
) -> list[Part]:
    """Split `amount` between partners by `weights` (any non-negative numbers, not all zero), each
    part less its commission at that partner's rate. Return the parts, rounded once to the
    currency's minor unit: every part is floored, then the cents left over go one each to the
    parts with the largest remainders; on a tie the partners' shares before the commissions,
    then the lower partner id.

    Without weights, the whole amount is the platform's commission.
    """
    unit = CURRENCY_MINOR_UNITS.get(currency, DEFAULT_MINOR_UNITS)
    total = Fraction(amount) * unit
    if total.denominator != 1:
        raise ValueError(f"{amount} {currency} is not a whole number of minor units.")
    cents = int(total)
    weight_sum = sum(weights.values(), Fraction(0))
    if not weights or weight_sum <= 0:
        return [Part(kind=LedgerLine.Kind.COMMISSION, partner_id=None, amount=Decimal(cents) / unit)]

    exact: list[tuple[tuple[int, int], str, int, Fraction]] = []
    for partner_id in sorted(weights):
        part = total * weights[partner_id] / weight_sum
        commission = part * rates[partner_id]
        exact.append(((0, partner_id), LedgerLine.Kind.SHARE, partner_id, part - commission))
        exact.append(((1, partner_id), LedgerLine.Kind.COMMISSION, partner_id, commission))
    floors = [int(value) for *_, value in exact]  # parts are non-negative: int() floors them
    left = cents - sum(floors)
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i][3] - floors[i]), exact[i][0]))
    for i in by_remainder[:left]:
        floors[i] += 1
    return [
        Part(kind=kind, partner_id=partner_id, amount=Decimal(floors[i]) / unit)
        for i, (_key, kind, partner_id, _value) in enumerate(exact)
    ]


def _order_campaign_weights(order: Order) -> tuple[int | None, dict[int, Fraction]]:
    """Return the joint campaign the order is attributed to (its last touch, when the course is one
    of the campaign's) and the campaign partners' shares; (None, {}) when it is not."""
    from marketing.models import Campaign, CampaignPartner, OrderAttribution

    campaign_id = OrderAttribution.objects.filter(order=order).values_list("last_campaign_id", flat=True).first()
    if campaign_id is None:
        return None, {}
    of_campaign = Q(knowledge_courses=order.course_id) | Q(art_courses=order.course_id)
    if not Campaign.objects.filter(of_campaign, pk=campaign_id).exists():
        return None, {}
    weights = {
        partner_id: Fraction(share)
        for partner_id, share in CampaignPartner.objects.filter(campaign_id=campaign_id).values_list(
            "partner_id", "share_percent"
        )
    }
    if sum(weights.values(), Fraction(0)) <= 0:
        return None, {}
    return campaign_id, weights


def _order_course_weights(order: Order) -> dict[int, Fraction]:
    """The course partners' shares as set, else equal shares."""
    partner_ids = list(order.course.partners.values_list("pk", flat=True))
    set_shares = dict(
        CourseShare.objects.filter(course_id=order.course_id, partner_id__in=partner_ids).values_list(
            "partner_id", "share_percent"
        )
    )
    if set_shares and sum(set_shares.values()) > 0:
        return {partner_id: Fraction(share) for partner_id, share in set_shares.items()}
    return {partner_id: Fraction(1) for partner_id in partner_ids}


def order_split(*, order: Order) -> tuple[int | None, list[Part]]:
    """Return the campaign the order's money is split by (None: by the course's partners) and its parts."""
    campaign_id, weights = _order_campaign_weights(order)
    if campaign_id is None:
        weights = _order_course_weights(order)
    rates = {partner.pk: _commission_rate(partner) for partner in Partner.objects.filter(pk__in=list(weights))}
    return campaign_id, split_amount(amount=order.amount, currency=order.currency, weights=weights, rates=rates)


def _posting_create(*, order: Order, entry: str, posted_at: datetime | None = None) -> LedgerPosting | None:
    """Create the (order, entry) posting, or return None when it is there already."""
    if LedgerPosting.objects.filter(order=order, entry=entry).exists():
        return None
    try:
        with transaction.atomic():  # a savepoint: the race's loser leaves the caller's transaction usable
            return LedgerPosting.objects.create(order=order, entry=entry, posted_at=posted_at or timezone.now())
    except IntegrityError:
        return None


@transaction.atomic
def ledger_post_sale(*, order: Order, posted_at: datetime | None = None) -> list[LedgerLine]:
    """Post a paid order's split; posting it again posts nothing. Return the lines posted now.

    `posted_at`: when it happened, for orders paid before the ledger (default: now)."""
    posting = _posting_create(order=order, entry=LedgerPosting.Entry.SALE, posted_at=posted_at)
    if posting is None:
        return []
    campaign_id, parts = order_split(order=order)
    return LedgerLine.objects.bulk_create(
        LedgerLine(
            posting=posting,
            order=order,
            entry=posting.entry,
            posted_at=posting.posted_at,
            kind=part.kind,
            partner_id=part.partner_id,
            course_id=order.course_id,
            campaign_id=campaign_id,
            amount=part.amount,
            currency=order.currency,
        )
        for part in parts
        if part.amount
    )


@transaction.atomic
def ledger_post_refund(*, order: Order, posted_at: datetime | None = None) -> list[LedgerLine]:
    """Post the reversal of a refunded order's sale lines, once. Return the lines posted now."""
    posting = _posting_create(order=order, entry=LedgerPosting.Entry.REFUND, posted_at=posted_at)
    if posting is None:
        return []
    sale_lines = LedgerLine.objects.filter(order=order, entry=LedgerPosting.Entry.SALE)
    return LedgerLine.objects.bulk_create(
        LedgerLine(
            posting=posting,
            order=order,
            entry=posting.entry,
            posted_at=posting.posted_at,
            kind=line.kind,
            partner_id=line.partner_id,
            course_id=line.course_id,
            campaign_id=line.campaign_id,
            amount=-line.amount,
            currency=line.currency,
        )
        for line in sale_lines
    )


class LedgerOnOrders(CheckoutExtension):
    """Posts the ledger from the order flow: in the payment's (and the refund's) own transaction."""

    def order_paid(self, *, order: Order) -> None:
        ledger_post_sale(order=order)

    def order_refunded(self, *, order: Order) -> None:
        ledger_post_refund(order=order)


@dataclass(frozen=True)
class BackfillResult:
    orders: int  # paid or refunded orders looked at
    sales: int  # sale postings made now
    refunds: int  # refund postings made now


# Orders per transaction: a crash loses at most one batch's work, which the next run redoes.
BACKFILL_BATCH = 500


def ledger_backfill(*, dry_run: bool = False) -> BackfillResult:
    """Post the paid and refunded orders that predate the ledger, dated when they were paid and
    refunded (their lines fall on the next statement issued: issued ones never change).
    Idempotent: an order posted already (by the flow or an earlier run) posts nothing again."""
    missing_sale = Order.objects.filter(status__in=[Order.Status.PAID, Order.Status.REFUNDED]).exclude(
        ledger_postings__entry=LedgerPosting.Entry.SALE
    )
    missing_refund = Order.objects.filter(status=Order.Status.REFUNDED).exclude(
        ledger_postings__entry=LedgerPosting.Entry.REFUND
    )
    ids = sorted(set(missing_sale.values_list("pk", flat=True)) | set(missing_refund.values_list("pk", flat=True)))
    if dry_run:
        return BackfillResult(orders=len(ids), sales=missing_sale.count(), refunds=missing_refund.count())
    postings = LedgerPosting.objects.values("entry").annotate(n=Count("pk"))
    before = {row["entry"]: row["n"] for row in postings}
    for start in range(0, len(ids), BACKFILL_BATCH):
        with transaction.atomic():
            for order in Order.objects.filter(pk__in=ids[start : start + BACKFILL_BATCH]).select_related("course"):
                ledger_post_sale(order=order, posted_at=order.paid_at or order.created_at)
                if order.status == Order.Status.REFUNDED:
                    ledger_post_refund(order=order, posted_at=order.refunded_at or order.paid_at or order.created_at)
    # Postings made now, counted rather than inferred from lines: a free order posts no line.
    after = {row["entry"]: row["n"] for row in postings.all()}
    sale, refund = LedgerPosting.Entry.SALE, LedgerPosting.Entry.REFUND
    return BackfillResult(
        orders=len(ids),
        sales=after.get(sale, 0) - before.get(sale, 0),
        refunds=after.get(refund, 0) - before.get(refund, 0),
    )
