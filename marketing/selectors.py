"""Reads of the marketing domain. Campaign statistics come from a fixed number of aggregate
queries, whatever the number of campaigns, channels, visits or orders."""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value, When

from courses.hooks import annotate_courses
from courses.models import Course, Order
from surveys.selectors import want_counts_by_campaign

from . import hooks
from .models import (
    Campaign,
    CampaignPartner,
    CampaignScore,
    Channel,
    CoursePairing,
    LearnerAttribution,
    OrderAttribution,
    TrackedLink,
    Visit,
)

ZERO = Decimal("0")


def campaign_channel_for_utm(utm: dict[str, str]) -> tuple[int, int | None] | None:
    """Resolve `utm_campaign` (a campaign slug) and `utm_medium` (a channel kind) to ids."""
    campaign = Campaign.objects.filter(slug=utm.get("utm_campaign", "")).only("pk").first()
    if campaign is None:
        return None
    channel = Channel.objects.filter(campaign=campaign, kind=utm.get("utm_medium", "")).only("pk").first()
    return campaign.pk, channel.pk if channel else None


def tracked_link(*, code: str) -> TrackedLink | None:
    return TrackedLink.objects.select_related("channel__campaign").filter(code=code).first()


def tracked_link_campaign_channel(code: str) -> tuple[int, int] | None:
    """The campaign and channel ids of the link `code` (surveys attribute their responses with it)."""
    row = TrackedLink.objects.filter(code=code).values_list("channel__campaign_id", "channel_id").first()
    return (row[0], row[1]) if row else None


def running_campaigns(*, course: Course | None = None) -> list[Campaign]:
    """Running campaigns, newest first; with `course`, only those promoting it (one query)."""
    campaigns = Campaign.objects.running()
    if course is not None:
        campaigns = campaigns.filter(Q(knowledge_courses=course) | Q(art_courses=course)).distinct()
    return list(campaigns.order_by("-starts_at")[:3])


def course_referral_campaign(*, course: Course) -> Campaign | None:
    """The newest running campaign promoting `course`, with its partners' shares, knowledge side
    first (two queries): what a learner's share poster of the course names and links to."""
    shares = CampaignPartner.objects.select_related("partner").order_by("-side", "pk")
    return (
        Campaign.objects.running()
        .filter(Q(knowledge_courses=course) | Q(art_courses=course))
        .distinct()
        .order_by("-starts_at", "-pk")
        .prefetch_related(Prefetch("partner_shares", queryset=shares))
        .first()
    )


def campaign_offers(*, campaign: Campaign) -> dict[str, Any]:
    """What the landing page offers now: the campaign's valid coupons and its open surveys (two queries)."""
    from django.utils import timezone

    from surveys.models import Survey

    now = timezone.now()
    coupons = campaign.coupons.filter(valid_from__lte=now, valid_until__gt=now).order_by("valid_until", "code")
    surveys = Survey.objects.filter(campaign=campaign, opens_at__lte=now, closes_at__gt=now).order_by("closes_at")
    return {"coupons": list(coupons), "surveys": list(surveys)}


def campaign_list() -> QuerySet[Campaign]:
    # The courses with their partners: the landing page draws a card of each (no query per card).
    courses = annotate_courses(Course.objects.all())  # with the figures other apps put on cards
    return Campaign.objects.prefetch_related(
        "partner_shares__partner",
        Prefetch("knowledge_courses", queryset=courses),
        Prefetch("art_courses", queryset=courses),
        "knowledge_courses__partners",
        "art_courses__partners",
        "channels",
    )


def _reach(ids: list[int]) -> tuple[dict[int, int], dict[tuple[int, int], int]]:
    """Distinct visitors per campaign and per (campaign, channel): two aggregate queries."""
    visits = Visit.objects.filter(campaign_id__in=ids)
    distinct = Count("visitor", distinct=True)
    by_campaign = {r["campaign_id"]: r["n"] for r in visits.values("campaign_id").annotate(n=distinct)}
    by_channel = {
        (r["campaign_id"], r["channel_id"]): r["n"]
        for r in visits.values("campaign_id", "channel_id").annotate(n=distinct)
    }
    return by_campaign, by_channel


