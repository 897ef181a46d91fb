"""Bundle prices: a knowledge and an art course of one campaign bought together."""

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Q

from courses.models import Course, Order

from ..models import (
    Campaign,
)

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class BundleOffer:
    campaign: Campaign
    paired_order: Order
    discount: Decimal


def bundle_offer(*, learner: "User", course: Course) -> BundleOffer | None:
    """Return the best bundle price the learner gets for `course`, if any.

    A running campaign with a bundle price sells one knowledge and one art course together for
    it: with a paid order for a course of one side (not yet part of a bundle), the course of the
    other side costs the bundle price less what was paid.
    """
    best: BundleOffer | None = None
    campaigns = (
        Campaign.objects.running()
        .filter(bundle_price__isnull=False)
        .filter(Q(knowledge_courses=course) | Q(art_courses=course))
        .distinct()
        .prefetch_related("knowledge_courses", "art_courses")
    )
    for campaign in campaigns:
        knowledge = list(campaign.knowledge_courses.all())
        other_side = campaign.art_courses.all() if course in knowledge else knowledge
        paired = (
            Order.objects.filter(learner=learner, status=Order.Status.PAID, course__in=list(other_side))
            .filter(bundle_as_first__isnull=True, bundle_as_second__isnull=True)
            .order_by("-amount")
            .first()
        )
        if paired is None:
            continue
        discount = min(max(course.price - (campaign.bundle_price - paired.amount), Decimal(0)), course.price)
        if discount > 0 and (best is None or discount > best.discount):
            best = BundleOffer(campaign=campaign, paired_order=paired, discount=discount)
    return best
