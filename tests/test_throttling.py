"""Rate limits key on the real client and count atomically."""

import os
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.test import RequestFactory
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from platform_site import throttling
from platform_site.cache import RedisCache
from platform_site.throttling import client_ip

API = "/api/v1"


@pytest.mark.django_db
def test_rotating_x_forwarded_for_does_not_dodge_the_anonymous_limit(api_client, monkeypatch, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": "5/min", "user": "9/min"})

    statuses = [api_client.get(f"{API}/courses/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(10)]

    assert statuses == [200] * 5 + [429] * 5


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.9", "10.0.0.1"),
        (1, "198.51.100.9", "198.51.100.9"),
        (1, "6.6.6.6, 198.51.100.9", "198.51.100.9"),  # the client wrote 6.6.6.6 itself
        (2, "6.6.6.6, 198.51.100.9, 10.0.0.2", "198.51.100.9"),
        (3, "198.51.100.9", "198.51.100.9"),  # fewer entries than proxies: the outermost seen
        (1, "", "10.0.0.1"),
    ],
)
def test_client_ip_trusts_exactly_the_configured_proxies(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)

    assert client_ip(request) == expected


class _Ping(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    def get(self, request):
        return Response({"ok": True})


def _race(cache, limit: int, threads: int = 20) -> int:
    class Throttle(throttling.AnonRateThrottle):
        rate = f"{limit}/min"

    Throttle.cache = cache
    view = _Ping.as_view(throttle_classes=[Throttle])
    factory = APIRequestFactory()

    def call(_: int) -> int:
        return view(factory.get("/ping", REMOTE_ADDR="192.0.2.77")).status_code

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(call, range(threads))).count(200)


def test_parallel_requests_on_the_local_cache_pass_exactly_the_limit():
    from django.core.cache import cache

    assert _race(cache, limit=7) == 7


@pytest.mark.redis
def test_parallel_requests_on_redis_pass_exactly_the_limit():
    cache = RedisCache(os.environ["REDIS_URL"], {})
    cache.clear()

    assert _race(cache, limit=7) == 7
