"""Marketing models by sub-domain. Re-exported here: Django loads `marketing.models`, old
migrations name `marketing.models.new_code` and `validate_site_path`, and most callers import
several sub-domains at once."""

from .attribution import LearnerAttribution, OrderAttribution, Touch, Visit
from .campaigns import (
    CODE_ALPHABET,
    Campaign,
    CampaignPartner,
    CampaignQuerySet,
    CampaignStats,
    Channel,
    Side,
    TrackedLink,
    new_code,
    validate_site_path,
)
from .coupons import BundlePurchase, Coupon, CouponRedemption
from .pairings import CoursePairing
from .scores import CampaignScore

__all__ = [
    "CODE_ALPHABET",
    "BundlePurchase",
    "Campaign",
    "CampaignPartner",
    "CampaignQuerySet",
    "CampaignScore",
    "CampaignStats",
    "Channel",
    "Coupon",
    "CouponRedemption",
    "CoursePairing",
    "LearnerAttribution",
    "OrderAttribution",
    "Side",
    "Touch",
    "TrackedLink",
    "Visit",
    "new_code",
    "validate_site_path",
]  # fmt: skip
