"""Bundle prices: a knowledge and an art course of one campaign bought together."""

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Exists, Model, OuterRef, Q, QuerySet, Subquery

from courses.models import Course, Order

from ..models import Campaign

if TYPE_CHECKING:
    from accounts.models import User

KNOWLEDGE_SIDE = Campaign.knowledge_courses.through
ART_SIDE = Campaign.art_courses.through


@dataclass(frozen=True)
class BundleOffer:
    campaign_id: int
    paired_order_id: int
    discount: Decimal


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
        if paired is None:
            continue
        discount = min(max(course.price - (bundle_price - amount), Decimal(0)), course.price)
        if discount > 0 and (best is None or discount > best.discount):
            best = BundleOffer(campaign_id=pk, paired_order_id=paired, discount=discount)
    return best
