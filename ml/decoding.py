"""From per-token label probabilities to character spans (no torch here).

Three rules on top of reading each token's most likely label:
- lexicon snapping: where a term of the managers' lexicon occurs, the model decides whether it is
  a skill of this text (its tokens' mean entity probability, over all the term's occurrences,
  weighed with the term's prior where its corpus counted one, against the version's threshold),
  and the term gives the exact edges;
- spans the model finds outside every term are kept as the model drew them (with a lexicon in
  use, only when it is sure: the lexicon already names the usual skills);
- a text with no span at all still gets its single most likely one (low confidence), so that
  every course — a bare title included — has a track: the lexicon term the model leans to most
  where the text names any (its edges, and the type the lexicon gives it: the track its corpus
  has it under most), else the model's likeliest token.
"""

import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ml.evaluation import score
from ml.spans import ENTITY_TYPES, LABELS, Lexicon, Span

OUTSIDE = LABELS.index("O")
# Label ids of each entity type: (B-, I-).
TYPE_LABELS = {kind: (LABELS.index(f"B-{kind}"), LABELS.index(f"I-{kind}")) for kind in ENTITY_TYPES}
# A lexicon term counts as a skill of the text when its tokens' mean entity probability reaches this
# (averaged over its occurrences), and a span of the model's own outside the lexicon's terms needs
# this confidence. Both chosen on rows held out of training, not on the rows the benchmark scores.
TERM_THRESHOLD = 0.5
OWN_SPAN_THRESHOLD = 0.9
# The term thresholds a training job tries on its dev split (`calibrated_threshold`): how sure a
# model is depends on how long and on how much it trained, so each version gets its own.
TERM_THRESHOLDS = tuple(round(0.05 * step, 2) for step in range(2, 13))  # 0.1 .. 0.6


@dataclass(frozen=True)
class TokenScores:
    """The real tokens of one text (sorted, no special tokens) and their label probabilities."""

    offsets: Sequence[tuple[int, int]]
    probabilities: Sequence[Sequence[float]]  # per token, in LABELS order


def argmax_spans(scores: TokenScores) -> list[Span]:
    """Spans of the most likely labels: a span opens on B- (or on an I- that does not continue a
    span of its type) and grows over the following I- tokens of its type; its confidence is the
    mean probability of its tokens' labels."""
    spans: list[Span] = []
    current: tuple[int, int, str, list[float]] | None = None
    for (start, end), row in zip(scores.offsets, scores.probabilities, strict=True):
        label_id = max(range(len(row)), key=row.__getitem__)
        label = LABELS[label_id]
        kind = label[2:]
        if label.startswith("I-") and current is not None and current[2] == kind:
            current = (current[0], end, kind, [*current[3], row[label_id]])
            continue
        if current is not None:
            spans.append(_closed(current))
            current = None
        if label != "O":
            current = (start, end, kind, [row[label_id]])
    if current is not None:
        spans.append(_closed(current))
    return spans


def _closed(current: tuple[int, int, str, list[float]]) -> Span:
    start, end, kind, probabilities = current
    return Span(start, end, kind, sum(probabilities) / len(probabilities))


def _term_score(scores: TokenScores, term: Span) -> tuple[float, str]:
    """Mean entity probability of the tokens inside `term`, and the likelier type there."""
    first = bisect_left(scores.offsets, (term.start, -1))  # offsets are sorted: no scan of the text
    rows = []
    for index in range(first, len(scores.offsets)):
        if scores.offsets[index][1] > term.end:
            break
        rows.append(scores.probabilities[index])
    if not rows:
        return 0.0, ENTITY_TYPES[0]
    typed = {kind: sum(row[b] + row[i] for row in rows) / len(rows) for kind, (b, i) in TYPE_LABELS.items()}
    kind = max(typed, key=typed.__getitem__)
    return sum(typed.values()), kind


def _best_guess(scores: TokenScores) -> Span | None:
    """The likeliest skill of a text the argmax finds none in: the token most likely to begin one,
    grown over the rest of its word (sub-words that follow without a gap)."""
    if not scores.offsets:
        return None
    best = max(range(len(scores.offsets)), key=lambda i: 1 - scores.probabilities[i][OUTSIDE])
    row = scores.probabilities[best]
    kind = max(ENTITY_TYPES, key=lambda k: row[TYPE_LABELS[k][0]] + row[TYPE_LABELS[k][1]])
    start, end = scores.offsets[best]
    for next_start, next_end in scores.offsets[best + 1 :]:
        if next_start != end:
            break
        end = next_end
    return Span(start, end, kind, 1 - row[OUTSIDE])


