"""Settings for the test suite: the same app, with fast hashing and mail kept in memory."""

from pathlib import Path

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, VAR_DIR, celery_broker_url, env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # served from the source folders; collectstatic is for production
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "test-media")))

# A Celery worker and the browser tests' live server run outside the test's connection, so the
# SQLite test database is a file that they can open, not an in-memory one.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

# The tests start their own Redis on this socket unless REDIS_URL names one.
EMBEDDED_REDIS_SOCKET = VAR_DIR / "test-redis.sock"
REDIS_URL = env("REDIS_URL", default=f"unix://{EMBEDDED_REDIS_SOCKET}")
CELERY_BROKER_URL = celery_broker_url(REDIS_URL)

TEMPLATES = [dict(TEMPLATES[0])]  # noqa: F405
TEMPLATES[0]["OPTIONS"] = dict(TEMPLATES[0]["OPTIONS"], string_if_invalid="")
TEST_RUNNER = "django.test.runner.DiscoverRunner"
FIXTURE_DIRS = [BASE_DIR / "tests" / "fixtures"]

# ------------------------------------------------------------------------------ cache and throttles
# Each test process keeps its cache in memory (no Redis needed for the throttling counters);
# the tests of what the Redis cache does differently use a Redis of their own.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
