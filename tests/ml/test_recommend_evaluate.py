"""manage.py recommend_evaluate on a tiny CSV in the shared shape."""

import csv
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

ROWS = [
    ("c1", "Watercolour painting", "Paint landscapes in watercolour, colour theory and brushes", "watercolour", "art"),
    ("c2", "Watercolour portraits", "Portraits in watercolour: skin colour, light and brushes", "watercolour", "art"),
    ("c3", "Oil painting basics", "Oil painting of still life, colour mixing and brushes", "colour theory", "art"),
    ("c4", "Python programming", "Learn Python programming: variables, loops and functions", "python", "knowledge"),
    ("c5", "Python for data analysis", "Data analysis with Python, pandas, numpy", "python;pandas", "knowledge"),
    ("c6", "Statistics with Python", "Statistics and probability with Python programming", "statistics", "knowledge"),
]


@pytest.fixture
def data(tmp_path):
    path = tmp_path / "courses.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "title", "description", "skills", "domain", "source"])
        writer.writerows([(*row, "test") for row in ROWS])
    return path


def run(*args):
    out = StringIO()
    call_command("recommend_evaluate", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_tfidf_prints_the_figures_as_one_json_object(data):
    result = run("--data", str(data), "--method", "tfidf")
    assert set(result) == {"precision_at_10", "ndcg_at_10", "skill_precision_at_10", "rows", "method", "split"}
    assert result["rows"] == 6 and result["method"] == "tfidf"
    # 5 neighbours at most, 2 of them of the same domain: precision@10 is 2/10 whatever the order
    assert result["precision_at_10"] == pytest.approx(0.2)
    # word and character overlap put each row's two same-domain rows first
    assert result["ndcg_at_10"] == pytest.approx(1.0)


def test_random_is_reproducible_and_runs_on_titles(data):
    first = run("--data", str(data), "--method", "random", "--titles")
    assert first == run("--data", str(data), "--method", "random", "--titles")
    assert first["method"] == "random" and 0 < first["ndcg_at_10"] <= 1


def test_the_shipped_sentence_encoder_ranks_same_domain_courses_first(data):
    result = run("--data", str(data), "--method", "embedding", "--titles")
    assert result["method"] == "embedding"
    assert result["ndcg_at_10"] > 0.9


def test_the_text_report_names_each_figure(data):
    out = StringIO()
    call_command("recommend_evaluate", "--data", str(data), "--method", "tfidf", stdout=out)
    assert "precision@10 (same domain)" in out.getvalue() and "nDCG@10" in out.getvalue()


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("recommend_evaluate", "--data", str(tmp_path / "none.csv"))
