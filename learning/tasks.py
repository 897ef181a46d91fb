"""Celery tasks of learning: thin, idempotent, ids in."""

from celery import shared_task


# Bounded: an SMTP outage retries a few times; the answer keeps notified_at empty until one succeeds.
@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5, soft_time_limit=90, time_limit=120)
def answer_notify_task(answer_id: int, base_url: str = "") -> int:
    from .qa_notify import answer_notify

    return answer_notify(answer_id=answer_id, base_url=base_url)
