"""The long-job machinery, on ml's two job kinds (the jobs app has no concrete model of its own)."""

import threading
import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone, translation

from jobs import registry
from jobs.models import JobStatus
from jobs.services import (
    Heartbeat,
    JobCancelled,
    job_cancel,
    job_claim,
    job_create,
    job_finish,
    job_run,
    jobs_reap,
    jobs_reap_all,
)
from jobs.tasks import jobs_reap_task
from ml.models import TaggingJob, TrainingJob
from platform_site.exceptions import Conflict
from tests.factories import UserFactory


class Sent(list[int]):
    """A task sender that records the ids it was given."""

    def __call__(self, job_id: int) -> None:
        self.append(job_id)


def _running(**fields: object) -> TrainingJob:
    return TrainingJob.objects.create(
        params={}, status=JobStatus.RUNNING, attempts=1, heartbeat_at=timezone.now(), **fields
    )


@pytest.mark.django_db
def test_a_job_is_sent_after_commit_and_a_retry_with_its_key_gets_the_same_job(django_capture_on_commit_callbacks):
    sent, user = Sent(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        job, created = job_create(model=TrainingJob, send=sent, created_by=user, idempotency_key="k", params={})
        assert sent == []  # nothing before the commit
    again, created_again = job_create(model=TrainingJob, send=sent, created_by=user, idempotency_key="k", params={})

    assert (created, created_again, again) == (True, False, job)
    assert sent == [job.pk]


@pytest.mark.django_db
def test_a_broker_that_is_down_does_not_fail_the_creation(django_capture_on_commit_callbacks):
    def down(job_id: int) -> None:
        raise ConnectionError("broker down")

    with django_capture_on_commit_callbacks(execute=True):
        job, _ = job_create(model=TrainingJob, send=down, created_by=None, params={})
    assert TrainingJob.objects.get(pk=job.pk).status == JobStatus.QUEUED  # the reaper sends it later


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_only_one_of_two_concurrent_deliveries_claims_a_job():
    job = TrainingJob.objects.create(params={})
    claims: list[object] = []
    barrier = threading.Barrier(2)

    def deliver() -> None:
        barrier.wait()
        claims.append(job_claim(model=TrainingJob, job_id=job.pk))
        connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(claim is not None for claim in claims) == 1
    assert TrainingJob.objects.get(pk=job.pk).attempts == 1


@pytest.mark.django_db
def test_a_run_ends_succeeded_failed_or_cancelled_and_a_second_delivery_does_nothing():
    ran: list[int] = []

    def succeed(job: TrainingJob, beat: Heartbeat) -> None:
        ran.append(job.pk)

    def crash(job: TrainingJob, beat: Heartbeat) -> None:
        raise RuntimeError("out of memory")

    def stop(job: TrainingJob, beat: Heartbeat) -> None:
        raise JobCancelled

    outcomes = {}
    for name, work in {"succeed": succeed, "crash": crash, "stop": stop}.items():
        job = TrainingJob.objects.create(params={})
        outcomes[name] = job_run(model=TrainingJob, job_id=job.pk, work=work)
        assert job_run(model=TrainingJob, job_id=job.pk, work=succeed) is None  # a duplicate message

    assert (outcomes["succeed"].status, outcomes["succeed"].progress) == (JobStatus.SUCCEEDED, 1.0)
    assert (outcomes["crash"].status, outcomes["crash"].error) == (JobStatus.FAILED, "RuntimeError: out of memory")
    assert outcomes["stop"].status == JobStatus.CANCELLED
    assert all(job.finished_at and job.attempts == 1 for job in outcomes.values())
    assert ran == [outcomes["succeed"].pk]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_busy_job_keeps_beating_without_reporting_progress(monkeypatch):
    # Loading a model or gathering data reports nothing for minutes: the heartbeat must not stop.
    monkeypatch.setattr("jobs.services.HEARTBEAT_EVERY", 0.1)
    seen = []

    def busy(job: TrainingJob, beat: Heartbeat) -> None:
        time.sleep(0.6)
        seen.append(TrainingJob.objects.get(pk=job.pk).heartbeat_at > job.started_at)

    job = TrainingJob.objects.create(params={})
    assert job_run(model=TrainingJob, job_id=job.pk, work=busy).status == JobStatus.SUCCEEDED
    assert seen == [True]


@pytest.mark.django_db
def test_a_run_whose_job_was_handed_to_another_worker_stops_and_writes_nothing():
    stopped = []

    def work(job: TrainingJob, beat: Heartbeat) -> None:
        stopped.append(beat(0.1, force=True))
        # Meanwhile the reaper found the heartbeat stale and another worker claimed the job again.
        TrainingJob.objects.filter(pk=job.pk).update(attempts=2, progress=0.0)
        stopped.append(beat(0.5, force=True))
        stopped.append(job_finish(job=job, status=JobStatus.SUCCEEDED))

    job = TrainingJob.objects.create(params={})
    after = job_run(model=TrainingJob, job_id=job.pk, work=work)

    assert stopped == [False, True, False]
    assert (after.status, after.progress, after.finished_at) == (JobStatus.RUNNING, 0.0, None)  # the new owner's


def test_a_job_can_only_be_finished_in_a_terminal_status():
    with pytest.raises(ValueError, match="terminal"):
        job_finish(job=TrainingJob(params={}), status=JobStatus.QUEUED)


@pytest.mark.django_db
def test_cancelling_a_queued_job_ends_it_and_a_running_one_stops_at_its_next_beat():
    queued = TrainingJob.objects.create(params={})
    assert job_cancel(job=queued).status == JobStatus.CANCELLED
    with pytest.raises(Conflict):
        job_cancel(job=queued)

    answers = []

    def work(job: TrainingJob, beat: Heartbeat) -> None:
        answers.append(beat(force=True))
        job_cancel(job=job)
        answers.append(beat(force=True))
        if beat.stopped:
            raise JobCancelled

    running = TrainingJob.objects.create(params={})
    assert job_run(model=TrainingJob, job_id=running.pk, work=work).status == JobStatus.CANCELLED
    assert answers == [False, True]


@pytest.mark.django_db
def test_the_reaper_requeues_a_dead_job_once_then_fails_it(django_capture_on_commit_callbacks):
    sent = Sent()
    dead = _running()
    TrainingJob.objects.filter(pk=dead.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=10))
    fresh = _running()

    with django_capture_on_commit_callbacks(execute=True):
        assert jobs_reap(model=TrainingJob, send=sent) == {"requeued": 1, "failed": 0, "resent": 0}
    assert sent == [dead.pk]
    assert TrainingJob.objects.get(pk=dead.pk).status == JobStatus.QUEUED
    assert TrainingJob.objects.get(pk=fresh.pk).status == JobStatus.RUNNING

    TrainingJob.objects.filter(pk=dead.pk).update(
        status=JobStatus.RUNNING, attempts=2, heartbeat_at=timezone.now() - timedelta(minutes=10)
    )
    with translation.override("en"):
        assert jobs_reap(model=TrainingJob, send=sent) == {"requeued": 0, "failed": 1, "resent": 0}
    failed = TrainingJob.objects.get(pk=dead.pk)
    assert failed.status == JobStatus.FAILED and failed.finished_at
    assert failed.error.startswith("The worker stopped answering (no heartbeat since ")


