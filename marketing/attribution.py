"""Campaign touches carried by the visitor's browser, from the first anonymous visit to checkout.

Two cookies: `vid`, a random visitor id that deduplicates visits, and `mk_touch`, the signed
first and last campaign touch. Cookies rather than the session: they survive sign-up and log-in
(which rotate the session), and an anonymous visitor gets no session, so cached public pages
still serve them.
"""

import json
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

VISITOR_COOKIE = "vid"
TOUCH_COOKIE = "mk_touch"
TOUCH_SALT = "marketing.touch"
COOKIE_AGE = 365 * 24 * 3600
UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term")


@dataclass(frozen=True)
class Hit:
    campaign: int
    channel: int | None
    at: float  # unix time
    link: int | None = None
    referrer: int | None = None

    @property
    def when(self) -> datetime:
        return datetime.fromtimestamp(self.at, tz=UTC)


@dataclass(frozen=True)
class Touches:
    first: Hit | None = None
    last: Hit | None = None
    utm: dict[str, str] = field(default_factory=dict)

    def add(self, hit: Hit, utm: dict[str, str] | None = None) -> "Touches":
        return Touches(first=self.first or hit, last=hit, utm=utm or self.utm)

    def within_window(self, now: datetime | None = None) -> "Touches":
        """Drop touches older than the attribution window."""
        now = now or datetime.now(tz=UTC)
        cutoff = now - timedelta(days=settings.ATTRIBUTION_WINDOW_DAYS)
        first = self.first if self.first and self.first.when >= cutoff else None
        last = self.last if self.last and self.last.when >= cutoff else None
        return Touches(first=first or last, last=last, utm=self.utm if last else {})


def visitor_id(request: HttpRequest) -> str:
    """Return the visitor's id, minting one (stored on the request until the response sets it)."""
    existing = request.COOKIES.get(VISITOR_COOKIE, "")
    if existing and len(existing) <= 36:
        return existing
    # The minted id and the touches are per-request state kept on the request (the middleware reads them back).
    if not hasattr(request, "_new_visitor_id"):
        request._new_visitor_id = uuid.uuid4().hex  # type: ignore[attr-defined]
    return request._new_visitor_id  # type: ignore[attr-defined]


def read_touches(request: HttpRequest) -> Touches:
    if hasattr(request, "_touches"):
        return request._touches
    try:
        # Without a default, a missing or bad cookie raises rather than returning the stub's None.
        raw = json.loads(request.get_signed_cookie(TOUCH_COOKIE, salt=TOUCH_SALT, max_age=COOKIE_AGE))  # type: ignore[arg-type]
        touches = Touches(
            first=Hit(**raw["first"]) if raw.get("first") else None,
            last=Hit(**raw["last"]) if raw.get("last") else None,
            utm=dict(raw.get("utm") or {}),
        )
    except (KeyError, ValueError, TypeError, signing.BadSignature):
        touches = Touches()
    return touches


def remember(request: HttpRequest, touches: Touches) -> None:
    """Keep `touches` for this request; the middleware writes them to the cookie."""
    request._touches = touches  # type: ignore[attr-defined]
    request._touches_changed = True  # type: ignore[attr-defined]


def hit_now(campaign: int, channel: int | None, link: int | None = None, referrer: int | None = None) -> Hit:
    return Hit(campaign=campaign, channel=channel, at=time.time(), link=link, referrer=referrer)


def write_cookies(request: HttpRequest, response: HttpResponse) -> None:
    common: dict[str, Any] = {"max_age": COOKIE_AGE, "samesite": "Lax", "secure": request.is_secure(), "httponly": True}
    if getattr(request, "_new_visitor_id", None):
        response.set_cookie(VISITOR_COOKIE, request._new_visitor_id, **common)  # type: ignore[attr-defined]
    if getattr(request, "_touches_changed", False):
        touches: Touches = request._touches  # type: ignore[attr-defined]
        payload = json.dumps(
            {
                "first": asdict(touches.first) if touches.first else None,
                "last": asdict(touches.last) if touches.last else None,
                "utm": touches.utm,
            },
            separators=(",", ":"),
        )
        response.set_signed_cookie(TOUCH_COOKIE, payload, salt=TOUCH_SALT, **common)
