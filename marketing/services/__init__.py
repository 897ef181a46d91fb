"""Writes of the marketing domain, one module per sub-domain. The public services are re-exported
here because the admin, pages, API, tasks and tests call them as `services.<name>`."""

from .bundles import BundleOffer, BundlePair, bundle_discount, bundle_offer, bundle_pairs, bundle_price_suggest
from .campaigns import (
    CAMPAIGN_TRANSITIONS,
    campaign_check_ready,
    campaign_create,
    campaign_delete,
    campaign_set_status,
    campaign_stats_refresh,
    campaign_update,
    channel_create,
    channel_delete,
    channel_update,
    check_campaign,
    check_channel,
    check_partner_shares,
    tracked_link_create,
    tracked_link_delete,
    tracked_link_update,
)
from .checkout import MarketingCheckout
from .coupons import (
    check_coupon_fields,
    coupon_create,
    coupon_delete,
    coupon_discount,
    coupon_redeem,
    coupon_release,
    coupon_update,
)
from .pairings import (
    course_pairings_refresh,
    course_pairings_refresh_later,
    pairing_campaign_create,
    pairing_shares,
)
from .scores import campaign_scores_compute, campaign_scores_refresh
from .visits import is_bot, learner_attribution_record, referral_link_for, tracked_link_follow, visit_record

__all__ = [
    "CAMPAIGN_TRANSITIONS",
    "BundleOffer",
    "BundlePair",
    "MarketingCheckout",
    "bundle_discount",
    "bundle_offer",
    "bundle_pairs",
    "bundle_price_suggest",
    "campaign_check_ready",
    "campaign_create",
    "campaign_delete",
    "campaign_scores_compute",
    "campaign_scores_refresh",
    "campaign_set_status",
    "campaign_stats_refresh",
    "campaign_update",
    "channel_create",
    "channel_delete",
    "channel_update",
    "check_campaign",
    "check_channel",
    "check_coupon_fields",
    "check_partner_shares",
    "coupon_create",
    "coupon_delete",
    "coupon_discount",
    "coupon_redeem",
    "coupon_release",
    "coupon_update",
    "course_pairings_refresh",
    "course_pairings_refresh_later",
    "is_bot",
    "learner_attribution_record",
    "pairing_campaign_create",
    "pairing_shares",
    "referral_link_for",
    "tracked_link_create",
    "tracked_link_delete",
    "tracked_link_follow",
    "tracked_link_update",
    "visit_record",
]  # fmt: skip
