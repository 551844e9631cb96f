"""The Celery application. Its settings are the ``CELERY_*`` names in Django's settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cecopam.settings.local")

app = Celery("cecopam")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
