"""From per-token label probabilities to character spans (no torch here).

Three rules on top of reading each token's most likely label:
- lexicon snapping: where a term of the managers' lexicon occurs, the version judges whether it
  is a skill of this text (its term judge, fitted on its training job's dev split, weighs the
  model's belief over all the term's occurrences, the term's prior where its corpus counted one
  and where the text names it; versions without one take `term_belief`), against the version's
  threshold, and the term gives the exact edges;
- spans the model finds outside every term are kept as the model drew them (with a lexicon in
  use, only when it is sure, and only where the version's dev split showed that they help: the
  lexicon already names the usual skills);
- a text with no span at all still gets its single most likely one (low confidence), so that
  every course — a bare title included — has a track: the lexicon term the model leans to most
  where the text names any (its edges, and the type the lexicon gives it: the track its corpus
  has it under most), else the model's likeliest token.
"""

import math
import re
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import product

from ml.evaluation import score
from ml.spans import ENTITY_TYPES, LABELS, Lexicon, Span

OUTSIDE = LABELS.index("O")
# Label ids of each entity type: (B-, I-).
TYPE_LABELS = {kind: (LABELS.index(f"B-{kind}"), LABELS.index(f"I-{kind}")) for kind in ENTITY_TYPES}
# A lexicon term counts as a skill of the text when its belief reaches this (versions saved without
# a threshold of their own), and a span of the model's own outside the lexicon's terms needs this
# confidence. Both chosen on rows held out of training, not on the rows the benchmark scores.
TERM_THRESHOLD = 0.5
OWN_SPAN_THRESHOLD = 0.9
# A best guess's confidence is this share of the model's belief: under 0.5, so learners never see one.
GUESS_SHARE = 0.49
# The thresholds on `term_belief` a training job tries on its dev split (`calibrate`): how sure a
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


# What a skill's name does not begin or end with, and the marks that end a clause inside a text
# (a full stop or comma before a space; any Chinese one): a span across them is a phrase.
_EDGES = " \t\r\n.,;:!?'\"()[]。，、；：！？（）“”‘’《》「」"
_CLAUSE_BREAK = re.compile(r"[。，、；：！？]|[.,;:!?](?:\s|$)")


def named_spans(text: str, spans: Sequence[Span]) -> list[Span]:
    """The model's own spans that read as a skill's name: edges trimmed of spaces and punctuation
    ("painting." -> "painting"), and none that runs across a clause ("曲、混音与音频分析结合").
    The model draws such spans where it half-learned a text's wording (a small demo model on
    sentences of a catalogue); lexicon terms never need this, their edges are the term's."""
    named = []
    for span in spans:
        start, end = span.start, span.end
        while start < end and text[start] in _EDGES:
            start += 1
        while end > start and text[end - 1] in _EDGES:
            end -= 1
        if start < end and not _CLAUSE_BREAK.search(text, start, end):
            named.append(Span(start, end, span.type, span.confidence))
    return named


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


def _best_guess(text: str, scores: TokenScores) -> Span | None:
    """The likeliest skill of a text the argmax finds none in: the token most likely to begin one,
    grown over the rest of its word (sub-words of letters or digits that follow without a gap; a
    Chinese character is a word of its own, as the text has no spaces to end one). Its confidence
    stays below what learners see, however sure the model is of the token: a guess gives the
    course its track, not a chip (a version that leaves its own spans out has judged them no help)."""
    if not scores.offsets:
        return None
    best = max(range(len(scores.offsets)), key=lambda i: 1 - scores.probabilities[i][OUTSIDE])
    row = scores.probabilities[best]
    kind = max(ENTITY_TYPES, key=lambda k: row[TYPE_LABELS[k][0]] + row[TYPE_LABELS[k][1]])
    start, end = scores.offsets[best]
    for next_start, next_end in scores.offsets[best + 1 :]:
        if next_start != end or not (_in_word(text[end - 1]) and _in_word(text[next_start])):
            break
        end = next_end
    return Span(start, end, kind, GUESS_SHARE * (1 - row[OUTSIDE]))


def _in_word(character: str) -> bool:
    return character.isalnum() and unicodedata.east_asian_width(character) not in ("W", "F")


