from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from . import attribution, selectors, services


class AttributionMiddleware:
    """Carry campaign touches from `utm_*` parameters and tracked links through to sign-up and orders.

    A GET with `utm_campaign=<campaign slug>` (and optionally `utm_medium=<channel kind>`) records
    a touch; a signed-in learner's touches are recorded on their account once.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "GET" and "utm_campaign" in request.GET:
            self._touch_from_utm(request)
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and attribution.TOUCH_COOKIE in request.COOKIES
            and request.COOKIES.get("mk_learner") != str(user.pk)
        ):
            services.learner_attribution_record(learner=user, touches=attribution.read_touches(request))
            # Remember that this browser's learner is recorded: no query on later requests.
            response.set_cookie("mk_learner", str(user.pk), max_age=attribution.COOKIE_AGE, httponly=True)
        attribution.write_cookies(request, response)
        return response

    def _touch_from_utm(self, request: HttpRequest) -> None:
        utm = {key: request.GET[key][:100] for key in attribution.UTM_KEYS if key in request.GET}
        target = selectors.campaign_channel_for_utm(utm)
        if target is None:
            return
        campaign_id, channel_id = target
        touches = attribution.read_touches(request).add(attribution.hit_now(campaign_id, channel_id), utm=utm)
        attribution.remember(request, touches)
