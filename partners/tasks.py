"""Celery tasks of the partners domain: thin, idempotent, ids in, services do the work."""

from celery import shared_task


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def invitation_send_task(invitation_id: int, base_url: str, language: str = "") -> bool:
    from . import services

    return services.invitation_send(invitation_id=invitation_id, base_url=base_url, language=language)