def term_belief(model: float, prior: float | None) -> float:
    """How sure decoding is that a lexicon term is a skill of this text when its version has no
    term judge: the model's belief (its tokens' mean entity probability) and, where the term has
    one, its prior (how often its corpus labels it a skill where it occurs), as their geometric
    mean: either one near 0 vetoes.

    Chosen on coursera_2021 training rows a 2-epoch model of 600 others never saw (skill F1 of
    full texts at the best threshold of each): the model alone 0.641, the prior alone 0.669, the
    arithmetic mean 0.681, the geometric mean 0.704."""
    return model if prior is None else math.sqrt(model * prior)


# What the term judge weighs of a lexicon term in a text (`term_features`), in this order.
JUDGE_FEATURES = (
    "model_mean", "model_max", "belief", "prior", "no_prior", "occurrences", "in_title", "words", "first_at",
    "inside",
)  # fmt: skip


def term_features(
    text: str, occurrences: Sequence[tuple[Span, float]], prior: float | None, inside: float
) -> list[float]:
    """A term's features in `text` (`JUDGE_FEATURES`): its tokens' mean and best entity probability
    over its occurrences, `term_belief`, its prior (0.5 and a flag without one), how often the text
    names it, whether the first line (a course's title) does, its length in words, where in the
    text it first occurs, and the share of its occurrences inside a longer term ("project" in
    "project management")."""
    probabilities = [probability for _, probability in occurrences]
    mean = sum(probabilities) / len(probabilities)
    first = min(span.start for span, _ in occurrences)
    title_end = text.find("\n") % (len(text) + 1)  # a text of one line is all title
    name = text[occurrences[0][0].start : occurrences[0][0].end]
    return [
        mean, max(probabilities), term_belief(mean, prior), 0.5 if prior is None else prior, float(prior is None),
        math.log1p(len(occurrences)), float(first < title_end), float(len(name.split())), first / max(len(text), 1),
        inside,
    ]  # fmt: skip


@dataclass(frozen=True)
class TermJudge:
    """How likely a lexicon term is a skill of a text, from its `term_features`: a logistic
    regression a training job fits on its dev split (`calibrate`), so that the model's belief, the
    corpus's prior and where the text names the term are weighed as the data says, not by a fixed
    rule. On coursera_2021 (CHANGELOG, issue 15), one 6-epoch checkpoint: dev skill F1 0.755 with
    `term_belief`, 0.783 with the judge (both without the model's own spans); held-out 0.747 and
    0.753."""

    weights: tuple[float, ...]
    bias: float

    def belief(self, features: Sequence[float]) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, features, strict=True))
        return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))

    def as_json(self) -> dict[str, object]:
        return {"features": list(JUDGE_FEATURES), "weights": list(self.weights), "bias": self.bias}

    @classmethod
    def from_json(cls, data: Mapping[str, object] | None) -> "TermJudge | None":
        """The judge a version saved; None without one, or for one of other features (an older rule)."""
        if not data or data.get("features") != list(JUDGE_FEATURES):
            return None
        weights = data["weights"]
        assert isinstance(weights, list)
        return cls(tuple(float(w) for w in weights), float(data["bias"]))  # type: ignore[arg-type]


@dataclass(frozen=True)
class Decoding:
    """How a version decodes with a lexicon, chosen on its training job's dev split (`calibrate`):
    the belief a term needs, whether the model's own spans outside every term are kept, whether a
    kept term takes the lexicon's type or the one the model reads there, and the term judge (None:
    `term_belief`). Versions saved before a setting existed get its old value."""

    term_threshold: float = TERM_THRESHOLD
    own_spans: bool = True
    lexicon_types: bool = False
    judge: TermJudge | None = None

    @classmethod
    def from_metrics(cls, data: Mapping[str, object] | None) -> "Decoding":
        data = data or {}
        threshold = data.get("term_threshold", TERM_THRESHOLD)
        assert isinstance(threshold, int | float)
        judge = data.get("judge")
        return cls(
            term_threshold=float(threshold),
            own_spans=bool(data.get("own_spans", True)),
            lexicon_types=bool(data.get("lexicon_types", False)),
            judge=TermJudge.from_json(judge if isinstance(judge, dict) else None),
        )

    def as_json(self) -> dict[str, object]:
        return {
            "term_threshold": self.term_threshold,
            "own_spans": self.own_spans,
            "lexicon_types": self.lexicon_types,
            "judge": self.judge.as_json() if self.judge else None,
        }


