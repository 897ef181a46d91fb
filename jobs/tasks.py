"""Celery tasks of the job machinery (the `default` queue: bookkeeping for any worker)."""

from celery import shared_task

from .services import ReapOutcome


@shared_task
def jobs_reap_task() -> ReapOutcome:
    from .services import jobs_reap_all

    return jobs_reap_all()
