"""Celery task of art assignments: the learner's e-mail about new feedback (ids in; the service
does the work). Imported by `LearningConfig.ready()` so that workers know it."""

from celery import shared_task


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def feedback_mail_task(submission_id: int, base_url: str) -> bool:
    from . import assignments

    return assignments.feedback_mail_send(submission_id=submission_id, base_url=base_url)
