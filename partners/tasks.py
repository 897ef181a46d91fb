"""Celery tasks of the partners domain: thin, idempotent, ids in, services do the work."""

from celery import shared_task


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def invitation_send_task(invitation_id: int, base_url: str, language: str = "") -> bool:
    from . import services

    return services.invitation_send(invitation_id=invitation_id, base_url=base_url, language=language)


@shared_task(time_limit=1800, soft_time_limit=1700)
def statements_issue_task() -> int:
    """Issue last month's statements (beat runs it every few hours; a month's are issued once)."""
    from django.utils import timezone

    from .statements import previous_month, statements_issue

    today = timezone.localdate()
    return len(statements_issue(month=previous_month(today.replace(day=1))))


# Bounded: an SMTP outage retries a few times; a failed mail leaves its questions for the next run.
@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=3, soft_time_limit=600, time_limit=660)
def instructor_digest_task() -> int:
    """Mail each instructor the new questions of their courses (beat, every INSTRUCTOR_DIGEST_SECONDS)."""
    from .digest import instructor_digests_send

    return instructor_digests_send()
