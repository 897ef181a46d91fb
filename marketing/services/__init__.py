"""Writes of the marketing domain, one module per sub-domain. The public services are re-exported
here because the admin, pages, API, tasks and tests call them as `services.<name>`."""

from .bundles import BundleOffer, bundle_offer
from .campaigns import campaign_check_ready, campaign_set_status, campaign_stats_refresh, check_partner_shares
from .checkout import MarketingCheckout
from .coupons import coupon_discount, coupon_redeem, coupon_release
from .scores import campaign_scores_compute, campaign_scores_refresh
from .visits import is_bot, learner_attribution_record, referral_link_for, visit_record

__all__ = [
    "BundleOffer", "MarketingCheckout", "bundle_offer", "campaign_check_ready", "campaign_scores_compute",
    "campaign_scores_refresh", "campaign_set_status", "campaign_stats_refresh", "check_partner_shares",
    "coupon_discount", "coupon_redeem", "coupon_release", "is_bot", "learner_attribution_record",
    "referral_link_for", "visit_record",
]  # fmt: skip
