"""Versioned caching of what every visitor sees the same way: catalogue pages and the course list.

Any write to a course, lesson or partner bumps one catalogue version number. Each entry is
stored with the version it was computed at, and one MGET reads the current version and the
entry together: an entry of an older version is recomputed, never served. No key listing, no
per-entry invalidation, one round trip per hit, and correct across processes whenever the cache
backend is shared (Redis when REDIS_URL is set).
"""

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

VERSION_KEY = "catalogue:version"
# Entries of old versions are never served; the timeout only frees memory.
TIMEOUT = 300


def catalogue_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def catalogue_changed(**kwargs: Any) -> None:
    """Move the catalogue to a new version (a signal receiver, hence **kwargs)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet, or evicted
        cache.set(VERSION_KEY, 2, timeout=None)


def _lookup(key: str) -> tuple[int, Any]:
    """Return the current version and the entry at `key` if it was computed at that version."""
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY) or catalogue_version()
    entry = found.get(key)
    return version, entry[1] if entry is not None and entry[0] == version else None


def cached(name: str, variant: str, compute: Callable[[], Any]) -> Any:
    # A digest of the variant (a URL with any query string a client sends) keeps keys short and
    # free of characters some backends refuse (memcached: 250 bytes, no spaces or control codes).
    key = f"catalogue:{name}:{hashlib.blake2b(variant.encode(), digest_size=16).hexdigest()}"
    version, value = _lookup(key)
    if value is None:
        value = compute()
        # Stored with the version read *before* computing: a write meanwhile retires it.
        cache.set(key, (version, value), TIMEOUT)
    return value


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve a page from the cache to visitors without a session: they all see the same page.

    A request with a session cookie (a learner, a manager) or with flash messages waiting gets
    the live page. Only complete 200 answers that set no cookie are kept.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if settings.SESSION_COOKIE_NAME in request.COOKIES or CookieStorage.cookie_name in request.COOKIES:
            return view(request, *args, **kwargs)
        key = f"catalogue:page:{view.__module__}.{view.__name__}:{get_language()}:{request.get_full_path()}"
        version, content = _lookup(key)
        if content is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.cookies or response.streaming:
                return response
            cache.set(key, (version, response.content), TIMEOUT)
        else:
            response = HttpResponse(content)
        # Browsers and proxies must not hand this copy to someone who has a session.
        patch_vary_headers(response, ["Cookie"])
        return response

    return wrapper
