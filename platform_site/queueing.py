"""Sending Celery tasks from requests, and what a request does when the broker is down.

Two cases: work that a periodic sweep or reaper catches up on (a receipt, a job row's task) is sent
after commit and a broker outage is logged, never raised, so the request answers as on a healthy day;
work whose only trace is the message (a refresh someone asked for) is sent at once, and an outage
answers 503 so the caller knows nothing was queued.
"""

import logging
from typing import Any

from celery import Task
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError

from .exceptions import ServiceUnavailable

logger = logging.getLogger(__name__)

# kombu wraps a refused or timed-out broker connection in OperationalError; OSError covers a
# socket error raised outside its retry loop.
BROKER_ERRORS = (OperationalError, OSError)


def enqueue(task: Task, *args: Any) -> None:
    """Send `task` now; raise ServiceUnavailable if the broker cannot take it."""
    try:
        task.delay(*args)
    except BROKER_ERRORS as error:
        logger.warning("Could not queue %s%r: %s", task.name, args, error)
        raise ServiceUnavailable(
            _("The job could not be queued: the task queue is unavailable. Try again in a few minutes."),
            code="queue_unavailable",
        ) from error


def enqueue_on_commit(task: Task, *args: Any) -> None:
    """Send `task` once the transaction commits; a broker outage is logged and never raised."""

    def send() -> None:
        try:
            task.delay(*args)
        except BROKER_ERRORS as error:
            logger.error("Could not queue %s%r after commit (a sweep sends it later): %s", task.name, args, error)

    # robust as a second net: nothing after the commit may turn a committed write into an error.
    transaction.on_commit(send, robust=True)
