"""Celery tasks of the marketing domain (queue `default`)."""

from celery import shared_task


@shared_task
def campaign_stats_refresh_task() -> int:
    from . import services

    return services.campaign_stats_refresh()


@shared_task
def campaign_scores_refresh_task(campaign_ids: list[int] | None = None) -> int:
    from . import services

    return services.campaign_scores_refresh(campaign_ids=campaign_ids)