def term_belief(model: float, prior: float | None) -> float:
    """How sure decoding is that a lexicon term is a skill of this text: the model's belief (its
    tokens' mean entity probability) and, where the term has one, its prior (how often its corpus
    labels it a skill where it occurs), as their geometric mean: either one near 0 vetoes.

    Chosen on coursera_2021 training rows a 2-epoch model of 600 others never saw (skill F1 of
    full texts at the best threshold of each): the model alone 0.641, the prior alone 0.669, the
    arithmetic mean 0.681, the geometric mean 0.704."""
    return model if prior is None else math.sqrt(model * prior)


def calibrated(belief: float, threshold: float) -> float:
    """A term's belief as a span confidence in which the version's threshold sits at 0.5 (piecewise
    linear, so the default threshold leaves it as it is): a span decoding keeps is one learners
    see (`ml.selectors.SHOWN_CONFIDENCE`), whatever threshold its version chose, and a best guess
    below it is not."""
    if belief < threshold:
        return 0.5 * belief / threshold
    return 0.5 + 0.5 * (belief - threshold) / (1 - threshold)


def decode(
    text: str,
    scores: TokenScores,
    terms: Sequence[Span] | None = None,
    priors: Mapping[str, float] | None = None,
    *,
    at_least_one: bool = True,
    term_threshold: float = TERM_THRESHOLD,
) -> list[Span]:
    """The skill spans of `text`, read from its token scores.

    `terms` are the lexicon's matches in the text (`Lexicon.find`), None when no lexicon is used;
    `priors` the lexicon's (`Lexicon.priors`: lower-cased term -> prior). A term is judged once
    per text, over all its occurrences (a course teaches a skill or not, wherever it names it);
    with a lexicon, the model's own spans outside its terms must be sure.
    """
    priors = priors or {}
    kept: list[Span] = []
    by_term: dict[str, list[tuple[Span, float, str]]] = defaultdict(list)
    likeliest_term: Span | None = None
    likeliest = 0.0
    for term in terms or ():
        probability, kind = _term_score(scores, term)
        key = text[term.start : term.end].lower()
        by_term[key].append((term, probability, kind))
        if likeliest_term is None or probability > likeliest:
            confidence = calibrated(term_belief(probability, priors.get(key)), term_threshold)
            likeliest, likeliest_term = probability, Span(term.start, term.end, term.type, confidence)
    for key, occurrences in by_term.items():
        belief = term_belief(sum(p for _, p, _ in occurrences) / len(occurrences), priors.get(key))
        if belief >= term_threshold:
            kept += [Span(t.start, t.end, kind, calibrated(belief, term_threshold)) for t, _, kind in occurrences]
    floor = 0.0 if terms is None else OWN_SPAN_THRESHOLD
    spans = kept + [
        span for span in argmax_spans(scores)
        if span.confidence >= floor and not any(span.start < k.end and k.start < span.end for k in kept)
    ]  # fmt: skip
    # Measured with a 3-epoch model of 400 coursera_2021 rows on training rows it never saw: skill
    # F1 on bare titles 0.566 -> 0.721 (300 rows), the art track found on 26% of art titles, not 15%
    # (54 rows), while knowledge ones kept 99.2% (was 100%). The model's type instead of the
    # lexicon's found art on none more.
    if not spans and at_least_one and (guess := likeliest_term or _best_guess(scores)) is not None:
        spans = [guess]
    return sorted(spans)


def calibrated_threshold(
    texts: Sequence[str], scores: Sequence[TokenScores], gold: Sequence[Sequence[Span]], lexicon: Lexicon
) -> tuple[float, float]:
    """The term threshold of `TERM_THRESHOLDS` under which decoding scores the best skill F1 on
    these texts (a training job's dev split) with this lexicon, and that F1."""
    terms = [lexicon.find(text) for text in texts]
    best = (TERM_THRESHOLD, -1.0)
    for threshold in TERM_THRESHOLDS:
        predicted = [
            decode(text, text_scores, found, lexicon.priors, term_threshold=threshold)
            for text, text_scores, found in zip(texts, scores, terms, strict=True)
        ]
        f1 = score(gold, predicted, [None] * len(texts))["f1"]
        if f1 > best[1]:
            best = (threshold, f1)
    return best
