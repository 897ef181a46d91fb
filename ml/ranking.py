"""Nearest neighbours by exact inner product, and how good they are: precision@k and nDCG@k.

Pure numpy, no model: the recommendation quality figures (`recommend_evaluate`) and the course
pages' neighbour lists share this code."""

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


def normalise(vectors: npt.ArrayLike) -> Vectors:
    """Return the rows scaled to unit length (a zero row stays zero), as float32."""
    array = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(array, axis=1, keepdims=True)
    return (array / np.where(norms == 0, 1, norms)).astype(np.float32)


def top_k(queries: Vectors, corpus: Vectors, k: int, *, exclude_self: bool = False) -> npt.NDArray[np.int64]:
    """Return, per query row, the indices of the `k` corpus rows of largest inner product, best first.

    Exact search: one matrix product per block of queries, so that memory stays at block x corpus
    floats (1,024 x 100,000 float32 is 400 MB). `exclude_self`: the queries are the corpus, and a row
    is never its own neighbour. Ties are broken by the lower index, so results are reproducible."""
    block = 1024
    k = min(k, corpus.shape[0] - (1 if exclude_self else 0))
    found = np.empty((queries.shape[0], max(k, 0)), dtype=np.int64)
    if k <= 0:
        return found
    for begin in range(0, queries.shape[0], block):
        scores = queries[begin : begin + block] @ corpus.T
        if hasattr(scores, "toarray"):  # TF-IDF rows are scipy sparse matrices
            scores = scores.toarray()
        scores = np.asarray(scores, dtype=np.float32)
        if exclude_self:
            rows = np.arange(scores.shape[0])
            scores[rows, rows + begin] = -np.inf
        # argpartition picks the k best in linear time; only those k are then sorted (stable on
        # index order, by sorting on -score with a stable sort).
        best = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        best.sort(axis=1)
        order = np.argsort(-np.take_along_axis(scores, best, axis=1), axis=1, kind="stable")
        found[begin : begin + block] = np.take_along_axis(best, order, axis=1)
    return found


def precision_at_k(relevant: Sequence[bool], k: int) -> float:
    """Share of the first `k` results that are relevant (missing results count as not relevant)."""
    return sum(bool(r) for r in relevant[:k]) / k


def ndcg_at_k(relevant: Sequence[bool], k: int, available: int) -> float:
    """Binary-relevance nDCG of the first `k` results: DCG over the DCG of the best possible list,
    which puts min(k, `available`) relevant items first. 0 where nothing relevant is available."""
    ideal = sum(1 / math.log2(rank + 2) for rank in range(min(k, available)))
    if ideal == 0:
        return 0.0
    return sum(1 / math.log2(rank + 2) for rank, r in enumerate(relevant[:k]) if r) / ideal


def neighbour_quality(
    neighbours: npt.NDArray[np.int64],
    domains: Sequence[str],
    skills: Sequence[frozenset[str]],
    k: int = 10,
) -> dict[str, float | None]:
    """Return mean precision@k and nDCG@k by same non-empty domain, and precision@k by shared skill.

    A row counts for the domain figures when its domain is not empty and at least one other row has
    it; for the skill figure when it has skills. A figure with no row counting is None."""
    domain_sizes: dict[str, int] = {}
    for domain in domains:
        domain_sizes[domain] = domain_sizes.get(domain, 0) + 1
    precisions, ndcgs, skill_precisions = [], [], []
    for row, found in enumerate(neighbours):
        found = found[:k]
        domain = domains[row]
        if domain and domain_sizes[domain] > 1:
            relevant = [domains[int(other)] == domain for other in found]
            precisions.append(precision_at_k(relevant, k))
            ndcgs.append(ndcg_at_k(relevant, k, available=domain_sizes[domain] - 1))
        if skills[row]:
            skill_precisions.append(precision_at_k([bool(skills[row] & skills[int(o)]) for o in found], k))
    return {
        f"precision_at_{k}": _mean(precisions),
        f"ndcg_at_{k}": _mean(ndcgs),
        f"skill_precision_at_{k}": _mean(skill_precisions),
    }


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None
