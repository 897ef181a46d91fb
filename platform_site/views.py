import logging
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from rest_framework.exceptions import NotFound

from accounts.request_user import request_user

logger = logging.getLogger(__name__)

# A readiness probe runs every few seconds: a dependency that does not answer in this long is down.
PROBE_TIMEOUT_SECONDS = 2


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A path no URL matches: the API's error shape under /api/ (programs read JSON), else the page."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"message": str(NotFound.default_detail), "code": NotFound.default_code, "extra": {}}, status=404
        )
    return defaults.page_not_found(request, exception)


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. No dependency is checked, so an outage elsewhere never
    makes the orchestrator restart healthy web processes. Also the framework floor in benchmarks."""
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache() -> None:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, 1, timeout=PROBE_TIMEOUT_SECONDS * 5)
    if cache.get(key) != 1:
        raise RuntimeError("the cache did not return what was written")
    cache.delete(key)


def _check_broker() -> None:
    from .celery import app

    options = {
        **(app.conf.broker_transport_options or {}),
        "socket_connect_timeout": PROBE_TIMEOUT_SECONDS,
        "socket_timeout": PROBE_TIMEOUT_SECONDS,
    }
    with app.connection_for_write(transport_options=options) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=PROBE_TIMEOUT_SECONDS)


READINESS_CHECKS: dict[str, Callable[[], None]] = {
    "database": _check_database,
    "cache": _check_cache,
    "broker": _check_broker,
}


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 when the database, the cache and the broker all answer, else 503.

    A load balancer takes a process that answers 503 out of rotation until it answers 200 again.
    Which dependency failed is named; why is only logged (the probe is public).
    """
    checks = {}
    for name, check in READINESS_CHECKS.items():
        try:
            check()
            checks[name] = "ok"
        except Exception as error:  # any failure of a dependency means "not ready", whatever its type
            logger.warning("Readiness check %s failed: %s", name, error)
            checks[name] = "unavailable"
    ready = all(state == "ok" for state in checks.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)


@require_GET
def switch_language(request: HttpRequest, code: str) -> HttpResponseRedirect:
    """Remember the chosen language in its cookie and go back.

    A plain link rather than Django's POST-only set_language: pages then carry no CSRF token
    for anonymous visitors, so one cached copy of a public page serves them all. Choosing a
    language changes nothing but the display, so a forged click costs nothing.
    """
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = HttpResponseRedirect(target)
    if code in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            code,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        if request.user.is_authenticated:
            # E-mails sent without a request (the instructors' digest) follow the signed-in user's choice.
            from learning.qa_notify import mail_language_remember

            mail_language_remember(user=request_user(request), language=code)
    return response
