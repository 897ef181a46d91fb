"""The media job: an upload handed to a `media` queue worker, on the shared job machinery
(claim, heartbeat, progress, cancel, reaper)."""

from typing import TYPE_CHECKING

from django.core.files.uploadedfile import UploadedFile

from jobs.models import JobStatus
from jobs.services import Heartbeat, JobCancelled, job_create, job_finish, job_run

from .. import tasks
from ..models import Lesson, MediaJob
from . import services

if TYPE_CHECKING:
    from accounts.models import User


def send_media_task(job_id: int) -> object:
    return tasks.media_process_task.delay(job_id)


def media_job_create(
    *, lesson: Lesson, upload: "UploadedFile[bytes]", created_by: "User | None", idempotency_key: str = ""
) -> tuple[MediaJob, bool]:
    """Store the upload (streamed to storage by chunks) and queue its job; return it and whether it is new."""
    if idempotency_key and (
        existing := MediaJob.objects.filter(created_by=created_by, idempotency_key=idempotency_key).first()
    ):
        return existing, False  # a retried upload: its file is not stored a second time
    name = services.upload_save(lesson=lesson, upload=upload)
    return job_create(
        model=MediaJob, send=send_media_task, created_by=created_by, idempotency_key=idempotency_key,
        lesson=lesson, source=name, source_name=(upload.name or "")[:255],
    )  # fmt: skip


def _work(job: MediaJob, beat: Heartbeat) -> None:
    def progress(share: float) -> None:
        if beat(share):  # cancelled, or handed to another run by the reaper: stop ffmpeg
            raise JobCancelled

    lesson = Lesson.objects.select_related("course").get(pk=job.lesson_id)
    try:
        media = services.media_process(lesson=lesson, source_name=job.source.name or "", on_progress=progress)
    except services.MediaFailed as failure:
        job_finish(job=job, status=JobStatus.FAILED, error=failure.message, error_code=failure.code,
                   error_params=failure.extra)  # fmt: skip
        return
    # The source was deleted with the success (media_process): the row forgets its name too.
    job_finish(job=job, status=JobStatus.SUCCEEDED, progress=1.0, duration_seconds=media.duration_seconds, source="")


def media_job_run(*, job_id: int) -> MediaJob | None:
    return job_run(model=MediaJob, job_id=job_id, work=_work)
