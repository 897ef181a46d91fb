"""Test settings: the same wiring as production, cheaper hashing, isolated cache and mail."""

import os
from pathlib import Path

# Under pytest-xdist each worker process has a test database of its own (pytest-django adds the
# suffix); give it its own Redis database and file folders as well, set before the base reads them.
if _worker := os.environ.get("PYTEST_XDIST_WORKER", ""):
    _number = int(_worker.removeprefix("gw"))
    if _redis := os.environ.get("REDIS_URL", ""):
        _server, _, _db = _redis.rpartition("/")
        os.environ["REDIS_URL"] = f"{_server}/{(int(_db or 0) - _number) % 16}"
    _var = Path(__file__).resolve().parents[2] / "var" / f"test-{_worker}"
    os.environ.setdefault("VAR_DIR", str(_var))
    os.environ.setdefault("MEDIA_ROOT", str(_var / "media"))

from .base import *  # noqa: F403
from .base import DATABASES, REST_FRAMEWORK, env

SECRET_KEY = env("SECRET_KEY", default="test-only-key-7c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f")
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# Threads of the live server and of concurrency tests must not keep connections the teardown needs gone.
DATABASES["default"]["CONN_MAX_AGE"] = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A worker process that a test starts sends through the test's own SMTP server process instead.
if env("TEST_EMAIL_URL", default=""):
    vars().update(env.email("TEST_EMAIL_URL"))
# Each test process keeps its own throttle counters; tests that check throttling set rates themselves.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        "anon": "100000/min",
        "user": "100000/min",
        "login": "100000/min",
        "partner": "100000/min",
    },
}
# Lock-outs off, so that the many logins of the suite (Client.login has no request, which axes
# needs) work; tests of brute-force protection turn it on.
AXES_ENABLED = False
WHITENOISE_USE_FINDERS = True
