"""Who calls the partner API: a token's membership (`Authorization: Bearer …`), or a signed-in member
who names the partner (`?partner=<slug>` or the `X-Partner` header) among their own."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from accounts.request_user import request_user

from .. import selectors, tokens
from ..models import ApiToken, Membership
from ..views import SESSION_KEY

KEYWORD = "Bearer"
PARTNER_HEADER = "HTTP_X_PARTNER"
PARTNER_PARAM = "partner"


class PartnerTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <token>`: the request acts as the token's membership; a revoked or
    expired token, or one whose membership is gone, is a 401."""

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header: give `Bearer <token>`."))
        try:
            secret = header[1].decode("ascii")
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None
        token = tokens.api_token_authenticate(secret=secret)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked token."))
        return token.membership.user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{KEYWORD} realm="api"'


class PartnerTokenScheme(OpenApiAuthenticationExtension):
    target_class = PartnerTokenAuthentication
    name = "partnerToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "A partner API token (the workspace's tokens page)."}


def request_membership(request: Request) -> Membership | None:
    """The membership the request acts as: the token's, or the signed-in user's in the partner they name
    (when they name none, the workspace's current one); None when they are no member of it."""
    if isinstance(request.auth, ApiToken):
        return request.auth.membership
    if not request.user.is_authenticated:
        return None
    user = request_user(request)
    slug = request.query_params.get(PARTNER_PARAM) or request.META.get(PARTNER_HEADER, "")
    if slug:
        return selectors.membership_by_partner_slug(user=user, slug=slug[:200])
    return selectors.membership_current(user=user, partner_id=request.session.get(SESSION_KEY))
