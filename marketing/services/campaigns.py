"""Campaigns: their partners' shares, their status, their statistics."""

from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from platform_site.exceptions import ApplicationError

from ..models import (
    Campaign,
)

if TYPE_CHECKING:
    pass


def campaign_stats_refresh(*, campaign_ids: list[int] | None = None) -> int:
    """Recompute and store the figures of every campaign (or of `campaign_ids`); return how many."""
    from ..models import CampaignStats
    from ..selectors import campaign_stats

    now = timezone.now()
    rows = [
        CampaignStats(campaign_id=pk, data=data, computed_at=now)
        for pk, data in campaign_stats(campaign_ids=campaign_ids).items()
    ]
    CampaignStats.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["campaign"], update_fields=["data", "computed_at"]
    )
    return len(rows)


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
