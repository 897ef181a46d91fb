"""Liveness answers whatever is down; readiness names the dependency that is."""

import pytest

pytestmark = pytest.mark.django_db
CACHE_DOWN = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


def test_ready_when_database_cache_and_broker_answer(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}


def test_not_ready_when_the_broker_is_down(client, broker_down):
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "unavailable"


def test_not_ready_when_the_cache_is_down(client, settings):
    settings.CACHES = CACHE_DOWN

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "cache": "unavailable", "broker": "ok"}


def test_alive_while_cache_and_broker_are_down(client, settings, broker_down):
    settings.CACHES = CACHE_DOWN

    assert client.get("/healthz").status_code == 200
