"""Retries of the API's writes: a request repeated with the same Idempotency-Key gets the row the
first one made, as orders do (`courses.services.orders.order_checkout`)."""

from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from platform_site.exceptions import ApplicationError

# As long as the models' idempotency_key columns; longer keys are cut by the views, as for orders.
KEY_MAX = 64

M = TypeVar("M", bound=Model)


def replayed(queryset: "QuerySet[M]", *, key: str, **same: object) -> M | None:
    """Return the row of `queryset` an earlier request with `key` made; None for a new or empty key.

    `same` names what a retry repeats (the lesson asked under, say): a key reused for another
    target is a client's mistake, refused rather than answered with an unrelated row.
    """
    if not key:
        return None
    row = queryset.filter(idempotency_key=key).first()
    if row is None:
        return None
    if any(getattr(row, field) != value for field, value in same.items()):
        raise ApplicationError(
            _("This idempotency key was already used for another request."), code="idempotency_key_reused"
        )
    return row


def created_once(create: Callable[[], M], *, queryset: "QuerySet[M]", key: str) -> tuple[M, bool]:
    """Run `create` in a savepoint; return its row and True. When the unique key clashes (the same
    keyed retry racing the first request), return the first request's row and False instead."""
    try:
        with transaction.atomic():
            return create(), True
    except IntegrityError:
        if not key:
            raise
        return queryset.get(idempotency_key=key), False
