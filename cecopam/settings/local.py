"""What ``make run`` and ``manage.py`` use: the embedded defaults, on one machine."""

from .base import *  # noqa: F403

# Static files come straight from the source folders: no collectstatic step on a dev machine.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # served from the source folders; collectstatic is for production
WHITENOISE_AUTOREFRESH = DEBUG  # noqa: F405
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
