"""`make run`'s demo set-up queues one fine-tune of the tagger, so a newcomer sees skill chips."""

import pytest
from django.core.management import call_command

from ml.models import ModelVersion, TrainingJob

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
