"""An imported corpus feeds the managers' lexicon: its skills and gold spans are proposed, a manager
puts them in use (or rejects them) in bulk, and `ml_train --data` puts a file's in use itself."""

import csv
import json
import tempfile
from io import StringIO

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from ml import selectors, services
from ml.datasets import TermProposal
from ml.models import SkillTerm, TrainingJob

pytestmark = pytest.mark.django_db
HEADER = ["id", "title", "description", "skills", "domain", "source"]
ROWS = [
    ["a", "Python for data", "Learn Python and SQL.", "Python;SQL", "knowledge", "t"],
    ["b", "Watercolor", "Paint with watercolor.", "watercolor;python", "art", "t"],
    ["c", "Watercolor again", "More watercolor.", "Watercolor", "art", "t"],
    ["d", "Greek history", "Ancient Greece.", "history", "other", "t"],
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ML_CACHE_DIR = tmp_path / "cache"


def records_csv(rows: list[list[str]] = ROWS) -> bytes:
    out = StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode()


def terms() -> dict[str, tuple[str, str]]:
    return {term.name: (term.type, term.status) for term in SkillTerm.objects.all()}


def test_an_imported_csv_proposes_its_skills_typed_by_their_commonest_track(manager):
    imported = services.corpus_import(name="c", upload=SimpleUploadedFile("c.csv", records_csv()), user=manager)

    proposed = SkillTerm.Status.PROPOSED
    # "Python" twice (a knowledge row, an art row: the first track seen wins the tie), "watercolor"
    # by its commonest spelling; an "other" row's skills are no skill of either track.
    assert terms() == {
        "Python": ("KNOWLEDGE", proposed), "SQL": ("KNOWLEDGE", proposed), "watercolor": ("ART", proposed),
    }  # fmt: skip
    assert set(SkillTerm.objects.values_list("corpus", "origin", "occurrences")) == {
        (imported.pk, "c", 2), (imported.pk, "c", 1),
    }  # fmt: skip
    assert selectors.lexicon_terms() == {}  # proposals wait for a review: the tagger does not use them


def test_a_gold_file_proposes_its_spans_and_a_name_the_lexicon_has_stays_as_it_is(manager):
    SkillTerm.objects.create(name="水彩画", type="ART", aliases="水彩")
    SkillTerm.objects.create(name="SQL", type="KNOWLEDGE", status=SkillTerm.Status.REJECTED)
    rows = [
        {
            "text": "学习水彩与素描",
            "spans": [{"start": 2, "end": 4, "type": "ART"}, {"start": 5, "end": 7, "type": "ART"}],
        },
        {"text": "Learn sql", "spans": [{"start": 6, "end": 9, "type": "KNOWLEDGE"}]},
    ]
    upload = SimpleUploadedFile("g.jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode())

    services.corpus_import(name="g", upload=upload, user=manager)

    assert terms() == {
        "水彩画": ("ART", "active"), "SQL": ("KNOWLEDGE", "rejected"), "素描": ("ART", "proposed"),
    }  # fmt: skip


def test_accepting_puts_proposals_in_use_but_never_a_rejected_term():
    SkillTerm.objects.create(name="SQL", type="KNOWLEDGE", status=SkillTerm.Status.REJECTED)
    waiting = [TermProposal("Python", "KNOWLEDGE", 2)]
    services.lexicon_propose(proposals=waiting, origin="a.csv")

    change = services.lexicon_propose(
        proposals=[*waiting, TermProposal("sql", "KNOWLEDGE", 1), TermProposal("piano", "ART", 1)],
        origin="b.csv", accept=True,
    )  # fmt: skip

    assert (change.created, change.accepted, change.kept) == (1, 1, 1)
    assert selectors.lexicon_terms() == {"Python": "KNOWLEDGE", "piano": "ART"}


def test_a_manager_reviews_proposals_in_bulk_in_the_admin(client, manager, django_assert_max_num_queries):
    imported = services.corpus_import(name="c", upload=SimpleUploadedFile("c.csv", records_csv()), user=manager)
    client.force_login(manager)
    changelist = reverse("admin:ml_skillterm_changelist")

    with translation.override("zh-hans"), django_assert_max_num_queries(12):
        page = client.get(changelist, {"status__exact": "proposed"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    content = page.content.decode()
    assert "启用所选词条" in content and "拒绝所选词条" in content  # Chinese first
    assert content.count('class="action-select"') == 3

    python, sql = SkillTerm.objects.get(name="Python"), SkillTerm.objects.get(name="SQL")
    client.post(changelist, {"action": "accept", ACTION_CHECKBOX_NAME: [python.pk]})
    client.post(changelist, {"action": "reject", ACTION_CHECKBOX_NAME: [sql.pk]})
    assert terms()["Python"][1] == "active" and terms()["SQL"][1] == "rejected"

    corpora = reverse("admin:ml_trainingcorpus_changelist")
    assert ">1</a>" in client.get(corpora).content.decode()  # one term still waits
    client.post(corpora, {"action": "accept_terms", ACTION_CHECKBOX_NAME: [imported.pk]})
    assert selectors.lexicon_terms() == {"Python": "KNOWLEDGE", "watercolor": "ART"}


def test_a_learner_cannot_review_the_lexicon(client, learner):
    SkillTerm.objects.create(name="Python", type="KNOWLEDGE", status=SkillTerm.Status.PROPOSED)
    client.force_login(learner)
    response = client.post(
        reverse("admin:ml_skillterm_changelist"),
        {"action": "accept", ACTION_CHECKBOX_NAME: [SkillTerm.objects.get().pk]},
    )
    assert response.status_code == 302 and "login" in response["Location"]
    assert terms()["Python"][1] == "proposed"


@pytest.mark.parametrize(("option", "status"), [("accept", "active"), ("propose", "proposed"), ("off", None)])
def test_ml_train_puts_the_training_rows_skills_in_the_lexicon_unless_told_not_to(tmp_path, option, status):
    data = tmp_path / "records.csv"
    data.write_bytes(records_csv())
    out = StringIO()

    call_command("ml_train", "--data", str(data), "--lexicon", option, "--epochs", "1", "--max-length", "16",
                 stdout=out)  # fmt: skip

    assert {name: state for name, (_, state) in terms().items()} == (
        {} if status is None else {"Python": status, "SQL": status, "watercolor": status}
    )
    assert ("lexicon from records.csv: 3 new terms" in out.getvalue()) == (status is not None)


def test_ml_train_on_a_split_leaves_no_file_of_it_behind(tmp_path, monkeypatch):
    data = tmp_path / "records.csv"
    data.write_bytes(records_csv())
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))

    call_command("ml_train", "--data", str(data), "--split", "train", "--epochs", "1", "--max-length", "16",
                 stdout=StringIO())  # fmt: skip

    assert list(scratch.iterdir()) == []  # the training part was written there, and removed after the run
    # The job's summary names the part by the file it came from, not by where it lay.
    dataset = TrainingJob.objects.get().dataset
    assert set(dataset) == {"records-train.csv", "train", "dev"}


def test_a_corpus_counts_how_often_each_term_is_a_skill_where_it_occurs(manager):
    rows = [
        ["a", "Python project", "A project in Python.", "Python", "knowledge", "t"],
        ["b", "Team project", "Run a project.", "project", "knowledge", "t"],
        ["c", "Project notes", "Python notes for a project.", "Python", "knowledge", "t"],
    ]
    services.corpus_import(name="c", upload=SimpleUploadedFile("c.csv", records_csv(rows)), user=manager)

    # "project" occurs in all three texts and is a skill of one; "Python" in two, a skill of both.
    counts = {t.name: (t.in_texts, t.as_skill) for t in SkillTerm.objects.all()}
    assert counts == {"Python": (2, 2), "project": (3, 1)}
    SkillTerm.objects.update(status=SkillTerm.Status.ACTIVE)
    assert selectors.lexicon().priors == {"python": 0.75, "project": 0.4}  # (skill + 1) / (texts + 2)


def test_a_manager_term_without_counts_takes_the_files_and_keeps_its_type_and_aliases():
    SkillTerm.objects.create(name="Python", type="ART", aliases="蟒蛇")
    SkillTerm.objects.create(name="SQL", type="KNOWLEDGE", in_texts=10, as_skill=1)

    services.lexicon_propose(
        proposals=[TermProposal("python", "KNOWLEDGE", 3, 4, 3), TermProposal("SQL", "KNOWLEDGE", 1, 2, 2)],
        origin="a.csv", accept=True,
    )  # fmt: skip

    python, sql = SkillTerm.objects.get(name="Python"), SkillTerm.objects.get(name="SQL")
    assert (python.type, python.in_texts, python.as_skill) == ("ART", 4, 3)
    assert (sql.in_texts, sql.as_skill) == (10, 1)  # counted already: the first corpus's counts stand
    assert selectors.lexicon().priors == {"python": 4 / 6, "蟒蛇": 4 / 6, "sql": 2 / 12}
