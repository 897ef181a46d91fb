"""A rate limit per partner: one partner's integrations, all tokens and members together, cannot
take the API from the others. Counted like the site's other throttles (one atomic increment)."""

from typing import Any

from rest_framework import throttling
from rest_framework.request import Request

from platform_site.throttling import FixedWindowMixin


class PartnerRateThrottle(FixedWindowMixin, throttling.SimpleRateThrottle):
    scope = "partner"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        # Throttles run after the permission check, which put the caller's membership on the view.
        membership = getattr(view, "membership", None)
        if membership is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": membership.partner_id}