def _rate(numerator: float, denominator: float) -> float:
    return round(numerator / denominator, 6) if denominator else 0.0


def _money(value: Decimal | None) -> str:
    return f"{(value or ZERO):.2f}"


def campaign_stats(*, campaign_ids: list[int] | None = None) -> dict[int, dict[str, Any]]:
    """Return every campaign's funnel by channel, revenue by side, refunds, cost and revenue split.

    Visits and sign-ups are credited to the channel that brought them (sign-ups to the first
    touch); orders, revenue and refunds to the last touch before checkout. Revenue is what paid
    orders brought, so a refund takes its order's amount back out. The split is each partner's
    part of the campaign's orders as the ledger posted it (before the platform's commission).
    """
    campaigns = Campaign.objects.all()
    if campaign_ids is not None:
        campaigns = campaigns.filter(pk__in=campaign_ids)
    campaign_rows = list(campaigns.values("pk", "slug", "name_zh", "name_en"))
    ids = [c["pk"] for c in campaign_rows]

    channels: defaultdict[int, list[Mapping[str, Any]]] = defaultdict(list)
    for channel in Channel.objects.filter(campaign_id__in=ids).values("pk", "campaign_id", "kind", "name", "cost"):
        channels[channel["campaign_id"]].append(channel)
    reach, reach_by_channel = _reach(ids)
    signups: dict[tuple[int, int | None], int] = {
        (r["first_campaign_id"], r["first_channel_id"]): r["n"]
        for r in LearnerAttribution.objects.filter(first_campaign_id__in=ids, signed_up=True)
        .values("first_campaign_id", "first_channel_id")
        .annotate(n=Count("pk"))
    }
    paid = Q(order__status=Order.Status.PAID)
    refunded = Q(order__status=Order.Status.REFUNDED)
    orders = (
        OrderAttribution.objects.filter(last_campaign_id__in=ids)
        .annotate(side=_order_side())
        .values("last_campaign_id", "last_channel_id", "side")
        .annotate(
            paid=Count("pk", filter=paid),
            revenue=Sum("order__amount", filter=paid),
            refunds=Count("pk", filter=refunded),
            refunded=Sum("order__amount", filter=refunded),
        )
    )
    sales: dict[tuple[int, int | None], dict[str, Any]] = defaultdict(
        lambda: {"orders": 0, "refunds": 0, "refunded": ZERO, "revenue": defaultdict(lambda: ZERO)}
    )
    for row in orders:
        cell = sales[(row["last_campaign_id"], row["last_channel_id"])]
        cell["orders"] += row["paid"]
        cell["refunds"] += row["refunds"]
        cell["refunded"] += row["refunded"] or ZERO
        cell["revenue"][row["side"]] += row["revenue"] or ZERO
    shares = defaultdict(list)
    for share in CampaignPartner.objects.filter(campaign_id__in=ids).select_related("partner"):
        shares[share.campaign_id].append(share)
    # What each side earned is the ledger's (partners posts it when an order is paid): one computation.
    split = hooks.campaign_split(campaign_ids=ids)

    result = {}
    for campaign in campaign_rows:
        pk = campaign["pk"]
        keys = [(pk, ch["pk"]) for ch in channels[pk]] + [(pk, None)]  # None: a touch with no channel
        rows = []
        for ch in [*channels[pk], {"pk": None, "kind": "", "name": "", "cost": ZERO}]:
            sold = sales.get((pk, ch["pk"]))
            channel_reach = reach_by_channel.get((pk, ch["pk"]), 0)
            revenue = sum(sold["revenue"].values(), ZERO) if sold else ZERO
            if ch["pk"] is None and not sold and not signups.get((pk, None)):
                continue
            rows.append(
                {
                    "channel": ch["pk"], "kind": ch["kind"], "name": ch["name"], "cost": _money(ch["cost"]),
                    "reach": channel_reach, "signups": signups.get((pk, ch["pk"]), 0),
                    "orders": sold["orders"] if sold else 0, "revenue": _money(revenue),
                    "refunds": sold["refunds"] if sold else 0,
                    "conversion_rate": _rate(sold["orders"] if sold else 0, channel_reach),
                },
            )  # fmt: skip
        by_side: defaultdict[str, Decimal] = defaultdict(lambda: ZERO)
        for key in keys:
            if key in sales:
                for side, amount in sales[key]["revenue"].items():
                    by_side[side] += amount
        total = sum(by_side.values(), ZERO)
        paid_orders = sum(sales[k]["orders"] for k in keys if k in sales)
        cost = sum((Decimal(ch["cost"]) for ch in channels[pk]), ZERO)
        result[pk] = {
            "campaign": pk,
            "slug": campaign["slug"],
            "reach": reach.get(pk, 0),
            "signups": sum(signups.get(k, 0) for k in keys),
            "orders": paid_orders,
            "revenue": {"knowledge": _money(by_side["knowledge"]), "art": _money(by_side["art"]),
                        "other": _money(by_side["other"]), "total": _money(total)},
            "refunds": {"count": sum(sales[k]["refunds"] for k in keys if k in sales),
                        "amount": _money(sum((sales[k]["refunded"] for k in keys if k in sales), ZERO))},
            "cost": _money(cost),
            "conversion_rate": _rate(paid_orders, reach.get(pk, 0)),
            "revenue_per_visitor": _money(total / reach[pk]) if reach.get(pk) else "0.00",
            "channels": rows,
            "split": [
                {"partner": s.partner.slug, "name": s.partner.name_zh, "side": s.side,
                 "share_percent": str(s.share_percent), "amount": _money(split[pk].get(s.partner_id))}
                for s in shares[pk]
            ],
        }  # fmt: skip
    return result


