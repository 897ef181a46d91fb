"""The one error hierarchy of the platform and the DRF handler that renders it.

Services raise ApplicationError (or a subclass) for broken business rules; the API renders every
error, ours or Django's or DRF's, as `{"message", "code", "extra"}` with the matching status.
"""

import logging
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

logger = logging.getLogger(__name__)


class ApplicationError(Exception):
    """A business rule said no. `code` is stable for clients; `message` is for people."""

    status_code: int = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"

    def __init__(
        self, message: "_StrOrPromise", *, code: str | None = None, extra: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.extra = extra or {}


class NotPermitted(ApplicationError):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "permission_denied"


class Conflict(ApplicationError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class TooManyRequests(ApplicationError):
    """A limit on how often was reached; `extra["retry_after"]` says in how many seconds to retry."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "throttled"


class ServiceUnavailable(ApplicationError):
    """A service the request needs (the broker, say) is down: try again later, nothing was done."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "service_unavailable"


DATA_ERROR_MESSAGE = _("The input could not be stored: a value is malformed or out of range.")


def _body(message: Any, code: Any, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"message": str(message), "code": code, "extra": extra or {}}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        retry_after = exc.extra.get("retry_after") if isinstance(exc, TooManyRequests) else None
        headers = {"Retry-After": str(retry_after)} if retry_after else None
        return Response(_body(exc.message, exc.code, exc.extra), status=exc.status_code, headers=headers)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    elif isinstance(exc, DataError):
        # A last net: every input should be validated before the database sees it; log the gap.
        logger.warning("Input refused by the database on %s: %s", context["request"].path, exc)
        exc = exceptions.ValidationError({"non_field_errors": [DATA_ERROR_MESSAGE]})

    response = exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: let Django log it and answer 500
    assert isinstance(exc, exceptions.APIException)
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = _body(_("Invalid input."), "invalid", {"fields": detail})
    else:
        response.data = _body(exc.detail, exc.get_codes())
    return response
