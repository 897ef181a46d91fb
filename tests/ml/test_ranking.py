"""Exact top-k by inner product, and precision@k / nDCG@k on hand-made lists with known answers."""

import math

import numpy as np
import pytest

from ml.ranking import ndcg_at_k, neighbour_quality, normalise, precision_at_k, top_k


def test_precision_counts_relevant_results_among_the_first_k():
    assert precision_at_k([True, False, True, False], 4) == 0.5
    assert precision_at_k([True, True], 4) == 0.5  # missing results are not relevant


def test_ndcg_is_one_for_the_ideal_order_and_discounts_late_hits():
    assert ndcg_at_k([True, True, False], 3, available=2) == 1.0
    # one relevant item available, found at rank 2: 1/log2(3) over 1/log2(2)
    assert ndcg_at_k([False, True, False], 3, available=1) == pytest.approx(1 / math.log2(3))
    assert ndcg_at_k([False, False], 2, available=0) == 0.0


def test_top_k_orders_by_inner_product_and_never_returns_the_row_itself():
    vectors = normalise([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9]])
    assert top_k(vectors, vectors, 2, exclude_self=True).tolist() == [[1, 3], [0, 3], [3, 1], [2, 1]]


def test_top_k_breaks_ties_by_lower_index_and_caps_k_at_the_corpus():
    vectors = np.ones((3, 2), dtype=np.float32)
    assert top_k(vectors, vectors, 10, exclude_self=True).tolist() == [[1, 2], [0, 2], [0, 1]]


def test_neighbour_quality_on_a_tiny_catalogue_with_known_figures():
    # Rows 0-1 "art", 2-3 "knowledge", 4 without a domain. Each row's first neighbour is right
    # except row 3's, whose same-domain row comes second.
    neighbours = np.array([[1, 2], [0, 2], [3, 0], [0, 2], [0, 1]])
    domains = ["art", "art", "knowledge", "knowledge", ""]
    skills = [frozenset({"colour"}), frozenset({"colour"}), frozenset(), frozenset({"python"}), frozenset({"x"})]
    result = neighbour_quality(neighbours, domains, skills, k=2)
    # precision@2: each counted row (0-3) has exactly one same-domain row in its two neighbours
    assert result["precision_at_2"] == pytest.approx(0.5)
    # nDCG@2: one relevant available for each; rows 0-2 find it first (1.0), row 3 second (1/log2 3)
    assert result["ndcg_at_2"] == pytest.approx((3 + 1 / math.log2(3)) / 4)
    # skills: row 0 -> 1 shares, row 1 -> 0 shares, row 3 and row 4 share nothing; row 2 has none
    assert result["skill_precision_at_2"] == pytest.approx((0.5 + 0.5 + 0 + 0) / 4)


def test_figures_without_any_row_to_count_are_none():
    result = neighbour_quality(np.array([[1], [0]]), ["", ""], [frozenset(), frozenset()], k=1)
    assert result == {"precision_at_1": None, "ndcg_at_1": None, "skill_precision_at_1": None}