@dataclass(frozen=True)
class ReferralSummary:
    """A learner's referral links and what they earned: every paid order that came through them.

    The rule is checkout's (`services.checkout`): an order is credited to the learner whose link
    was its last touch, never to the buyer themselves; a refund takes the credit back.
    """

    links: list[TrackedLink]
    credits: list[OrderAttribution]
    # What the credited orders brought, per currency: [(currency, total)], in currency order.
    totals: list[tuple[str, Decimal]]


def referral_summary(*, learner: Any) -> ReferralSummary:
    """A learner's referral links and credits: paid orders that came through them (two queries)."""
    links = list(TrackedLink.objects.filter(referrer=learner).select_related("channel__campaign"))
    credits = list(
        OrderAttribution.objects.filter(referrer=learner, order__status=Order.Status.PAID)
        .select_related("order__course", "last_campaign")
        .order_by("-order__paid_at", "-pk")
    )
    totals: defaultdict[str, Decimal] = defaultdict(lambda: ZERO)
    for credit in credits:
        totals[credit.order.currency] += credit.order.amount
    return ReferralSummary(links=links, credits=credits, totals=sorted(totals.items()))


@dataclass(frozen=True)
class ScoreCounts:
    """The counts behind one campaign's scores (see services.campaign_scores_compute)."""

    respondents: int = 0
    want_knowledge: int = 0
    want_art: int = 0
    want_either: int = 0
    visitors: int = 0
    buyers_knowledge: int = 0
    buyers_art: int = 0
    buyers_either: int = 0
    revenue_knowledge: Decimal = ZERO
    revenue_art: Decimal = ZERO
    # (reached visitors, paid orders, manual effect or None) per channel
    channels: tuple[tuple[int, int, Decimal | None], ...] = ()


