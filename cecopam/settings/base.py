"""Settings shared by every environment. Values that differ per machine come from the environment
(or a ``.env`` file beside ``manage.py``); ``.env.example`` lists every variable."""

from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Where the embedded default keeps its state: SQLite, the private Redis, PDFs, logs.
VAR_DIR = Path(env("CECOPAM_VAR_DIR", default=str(BASE_DIR / "var")))

# ------------------------------------------------------------------------------ core
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-only-key-do-not-use-in-production")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "cecopam.apps.CecopamAdminConfig",  # Django's admin, for training administrators
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    "django_filters",
    "simple_history",
    "axes",
    # Ours, in dependency order: trainees <- courses <- readiness <- cecopam.
    "trainees",
    "courses",
    "readiness",
    "cecopam",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during sign-in into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cecopam.urls"
WSGI_APPLICATION = "cecopam.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cecopam.context_processors.navigation",
            ],
        },
    },
]
# Widgets are drawn with the templates above, so that templates/django/forms/ can replace one.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# ------------------------------------------------------------------------------ database
# SQLite under var/ unless DATABASE_URL names another database (PostgreSQL in production).
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'cecopam.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False  # one style: @transaction.atomic per service
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Django's backend, with the parameter limit of the SQLite it runs on (cecopam/db/).
    DATABASES["default"]["ENGINE"] = "cecopam.db.sqlite3"
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        # WAL lets the web server and the Celery worker read while the other writes.
        {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# -------------------------------------------------------------------- response headers and limits
# In every environment, so that the browser tests see what production sends: scripts and
# styles only from our own static files (no inline script or style attribute, nothing from
# another site); images may be data: URIs (Bootstrap draws its form controls' marks that way).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Request size: the largest upload is a trainee import of at most 5 MB (trainees.imports), and
# no form posts more than a few hundred fields (a gradebook of 60 people and 10 components).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # request bodies other than files
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # larger uploads go to a temporary file
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
DATA_UPLOAD_MAX_NUMBER_FILES = 5

# The operations page's JSON (/operations.json) answers a monitor that sends this secret as
# "Authorization: Bearer <token>", without an account. Empty: administrators only.
OPERATIONS_MONITOR_TOKEN = env("OPERATIONS_MONITOR_TOKEN", default="")

# ------------------------------------------------------------------------------ authentication
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out account is refused before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Training administrators hold every permission, by their role (see cecopam.roles).
    "cecopam.roles.AdministratorPermissionBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a day

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-axes: five failed sign-ins lock the account, and separately the address they came from.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "cecopam.views.signin_locked_out"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# ------------------------------------------------------------------------------ i18n
# Mexican Spanish first (its date and number formats; the texts are in locale/es), then English.
# Each language is named in itself, as a language switch should show it.
LANGUAGE_CODE = "es-mx"
LANGUAGES = [("es-mx", "Español"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="America/Mexico_City")
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "cecopam_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365

# ------------------------------------------------------------------------------ static and media
STATIC_URL = "static/"
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media")))
# No MEDIA_URL is served: stored files (certificate PDFs) go out only through views that check
# who asks.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# ------------------------------------------------------------------------------ forms
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# ------------------------------------------------------------------------------ email
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="CECOPAM <no-reply@cecopam.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_SUBJECT_PREFIX = "[CECOPAM] "

# ------------------------------------------------------------------------------ redis and celery
# Without REDIS_URL the app talks to its own Redis (started by `make run`) on a unix socket.
EMBEDDED_REDIS_SOCKET = VAR_DIR / "redis.sock"
REDIS_URL = env("REDIS_URL", default=f"unix://{EMBEDDED_REDIS_SOCKET}")


def celery_broker_url(redis_url: str) -> str:
    """Celery spells a unix-socket Redis ``redis+socket://``; redis-py spells it ``unix://``."""
    if redis_url.startswith("unix://"):
        return "redis+socket://" + redis_url.removeprefix("unix://")
    return redis_url


CELERY_BROKER_URL = celery_broker_url(REDIS_URL)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Tasks are acknowledged late; an unacknowledged one comes back after this many seconds.
    # No task waits (ETA/countdown) longer than this, so none is delivered twice for waiting.
    "visibility_timeout": 60 * 60,
}
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True  # the database, not a result backend, records what happened
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_DEFAULT_QUEUE = "default"
# Each queue bound by its own routing key, so that a task sent to one is delivered to it alone.
CELERY_TASK_QUEUES = (
    Queue("default", routing_key="default"),
    Queue("pdf", routing_key="pdf"),  # the certificate renderers
)
CELERY_TASK_DEFAULT_ROUTING_KEY = "default"
CELERY_TASK_ROUTES = {
    "courses.tasks.certificate_render": {"queue": "pdf", "routing_key": "pdf"},
}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
# A pool process is replaced after this many tasks, or once it holds more than this many KiB:
# WeasyPrint's caches grow a process by about a quarter of a MiB per certificate. Replacing
# more often costs throughput (a fresh process renders its first page cold, and Celery may
# hand a message to a process on its way out: celery#9579).
CELERY_WORKER_MAX_TASKS_PER_CHILD = 1000
CELERY_WORKER_MAX_MEMORY_PER_CHILD = 400_000
CELERY_WORKER_SEND_TASK_EVENTS = True
CELERY_BEAT_SCHEDULE = {
    "certificates-sweep": {
        "task": "courses.tasks.certificates_sweep",
        "schedule": 60.0,
        "options": {"queue": "default", "expires": 60},
    },
    "certificate-expiry-reminders": {
        "task": "courses.tasks.certificate_expiry_reminders",
        "schedule": crontab(hour=7, minute=0),
        "options": {"queue": "default"},
    },
    # Daily, but sent once per week: a Monday the workers were down is caught up on Tuesday.
    "readiness-weekly-digest": {
        "task": "readiness.tasks.weekly_digest",
        "schedule": crontab(hour=7, minute=15),
        "options": {"queue": "default"},
    },
    "heartbeat-default": {
        "task": "cecopam.tasks.heartbeat",
        "schedule": 30.0,
        "args": ["default"],
        "options": {"queue": "default", "expires": 30},
    },
    "heartbeat-pdf": {
        "task": "cecopam.tasks.heartbeat",
        "schedule": 30.0,
        "args": ["pdf"],
        "options": {"queue": "pdf", "expires": 30},
    },
}

# ------------------------------------------------------------------------------ the product
# The address printed on certificates and in emails (the QR code points here).
SITE_BASE_URL = env("SITE_BASE_URL", default="http://127.0.0.1:8000")
# Certificates still pending or rendering this many seconds after their last change are
# queued again by the sweeper (a lost message, a dead worker, Redis down at finalisation).
CERTIFICATE_SWEEP_AFTER_SECONDS = env.int("CERTIFICATE_SWEEP_AFTER_SECONDS", default=300)
# Renders that fail this many times are marked failed, for an administrator to retry.
CERTIFICATE_RENDER_MAX_ATTEMPTS = env.int("CERTIFICATE_RENDER_MAX_ATTEMPTS", default=3)


# ------------------------------------------------------------------------------ cache and throttles
def cache_redis_url(redis_url: str) -> str:
    """Django's cache lives in the app's Redis, in the database after Celery's, so that
    clearing one never empties the other. redis-py reads ``unix://path?db=1`` and
    ``redis://host:6379/1``."""
    parts = urlsplit(redis_url)
    if parts.scheme == "unix":
        query = dict(parse_qsl(parts.query))
        query["db"] = str(int(query.get("db", 0)) + 1)
        return f"unix://{parts.path}?{urlencode(query)}"
    return urlunsplit(parts._replace(path=f"/{int(parts.path.strip('/') or 0) + 1}"))


CACHES = {
    "default": {
        "BACKEND": "cecopam.redis_cache.RedisCache",
        "LOCATION": env("CACHE_REDIS_URL", default=cache_redis_url(REDIS_URL)),
        # A Redis that is down must answer quickly: what counts on the cache then fails open.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}
# Lookups on the public verification pages per visitor's address (courses.verification_throttle):
# all of them, and separately those of codes that match no certificate. Counted in the cache;
# a cache outage leaves them uncounted rather than take verification down.
VERIFY_RATE = env("VERIFY_RATE", default="60/m")
VERIFY_MISS_RATE = env("VERIFY_MISS_RATE", default="20/m")

# ------------------------------------------------------------------------------ logging
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint logs every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
