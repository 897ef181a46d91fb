"""Writes of long jobs, for any concrete kind of `jobs.models.Job`: create, claim, beat, finish,
cancel and reap.

A kind is a model class and a task sender (a function that sends the job's Celery task, given the
job's id). Only one run can claim a queued job, so a duplicate message does nothing; a run owns
its job while the row is running under the run's own attempt number, and writes nothing once the
reaper has handed the job on.
"""

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from types import TracebackType
from typing import TYPE_CHECKING, TypedDict, TypeVar

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from platform_site.exceptions import Conflict

from . import registry
from .models import TERMINAL_STATUSES, Job, JobStatus
from .registry import TaskSender

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

J = TypeVar("J", bound=Job)

# A running job writes its heartbeat at most this often (a row update per training step is waste).
HEARTBEAT_EVERY = 5.0
# A job whose worker died is queued again until it has been claimed this often, then failed.
MAX_ATTEMPTS = 2
ERROR_LENGTH = 2000


class JobCancelled(Exception):
    """Raised by a job's work to end the job cancelled."""


class ReapOutcome(TypedDict):
    requeued: int
    failed: int
    resent: int


def _send_after_commit(send: TaskSender, job_id: int) -> None:
    # robust: a broker that is down must not fail the write; the reaper sends the task again.
    transaction.on_commit(lambda: send(job_id), robust=True)


def job_create(
    *, model: type[J], send: TaskSender, created_by: "User | None", idempotency_key: str = "", **fields: object
) -> tuple[J, bool]:
    """Create a job and send its task after commit; return it and whether it is new. A retry with
    the same key (even one racing the first request) gets the job the first one created."""
    jobs = model._default_manager
    if idempotency_key and (existing := jobs.filter(created_by=created_by, idempotency_key=idempotency_key).first()):
        return existing, False
    try:
        with transaction.atomic():
            job = jobs.create(created_by=created_by, idempotency_key=idempotency_key, **fields)
            _send_after_commit(send, job.pk)
    except IntegrityError:  # the kind's unique (created_by, idempotency_key): a concurrent retry won
        if not idempotency_key:
            raise
        return jobs.get(created_by=created_by, idempotency_key=idempotency_key), False
    return job, True


def job_claim(*, model: type[J], job_id: int) -> J | None:
    """Move a queued job to running and count the attempt; None when it is not queued (cancelled,
    or claimed already by another delivery of the same message)."""
    with transaction.atomic():
        job = model._default_manager.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != JobStatus.QUEUED:
            return None
        job.status = JobStatus.RUNNING
        job.attempts += 1
        job.started_at = job.heartbeat_at = timezone.now()
        job.save(update_fields=["status", "attempts", "started_at", "heartbeat_at"])
        return job


def _mine(job: J) -> "QuerySet[J]":
    """The job's row while this run still owns it: running, and not handed to another run by the
    reaper (which counts a new attempt)."""
    return type(job)._default_manager.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts)


def job_finish(*, job: Job, status: JobStatus, **fields: object) -> bool:
    """End the job in a terminal `status` (with `fields`), if this run still owns it; return whether
    it did. A run that lost its job writes nothing."""
    if status not in TERMINAL_STATUSES:
        raise ValueError(f"{status} is not a terminal status")
    return bool(_mine(job).update(status=status, finished_at=timezone.now(), **fields))


def job_fail(*, job: Job, error: BaseException) -> bool:
    """End the job failed with the error's type and message (if this run still owns it)."""
    return job_finish(job=job, status=JobStatus.FAILED, error=f"{type(error).__name__}: {error}"[:ERROR_LENGTH])


