"""`make run`'s demo set-up queues one fine-tune of the tagger, so a newcomer sees skill chips."""

import pytest
from django.core.management import call_command

from courses import demo
from ml import selectors
from ml.models import ModelVersion, SkillTerm, TrainingJob
from ml.spans import Lexicon

pytestmark = pytest.mark.django_db


def test_the_demo_set_up_queues_one_activating_fine_tune_once():
    call_command("seed_demo_ml", verbosity=0)
    call_command("seed_demo_ml", verbosity=0)  # make run again, the job still queued
    job = TrainingJob.objects.get()
    assert job.status == "queued" and job.params["activate"] is True


def test_the_demo_set_up_queues_nothing_once_a_model_exists():
    ModelVersion.objects.create(name="v1", base_model="b", labels=["O"], artifact="ml/models/v1.zip")
    call_command("seed_demo_ml", verbosity=0)
    assert not TrainingJob.objects.exists()


def test_the_demo_lexicon_is_in_use_and_names_a_skill_in_every_demo_course_text():
    call_command("seed_demo_ml", verbosity=0)
    terms = selectors.lexicon_terms()
    assert terms["Python"] == "KNOWLEDGE" and terms["水墨画"] == "ART" and terms["混音"] == "ART"
    lexicon = Lexicon(terms)
    for row in demo.COURSES:
        title_zh, title_en, description_zh, description_en = row[6:10]
        assert lexicon.find(f"{title_zh}\n{description_zh}"), title_zh
        assert lexicon.find(f"{title_en}\n{description_en}"), title_en
    TrainingJob.objects.all().delete()  # its job gone, the set-up proposes the terms again: none twice
    call_command("seed_demo_ml", verbosity=0)
    assert SkillTerm.objects.count() == len(terms)
