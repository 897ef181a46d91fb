"""Real fine-tunes of the shipped MiniLM on the project's own corpus (CPU, under a minute each)."""

import json
import shutil
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from jobs.services import job_cancel
from ml import corpus, services
from ml.decoding import JUDGE_THRESHOLDS, TERM_THRESHOLDS, Decoding
from ml.inference import MAX_LENGTH, Tagger, tagger_for
from ml.models import CourseSkill, JobStatus, ModelVersion, SkillTerm, TaggingJob, TrainingJob
from ml.spans import LABELS
from ml.tagging import tagging_job_run
from ml.training.run import training_job_run
from ml.training.train import TrainConfig, TrainingCancelled, train
from tests.factories import CourseFactory

SMALL = {"epochs": 4, "learning_rate": 1e-4, "batch_size": 16, "max_length": 64, "sources": ["corpus"]}


@pytest.fixture(scope="module")
def fine_tuned(tmp_path_factory):
    train_set, dev_set = corpus.split(corpus.build())
    config = TrainConfig(epochs=4, learning_rate=1e-4, max_length=64)
    return train(train_set, dev_set, config, tmp_path_factory.mktemp("fine-tune"))


def test_fine_tuning_the_shipped_minilm_lifts_dev_f1(fine_tuned):
    # Untrained, the classification head is random: entity F1 near 0. Measured on these dev texts
    # (new sentences, none seen in training): 0.26, 0.64, 0.73, 0.80 after epochs 1-4. So 0.6 fails
    # a loop that barely learns (one epoch's worth, or broken label alignment) and leaves the
    # finished fine-tune a margin of 0.2 for other seeds and machines.
    assert fine_tuned.metrics["f1"] > 0.6, fine_tuned.history
    assert (fine_tuned.model_dir / "config.json").exists() and (fine_tuned.model_dir / "tokenizer.json").exists()
    assert fine_tuned.device == "cpu" and fine_tuned.samples_per_second > 0


def test_a_text_longer_than_the_window_is_read_whole(fine_tuned):
    tagger = Tagger(fine_tuned.model_dir)
    filler = "Weekly exercises for beginners. " * 80  # 400 tokens: the skills sit in the second window
    text = filler + "Learn Python and watercolor through hands-on projects."
    assert len(tagger.tokenizer(text)["input_ids"]) > MAX_LENGTH

    (spans,) = tagger.tag([text])

    found = {(text[s.start : s.end], s.type) for s in spans if s.start >= len(filler)}
    assert found == {("Python", "KNOWLEDGE"), ("watercolor", "ART")}, spans


def test_a_checkpoint_of_another_label_set_is_refused(fine_tuned, tmp_path):
    other = shutil.copytree(fine_tuned.model_dir, tmp_path / "other")
    config = json.loads((other / "config.json").read_text())
    # The same number of labels in another order: loading works, reading by LABELS would be wrong.
    config["id2label"] = dict(enumerate(reversed(LABELS)))
    config["label2id"] = {label: i for i, label in config["id2label"].items()}
    (other / "config.json").write_text(json.dumps(config))
    with pytest.raises(ValueError, match="labels"):
        Tagger(other)


def test_training_stops_between_steps_when_asked(tmp_path):
    train_set, dev_set = corpus.split(corpus.build(size=60))
    calls = []
    with pytest.raises(TrainingCancelled):
        train(
            train_set,
            dev_set,
            TrainConfig(epochs=3, max_length=64),
            tmp_path,
            should_stop=lambda: calls.append(1) or len(calls) > 2,
        )
    assert len(calls) == 3


def test_art_labels_weigh_more_in_the_loss():
    import math

    import torch

    from ml.training.align import IGNORE_INDEX
    from ml.training.train import label_weights, token_loss

    weights = label_weights(3.0)
    assert {label: weights[i].item() for i, label in enumerate(LABELS)} == {
        "O": 1.0, "B-KNOWLEDGE": 1.0, "I-KNOWLEDGE": 1.0, "B-ART": 3.0, "I-ART": 3.0,
    }  # fmt: skip
    # Two labelled tokens and a padded one: "O" read right (p = e/(e+4)), "B-ART" read wrong (p = 1/(e+4)).
    logits = torch.zeros(1, 3, len(LABELS))
    logits[0, :, LABELS.index("O")] = 1.0
    labels = torch.tensor([[LABELS.index("O"), LABELS.index("B-ART"), IGNORE_INDEX]])
    right, wrong = -math.log(math.e / (math.e + 4)), -math.log(1 / (math.e + 4))
    assert token_loss(logits, labels, weights).item() == pytest.approx((right + 3 * wrong) / 4)
    assert token_loss(logits, labels, label_weights(1.0)).item() == pytest.approx((right + wrong) / 2)
    with pytest.raises(ValueError, match="art_weight"):
        TrainConfig(art_weight=0)


