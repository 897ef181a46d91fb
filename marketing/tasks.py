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


# A full rescoring is numpy over the catalogue (seconds at 10,000 courses); ten minutes is a hung worker.
@shared_task(soft_time_limit=600, time_limit=660, autoretry_for=(ConnectionError,), max_retries=3)
def course_pairings_refresh_task(course_ids: list[int] | None = None) -> int:
    """Rescore the knowledge × art pairs and store each course's best (only those of `course_ids`' rows)."""
    from . import services

    return services.course_pairings_refresh(course_ids=course_ids)
