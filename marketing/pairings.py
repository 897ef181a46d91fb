"""The tag bridge: a pairing score for every knowledge × art pair of published courses, from named
factors, each in [0, 1] and weighted (settings.PAIRING_WEIGHTS), their parts adding up to the score:

    text                  cosine of the two course embeddings (below 0: 0)
    shared_skills         skills both teach / skills either teaches (aliases merged by the lexicon)
    complementary_skills  own-track skills only one side brings (the knowledge course's knowledge
                          skills the art course lacks, and the reverse) / skills either teaches
    co_purchase           1 - 1/lift of "bought together" (min support RECOMMEND_MIN_SUPPORT); 0 below lift 1
    demand                f(Dk, Da) = Dk + Da - Dk·Da over the survey respondents among the
                          learners who paid for either course (0 below SCORES_MIN_RESPONDENTS)
    revenue               s · g of the past campaign whose courses are most like the pair
    promotion             s · h/(1+h) of that campaign (h = E + E² is unbounded: squashed to [0, 1))

where s = min(closeness of the knowledge course to the campaign's nearest knowledge course, of the
art course to its nearest art course), the campaign counted only from PAIRING_CAMPAIGN_MIN_SIMILARITY.

Reads only, and cheap: a fixed number of queries gathers everything (courses, vectors, skills,
co-purchases, buyers, wants, campaign scores), then numpy and scipy sparse products score one block
of knowledge courses against every art course at a time, so memory stays at block × art courses.
Every course keeps its best PAIRINGS_PER_COURSE partners, from either side; services store them.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.db.models import Max
from django.utils.translation import gettext_lazy

from courses import selectors as course_selectors
from courses.models import Course, Order
from ml import recommendations as ml_recommendations
from ml import selectors as ml_selectors
from surveys import selectors as survey_selectors

from . import scores
from .models import Campaign, CampaignScore

FACTOR_LABELS = {
    "text": gettext_lazy("close in content"),
    "shared_skills": gettext_lazy("shared skills"),
    "complementary_skills": gettext_lazy("complementary skills"),
    "co_purchase": gettext_lazy("bought together"),
    "demand": gettext_lazy("buyers' demand f"),
    "revenue": gettext_lazy("past campaign's revenue g"),
    "promotion": gettext_lazy("past campaign's promotion h"),
}
FACTORS = ("text", "shared_skills", "complementary_skills", "co_purchase", "demand", "revenue", "promotion")
PAIRINGS_PER_COURSE = 10  # a manager reads the first few per course; ten leave room for the filters
BLOCK = 256  # knowledge courses per block: 256 x 50,000 art courses x 8 float64 matrices is ~800 MB
SHOWN_SKILLS = 5

Matrix = npt.NDArray[np.float64]


@dataclass(frozen=True)
class PairScore:
    knowledge_id: int
    art_id: int
    score: float
    factors: dict[str, dict[str, float]]
    details: dict[str, Any]


@dataclass
class _Inputs:
    knowledge: list[int]
    art: list[int]
    weights: dict[str, float]
    vectors_k: Matrix
    vectors_a: Matrix
    profiles: Mapping[int, ml_selectors.SkillProfile]
    lifts: dict[tuple[int, int], float]
    co_purchase: Any  # scipy sparse, knowledge x art courses: 1 - 1/lift where lift > 1
    buyers_k: Any  # scipy sparse, respondents x knowledge courses
    buyers_a: Any
    wants_k: Matrix  # per respondent row: 1 if they want knowledge content
    wants_a: Matrix
    campaigns: list[dict[str, Any]] = field(default_factory=list)
    campaign_sim_k: Matrix = field(default_factory=lambda: np.zeros((0, 0)))
    campaign_sim_a: Matrix = field(default_factory=lambda: np.zeros((0, 0)))


def pairing_weights() -> dict[str, float]:
    """The factors' weights from settings (a missing factor weighs 0); negative weights are refused."""
    configured: Mapping[str, float] = settings.PAIRING_WEIGHTS
    if unknown := set(configured) - set(FACTORS):
        raise ValueError(f"PAIRING_WEIGHTS names unknown factors: {sorted(unknown)}")
    weights = {name: float(configured.get(name, 0.0)) for name in FACTORS}
    if any(w < 0 for w in weights.values()):
        raise ValueError("PAIRING_WEIGHTS must not be negative.")
    return weights


