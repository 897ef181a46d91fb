"""Request body parsers that refuse what the API cannot hold: deep nesting and NUL characters.

Python's json module recurses once per nesting level, so a body of 1,000 nested arrays raised
RecursionError (a 500) and a few hundred levels still reached code that recursed again; no body
of this API nests more than a few levels. PostgreSQL refuses NUL in text (a DataError, a 500):
it is refused here, where the client gets a 400 that says why.
"""

from typing import TYPE_CHECKING, Any

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

if TYPE_CHECKING:  # the stubs' name for what FormParser returns; no such class at run time
    from django.http.request import _ImmutableQueryDict

# Ten times the deepest body the API takes (a survey submission: object, answers, list, value).
MAX_JSON_DEPTH = 32
NUL = "\x00"
NUL_MESSAGE = _("Text may not contain NUL characters (\\u0000).")


def check_json(data: Any) -> None:
    """Raise ParseError if `data` nests deeper than MAX_JSON_DEPTH or holds a NUL in any string."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if NUL in value:
                raise ParseError(NUL_MESSAGE)
        elif isinstance(value, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise ParseError(_("JSON nested more than %(depth)d levels deep.") % {"depth": MAX_JSON_DEPTH})
            if isinstance(value, dict):
                stack.extend((key, depth) for key in value)
                stack.extend((item, depth + 1) for item in value.values())
            else:
                stack.extend((item, depth + 1) for item in value)


def check_form(data: QueryDict) -> None:
    for key, values in data.lists():
        if NUL in key or any(isinstance(value, str) and NUL in value for value in values):
            raise ParseError(NUL_MESSAGE)


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON nested more than %(depth)d levels deep.") % {"depth": MAX_JSON_DEPTH}) from None
        check_json(data)
        return data


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None) -> "_ImmutableQueryDict":
        data = super().parse(stream, media_type, parser_context)
        check_form(data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None) -> parsers.DataAndFiles:
        result = super().parse(stream, media_type, parser_context)
        check_form(result.data)
        return result
