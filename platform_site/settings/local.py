"""Local development: the embedded defaults, debug on, an insecure key that never leaves a laptop."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="local-only-insecure-key-do-not-deploy-5b7e0c1f9d3a")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
# Let gunicorn serve static files from the source folders without collectstatic.
WHITENOISE_USE_FINDERS = True
SERVE_MEDIA = True
