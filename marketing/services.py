"""Writes of the marketing domain: visits, touches, referral links, coupons, bundles, campaigns, scores."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.hooks import CheckoutExtension
from courses.models import Course, Order
from platform_site.exceptions import ApplicationError

from .attribution import Touches
from .models import (
    BundlePurchase,
    Campaign,
    Channel,
    Coupon,
    CouponRedemption,
    LearnerAttribution,
    OrderAttribution,
    TrackedLink,
    Visit,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User

    from .selectors import ScoreCounts

# Link previews and crawlers: they fetch a link without anyone having clicked it.
BOT_USER_AGENT = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|embedly|bingpreview|python-requests|wget|scrapy",
    re.IGNORECASE,
)
CENT = Decimal("0.01")


# ------------------------------------------------------------------------------ visits and touches
def is_bot(user_agent: str) -> bool:
    return not user_agent or bool(BOT_USER_AGENT.search(user_agent))


def visit_record(*, link: TrackedLink, visitor: str, user_agent: str, now: datetime | None = None) -> bool:
    """Count a visit through `link`, once per visitor and day; return whether it was counted."""
    if is_bot(user_agent):
        return False
    now = now or timezone.now()
    channel = link.channel
    try:
        with transaction.atomic():
            Visit.objects.create(
                link=link, campaign_id=channel.campaign_id, channel=channel, visitor=visitor, day=now.date()
            )
    except IntegrityError:  # this visitor came through this link today already
        return False
    return True


def learner_attribution_record(*, learner: "User", touches: Touches) -> LearnerAttribution | None:
    """Record where a learner came from, once, at their first signed-in request with touches."""
    touches = touches.within_window()
    if touches.last is None:
        return None
    first, last = touches.first or touches.last, touches.last
    try:
        with transaction.atomic():
            return LearnerAttribution.objects.create(
                learner=learner,
                first_campaign_id=first.campaign,
                first_channel_id=first.channel,
                last_campaign_id=last.campaign,
                last_channel_id=last.channel,
                first_touched_at=first.when,
                last_touched_at=last.when,
                utm=touches.utm,
                signed_up=learner.date_joined >= first.when,
            )
    except IntegrityError:  # recorded by a parallel request
        return None


def referral_link_for(*, learner: "User", campaign: Campaign) -> TrackedLink:
    """Return the learner's personal link for a running campaign, creating it on first use."""
    if campaign.status != Campaign.Status.RUNNING:
        raise ApplicationError(_("Referral links exist only for running campaigns."), code="campaign_not_running")
    channel, _created = Channel.objects.get_or_create(
        campaign=campaign, kind=Channel.Kind.USER_REFERRAL, defaults={"name": _("Learner referrals")}
    )
    existing = TrackedLink.objects.filter(channel=channel, referrer=learner).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return TrackedLink.objects.create(channel=channel, referrer=learner, target_path=_landing_path(campaign))
    except IntegrityError:
        return TrackedLink.objects.get(channel=channel, referrer=learner)


def _landing_path(campaign: Campaign) -> str:
    return f"/campaigns/{campaign.slug}/"


# ------------------------------------------------------------------------------ coupons
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


# ------------------------------------------------------------------------------ bundles
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


# ------------------------------------------------------------------------------ checkout extension
class MarketingCheckout(CheckoutExtension):
    """Plugs coupons and campaign attribution into the courses order flow."""

    def context_from_request(self, request: "HttpRequest") -> Mapping[str, Any]:
        from .attribution import read_touches

        return {"coupon_code": request.POST.get("coupon", "").strip(), "touches": read_touches(request)}

    def discount(self, *, learner: "User", course: Course, context: Mapping[str, Any]) -> Decimal:
        # No stacking: a coupon the learner typed wins; otherwise a bundle price applies by itself.
        if code := context.get("coupon_code"):
            return coupon_discount(code=code, learner=learner, course=course)[1]
        offer = bundle_offer(learner=learner, course=course)
        return offer.discount if offer else Decimal("0")

    def order_created(self, *, order: Order, context: Mapping[str, Any]) -> None:
        if code := context.get("coupon_code"):
            coupon, discount = coupon_discount(code=code, learner=order.learner, course=order.course)
            CouponRedemption.objects.create(coupon=coupon, order=order, learner=order.learner, discount=discount)
        elif order.discount and (offer := bundle_offer(learner=order.learner, course=order.course)):
            BundlePurchase.objects.create(campaign=offer.campaign, first_order=offer.paired_order, second_order=order)
        touches: Touches = (context.get("touches") or Touches()).within_window()
        if touches.last is not None:
            first = touches.first or touches.last
            referrer = touches.last.referrer if touches.last.referrer != order.learner_id else None
            OrderAttribution.objects.create(
                order=order,
                first_campaign_id=first.campaign,
                first_channel_id=first.channel,
                last_campaign_id=touches.last.campaign,
                last_channel_id=touches.last.channel,
                first_touched_at=first.when,
                last_touched_at=touches.last.when,
                utm=touches.utm,
                referrer_id=referrer,
            )

    def payment_starting(self, *, order: Order) -> None:
        coupon_redeem(order=order)

    def order_cancelled(self, *, order: Order) -> None:
        coupon_release(order=order)
        BundlePurchase.objects.filter(second_order=order).delete()  # the first course may pair again


