"""Pairing suggestions: storing the tag bridge's scores, and turning a pair into a draft joint campaign."""

import logging
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from courses.models import Course, Partner
from platform_site.exceptions import ApplicationError, Conflict

from ..models import Campaign, CampaignPartner, CoursePairing, Side
from .bundles import bundle_price_suggest
from .campaigns import campaign_create, check_partner_shares

if TYPE_CHECKING:
    from ..pairings import PairScore

logger = logging.getLogger(__name__)

# Rows per INSERT ... ON CONFLICT: keeps one statement's parameters well under PostgreSQL's 65,535.
WRITE_BATCH = 1000


def course_pairings_refresh(*, course_ids: list[int] | None = None) -> int:
    """Score every knowledge × art pair and store each course's best ones; return how many rows
    were written. Running it twice on the same data writes the same rows: retries and overlapping
    runs are safe.

    With `course_ids` (courses whose text or tags changed), the rows of those courses and of every
    course they were or now are among the best pairs of are rewritten: a changed course entering
    another's best list pushes that list's last pair out, and leaving it lets the next one in. The
    scores are still computed over the whole catalogue; how its statistics shift for pairs of
    untouched courses waits for the hourly full refresh."""
    from ..pairings import pairing_scores

    pairs = pairing_scores()
    wanted = None
    if course_ids is not None:
        changed = set(course_ids)
        before = CoursePairing.objects.filter(Q(knowledge_id__in=changed) | Q(art_id__in=changed))
        wanted = changed | {pk for pair in before.values_list("knowledge_id", "art_id") for pk in pair}
        wanted |= {
            pk for p in pairs if p.knowledge_id in changed or p.art_id in changed for pk in (p.knowledge_id, p.art_id)
        }
        pairs = [p for p in pairs if p.knowledge_id in wanted or p.art_id in wanted]
    _store(pairs, wanted)
    logger.info("Stored %d pairing suggestions (courses: %s)", len(pairs), "all" if wanted is None else len(wanted))
    return len(pairs)


@transaction.atomic
def _store(pairs: "list[PairScore]", wanted: set[int] | None) -> None:
    now = timezone.now()
    rows = [
        CoursePairing(
            knowledge_id=p.knowledge_id, art_id=p.art_id, score=p.score, factors=p.factors, details=p.details,
            computed_at=now,
        )
        for p in pairs
    ]  # fmt: skip
    CoursePairing.objects.bulk_create(
        rows, batch_size=WRITE_BATCH, update_conflicts=True, unique_fields=["knowledge", "art"],
        update_fields=["score", "factors", "details", "computed_at"],
    )  # fmt: skip
    stale = CoursePairing.objects.filter(computed_at__lt=now)
    if wanted is not None:
        stale = stale.filter(Q(knowledge_id__in=wanted) | Q(art_id__in=wanted))
    stale.delete()


def course_pairings_refresh_later(course_ids: list[int]) -> None:
    """After a course's text changed: rescore its pairs once its new embedding is likely stored
    (PAIRING_REFRESH_DELAY_SECONDS; the hourly full refresh catches a slower one)."""
    from platform_site.queueing import BROKER_ERRORS

    from ..tasks import course_pairings_refresh_task

    def send() -> None:
        try:
            course_pairings_refresh_task.apply_async(
                args=(sorted(course_ids),), countdown=settings.PAIRING_REFRESH_DELAY_SECONDS
            )
        except BROKER_ERRORS as error:
            logger.error("Could not queue the pairing refresh (the hourly one catches up): %s", error)

    transaction.on_commit(send, robust=True)


# ------------------------------------------------------------------------------ draft campaigns
def _side_partner(course: Course, kind: str, other: Partner | None) -> Partner | None:
    """The course's partner of `kind` (else its first), never `other` (one partner, one side)."""
    partners = [p for p in course.partners.all() if other is None or p.pk != other.pk]
    return next((p for p in partners if p.kind == kind), partners[0] if partners else None)


def pairing_shares(*, knowledge: Course, art: Course) -> tuple[Decimal, Decimal]:
    """The suggested revenue shares (percent, two decimals, adding up to exactly 100): each side's
    by its course's list price (half each for two free courses)."""
    together = knowledge.price + art.price
    if together <= 0:
        return Decimal("50.00"), Decimal("50.00")
    knowledge_share = (knowledge.price * 100 / together).quantize(Decimal("0.01"))
    return knowledge_share, Decimal(100) - knowledge_share


@transaction.atomic
def pairing_campaign_create(*, pairing: CoursePairing) -> Campaign:
    """Create the draft joint campaign a pairing suggests: the knowledge course's partner and the
    art course's partner as its two sides, both courses, the suggested bundle price and shares.
    The terms then wait for both partners' acceptance in their workspace. A second call for the
    same pair (a double click, a replayed form) is refused while that draft exists."""
    knowledge = Course.objects.prefetch_related("partners").get(pk=pairing.knowledge_id)
    art = Course.objects.prefetch_related("partners").get(pk=pairing.art_id)
    knowledge_partner = _side_partner(knowledge, Partner.Kind.KNOWLEDGE_PLATFORM, None)
    art_partner = _side_partner(art, Partner.Kind.ART_INSTITUTION, knowledge_partner)
    if knowledge_partner is None or art_partner is None:
        raise ApplicationError(
            _("A joint campaign needs two different partners: one for each course."), code="pairing_partners"
        )
    slug = slugify(f"pair-{knowledge.slug}-{art.slug}")[:50].strip("-")
    if Campaign.objects.filter(slug=slug).exists():
        raise Conflict(_("A campaign for this pair exists already."), code="pairing_campaign_exists")
    quote = bundle_price_suggest(knowledge=knowledge, art=art)
    shares = pairing_shares(knowledge=knowledge, art=art)
    check_partner_shares([(Side.KNOWLEDGE, shares[0]), (Side.ART, shares[1])])
    starts = timezone.now() + timedelta(days=settings.PAIRING_CAMPAIGN_LEAD_DAYS)
    campaign = campaign_create(
        slug=slug,
        name_zh=f"{knowledge.title_zh} × {art.title_zh}",
        name_en=f"{knowledge.title_en or knowledge.title_zh} × {art.title_en or art.title_zh}",
        starts_at=starts,
        ends_at=starts + timedelta(days=settings.PAIRING_CAMPAIGN_DAYS),
        goal=_("Suggested by the pairing score %(score).2f") % {"score": pairing.score},
        bundle_price=quote.total if quote is not None else None,
        knowledge_courses=[knowledge],
        art_courses=[art],
    )
    CampaignPartner.objects.bulk_create(
        [
            CampaignPartner(campaign=campaign, partner=knowledge_partner, side=Side.KNOWLEDGE, share_percent=shares[0]),
            CampaignPartner(campaign=campaign, partner=art_partner, side=Side.ART, share_percent=shares[1]),
        ]
    )
    return campaign