def _gather() -> _Inputs:
    from scipy.sparse import csr_matrix

    tracks = dict(Course.objects.published().filter(track__in=["knowledge", "art"]).values_list("pk", "track"))
    knowledge = sorted(pk for pk, track in tracks.items() if track == Course.Track.KNOWLEDGE)
    art = sorted(pk for pk, track in tracks.items() if track == Course.Track.ART)
    index = ml_recommendations.published_index()
    dims = index.vectors.shape[1] if index.vectors.size else 1

    def vectors(ids: list[int]) -> Matrix:
        found = np.zeros((len(ids), dims), dtype=np.float64)
        for row, pk in enumerate(ids):
            if (at := index.row_of.get(pk)) is not None:
                found[row] = index.vectors[at]
        return found

    support = int(settings.RECOMMEND_MIN_SUPPORT)
    lifts: dict[tuple[int, int], float] = {}
    for pair in course_selectors.co_purchases(min_support=support):
        lifts[(pair.first, pair.second)] = lifts[(pair.second, pair.first)] = pair.lift

    # Buyers who answered a survey: the only learners whose wants are known.
    wants = survey_selectors.learner_wants()
    paid = (
        Order.objects.filter(status=Order.Status.PAID, course_id__in=[*knowledge, *art], learner_id__in=list(wants))
        .values_list("learner_id", "course_id")
        .distinct()
    )
    learners = sorted(wants)
    learner_row = {pk: row for row, pk in enumerate(learners)}
    k_col, a_col = {pk: i for i, pk in enumerate(knowledge)}, {pk: i for i, pk in enumerate(art)}
    k_cells, a_cells = [], []
    for learner_id, course_id in paid:
        if course_id in k_col:
            k_cells.append((learner_row[learner_id], k_col[course_id]))
        else:
            a_cells.append((learner_row[learner_id], a_col[course_id]))

    def incidence(cells: list[tuple[int, int]], columns: int) -> Any:
        rows = [r for r, _ in cells]
        cols = [c for _, c in cells]
        return csr_matrix((np.ones(len(cells)), (rows, cols)), shape=(len(learners), columns))

    lift_cells = [
        (k_col[k], a_col[a], 1 - 1 / lift) for (k, a), lift in lifts.items() if k in k_col and a in a_col and lift > 1
    ]
    co_purchase = csr_matrix(
        ([v for *_, v in lift_cells], ([r for r, *_ in lift_cells], [c for _, c, _ in lift_cells])),
        shape=(len(knowledge), len(art)),
    )
    inputs = _Inputs(
        knowledge=knowledge, art=art, weights=pairing_weights(), co_purchase=co_purchase,
        vectors_k=vectors(knowledge), vectors_a=vectors(art),
        profiles=ml_selectors.skill_profiles(course_ids=[*knowledge, *art]), lifts=lifts,
        buyers_k=incidence(k_cells, len(knowledge)), buyers_a=incidence(a_cells, len(art)),
        wants_k=np.array([float(wants[pk][0]) for pk in learners]),
        wants_a=np.array([float(wants[pk][1]) for pk in learners]),
    )  # fmt: skip
    _gather_campaigns(inputs, vectors)
    return inputs