# ------------------------------------------------------------------------------ statistics
def campaign_stats_refresh(*, campaign_ids: list[int] | None = None) -> int:
    """Recompute and store the figures of every campaign (or of `campaign_ids`); return how many."""
    from .models import CampaignStats
    from .selectors import campaign_stats

    now = timezone.now()
    rows = [
        CampaignStats(campaign_id=pk, data=data, computed_at=now)
        for pk, data in campaign_stats(campaign_ids=campaign_ids).items()
    ]
    CampaignStats.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["campaign"], update_fields=["data", "computed_at"]
    )
    return len(rows)


# ------------------------------------------------------------------------------ campaigns
def check_partner_shares(shares: list[tuple[str, Decimal]]) -> None:
    """Refuse (side, percent) shares unless both sides have a partner and the shares make 100%."""
    if {side for side, _percent in shares} != {"knowledge", "art"}:
        raise ApplicationError(
            _("A joint campaign needs at least one knowledge-side and one art-side partner."), code="campaign_sides"
        )
    if sum((percent for _side, percent in shares), Decimal(0)) != Decimal(100):
        raise ApplicationError(_("The partners' revenue shares must add up to 100%."), code="campaign_split")


def campaign_check_ready(*, campaign: Campaign) -> None:
    check_partner_shares([(share.side, share.share_percent) for share in campaign.partner_shares.all()])


def campaign_set_status(*, campaign: Campaign, status: str) -> Campaign:
    if status in (Campaign.Status.SCHEDULED, Campaign.Status.RUNNING):
        campaign_check_ready(campaign=campaign)
    campaign.status = status
    campaign.save(update_fields=["status"])
    return campaign


# ------------------------------------------------------------------------------ scores
def _share(part: int, whole: int) -> float | None:
    return min(part / whole, 1.0) if whole else None


def campaign_scores_compute(counts: "ScoreCounts") -> dict[str, Any]:
    """Turn a campaign's counts into the inputs and the three scores (None: not enough data).

    Dk, Da: shares of the campaign's respondents who want knowledge content, art training.
    Rk, Ra: shares of reached visitors who paid for a knowledge course, an art course (capped at
    1: a buyer who came without a tracked visit still counts as a buyer).
    E: the sum over channels of paid orders per 100 reached visitors, or the manager's manual
    effect for a channel that cannot be tracked. Below SCORES_MIN_RESPONDENTS respondents f is
    None, below SCORES_MIN_VISITORS visitors g is None and only manual effects make up E.
    """
    from . import scores

    enough_answers = counts.respondents >= settings.SCORES_MIN_RESPONDENTS
    enough_visitors = counts.visitors >= settings.SCORES_MIN_VISITORS
    d_k, d_a = _share(counts.want_knowledge, counts.respondents), _share(counts.want_art, counts.respondents)
    r_k, r_a = _share(counts.buyers_knowledge, counts.visitors), _share(counts.buyers_art, counts.visitors)
    manual = [effect for _reach, _orders, effect in counts.channels if effect is not None]
    # Measured effects only once enough visitors were reached; manual entries always count.
    measured = [
        100 * orders / reach
        for reach, orders, effect in counts.channels
        if effect is None and reach > 0 and enough_visitors
    ]
    e = float(sum(manual, Decimal(0))) + sum(measured) if (manual or enough_visitors) else None
    return {
        "respondents": counts.respondents, "visitors": counts.visitors,
        "d_k": d_k, "d_a": d_a, "r_k": r_k, "r_a": r_a, "e": e,
        "f": scores.demand(d_k, d_a) if enough_answers and d_k is not None else None,
        "g": scores.revenue(r_k, r_a) if enough_visitors and r_k is not None else None,
        "h": scores.promotion(e) if e is not None else None,
        "observed_demand": _share(counts.want_either, counts.respondents),
        "observed_buyers": _share(counts.buyers_either, counts.visitors),
        "revenue_knowledge": counts.revenue_knowledge, "revenue_art": counts.revenue_art,
        "manual_channels": len(manual),
    }  # fmt: skip


def campaign_scores_refresh(*, campaign_ids: list[int] | None = None) -> int:
    """Compute every campaign's scores (or those of `campaign_ids`) and store one snapshot each."""
    from .models import CampaignScore
    from .selectors import campaign_score_counts

    now = timezone.now()
    rows = [
        CampaignScore(campaign_id=pk, computed_at=now, **campaign_scores_compute(counts))
        for pk, counts in campaign_score_counts(campaign_ids=campaign_ids).items()
    ]
    CampaignScore.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
