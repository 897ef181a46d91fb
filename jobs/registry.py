"""The kinds of job the reaper looks after. Apps register theirs from AppConfig.ready()."""

from collections.abc import Callable
from dataclasses import dataclass

from .models import Job

# Sends a job's task, given the job's id (`some_task.delay`); what it returns is not used.
TaskSender = Callable[[int], object]


@dataclass(frozen=True)
class JobKind:
    model: type[Job]
    send: TaskSender


_kinds: dict[str, JobKind] = {}


def register(model: type[Job], *, send: TaskSender) -> None:
    """Have the reaper look after `model`'s jobs, sending their task again with `send`."""
    _kinds[model._meta.label] = JobKind(model=model, send=send)


def kinds() -> tuple[JobKind, ...]:
    return tuple(_kinds.values())
