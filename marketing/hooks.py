"""Extension points of marketing for the apps that stand on it, so that marketing imports none of them.

`partners` also holds the revenue ledger, the truth of what each campaign partner earned: the
campaign figures read each partner's split from it through a split source partners registers.

`partners` holds the two-sided agreement on a campaign's terms (its roles say who may accept);
marketing asks it, through a start check registered from partners' `AppConfig.ready()`, before a
campaign starts.
"""

from collections.abc import Callable, Mapping
from decimal import Decimal
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


# A split source returns, for each of the campaigns asked, what each partner (by id) earned from
# the campaign's orders: its part of the amounts paid, refunds taken back.
SplitSource = Callable[[list[int]], Mapping[int, Mapping[int, Decimal]]]
_split_sources: list[SplitSource] = []


def register_split_source(source: SplitSource) -> None:
    if source not in _split_sources:
        _split_sources.append(source)


def campaign_split(*, campaign_ids: list[int]) -> dict[int, dict[int, Decimal]]:
    """What each partner earned from each campaign, by the registered sources (none: nothing)."""
    result: dict[int, dict[int, Decimal]] = {pk: {} for pk in campaign_ids}
    for source in _split_sources:
        for campaign_id, amounts in source(campaign_ids).items():
            for partner_id, amount in amounts.items():
                result[campaign_id][partner_id] = result[campaign_id].get(partner_id, Decimal(0)) + amount
    return result
