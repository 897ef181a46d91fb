"""Small helpers that views share."""

from typing import TypeVar

from django.http import Http404

T = TypeVar("T")


def found(value: T | None) -> T:
    """What a scoped selector found, or a 404: another's object and a guessed id read alike."""
    if value is None:
        raise Http404
    return value
