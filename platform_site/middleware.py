import logging
from collections.abc import Callable
from urllib.parse import unquote

from django.conf import settings
from django.db import DataError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import translation

from .exceptions import DATA_ERROR_MESSAGE
from .parsers import NUL_MESSAGE

logger = logging.getLogger(__name__)


class CookieLocaleMiddleware:
    """Activate the language chosen with the switcher, else the site default (zh-hans).

    Django's LocaleMiddleware would follow the browser's Accept-Language; the product is
    Chinese-first, so on pages only an explicit choice (the language cookie) switches to English.
    API clients choose deliberately, so the API honours Accept-Language too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if language not in self.supported:
            if request.path.startswith("/api/"):
                language = translation.get_language_from_request(request)
            else:
                language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class RefuseBadInputMiddleware:
    """Answer 400 to a NUL character in the path or query, and to input only the database refused.

    PostgreSQL cannot store or even compare text with NUL: a slug `a%00b` looked up in a course
    URL raised DataError, a 500. Forms and the API's parsers check what they read; this catches the
    path and query before any view, and a DataError that got past every check (a 400, logged so
    the missing validation gets written).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            return bad_request(request, str(NUL_MESSAGE))
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DataError):
            logger.warning("Input refused by the database on %s: %s", request.path, exception)
            return bad_request(request, str(DATA_ERROR_MESSAGE), code="invalid")
        return None


def bad_request(request: HttpRequest, message: str, *, code: str = "invalid") -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"message": message, "code": code, "extra": {}}, status=400)
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
