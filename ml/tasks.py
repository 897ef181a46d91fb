"""Celery tasks of the ml domain. Routed to the `gpu` queue; they take ids, and the job rows carry
their state (the reaper that looks after them is `jobs.tasks.jobs_reap_task`). The runs import
torch inside the task, so that the web process can import this module to send tasks."""

from celery import shared_task


@shared_task
def train_model_task(job_id: int) -> str | None:
    from .training.run import training_job_run

    job = training_job_run(job_id=job_id)
    return job.status if job else None


@shared_task
def tag_courses_task(job_id: int) -> str | None:
    from .tagging import tagging_job_run

    job = tagging_job_run(job_id=job_id)
    return job.status if job else None


@shared_task(soft_time_limit=3600, time_limit=3700)
def embed_courses_task(course_ids: list[int] | None = None) -> int:
    """Embed these published courses (every one with None) whose text changed; return how many."""
    from .embedding import course_embeddings_compute

    return course_embeddings_compute(course_ids=course_ids)
