import pytest

from ml import datasets
from ml.spans import Lexicon, find_terms

KNOWLEDGE = datasets.Record("k", "Python basics", "Learn Python and SQL.", ("Python", "SQL"), "knowledge")
ART = datasets.Record("a", "Watercolour", "Paint watercolour landscapes.", ("watercolour",), "art")
OTHER = datasets.Record("o", "Greek history", "Ancient Greece.", ("history",), "humanities")


def test_silver_spans_are_the_rows_own_skills_typed_by_its_domain():
    example = KNOWLEDGE.silver()
    assert example.text == "Python basics\nLearn Python and SQL."
    assert [(example.text[s.start : s.end], s.type) for s in example.spans] == [
        ("Python", "KNOWLEDGE"), ("Python", "KNOWLEDGE"), ("SQL", "KNOWLEDGE"),
    ]  # fmt: skip
    assert [s.key() for s in KNOWLEDGE.silver(title_only=True).spans] == [(0, 6, "KNOWLEDGE")]
    assert OTHER.silver() is None


def test_training_examples_add_bare_titles():
    examples = datasets.record_examples([KNOWLEDGE, ART, OTHER], titles=True)
    texts = [example.text for example in examples]
    assert texts == [KNOWLEDGE.text, "Python basics", ART.text, "Watercolour"]  # the other domain's row: none
    assert len(datasets.record_examples([KNOWLEDGE, ART], titles=False)) == 2


def test_the_lexicon_anchor_types_a_skill_by_its_commonest_domain():
    rows = [
        ART,
        datasets.Record("b", "", "", ("Watercolour",), "knowledge"),
        datasets.Record("c", "", "", ("Watercolour",), "art"),
    ]
    proposals = datasets.record_proposals([*rows, OTHER])
    # Its commonest spelling; of the texts, only the art row's names it, as its skill.
    assert proposals == [datasets.TermProposal("Watercolour", "ART", 3, in_texts=1, as_skill=1)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Python programming, not pythonic", ["Python programming"]),
        ("学习大数据分析", ["数据分析"]),
        ("C++ and c#", ["C++", "c#"]),
        # equal lengths overlapping: the term given first wins, as with a row's own skill order
        ("mobile interaction design", ["mobile interaction"]),
    ],
)
def test_the_indexed_lexicon_finds_what_a_term_by_term_search_finds(text, expected):
    terms = dict.fromkeys(
        ["python", "python programming", "数据分析", "c++", "c#", "mobile interaction", "interaction design"],
        "KNOWLEDGE",
    )
    assert [text[s.start : s.end] for s in Lexicon(terms).find(text)] == expected
    assert find_terms(text, terms) == Lexicon(terms).find(text)


@pytest.mark.parametrize(
    ("text", "term", "platform", "strict"),
    [
        ("C/C++Programming", "c++", ["C++"], []),  # the one row of the shared files where they differ
        ("学习水彩画", "水彩", ["水彩"], []),
        ("学Python课", "python", ["Python"], []),
        ("C++, Python", "c++", ["C++"], ["C++"]),
    ],
)
def test_strict_matching_is_the_data_readmes_rule_and_the_platforms_finds_skills_in_chinese(
    text, term, platform, strict
):
    terms = {term: "KNOWLEDGE"}
    assert [text[s.start : s.end] for s in find_terms(text, terms)] == platform
    assert [text[s.start : s.end] for s in find_terms(text, terms, strict=True)] == strict