@pytest.mark.django_db
def test_the_reaper_ends_a_dead_job_that_was_being_cancelled_cancelled():
    dead = _running(cancel_requested=True)
    TrainingJob.objects.filter(pk=dead.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=10))
    assert jobs_reap(model=TrainingJob, send=Sent()) == {"requeued": 0, "failed": 0, "resent": 0}
    assert TrainingJob.objects.get(pk=dead.pk).status == JobStatus.CANCELLED


@pytest.mark.django_db
def test_the_reaper_sends_again_the_task_of_a_job_queued_too_long(settings, django_capture_on_commit_callbacks):
    settings.JOBS_QUEUED_RESEND_SECONDS = 3600
    sent = Sent()
    lost = TrainingJob.objects.create(params={}, queued_at=timezone.now() - timedelta(hours=2))
    waiting = TrainingJob.objects.create(params={})

    with django_capture_on_commit_callbacks(execute=True):
        assert jobs_reap(model=TrainingJob, send=sent)["resent"] == 1
    assert sent == [lost.pk]
    assert TrainingJob.objects.get(pk=lost.pk).queued_at > timezone.now() - timedelta(minutes=1)
    assert TrainingJob.objects.get(pk=waiting.pk).status == JobStatus.QUEUED
    assert jobs_reap(model=TrainingJob, send=sent)["resent"] == 0  # not again within the hour


@pytest.mark.django_db
def test_the_reaper_task_looks_after_every_registered_kind(monkeypatch):
    monkeypatch.setattr(registry, "_kinds", {})
    training, tagging = Sent(), Sent()
    registry.register(TrainingJob, send=training)
    registry.register(TaggingJob, send=tagging)
    old = timezone.now() - timedelta(seconds=django_settings.JOBS_QUEUED_RESEND_SECONDS + 1)
    lost = TrainingJob.objects.create(params={}, queued_at=old)

    assert jobs_reap_task() == {"requeued": 0, "failed": 0, "resent": 1}
    assert training == [] and tagging == []  # sent after commit: this test's transaction never commits
    assert jobs_reap_all() == {"requeued": 0, "failed": 0, "resent": 0}
    assert TrainingJob.objects.get(pk=lost.pk).queued_at > old


def test_recovery_is_bounded_at_minutes_by_default():
    # A lost message waits at most the resend delay plus one reaper period before it is sent again.
    assert django_settings.CELERY_BEAT_SCHEDULE["reap-stale-jobs"]["schedule"] == (
        django_settings.JOBS_REAPER_INTERVAL_SECONDS
    )
    assert django_settings.JOBS_QUEUED_RESEND_SECONDS + django_settings.JOBS_REAPER_INTERVAL_SECONDS <= 15 * 60
