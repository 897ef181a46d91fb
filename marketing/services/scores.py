"""Campaign scores from the counts behind them (the formulas are in marketing.scores)."""

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone

if TYPE_CHECKING:
    from ..selectors import ScoreCounts


def _share(part: int, whole: int) -> float | None:
    return min(part / whole, 1.0) if whole else None


def campaign_scores_compute(counts: "ScoreCounts") -> dict[str, Any]:
    """Turn a campaign's counts into the inputs and the three scores (None: not enough data).

    Dk, Da: shares of the campaign's respondents who want knowledge content, art training.
    Rk, Ra: shares of reached visitors who paid for a knowledge course, an art course (capped at
    1: a buyer who came without a tracked visit still counts as a buyer).
    E: the sum over channels of paid orders per 100 reached visitors, or the manager's manual
    effect for a channel that cannot be tracked. Below SCORES_MIN_RESPONDENTS respondents f is
    None, below SCORES_MIN_VISITORS visitors g is None and only manual effects make up E.
    """
    from .. import scores

    enough_answers = counts.respondents >= settings.SCORES_MIN_RESPONDENTS
    enough_visitors = counts.visitors >= settings.SCORES_MIN_VISITORS
    d_k, d_a = _share(counts.want_knowledge, counts.respondents), _share(counts.want_art, counts.respondents)
    r_k, r_a = _share(counts.buyers_knowledge, counts.visitors), _share(counts.buyers_art, counts.visitors)
    manual = [effect for _reach, _orders, effect in counts.channels if effect is not None]
    # Measured effects only once enough visitors were reached; manual entries always count.
    measured = [
        100 * orders / reach
        for reach, orders, effect in counts.channels
        if effect is None and reach > 0 and enough_visitors
    ]
    e = float(sum(manual, Decimal(0))) + sum(measured) if (manual or enough_visitors) else None
    return {
        "respondents": counts.respondents, "visitors": counts.visitors,
        "d_k": d_k, "d_a": d_a, "r_k": r_k, "r_a": r_a, "e": e,
        "f": scores.demand(d_k, d_a) if enough_answers and d_k is not None and d_a is not None else None,
        "g": scores.revenue(r_k, r_a) if enough_visitors and r_k is not None and r_a is not None else None,
        "h": scores.promotion(e) if e is not None else None,
        "observed_demand": _share(counts.want_either, counts.respondents),
        "observed_buyers": _share(counts.buyers_either, counts.visitors),
        "revenue_knowledge": counts.revenue_knowledge, "revenue_art": counts.revenue_art,
        "manual_channels": len(manual),
    }  # fmt: skip


def campaign_scores_refresh(*, campaign_ids: list[int] | None = None) -> int:
    """Compute every campaign's scores (or those of `campaign_ids`) and store one snapshot each."""
    from ..models import CampaignScore
    from ..selectors import campaign_score_counts

    now = timezone.now()
    rows = [
        CampaignScore(campaign_id=pk, computed_at=now, **campaign_scores_compute(counts))
        for pk, counts in campaign_score_counts(campaign_ids=campaign_ids).items()
    ]
    CampaignScore.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
