"""Visits through tracked links, learners' first touches, learners' referral links."""

import re
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from platform_site.exceptions import ApplicationError

from ..attribution import Touches, hit_now
from ..models import (
    Campaign,
    Channel,
    LearnerAttribution,
    TrackedLink,
    Visit,
)

if TYPE_CHECKING:
    from accounts.models import User


# Link previews and crawlers: they fetch a link without anyone having clicked it.
BOT_USER_AGENT = re.compile(
    r"bot|crawl|spider|slurp|preview|facebookexternalhit|embedly|bingpreview|python-requests|wget|scrapy",
    re.IGNORECASE,
)


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


def tracked_link_follow(*, link: TrackedLink, visitor: Callable[[], str], user_agent: str, touches: Touches) -> Touches:
    """Count a visit through `link` and return the visitor's touches with this one added.

    Only a running campaign counts visits and touches; otherwise the touches come back unchanged.
    `visitor` is asked only then: minting a visitor id sets a cookie, which nothing else needs.
    """
    campaign = link.channel.campaign
    if campaign.status != Campaign.Status.RUNNING:
        return touches
    visit_record(link=link, visitor=visitor(), user_agent=user_agent)
    return touches.add(hit_now(campaign.pk, link.channel_id, link=link.pk, referrer=link.referrer_id))


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