def _gather_campaigns(inputs: _Inputs, vectors: Any) -> None:
    """The campaigns with a revenue or promotion score (their latest), and how close each course is
    to each campaign's nearest course of its side."""
    latest = CampaignScore.objects.values("campaign_id").annotate(at=Max("computed_at")).values("at")
    snapshots = {
        s.campaign_id: s
        for s in CampaignScore.objects.filter(computed_at__in=latest)
        .exclude(g__isnull=True, h__isnull=True)
        .order_by("campaign_id", "-computed_at", "-pk")
    }
    if not snapshots:
        return
    campaigns = Campaign.objects.filter(pk__in=list(snapshots)).exclude(status=Campaign.Status.DRAFT)
    campaigns = campaigns.prefetch_related("knowledge_courses", "art_courses").order_by("pk")
    sim_k, sim_a = [], []
    for campaign in campaigns:
        k_ids = [c.pk for c in campaign.knowledge_courses.all()]
        a_ids = [c.pk for c in campaign.art_courses.all()]
        if not k_ids or not a_ids:
            continue
        snapshot = snapshots[campaign.pk]
        inputs.campaigns.append(
            {"id": campaign.pk, "slug": campaign.slug, "name": campaign.name_zh, "g": snapshot.g, "h": snapshot.h}
        )
        sim_k.append((inputs.vectors_k @ vectors(k_ids).T).max(axis=1) if inputs.knowledge else np.zeros(0))
        sim_a.append((inputs.vectors_a @ vectors(a_ids).T).max(axis=1) if inputs.art else np.zeros(0))
    if inputs.campaigns:
        inputs.campaign_sim_k = np.stack(sim_k, axis=1)
        inputs.campaign_sim_a = np.stack(sim_a, axis=1)


def _skill_matrices(inputs: _Inputs) -> tuple[Any, Any, Any, Any]:
    """Course x skill incidence (all skills, own-track skills) of each side, sparse."""
    from scipy.sparse import csr_matrix

    vocabulary: dict[str, int] = {}
    for profile in inputs.profiles.values():
        for key in profile.shown:
            vocabulary.setdefault(key, len(vocabulary))

    def build(ids: list[int], own: str) -> tuple[Any, Any]:
        every, mine = [], []
        for row, pk in enumerate(ids):
            profile = inputs.profiles.get(pk)
            for key, kind in profile.types.items() if profile else ():
                every.append((row, vocabulary[key]))
                if kind == own:
                    mine.append((row, vocabulary[key]))
        shape = (len(ids), max(len(vocabulary), 1))

        def sparse(cells: list[tuple[int, int]]) -> Any:
            return csr_matrix((np.ones(len(cells)), ([r for r, _ in cells], [c for _, c in cells])), shape=shape)

        return sparse(every), sparse(mine)

    skills_k, own_k = build(inputs.knowledge, "KNOWLEDGE")
    skills_a, own_a = build(inputs.art, "ART")
    return skills_k, own_k, skills_a, own_a


def _dense(matrix: Any) -> Matrix:
    return np.asarray(matrix.toarray() if hasattr(matrix, "toarray") else matrix, dtype=np.float64)


def _ratio(top: Matrix, bottom: Matrix) -> Matrix:
    return np.divide(top, bottom, out=np.zeros_like(top), where=bottom > 0)


def _block_values(inputs: _Inputs, rows: slice, skill_mats: tuple[Any, Any, Any, Any]) -> dict[str, Matrix]:
    """Every factor's values for the knowledge courses in `rows` against every art course."""
    skills_k, own_k, skills_a, own_a = skill_mats
    n_art = len(inputs.art)
    values: dict[str, Matrix] = {"text": np.clip(inputs.vectors_k[rows] @ inputs.vectors_a.T, 0.0, 1.0)}

    block_k = skills_k[rows]
    both = _dense(block_k @ skills_a.T)
    count_k = np.asarray(block_k.sum(axis=1), dtype=np.float64).reshape(-1, 1)
    count_a = np.asarray(skills_a.sum(axis=1), dtype=np.float64).reshape(1, -1)
    either = count_k + count_a - both
    values["shared_skills"] = _ratio(both, either)
    own_k_block = own_k[rows]
    k_brings = np.asarray(own_k_block.sum(axis=1), dtype=np.float64).reshape(-1, 1) - _dense(own_k_block @ skills_a.T)
    a_brings = np.asarray(own_a.sum(axis=1), dtype=np.float64).reshape(1, -1) - _dense(block_k @ own_a.T)
    values["complementary_skills"] = _ratio(k_brings + a_brings, either)

    co = _dense(inputs.co_purchase[rows]) if n_art else np.zeros((both.shape[0], 0))
    values["co_purchase"] = co

    values.update(_block_demand(inputs, rows))
    values.update(_block_campaigns(inputs, rows))
    return values