def campaign_score_counts(*, campaign_ids: list[int] | None = None) -> dict[int, ScoreCounts]:
    """Return the counts behind every campaign's scores from eight aggregate queries in all.

    The survey answers are read through surveys' selectors: surveys owns them.
    """
    campaigns = Campaign.objects.all() if campaign_ids is None else Campaign.objects.filter(pk__in=campaign_ids)
    ids = list(campaigns.values_list("pk", flat=True))
    responses = want_counts_by_campaign(campaign_ids=ids)
    reach, reach_by_channel = _reach(ids)
    paid = OrderAttribution.objects.filter(last_campaign_id__in=ids, order__status=Order.Status.PAID)
    by_side: defaultdict[int, dict[str, Mapping[str, Any]]] = defaultdict(dict)
    for side_row in (
        paid.annotate(side=_order_side())
        .values("last_campaign_id", "side")
        .annotate(buyers=Count("order__learner", distinct=True), revenue=Sum("order__amount"))
    ):
        by_side[side_row["last_campaign_id"]][side_row["side"]] = side_row
    either = {
        r["last_campaign_id"]: r["n"]
        for r in paid.values("last_campaign_id").annotate(n=Count("order__learner", distinct=True))
    }
    orders_by_channel = {
        (r["last_campaign_id"], r["last_channel_id"]): r["n"]
        for r in paid.values("last_campaign_id", "last_channel_id").annotate(n=Count("pk"))
    }
    channels = defaultdict(list)
    for row in Channel.objects.filter(campaign_id__in=ids).values("pk", "campaign_id", "manual_effect"):
        key = (row["campaign_id"], row["pk"])
        channels[row["campaign_id"]].append(
            (reach_by_channel.get(key, 0), orders_by_channel.get(key, 0), row["manual_effect"])
        )

    result = {}
    for pk in ids:
        answers, sides = responses.get(pk, {}), by_side.get(pk, {})
        knowledge, art = sides.get("knowledge", {}), sides.get("art", {})
        result[pk] = ScoreCounts(
            respondents=answers.get("n", 0), want_knowledge=answers.get("k", 0), want_art=answers.get("a", 0),
            want_either=answers.get("either", 0), visitors=reach.get(pk, 0),
            buyers_knowledge=knowledge.get("buyers", 0), buyers_art=art.get("buyers", 0),
            buyers_either=either.get(pk, 0), revenue_knowledge=knowledge.get("revenue") or ZERO,
            revenue_art=art.get("revenue") or ZERO, channels=tuple(channels.get(pk, ())),
        )  # fmt: skip
    return result


def _order_side() -> Case:
    """Which side of its campaign an attributed order's course is on."""
    in_knowledge = Campaign.knowledge_courses.through.objects.filter(
        campaign_id=OuterRef("last_campaign_id"), course_id=OuterRef("order__course_id")
    )
    in_art = Campaign.art_courses.through.objects.filter(
        campaign_id=OuterRef("last_campaign_id"), course_id=OuterRef("order__course_id")
    )
    return Case(
        When(Exists(in_knowledge), then=Value("knowledge")),
        When(Exists(in_art), then=Value("art")),
        default=Value("other"),
    )


def latest_scores() -> QuerySet[CampaignScore]:
    """Each campaign's most recent score snapshot."""
    latest = (
        CampaignScore.objects.filter(campaign=OuterRef("campaign")).order_by("-computed_at", "-id").values("pk")[:1]
    )
    return CampaignScore.objects.filter(pk=Subquery(latest.values("pk")[:1])).select_related("campaign")


# ------------------------------------------------------------------------------ pairing suggestions
def pairing_list(*, partner: str | None = None, track: str | None = None) -> QuerySet[CoursePairing]:
    """Stored pairing suggestions, best first, with both courses: two queries for a page of them.

    `partner` (a partner's slug): pairs in which a course of that partner takes part; `track`
    ("knowledge" or "art"): on that side (with `partner`), else pairs that partner's course is
    on either side of. `track` alone narrows nothing: every pair has one course of each track."""
    pairings = CoursePairing.objects.select_related("knowledge", "art").order_by("-score", "knowledge_id", "art_id")
    if partner:
        on_knowledge = Q(knowledge__partners__slug=partner)
        on_art = Q(art__partners__slug=partner)
        side = {"knowledge": on_knowledge, "art": on_art}.get(track or "", on_knowledge | on_art)
        matching = CoursePairing.objects.filter(side).values("pk")
        pairings = pairings.filter(pk__in=matching)
    return pairings
