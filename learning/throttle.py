"""How often one user may post what others read: reviews (and their edits), questions, answers
and reports, all counted together per user in a fixed window of an hour."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import ngettext

from platform_site.exceptions import TooManyRequests
from platform_site.throttling import hit

if TYPE_CHECKING:
    from accounts.models import User

WINDOW_SECONDS = 3600


def check_posting_rate(*, user: "User") -> None:
    """Count one post of `user`; refuse it (429, with when to retry) past LEARNING_POSTS_PER_HOUR.

    Called by the services after a post's input is found valid and before it is written, so a
    refused form costs no allowance; 0 turns the limit off.
    """
    limit = settings.LEARNING_POSTS_PER_HOUR
    if limit <= 0:
        return
    allowed, retry_after = hit(f"learning-post:{user.pk}", limit=limit, window=WINDOW_SECONDS)
    if not allowed:
        minutes = max(1, (retry_after + 59) // 60)
        raise TooManyRequests(
            ngettext(
                "You are posting too fast (at most %(limit)d posts an hour). Try again in %(minutes)d minute.",
                "You are posting too fast (at most %(limit)d posts an hour). Try again in %(minutes)d minutes.",
                minutes,
            )
            % {"limit": limit, "minutes": minutes},
            code="posting_too_fast",
            extra={"retry_after": retry_after},
        )
