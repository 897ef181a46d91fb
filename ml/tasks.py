"""Celery tasks of the ml domain. Routed to the `gpu` queue (the reaper to `default`); they take
ids, and the job rows carry their state."""

from celery import shared_task


@shared_task
def train_model_task(job_id: int) -> str | None:
    from . import services

    job = services.training_job_run(job_id=job_id)
    return job.status if job else None


@shared_task
def tag_courses_task(job_id: int) -> str | None:
    from . import services

    job = services.tagging_job_run(job_id=job_id)
    return job.status if job else None


@shared_task
def reap_stale_jobs_task() -> dict[str, int]:
    from . import services

    return services.reap_stale_jobs()
