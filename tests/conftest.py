import os

import pytest
from django.core.cache import cache
from django.db import connection
from rest_framework.test import APIClient

from tests.factories import CourseFactory, ManagerFactory, UserFactory


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    no_redis = pytest.mark.skip(reason="REDIS_URL is not set")
    for item in items:
        if "redis" in item.keywords and not os.environ.get("REDIS_URL"):
            item.add_marker(no_redis)


@pytest.fixture(autouse=True)
def _postgres_only(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    # Rolled-back test data must not live on in cached pages.
    cache.clear()


@pytest.fixture
def learner(db):
    return UserFactory(username="alice")


@pytest.fixture
def other_learner(db):
    return UserFactory(username="bob")


@pytest.fixture
def manager(db):
    return ManagerFactory(username="manager")


@pytest.fixture
def course(db):
    return CourseFactory(slug="watercolor", title_zh="水彩入门", title_en="Watercolor basics", track="art")


@pytest.fixture
def free_course(db):
    return CourseFactory(slug="open-course", price=0)


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def as_user(api_client, learner, other_learner, manager):
    """Log the API client in as one of the permission matrix's callers, by name."""
    users = {"anonymous": None, "learner_a": learner, "learner_b": other_learner, "manager": manager}

    def login(name: str) -> APIClient:
        api_client.force_authenticate(users[name])
        return api_client

    return login


@pytest.fixture
def broker_down():
    """Point the Celery app at a closed port: sending a task fails as with a broker that is down."""
    from platform_site.celery import app

    saved = app.conf.broker_url, app.conf.broker_transport_options
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app.conf.broker_transport_options = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    # Pooled connections to the real broker would still work: drop them.
    app._pool = None
    app.amqp._producer_pool = None
    yield
    app.conf.broker_url, app.conf.broker_transport_options = saved
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture(autouse=True)
def _protected_media(settings, tmp_path_factory: pytest.TempPathFactory) -> None:
    # Lesson media that tests write stays out of the checkout.
    settings.PROTECTED_MEDIA_ROOT = tmp_path_factory.mktemp("protected-media")
