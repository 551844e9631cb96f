"""ASGI entry point. Without DJANGO_SETTINGS_MODULE it runs the production settings."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cecopam.settings.production")

application = get_asgi_application()
