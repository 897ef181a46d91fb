"""Scoring predicted spans as the data README defines it: exact spans, and track accuracy."""

from collections.abc import Sequence
from typing import Any, TypedDict

from ml.spans import ENTITY_TYPES, Span


class Scores(TypedDict):
    """The platform's one shape of entity scores: per type and overall, in training and evaluation."""

    precision: float
    recall: float
    f1: float


def track_of(spans: Sequence[Span]) -> str:
    """The entity type with the larger summed confidence; "unknown" without spans."""
    totals = {kind: sum(s.confidence for s in spans if s.type == kind) for kind in ENTITY_TYPES}
    if not any(totals.values()):
        return "unknown"
    return max(totals, key=totals.__getitem__)


def _prf(tp: int, predicted: int, gold: int) -> Scores:
    precision = tp / predicted if predicted else 0.0
    recall = tp / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision=round(precision, 4), recall=round(recall, 4), f1=round(f1, 4))


def score(
    gold: Sequence[Sequence[Span]], predicted: Sequence[Sequence[Span]], tracks: Sequence[str | None]
) -> dict[str, Any]:
    """Entity-level P/R/F1 (a span counts when start, end and type all match), per type and overall,
    and track accuracy ("unknown" counting as wrong)."""
    counts = {kind: [0, 0, 0] for kind in ENTITY_TYPES}  # true positives, predicted, gold
    right = 0
    # Per track: texts of it, and those given it. A catalogue is mostly knowledge: always answering
    # KNOWLEDGE scores its share of the rows overall, and 0 on art.
    by_track = {kind: [0, 0] for kind in ENTITY_TYPES}
    for gold_spans, predicted_spans, track in zip(gold, predicted, tracks, strict=True):
        gold_keys = {s.key() for s in gold_spans}
        for span in predicted_spans:
            counts[span.type][1] += 1
            counts[span.type][0] += span.key() in gold_keys
        for span in gold_spans:
            counts[span.type][2] += 1
        right += track_of(predicted_spans) == track
        if track in by_track:
            by_track[track][0] += 1
            by_track[track][1] += track_of(predicted_spans) == track
    total = [sum(c[i] for c in counts.values()) for i in range(3)]
    return {
        **_prf(*total),
        "track_accuracy": round(right / len(tracks), 4) if tracks else 0.0,
        "track_accuracy_per_type": {
            kind: round(hit / rows, 4) if rows else 0.0 for kind, (rows, hit) in by_track.items()
        },
        "per_type": {kind: _prf(*counts[kind]) for kind in ENTITY_TYPES},
        "rows": len(tracks),
    }
