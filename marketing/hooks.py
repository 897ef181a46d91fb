"""Extension points of marketing for the apps that stand on it, so that marketing imports none of them.

`partners` holds the two-sided agreement on a campaign's terms (its roles say who may accept);
marketing asks it, through a start check registered from partners' `AppConfig.ready()`, before a
campaign starts.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Campaign

# A start check raises an ApplicationError when the campaign may not start yet.
StartCheck = Callable[["Campaign"], None]
_start_checks: list[StartCheck] = []


def register_start_check(check: StartCheck) -> None:
    if check not in _start_checks:
        _start_checks.append(check)


def check_start(*, campaign: "Campaign") -> None:
    """Run every registered start check; the first that refuses raises."""
    for check in _start_checks:
        check(campaign)
