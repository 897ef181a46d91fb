"""Campaigns: creating and editing them, their partners' shares, their status, their statistics."""

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Course
from platform_site.exceptions import ApplicationError

from .. import hooks
from ..models import Campaign, CampaignStats, Channel, TrackedLink
from ..selectors import campaign_stats

_M = TypeVar("_M", bound=models.Model)

Status = Campaign.Status

# The status changes a manager may make. An ended campaign stays ended: its figures, splits and
# statements are final, so it is never started (or scheduled) again; a new campaign is.
CAMPAIGN_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SCHEDULED, Status.RUNNING, Status.ENDED}),
    Status.SCHEDULED: frozenset({Status.DRAFT, Status.RUNNING, Status.ENDED}),
    Status.RUNNING: frozenset({Status.ENDED}),
    Status.ENDED: frozenset(),
}

CAMPAIGN_FIELDS = (
    "slug", "name_zh", "name_en", "description_zh", "description_en", "starts_at", "ends_at", "budget", "goal",
    "bundle_price",
)  # fmt: skip
CHANNEL_FIELDS = ("campaign", "kind", "name", "cost", "manual_effect")
LINK_FIELDS = ("channel", "target_path")


def field_errors(errors: dict[str, list[str]]) -> None:
    """Refuse with per-field messages (the API's `extra.fields`, the admin form's fields)."""
    if errors:
        raise ApplicationError(_("Check the highlighted fields."), code="invalid", extra={"fields": errors})


# ------------------------------------------------------------------------------ campaigns
def check_campaign(*, starts_at: datetime | None, ends_at: datetime | None, budget: Decimal | None) -> None:
    """Refuse a campaign that ends before it starts or has a negative budget (the database agrees)."""
    errors: dict[str, list[str]] = {}
    if starts_at and ends_at and starts_at >= ends_at:
        errors["ends_at"] = [_("The campaign must end after it starts.")]
    if budget is not None and budget < 0:
        errors["budget"] = [_("The budget cannot be negative.")]
    field_errors(errors)


def _campaign_save(
    campaign: Campaign, fields: dict[str, Any], knowledge: Iterable[Course] | None, art: Iterable[Course] | None
) -> Campaign:
    for key, value in fields.items():
        if key in CAMPAIGN_FIELDS:
            setattr(campaign, key, value)
    check_campaign(starts_at=campaign.starts_at, ends_at=campaign.ends_at, budget=campaign.budget)
    campaign.full_clean(exclude=["status"])
    campaign.save()
    if knowledge is not None:
        campaign.knowledge_courses.set(knowledge)
    if art is not None:
        campaign.art_courses.set(art)
    return campaign


@transaction.atomic
def campaign_create(
    *, knowledge_courses: Iterable[Course] | None = None, art_courses: Iterable[Course] | None = None, **fields: Any
) -> Campaign:
    """Create a draft campaign; its status changes go through campaign_set_status."""
    return _campaign_save(Campaign(), fields, knowledge_courses, art_courses)


@transaction.atomic
def campaign_update(
    *,
    campaign: Campaign,
    knowledge_courses: Iterable[Course] | None = None,
    art_courses: Iterable[Course] | None = None,
    **fields: Any,
) -> Campaign:
    return _campaign_save(campaign, fields, knowledge_courses, art_courses)


def campaign_delete(*, campaign: Campaign) -> None:
    campaign.delete()


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
    """Move a campaign along CAMPAIGN_TRANSITIONS; scheduling or starting it needs both sides."""
    if status == campaign.status:
        return campaign
    if status not in CAMPAIGN_TRANSITIONS.get(campaign.status, frozenset()):
        raise ApplicationError(
            _("A campaign cannot go from %(current)s to %(new)s.")
            % {"current": Status(campaign.status).label, "new": Status(status).label},
            code="campaign_transition",
            extra={"fields": {"status": [status]}},
        )
    if status in (Status.SCHEDULED, Status.RUNNING):
        campaign_check_ready(campaign=campaign)
    if status == Status.RUNNING:
        hooks.check_start(campaign=campaign)  # the partners' agreement on its terms, among others
    campaign.status = status
    campaign.save(update_fields=["status"])
    return campaign


def campaign_stats_refresh(*, campaign_ids: list[int] | None = None) -> int:
    """Recompute and store the figures of every campaign (or of `campaign_ids`); return how many."""
    now = timezone.now()
    rows = [
        CampaignStats(campaign_id=pk, data=data, computed_at=now)
        for pk, data in campaign_stats(campaign_ids=campaign_ids).items()
    ]
    CampaignStats.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["campaign"], update_fields=["data", "computed_at"]
    )
    return len(rows)


# ------------------------------------------------------------------------------ channels and links
def check_channel(*, cost: Decimal | None) -> None:
    field_errors({"cost": [_("The cost cannot be negative.")]} if cost is not None and cost < 0 else {})


def _save(obj: _M, names: tuple[str, ...], fields: dict[str, Any]) -> _M:
    for key, value in fields.items():
        if key in names:
            setattr(obj, key, value)
    obj.full_clean()
    obj.save()
    return obj


@transaction.atomic
def channel_create(**fields: Any) -> Channel:
    check_channel(cost=fields.get("cost"))
    return _save(Channel(), CHANNEL_FIELDS, fields)


@transaction.atomic
def channel_update(*, channel: Channel, **fields: Any) -> Channel:
    check_channel(cost=fields.get("cost", channel.cost))
    return _save(channel, CHANNEL_FIELDS, fields)


def channel_delete(*, channel: Channel) -> None:
    channel.delete()


@transaction.atomic
def tracked_link_create(**fields: Any) -> TrackedLink:
    return _save(TrackedLink(), LINK_FIELDS, fields)


@transaction.atomic
def tracked_link_update(*, link: TrackedLink, **fields: Any) -> TrackedLink:
    return _save(link, LINK_FIELDS, fields)


def tracked_link_delete(*, link: TrackedLink) -> None:
    link.delete()