def calibrated(belief: float, threshold: float) -> float:
    """A term's belief as a span confidence in which the version's threshold sits at 0.5 (piecewise
    linear, so the default threshold leaves it as it is): a span decoding keeps is one learners
    see (`ml.selectors.SHOWN_CONFIDENCE`), whatever threshold its version chose, and a best guess
    below it is not."""
    if belief < threshold:
        return 0.5 * belief / threshold
    return 0.5 + 0.5 * (belief - threshold) / (1 - threshold)


def _judged_terms(
    text: str, scores: TokenScores, terms: Sequence[Span], priors: Mapping[str, float], judge: TermJudge | None
) -> list[tuple[float, list[tuple[Span, str]]]]:
    """Each term of the text once (over all its occurrences: a course teaches a skill or not,
    wherever it names it): its belief, and its occurrences with the type the model gives each."""
    judged = []
    for key, occurrences in _by_term(text, scores, terms).items():
        prior = priors.get(key)
        if judge is None:
            belief = term_belief(sum(o.probability for o in occurrences) / len(occurrences), prior)
        else:
            belief = judge.belief(_features(text, occurrences, prior))
        judged.append((belief, [(o.span, o.kind) for o in occurrences]))
    return judged


@dataclass(frozen=True)
class _Occurrence:
    span: Span
    probability: float  # its tokens' mean entity probability
    kind: str  # the likelier type there
    inside: bool  # within a longer term's match


def _by_term(text: str, scores: TokenScores, terms: Sequence[Span]) -> dict[str, list[_Occurrence]]:
    """The terms' occurrences, by lower-cased term."""
    by_term: dict[str, list[_Occurrence]] = defaultdict(list)
    for term in terms:
        probability, kind = _term_score(scores, term)
        inside = any(
            o.start <= term.start and term.end <= o.end and o.end - o.start > term.end - term.start for o in terms
        )
        by_term[text[term.start : term.end].lower()].append(_Occurrence(term, probability, kind, inside))
    return by_term


def _features(text: str, occurrences: Sequence[_Occurrence], prior: float | None) -> list[float]:
    inside = sum(o.inside for o in occurrences) / len(occurrences)
    return term_features(text, [(o.span, o.probability) for o in occurrences], prior, inside)


def decode(
    text: str,
    scores: TokenScores,
    terms: Sequence[Span] | None = None,
    priors: Mapping[str, float] | None = None,
    *,
    at_least_one: bool = True,
    decoding: Decoding = Decoding(),
) -> list[Span]:
    """The skill spans of `text`, read from its token scores.

    `terms` are the lexicon's matches in the text, overlapping ones included (`Lexicon.find` with
    `overlapping`), None when no lexicon is used;
    `priors` the lexicon's (`Lexicon.priors`: lower-cased term -> prior). With a lexicon, the
    model's own spans outside its terms must be sure, and are kept only where the version's
    `decoding` keeps them.
    """
    threshold = decoding.term_threshold
    accepted: list[Span] = []
    likeliest: tuple[float, Span] | None = None
    for belief, occurrences in _judged_terms(text, scores, terms or (), priors or {}, decoding.judge):
        confidence = calibrated(belief, threshold)
        if belief >= threshold:
            accepted += [
                Span(t.start, t.end, t.type if decoding.lexicon_types else kind, confidence) for t, kind in occurrences
            ]
        elif likeliest is None or belief > likeliest[0]:
            first = occurrences[0][0]
            likeliest = (belief, Span(first.start, first.end, first.type, confidence))
    # Terms kept that overlap ("machine learning" in "machine learning engineer"): the longest wins,
    # as the silver spans resolve a course's own skills. A longer term judged no skill of this
    # text leaves the shorter one inside it free to be one.
    kept: list[Span] = []
    for span in sorted(accepted, key=lambda s: (s.start - s.end, s.start)):
        if not any(span.start < k.end and k.start < span.end for k in kept):
            kept.append(span)
    if terms is None:
        own = named_spans(text, argmax_spans(scores))
    elif decoding.own_spans:
        own = [span for span in named_spans(text, argmax_spans(scores)) if span.confidence >= OWN_SPAN_THRESHOLD]
    else:
        own = []
    spans = kept + [span for span in own if not any(span.start < k.end and k.start < span.end for k in kept)]
    # Measured with a 3-epoch model of 400 coursera_2021 rows on training rows it never saw: skill
    # F1 on bare titles 0.566 -> 0.721 (300 rows), the art track found on 26% of art titles, not 15%
    # (54 rows), while knowledge ones kept 99.2% (was 100%). The model's type instead of the
    # lexicon's found art on none more.
    if not spans and at_least_one and (guess := likeliest[1] if likeliest else _best_guess(text, scores)) is not None:
        spans = [guess]
    return sorted(spans)


