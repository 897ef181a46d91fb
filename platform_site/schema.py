"""The OpenAPI schema as the truth: error answers, anonymous access and nullable fields.

drf-spectacular documents the success answer of each operation and nothing else. Every operation
can also answer with the one error shape of `platform_site.exceptions` (bad input, missing or bad
credentials, no permission, throttled), and operations whose permission lets anonymous callers
read must say so: the schemathesis run in tests/test_api_schema.py holds the API to this.
"""

from typing import Any, Literal

from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import permissions, serializers

Direction = Literal["request", "response"]


class ErrorSerializer(serializers.Serializer):
    """Every error answer of the API (`platform_site.exceptions.api_exception_handler`)."""

    message = serializers.CharField(help_text="For people, in the request's language.")
    code = serializers.CharField(help_text="Stable for programs: `invalid`, `not_authenticated`, `throttled`, ...")
    extra = serializers.DictField(
        help_text="Details; for `invalid`, `fields` maps each field (or `non_field_errors`) to its messages."
    )


def error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


# What any operation may answer besides its success.
COMMON_ERRORS = {
    "400": error("Invalid input (`extra.fields` says where), or a NUL character in the path or query."),
    "401": error("Credentials were required and missing, or were wrong."),
    "403": error("Not permitted for the caller (or a session call without its CSRF token)."),
    "429": error("Too many requests: the `Retry-After` header says when to try again."),
}
NOT_FOUND = error("No such object, or not visible to the caller; or a page past the last.")
CONFLICT = error("The object's state forbids it (already enrolled, already paid, already ended, ...).")
UNSUPPORTED = error("The body's content type is not one the operation reads (or a multipart body is malformed).")
UNAVAILABLE = error("A service the request needs (the task queue) is down; nothing was done: retry later.")


class AnonymousReads:
    """Mark a permission class that lets anyone read (GET, HEAD, OPTIONS): the schema says so."""


class AutoSchema(SpectacularAutoSchema):
    def get_auth(self) -> list[dict[str, Any]]:
        auths = super().get_auth()
        anonymous_reads = any(isinstance(p, AnonymousReads) for p in self.view.get_permissions())
        if anonymous_reads and self.method in permissions.SAFE_METHODS and {} not in auths:
            auths.append({})
        return auths

    def _get_response_bodies(self, direction: Direction = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        errors = dict(COMMON_ERRORS)
        # A write may name an object the caller cannot see (a lesson of a course not bought).
        if "{" in self.path or self._is_list_view() or self.method not in permissions.SAFE_METHODS:
            errors["404"] = NOT_FOUND
        if self.method not in permissions.SAFE_METHODS:
            errors["409"] = CONFLICT
            errors["415"] = UNSUPPORTED
        for code, response in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses


class NullInResponses:
    """Mark a serializer field that is written as a value but may read back as null."""


class NullInResponsesExtension(OpenApiSerializerFieldExtension):
    target_class = NullInResponses
    match_subclasses = True

    def map_serializer_field(self, auto_schema: SpectacularAutoSchema, direction: Direction) -> dict[str, Any]:
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if direction == "response":
            schema["nullable"] = True
        return schema
