"""The ml admin pages a course manager uses: read-only job reports, a guarded activation."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from ml.models import ModelVersion, TrainingJob

pytestmark = pytest.mark.django_db


def version(name: str, f1: float, *, active: bool = False) -> ModelVersion:
    return ModelVersion.objects.create(
        name=name, base_model="b", labels=["O"], artifact=f"ml/models/{name}.zip", metrics={"f1": f1},
        is_active=active,
    )  # fmt: skip


def activate(client, target: ModelVersion, **extra: str):
    data = {"action": "activate", ACTION_CHECKBOX_NAME: [target.pk], **extra}
    return client.post(reverse("admin:ml_modelversion_changelist"), data)


def test_activating_a_version_that_scores_lower_asks_first(client, manager):
    best = version("good", 0.8, active=True)
    worse = version("worse", 0.0)
    client.force_login(manager)
    response = activate(client, worse)
    assert 'data-testid="activation-warning"' in response.content.decode()
    best.refresh_from_db()
    assert best.is_active  # nothing changed until confirmed


def test_a_confirmed_activation_of_a_lower_version_goes_ahead(client, manager):
    version("good", 0.8, active=True)
    worse = version("worse", 0.0)
    client.force_login(manager)
    activate(client, worse, confirm="yes")
    worse.refresh_from_db()
    assert worse.is_active


def test_a_better_version_is_activated_without_a_question(client, manager):
    version("old", 0.5, active=True)
    better = version("better", 0.7)
    client.force_login(manager)
    assert activate(client, better).status_code == 302
    better.refresh_from_db()
    assert better.is_active


def test_a_training_jobs_page_shows_internals_read_only_and_metrics_as_a_table(client, manager):
    job = TrainingJob.objects.create(
        params={"epochs": 2}, created_by=manager, idempotency_key="k-1",
        metrics=[{"epoch": 1, "loss": 0.5, "precision": 0.6, "recall": 0.4, "f1": 0.48, "per_type": {}}],
    )  # fmt: skip
    client.force_login(manager)
    page = client.get(reverse("admin:ml_trainingjob_change", args=[job.pk])).content.decode()
    form = page.split('id="trainingjob_form"')[1].split("</form>")[0]
    for name in ("progress", "queued_at", "cancel_requested", "idempotency_key", "created_by"):
        assert f'name="{name}"' not in form
    assert 'data-testid="metrics"' in page and "0.480" in page
    assert '"f1": 0.48' not in page
