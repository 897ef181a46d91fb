"""The partner API's tokens: made and revoked by a member for their own membership, checked per request.

A token is `secrets.token_urlsafe(32)`; the database keeps its SHA-256 only (a stolen dump opens
nothing) and its first characters for the page. A request presents it as `Authorization: Bearer …`.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from platform_site.exceptions import ApplicationError

from .models import ApiToken, Membership, TokenScope

PREFIX_LENGTH = 8
# Writing last_used_at on every call would make each read a write; a minute is precise enough.
LAST_USED_PRECISION = timedelta(minutes=1)
MAX_NAME_LENGTH = 80


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


DEFAULT_LIFETIME_DAYS = 90


@transaction.atomic
def api_token_create(
    *, actor: Membership, name: str, scope: str = TokenScope.READ, expires_in_days: int = DEFAULT_LIFETIME_DAYS
) -> tuple[ApiToken, str]:
    """Make a token for the actor's membership, read-only unless asked otherwise, expiring after
    `expires_in_days` (1 to PARTNER_API_TOKEN_MAX_DAYS); return it with its secret (shown once,
    never stored). A write token writes only what the member's role may write."""
    name = name.strip()
    if not name or len(name) > MAX_NAME_LENGTH or "\x00" in name:
        message = _("Give the token a name of at most %(n)d characters.") % {"n": MAX_NAME_LENGTH}
        raise ApplicationError(message, extra={"fields": {"name": [message]}})
    if scope not in TokenScope.values:
        message = _("Choose read only, or read and write.")
        raise ApplicationError(message, extra={"fields": {"scope": [message]}})
    max_days = settings.PARTNER_API_TOKEN_MAX_DAYS
    if not 1 <= expires_in_days <= max_days:
        message = _("A token lives from 1 to %(n)d days.") % {"n": max_days}
        raise ApplicationError(message, extra={"fields": {"expires_in_days": [message]}})
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        membership=actor, name=name, prefix=secret[:PREFIX_LENGTH], key_hash=token_hash(secret), scope=scope,
        expires_at=timezone.now() + timedelta(days=expires_in_days),
    )  # fmt: skip
    return token, secret


def api_token_revoke(*, actor: Membership, pk: int) -> ApiToken | None:
    """Revoke one of the actor's own tokens (again: no change); None if it is not theirs."""
    token = ApiToken.objects.filter(membership=actor, pk=pk).first()
    if token is not None and token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(*, secret: str) -> ApiToken | None:
    """The active (neither revoked nor expired) token of `secret` with its membership, partner and
    user (one query); None if none."""
    token = (
        ApiToken.objects.active()
        .select_related("membership__partner", "membership__user")
        .filter(key_hash=token_hash(secret))
        .first()
    )
    if token is None or not token.membership.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