def _block_demand(inputs: _Inputs, rows: slice) -> dict[str, Matrix]:
    """Dk, Da, the respondents among either course's buyers, and f where there are enough of them."""
    from scipy.sparse import diags

    block = inputs.buyers_k[:, rows]
    n_k = np.asarray(block.sum(axis=0), dtype=np.float64).reshape(-1, 1)
    n_a = np.asarray(inputs.buyers_a.sum(axis=0), dtype=np.float64).reshape(1, -1)
    respondents = n_k + n_a - _dense(block.T @ inputs.buyers_a)

    def wanting(weights: Matrix) -> Matrix:
        weighted = diags(weights) if weights.size else diags(np.zeros(0))
        w_k = np.asarray((weighted @ block).sum(axis=0), dtype=np.float64).reshape(-1, 1)
        w_a = np.asarray((weighted @ inputs.buyers_a).sum(axis=0), dtype=np.float64).reshape(1, -1)
        return w_k + w_a - _dense(block.T @ weighted @ inputs.buyers_a)

    d_k = _ratio(wanting(inputs.wants_k), respondents)
    d_a = _ratio(wanting(inputs.wants_a), respondents)
    enough = respondents >= settings.SCORES_MIN_RESPONDENTS
    return {"demand": np.where(enough, d_k + d_a - d_k * d_a, 0.0), "_d_k": d_k, "_d_a": d_a, "_n": respondents}


def _block_campaigns(inputs: _Inputs, rows: slice) -> dict[str, Matrix]:
    shape = (inputs.vectors_k[rows].shape[0], len(inputs.art))
    best_s, best_c = np.zeros(shape), np.full(shape, -1)
    threshold = float(settings.PAIRING_CAMPAIGN_MIN_SIMILARITY)
    for c in range(len(inputs.campaigns)):
        s = np.minimum(inputs.campaign_sim_k[rows, c][:, None], inputs.campaign_sim_a[:, c][None, :])
        better = (s >= threshold) & (s > best_s)
        best_s, best_c = np.where(better, s, best_s), np.where(better, c, best_c)
    g = np.array([c["g"] if c["g"] is not None else 0.0 for c in inputs.campaigns] + [0.0])
    h = np.array([c["h"] / (1 + c["h"]) if c["h"] is not None else 0.0 for c in inputs.campaigns] + [0.0])
    # best_c == -1 (no campaign close enough) reads the trailing 0.
    return {"revenue": best_s * g[best_c], "promotion": best_s * h[best_c], "_s": best_s, "_c": best_c}


def _keep(scores_by_row: list[tuple[int, Matrix]], n_art: int, per_course: int) -> set[tuple[int, int]]:
    """(row, column) of each knowledge row's and each art column's `per_course` best scores."""
    kept: set[tuple[int, int]] = set()
    # Each art column's best so far: scores and knowledge rows, merged block by block.
    best_scores = np.full((0, n_art), -np.inf)
    best_rows = np.zeros((0, n_art), dtype=np.int64)
    for begin, block in scores_by_row:
        top = np.argsort(-block, axis=1, kind="stable")[:, : min(per_course, n_art)]
        kept |= {(begin + i, int(j)) for i in range(block.shape[0]) for j in top[i]}
        best_scores = np.vstack([best_scores, block])
        best_rows = np.vstack(
            [best_rows, np.broadcast_to(np.arange(begin, begin + block.shape[0])[:, None], block.shape)]
        )
        order = np.argsort(-best_scores, axis=0, kind="stable")[:per_course]
        best_scores = np.take_along_axis(best_scores, order, axis=0)
        best_rows = np.take_along_axis(best_rows, order, axis=0)
    kept |= {(int(best_rows[r, j]), j) for r in range(best_rows.shape[0]) for j in range(n_art)}
    return kept