class Heartbeat:
    """A running job's heartbeat, progress and stop check.

    As a context manager it beats from a thread every HEARTBEAT_EVERY seconds, so that a job busy
    loading a model or reading data never looks like a dead worker: only a dead (or killed)
    process stops the heartbeat. Called by the job, it records progress and fields (at most every
    HEARTBEAT_EVERY seconds unless fields are given or `force`) and returns whether to stop: the
    job was cancelled, or it is no longer this run's (`lost`)."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.cancelled = False
        self.lost = False
        self._last = 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._beat_until_done, daemon=True, name=f"heartbeat-{job.pk}")

    def __enter__(self) -> "Heartbeat":
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._done.set()
        self._thread.join()

    def _beat_until_done(self) -> None:
        try:
            while not self._done.wait(HEARTBEAT_EVERY):
                try:
                    _mine(self.job).update(heartbeat_at=timezone.now())
                except Exception:  # a database blip must not end the heartbeat: try again next time
                    logger.warning("Heartbeat of %s %s failed", type(self.job).__name__, self.job.pk, exc_info=True)
                    connection.close()
        finally:
            connection.close()  # this thread's own connection

    def __call__(self, progress: float | None = None, *, force: bool = False, **fields: object) -> bool:
        now = time.monotonic()
        if force or fields or now - self._last >= HEARTBEAT_EVERY:
            self._last = now
            updates: dict[str, object] = {"heartbeat_at": timezone.now(), **fields}
            if progress is not None:
                updates["progress"] = round(progress, 4)
            self.lost = not _mine(self.job).update(**updates)
            self.cancelled = type(self.job)._default_manager.filter(pk=self.job.pk, cancel_requested=True).exists()
        return self.stopped

    @property
    def stopped(self) -> bool:
        return self.cancelled or self.lost


def job_run(*, model: type[J], job_id: int, work: Callable[[J, Heartbeat], None]) -> J | None:
    """Claim the job and run `work` on it under a heartbeat, to a terminal state whatever happens:
    `work` may finish the job itself (`job_finish`); raising JobCancelled ends it cancelled, any
    other exception failed, and returning succeeded. None when the job could not be claimed."""
    job = job_claim(model=model, job_id=job_id)
    if job is None:
        return None
    try:
        with Heartbeat(job) as beat:
            work(job, beat)
    except JobCancelled:
        job_finish(job=job, status=JobStatus.CANCELLED)
    except Exception as error:  # any failure must leave the job failed, not running forever
        logger.exception("%s %s failed", model.__name__, job.pk)
        job_fail(job=job, error=error)
    else:
        job_finish(job=job, status=JobStatus.SUCCEEDED, progress=1.0)  # a no-op where work finished it
    job.refresh_from_db()
    return job


def job_cancel(*, job: J) -> J:
    """Cancel a job: at once if still queued; a running one stops at its next heartbeat call."""
    with transaction.atomic():
        job = type(job)._default_manager.select_for_update().get(pk=job.pk)
        if job.status == JobStatus.QUEUED:
            job.status, job.finished_at = JobStatus.CANCELLED, timezone.now()
        elif job.status == JobStatus.RUNNING:
            job.cancel_requested = True
        else:
            raise Conflict(_("This job has already ended."), code="job_finished")
        job.save(update_fields=["status", "finished_at", "cancel_requested"])
    return job


def jobs_reap(*, model: type[J], send: TaskSender, now: datetime | None = None) -> ReapOutcome:
    """Queue again (until MAX_ATTEMPTS claims) or fail the running jobs whose heartbeat stopped
    JOBS_HEARTBEAT_TIMEOUT_SECONDS ago: their worker died. Send again the task of a job queued for
    longer than JOBS_QUEUED_RESEND_SECONDS: its message may be lost (a broker that was down); a
    duplicate does nothing, since only one run can claim a job."""
    now = now or timezone.now()
    jobs = model._default_manager
    cutoff = now - timedelta(seconds=settings.JOBS_HEARTBEAT_TIMEOUT_SECONDS)
    outcome = ReapOutcome(requeued=0, failed=0, resent=0)
    for pk in jobs.filter(status=JobStatus.RUNNING, heartbeat_at__lt=cutoff).values_list("pk", flat=True):
        with transaction.atomic():
            job = jobs.select_for_update().get(pk=pk)
            if job.status != JobStatus.RUNNING or job.heartbeat_at is None or job.heartbeat_at >= cutoff:
                continue  # it beat or ended meanwhile
            if job.cancel_requested:
                job.status, job.finished_at = JobStatus.CANCELLED, now
            elif job.attempts < MAX_ATTEMPTS:
                job.status, job.queued_at = JobStatus.QUEUED, now
                _send_after_commit(send, job.pk)
                outcome["requeued"] += 1
            else:
                job.status, job.finished_at = JobStatus.FAILED, now
                job.error = _("The worker stopped answering (no heartbeat since %(when)s).") % {
                    "when": f"{job.heartbeat_at:%Y-%m-%d %H:%M:%S}"
                }
                outcome["failed"] += 1
            job.save(update_fields=["status", "queued_at", "finished_at", "error"])
    waiting = now - timedelta(seconds=settings.JOBS_QUEUED_RESEND_SECONDS)
    for pk in jobs.filter(status=JobStatus.QUEUED, queued_at__lt=waiting).values_list("pk", flat=True):
        # The update is the claim to resend: two reapers at once send it once.
        if jobs.filter(pk=pk, status=JobStatus.QUEUED, queued_at__lt=waiting).update(queued_at=now):
            _send_after_commit(send, pk)
            outcome["resent"] += 1
    return outcome


def jobs_reap_all(*, now: datetime | None = None) -> ReapOutcome:
    """Reap the jobs of every registered kind (`jobs_reap`); return the summed outcome."""
    outcomes = [jobs_reap(model=kind.model, send=kind.send, now=now) for kind in registry.kinds()]
    return ReapOutcome(
        requeued=sum(o["requeued"] for o in outcomes),
        failed=sum(o["failed"] for o in outcomes),
        resent=sum(o["resent"] for o in outcomes),
    )
