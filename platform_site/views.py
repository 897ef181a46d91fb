from django.conf import settings
from django.http import HttpRequest, HttpResponseRedirect, JsonResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET


def healthz(request: HttpRequest) -> JsonResponse:
    """A constant answer: load balancers' probe, and the framework floor in benchmarks."""
    return JsonResponse({"status": "ok"})


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
    return response
