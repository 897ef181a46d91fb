"""The API's token endpoint, with brute-force protection."""

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from platform_site.throttling import FailedLoginThrottle


class TokenView(ObtainAuthToken):
    """Exchange a username and password for the user's API token.

    Wrong passwords count towards the `login` throttle of the client (429 once past it, with
    Retry-After) and towards django-axes' lock-out of the account and the client, shared with the
    page and admin logins.
    """

    throttle_classes = [FailedLoginThrottle]
    throttle_scope = "login"

    def post(self, request: Request, *args, **kwargs) -> Response:
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            for throttle in self.get_throttles():
                if isinstance(throttle, FailedLoginThrottle):
                    throttle.record_failure(request, self)
            # The axes backend flags the request it refused; DRF's Request wraps the one it saw.
            if getattr(request, "axes_locked_out", False) or getattr(request._request, "axes_locked_out", False):
                return Response(
                    {"message": locked_out_message(), "code": "locked_out", "extra": {}},
                    status=status.HTTP_429_TOO_MANY_REQUESTS,
                    headers={"Retry-After": str(int(settings.AXES_COOLOFF_TIME.total_seconds()))},
                )
            raise


def locked_out_message() -> str:
    return _("Too many failed logins for this account or from this network. Try again in %(minutes)d minutes.") % {
        "minutes": settings.AXES_COOLOFF_MINUTES
    }
