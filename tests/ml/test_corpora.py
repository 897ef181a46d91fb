"""Imported training corpora: checked whole on upload (admin and API), then read by training jobs."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from ml import selectors, services
from ml.models import TrainingCorpus, TrainingJob
from ml.spans import Example, Span

pytestmark = pytest.mark.django_db
API = "/api/v1/ml"
GOLD = [
    {"text": "学习水彩与素描", "spans": [{"start": 2, "end": 4, "type": "ART"}, {"start": 5, "end": 7, "type": "ART"}]},
    {"text": "Learn SQL", "spans": [{"start": 6, "end": 9, "type": "KNOWLEDGE"}]},
]
CSV = "id,title,description,skills,domain,source\nu1,Python basics,Learn Python.,Python,knowledge,x\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ML_CACHE_DIR = tmp_path / "cache"


def jsonl(rows: list[dict], name: str = "gold.jsonl") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode())


def test_a_manager_imports_a_gold_file_in_the_admin_and_a_bad_one_is_refused_with_its_line(client, manager):
    client.force_login(manager)
    url = reverse("admin:ml_trainingcorpus_add")

    bad = [GOLD[0], {"text": "短", "spans": [{"start": 0, "end": 9, "type": "ART"}]}]
    refused = client.post(url, {"name": "bad", "file": jsonl(bad)})
    message = str(refused.context["adminform"].form.errors["file"])
    assert refused.status_code == 200 and "gold.jsonl:2: bad span" in message
    assert not TrainingCorpus.objects.exists()

    assert client.post(url, {"name": "gold", "file": jsonl(GOLD)}).status_code == 302
    imported = TrainingCorpus.objects.get()
    assert (imported.name, imported.examples, imported.spans, imported.uploaded_by) == ("gold", 2, 3, manager)


@pytest.mark.parametrize(
    ("who", "name", "upload", "status", "field"),
    [
        ("learner_a", "c", SimpleUploadedFile("c.csv", CSV.encode()), 403, None),
        ("manager", "c", SimpleUploadedFile("c.txt", CSV.encode()), 400, "file"),
        ("manager", "c", SimpleUploadedFile("c.csv", b"id,title\n1,x\n"), 400, "file"),
        ("manager", "", SimpleUploadedFile("c.csv", CSV.encode()), 400, "name"),
        ("manager", "c", SimpleUploadedFile("c.jsonl", b"[1]\n"), 400, "file"),
        ("manager", "c", SimpleUploadedFile("c.jsonl", b'{"text": 5}\n'), 400, "file"),
        ("manager", "c", SimpleUploadedFile("c.jsonl", b"{not json\n"), 400, "file"),
        (
            "manager",
            "c",
            jsonl(
                [
                    {
                        "text": "abcdef",
                        "spans": [{"start": 0, "end": 3, "type": "ART"}, {"start": 2, "end": 5, "type": "ART"}],
                    }
                ]
            ),
            400,
            "file",
        ),
        ("manager", "c", jsonl([{"text": "abc", "spans": [{"start": True, "end": 2, "type": "ART"}]}]), 400, "file"),
        ("manager", "c", SimpleUploadedFile("c.csv", CSV.encode()), 201, None),
    ],
)
def test_uploading_a_corpus_through_the_api(as_user, who, name, upload, status, field):
    response = as_user(who).post(f"{API}/corpora/", {"name": name, "file": upload}, format="multipart")
    assert response.status_code == status, response.content
    if field:
        assert field in response.json()["extra"]["fields"]
    if status == 201:
        assert response.json()["examples"] == 2  # the row and its bare title


def test_a_training_job_names_imported_corpora_and_reads_them(as_user, manager):
    imported = services.corpus_import(name="gold", upload=jsonl(GOLD), user=manager)
    client = as_user("manager")

    unknown = client.post(f"{API}/training-jobs/", {"corpora": [imported.pk + 1]}, format="json")
    assert unknown.status_code == 400 and "corpora" in unknown.json()["extra"]["fields"]
    created = client.post(f"{API}/training-jobs/", {"corpora": [imported.pk]}, format="json")
    assert created.status_code == 202
    assert TrainingJob.objects.get().params["corpora"] == [imported.pk]

    examples, summary = selectors.training_examples(sources=[], corpora=[imported.pk])
    assert examples[1] == Example("Learn SQL", (Span(6, 9, "KNOWLEDGE"),))
    assert summary == {"corpus gold": 2}


def test_a_deleted_corpus_takes_its_file_along_and_a_job_that_named_it_fails(
    manager, django_capture_on_commit_callbacks
):
    from platform_site.exceptions import ApplicationError

    imported = services.corpus_import(name="gold", upload=jsonl(GOLD), user=manager)
    path, pk = imported.file.path, imported.pk
    with django_capture_on_commit_callbacks(execute=True):
        imported.delete()
    assert not Path(path).exists()
    with translation.override("en"), pytest.raises(ApplicationError, match="no longer exist"):
        selectors.training_examples(sources=[], corpora=[pk])
