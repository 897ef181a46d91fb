"""The anonymous respondent's token: a random value in a signed cookie, for pages and API alike.

An anonymous submission's idempotency key is scoped to this token (see `services.respondent_scope`),
so a key is only ever replayed by the browser or API client that holds the cookie it was first
sent with. The signature keeps a client from claiming a token it merely saw.
"""

import re
import secrets

from django.conf import settings
from django.http import HttpRequest, HttpResponse

COOKIE = "survey_respondent"
SALT = "surveys.respondent"
MAX_AGE = 365 * 24 * 3600
_TOKEN = re.compile(r"[0-9a-f]{32}")


def respondent_token(request: HttpRequest) -> tuple[str, bool]:
    """Return this client's respondent token and whether it was just made (so must be sent)."""
    token = request.get_signed_cookie(COOKIE, default="", salt=SALT)
    if token and _TOKEN.fullmatch(token):
        return token, False
    return secrets.token_hex(16), True


def remember_respondent(response: HttpResponse, token: str) -> None:
    response.set_signed_cookie(
        COOKIE, token, salt=SALT, max_age=MAX_AGE, httponly=True, samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )  # fmt: skip
