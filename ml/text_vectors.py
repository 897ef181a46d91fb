"""Course-text vectors that need no neural model: TF-IDF (the baseline) and random (the floor)."""

from collections.abc import Sequence
from typing import Any

import numpy as np

from ml.ranking import Vectors, normalise

# Random vectors' length: any will do; a seed makes the floor reproducible.
RANDOM_DIMENSIONS = 64
RANDOM_SEED = 14


def tfidf_vectors(texts: Sequence[str]) -> Any:
    """Return unit-length TF-IDF rows (scipy sparse) of word uni/bigrams beside character 3-5-grams.

    Character n-grams within word edges catch inflections and typos that whole words miss; both
    halves are normalised before they are joined, so that neither outweighs the other."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    words = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), min_df=1, sublinear_tf=True, stop_words="english")
    characters = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True)
    texts = list(texts)
    return normalize(hstack([words.fit_transform(texts), characters.fit_transform(texts)]).tocsr())


def random_vectors(count: int) -> Vectors:
    return normalise(np.random.default_rng(RANDOM_SEED).standard_normal((count, RANDOM_DIMENSIONS)))