@pytest.mark.django_db
def test_bad_parameters_are_refused_per_field():
    from platform_site.exceptions import ApplicationError

    with pytest.raises(ApplicationError) as error:
        services.training_job_create(user=None, params={"epochs": 0, "learning_rate": "fast", "sources": ["web"]})
    assert set(error.value.extra["fields"]) == {"epochs", "learning_rate", "sources"}


@pytest.mark.django_db
def test_a_training_job_saves_a_version_that_tags_courses(settings, tmp_path):
    settings.ML_CACHE_DIR = tmp_path / "cache"
    settings.MEDIA_ROOT = tmp_path / "media"
    course = CourseFactory(
        title_zh="零基础学水彩", description_zh="本课程带你掌握水彩与素描。", title_en="", description_en=""
    )
    job, created = services.training_job_create(user=None, params={**SMALL, "activate": False}, idempotency_key="t1")
    again, _ = services.training_job_create(user=None, params=SMALL, idempotency_key="t1")
    assert created and again == job

    job = training_job_run(job_id=job.pk)

    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.epoch >= 1 and job.metrics and job.dataset["train"] > 0
    version = job.model_version
    assert version.labels[0] == "O" and Path(version.artifact.path).exists()
    # Every epoch's dev scores, track accuracy included, and the term threshold chosen on the
    # job's dev split are kept with the version; its tagger decodes with that threshold.
    assert [row["epoch"] for row in version.metrics["history"]] == list(range(1, version.metrics["epochs_run"] + 1))
    assert all(0 <= row["track_accuracy"] <= 1 for row in version.metrics["history"])
    assert version.metrics["decoding"]["term_threshold"] in {*TERM_THRESHOLDS, *JUDGE_THRESHOLDS}
    assert tagger_for(version).decoding == Decoding.from_metrics(version.metrics["decoding"])
    SkillTerm.objects.create(name="水彩", type="ART", aliases="watercolor")  # tagging reads the lexicon too
    tagging = services.model_version_activate(version=version)
    tagging = tagging_job_run(job_id=tagging.pk)
    assert tagging.status == JobStatus.SUCCEEDED, tagging.error
    assert ModelVersion.objects.get(is_active=True) == version
    # Quality is the fine-tune test's business; here: spans stored, and they are slices of the text.
    text = f"{course.title_zh}\n{course.description_zh}"
    skills = list(CourseSkill.objects.filter(course=course, model_version=version))
    assert skills and all(text[s.start : s.end] == s.text for s in skills)


@pytest.mark.django_db
def test_a_failing_job_ends_failed_with_its_error(settings):
    # A base model the operators configured but that no worker has: the job fails, with the reason.
    settings.ML_BASE_MODELS = ["/nonexistent/model"]
    job, _ = services.training_job_create(user=None, params={**SMALL, "base_model": "/nonexistent/model"})
    job = training_job_run(job_id=job.pk)
    assert job.status == JobStatus.FAILED and job.error and job.finished_at


@pytest.mark.django_db
def test_cancelling_a_queued_job_ends_it_at_once():
    job, _ = services.training_job_create(user=None, params=SMALL)
    assert job_cancel(job=job).status == JobStatus.CANCELLED
    assert training_job_run(job_id=job.pk) is None  # a late message does nothing


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_running_job_is_cancelled_between_steps(settings, tmp_path, monkeypatch):
    settings.ML_CACHE_DIR = tmp_path
    monkeypatch.setattr("jobs.services.HEARTBEAT_EVERY", 0.2)
    job, _ = services.training_job_create(user=None, params={**SMALL, "epochs": 50})
    runner = threading.Thread(target=lambda: (training_job_run(job_id=job.pk), connection.close()))
    runner.start()
    deadline = time.monotonic() + 60
    while TrainingJob.objects.get(pk=job.pk).status != JobStatus.RUNNING and time.monotonic() < deadline:
        time.sleep(0.2)

    job_cancel(job=job)
    runner.join(timeout=60)

    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED and job.model_version is None
    assert not TaggingJob.objects.exists()
