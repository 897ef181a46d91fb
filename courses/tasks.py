"""Celery tasks of the courses domain: thin, idempotent, ids in, services do the work.

Services import this module to enqueue, so tasks import services inside their bodies.
"""

import logging
from datetime import timedelta

from celery import shared_task

logger = logging.getLogger(__name__)

# Receipts of payments confirmed this long ago are surely not still waiting in the queue.
RECEIPT_GRACE = timedelta(minutes=5)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def order_send_receipt_task(order_id: int) -> bool:
    from . import services

    return services.order_send_receipt(order_id=order_id)


@shared_task
def order_expire_stale_task() -> int:
    from . import services

    expired = services.order_expire_stale()
    logger.info("Expired %s stale pending orders", expired)
    return expired


@shared_task
def order_send_missing_receipts_task() -> int:
    from . import services

    order_ids = services.orders_missing_receipt_ids(older_than=RECEIPT_GRACE)
    for order_id in order_ids:
        order_send_receipt_task.delay(order_id)
    return len(order_ids)


# Transcoding a long lecture takes a while; the job's heartbeat tells the reaper it is alive.
MEDIA_SOFT_TIME_LIMIT = 3 * 3600


@shared_task(soft_time_limit=MEDIA_SOFT_TIME_LIMIT, time_limit=MEDIA_SOFT_TIME_LIMIT + 120)
def media_process_task(job_id: int) -> str | None:
    from .media.jobs import media_job_run

    job = media_job_run(job_id=job_id)
    return job.status if job else None