# A term judge is fitted only on a dev split with at least this many terms that are a skill of
# their text and as many that are not; else decoding keeps `term_belief`.
JUDGE_MIN_CASES = 20
# The thresholds tried on a judge's belief (a probability: its best cut sits higher than the
# geometric mean's).
JUDGE_THRESHOLDS = tuple(round(0.05 * step, 2) for step in range(2, 15))  # 0.1 .. 0.7


def fit_judge(
    texts: Sequence[str],
    scores: Sequence[TokenScores],
    gold: Sequence[Sequence[Span]],
    lexicon: Lexicon,
    priors: Mapping[str, float],
) -> TermJudge | None:
    """The term judge of these texts (a training job's dev split): one row per term and text, a
    skill there when gold has any of its occurrences. None with too few of either kind."""
    from sklearn.linear_model import LogisticRegression  # the training worker's, never the web's

    rows, labels = [], []
    for text, text_scores, text_gold in zip(texts, scores, gold, strict=True):
        golden = {(span.start, span.end) for span in text_gold}
        for key, occurrences in _by_term(text, text_scores, lexicon.find(text, overlapping=True)).items():
            rows.append(_features(text, occurrences, priors.get(key)))
            labels.append(int(any((o.span.start, o.span.end) in golden for o in occurrences)))
    if min(sum(labels), len(labels) - sum(labels)) < JUDGE_MIN_CASES:
        return None
    model = LogisticRegression(C=1.0, max_iter=5000).fit(rows, labels)
    return TermJudge(tuple(float(w) for w in model.coef_[0]), float(model.intercept_[0]))


def calibrate(
    texts: Sequence[str],
    scores: Sequence[TokenScores],
    gold: Sequence[Sequence[Span]],
    lexicon: Lexicon,
    dev_priors: Mapping[str, float] | None = None,
) -> tuple[Decoding, float]:
    """The decoding that scores the best skill F1 on these texts (a training job's dev split) with
    this lexicon, and that F1: a term judge where there is enough to fit one, the threshold on its
    belief, whether the model's own spans help, and whose types to give kept terms (the model's,
    read in context, or the lexicon's: a manager's, or the track its corpus has the term under).

    `dev_priors`: the lexicon's priors as counted without these texts (`held_out_priors`); a prior
    counted on the very texts it is judged on tells their labels, and would be trusted too much."""
    priors = lexicon.priors if dev_priors is None else dev_priors
    terms = [lexicon.find(text, overlapping=True) for text in texts]
    judge = fit_judge(texts, scores, gold, lexicon, priors)
    best = (Decoding(), -1.0)
    # On a tie: own spans left out (learners see only skills a lexicon names), the model's types.
    thresholds = JUDGE_THRESHOLDS if judge else TERM_THRESHOLDS
    for own_spans, lexicon_types, threshold in product((False, True), (False, True), thresholds):
        decoding = Decoding(threshold, own_spans, lexicon_types, judge)
        predicted = [
            decode(text, text_scores, found, priors, decoding=decoding)
            for text, text_scores, found in zip(texts, scores, terms, strict=True)
        ]
        f1 = score(gold, predicted, [None] * len(texts))["f1"]
        if f1 > best[1]:
            best = (decoding, f1)
    return best
