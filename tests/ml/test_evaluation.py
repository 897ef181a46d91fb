"""Scores as the data README defines them, and what they hide on a lopsided catalogue."""

from ml.evaluation import score
from ml.spans import Span


def test_track_accuracy_per_track_shows_a_tagger_that_always_answers_knowledge():
    knowledge, art = [Span(0, 3, "KNOWLEDGE")], [Span(0, 3, "ART")]
    gold = [knowledge, knowledge, knowledge, art]

    result = score(gold, [knowledge] * 4, ["KNOWLEDGE", "KNOWLEDGE", "KNOWLEDGE", "ART"])

    assert result["track_accuracy"] == 0.75
    assert result["track_accuracy_per_type"] == {"KNOWLEDGE": 1.0, "ART": 0.0}
