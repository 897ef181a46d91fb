"""Celery tasks of art assignments: the learner's e-mail about new feedback, and the conversion of
a submitted clip on the `media` queue (ids in; the services do the work). Imported by
`LearningConfig.ready()` so that workers know them."""

from celery import shared_task


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def feedback_mail_task(submission_id: int, base_url: str) -> bool:
    from . import assignments

    return assignments.feedback_mail_send(submission_id=submission_id, base_url=base_url)


# A clip is a few minutes at most; its job's heartbeat tells the reaper it is alive meanwhile.
CLIP_SOFT_TIME_LIMIT = 15 * 60


@shared_task(soft_time_limit=CLIP_SOFT_TIME_LIMIT, time_limit=CLIP_SOFT_TIME_LIMIT + 60)
def clip_process_task(job_id: int) -> str | None:
    from .clips import clip_job_run

    job = clip_job_run(job_id=job_id)
    return job.status if job else None
