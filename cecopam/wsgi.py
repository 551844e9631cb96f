"""WSGI entry point (gunicorn). Without DJANGO_SETTINGS_MODULE it runs the production settings."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cecopam.settings.production")

application = get_wsgi_application()
