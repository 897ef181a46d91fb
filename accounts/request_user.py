from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from rest_framework.request import Request

from accounts.models import User


def request_user(request: HttpRequest | Request) -> User:
    """The signed-in user of a view that requires login, typed as User rather than User | AnonymousUser.

    The view's login requirement (IsAuthenticated, login_required, the admin) already turned anonymous
    callers away; refusing here too keeps a view whose requirement is lost from acting for nobody."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