def pairing_scores(*, per_course: int | None = None) -> list[PairScore]:
    """Score every knowledge × art pair of published courses; return each course's `per_course`
    (PAIRINGS_PER_COURSE) best pairs (from either side), with their factors and details."""
    per_course = per_course or PAIRINGS_PER_COURSE
    inputs = _gather()
    n_k, n_a = len(inputs.knowledge), len(inputs.art)
    if not n_k or not n_a:
        return []
    skill_mats = _skill_matrices(inputs)
    weights = inputs.weights
    blocks: list[tuple[int, dict[str, Matrix]]] = []
    for begin in range(0, n_k, BLOCK):
        values = _block_values(inputs, slice(begin, begin + BLOCK), skill_mats)
        values["_score"] = sum((weights[name] * values[name] for name in FACTORS), np.zeros_like(values["text"]))
        blocks.append((begin, values))
    kept = _keep([(begin, values["_score"]) for begin, values in blocks], n_a, per_course)
    found = []
    for begin, values in blocks:
        size = values["text"].shape[0]
        for i, j in sorted(cell for cell in kept if begin <= cell[0] < begin + size):
            found.append(_pair(inputs, values, i - begin, i, j))
    return found


def _pair(inputs: _Inputs, values: dict[str, Matrix], local: int, i: int, j: int) -> PairScore:
    k_pk, a_pk = inputs.knowledge[i], inputs.art[j]
    factors: dict[str, dict[str, float]] = {}
    for name in FACTORS:
        value = round(float(values[name][local, j]), 4)
        weight = inputs.weights[name]
        factors[name] = {"value": value, "weight": weight, "part": round(weight * value, 6)}
    score = round(sum(f["part"] for f in factors.values()), 6)
    return PairScore(k_pk, a_pk, score, factors, _details(inputs, values, local, i, j))


def _details(inputs: _Inputs, values: dict[str, Matrix], local: int, i: int, j: int) -> dict[str, Any]:
    empty = ml_selectors.SkillProfile(shown={}, types={})
    k_profile = inputs.profiles.get(inputs.knowledge[i], empty)
    a_profile = inputs.profiles.get(inputs.art[j], empty)
    shared_keys = k_profile.shown.keys() & a_profile.shown.keys()
    shared = [k_profile.shown[key] for key in k_profile.shown if key in shared_keys]
    k_brings = [k_profile.shown[key] for key, kind in k_profile.types.items() if kind == "KNOWLEDGE"]
    a_brings = [a_profile.shown[key] for key, kind in a_profile.types.items() if kind == "ART"]
    brings = [name for name in (*k_brings, *a_brings) if name.lower() not in shared_keys]
    respondents = int(values["_n"][local, j])
    enough = respondents >= settings.SCORES_MIN_RESPONDENTS
    d_k, d_a = float(values["_d_k"][local, j]), float(values["_d_a"][local, j])
    campaign = None
    if (c := int(values["_c"][local, j])) >= 0:
        campaign = {**inputs.campaigns[c], "similarity": round(float(values["_s"][local, j]), 4)}
    return {
        "shared_skills": shared[:SHOWN_SKILLS],
        "complementary_skills": brings[:SHOWN_SKILLS],
        "lift": inputs.lifts.get((inputs.knowledge[i], inputs.art[j])),
        "respondents": respondents,
        "d_k": round(d_k, 4) if respondents else None,
        "d_a": round(d_a, 4) if respondents else None,
        "f": round(scores.demand(d_k, d_a), 4) if enough else None,
        "campaign": campaign,
    }
