"""Bundle prices: a knowledge and an art course of one campaign bought together."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Exists, Model, OuterRef, Q, QuerySet, Subquery

from courses.hooks import Adjustment, Quote
from courses.models import Course, Order

from ..models import Campaign

if TYPE_CHECKING:
    from accounts.models import User

KNOWLEDGE_SIDE = Campaign.knowledge_courses.through
ART_SIDE = Campaign.art_courses.through
CENT = Decimal("0.01")
BUNDLE = "bundle"  # the kind of the Adjustment a bundle makes (services.checkout prices with it)


@dataclass(frozen=True)
class BundleOffer:
    campaign_id: int
    paired_order_id: int
    discount: Decimal


@dataclass(frozen=True)
class BundlePair:
    """One knowledge and one art course of a campaign: bought separately, and as a bundle.

    `together` is what the learner pays in all when buying one at its list price and then the
    other, priced by the bundle (`second`, the same quote checkout makes for it).
    """

    knowledge: Course
    art: Course
    second: Quote
    separate: Decimal

    @property
    def currency(self) -> str:
        return self.second.currency

    @property
    def together(self) -> Decimal:
        return self.separate - self.second.discount

    @property
    def saving(self) -> Decimal:
        return self.second.discount


def bundle_discount(*, bundle_price: Decimal, paid: Decimal, price: Decimal) -> Decimal:
    """What the bundle takes off a course of `price` for a learner who paid `paid` for the other side's."""
    return min(max(price - (bundle_price - paid), Decimal(0)), price)


def bundle_pairs(*, campaign: Campaign) -> list[BundlePair]:
    """The campaign's course pairs that cost less as a bundle, the largest saving first.

    Reads `campaign.knowledge_courses` and `campaign.art_courses` (prefetched by
    `selectors.campaign_list`: no query). A pair in two currencies has no bundle price.
    """
    bundle_price = campaign.bundle_price
    if bundle_price is None:
        return []
    pairs = []
    for knowledge in campaign.knowledge_courses.all():
        for art in campaign.art_courses.all():
            if knowledge.currency != art.currency:
                continue
            # Either may be bought first; the other is then priced by the bundle. Take the better order.
            first, second = max(
                ((knowledge, art), (art, knowledge)),
                key=lambda p: bundle_discount(bundle_price=bundle_price, paid=p[0].price, price=p[1].price),
            )
            discount = bundle_discount(bundle_price=bundle_price, paid=first.price, price=second.price)
            if discount <= 0:
                continue
            quote = Quote(
                list_price=second.price,
                currency=second.currency,
                adjustments=(Adjustment(kind=BUNDLE, amount=discount, refs={"campaign": campaign.pk}),),
            )
            pairs.append(BundlePair(knowledge=knowledge, art=art, second=quote, separate=knowledge.price + art.price))
    return sorted(pairs, key=lambda pair: (-pair.saving, pair.together, pair.knowledge.pk, pair.art.pk))


def _best_paired(paid: QuerySet[Order], side: type[Model]) -> QuerySet[Order]:
    """The learner's dearest unbundled paid order of a course on `side` of the outer campaign."""
    courses = side._default_manager.filter(campaign_id=OuterRef(OuterRef("pk"))).values("course_id")
    return paid.filter(course_id__in=courses).order_by("-amount", "pk")


def bundle_offer(*, learner: "User", course: Course, order: Order | None = None) -> BundleOffer | None:
    """Return the best bundle price the learner gets for `course`, if any: one query.

    A running campaign with a bundle price sells one knowledge and one art course together for
    it: with a paid order for a course of one side (not yet part of a bundle), the course of the
    other side costs the bundle price less what was paid. Each candidate campaign comes with its
    best paired order from subqueries, so the cost does not grow with the running campaigns.
    `order` is the pending order being continued: the paid order it is paired with stays free for it.
    """
    unpaired = Q(bundle_as_first__isnull=True)
    if order is not None:
        unpaired |= Q(bundle_as_first__second_order=order)
    paid = Order.objects.filter(unpaired, learner=learner, status=Order.Status.PAID, bundle_as_second__isnull=True)
    from_art, from_knowledge = _best_paired(paid, ART_SIDE), _best_paired(paid, KNOWLEDGE_SIDE)
    rows = (
        Campaign.objects.running()
        .filter(bundle_price__isnull=False)
        .annotate(
            in_knowledge=Exists(KNOWLEDGE_SIDE.objects.filter(campaign_id=OuterRef("pk"), course_id=course.pk)),
            in_art=Exists(ART_SIDE.objects.filter(campaign_id=OuterRef("pk"), course_id=course.pk)),
            art_order=Subquery(from_art.values("pk")[:1]),
            art_amount=Subquery(from_art.values("amount")[:1]),
            knowledge_order=Subquery(from_knowledge.values("pk")[:1]),
            knowledge_amount=Subquery(from_knowledge.values("amount")[:1]),
        )
        .filter(Q(in_knowledge=True) | Q(in_art=True))
        .values_list(
            "pk", "bundle_price", "in_knowledge", "art_order", "art_amount", "knowledge_order", "knowledge_amount"
        )
    )
    best: BundleOffer | None = None
    for pk, bundle_price, in_knowledge, art_order, art_amount, knowledge_order, knowledge_amount in rows:
        # A course on the knowledge side pairs with an art order, and the other way round.
        paired, amount = (art_order, art_amount) if in_knowledge else (knowledge_order, knowledge_amount)
        if paired is None or bundle_price is None:  # the query keeps only campaigns with a price
            continue
        discount = bundle_discount(bundle_price=bundle_price, paid=amount, price=course.price)
        if discount > 0 and (best is None or discount > best.discount):
            best = BundleOffer(campaign_id=pk, paired_order_id=paired, discount=discount)
    return best


def bundle_price_suggest(*, knowledge: Course, art: Course) -> Quote | None:
    """The bundle price a pairing suggestion proposes for `knowledge` and `art` bought together, as
    the checkout's own price breakdown (`courses.hooks.Quote`): both list prices less
    PAIRING_BUNDLE_DISCOUNT_PERCENT, rounded half up to the cent once, like a percent coupon.
    None when the two are sold in different currencies (a bundle has one price)."""
    if knowledge.currency != art.currency:
        return None
    separate = knowledge.price + art.price
    percent = Decimal(str(settings.PAIRING_BUNDLE_DISCOUNT_PERCENT))
    off = (separate * percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return Quote(
        list_price=separate,
        currency=knowledge.currency,
        adjustments=(Adjustment(kind=BUNDLE, amount=min(off, separate)),),
    )
