"""Production: everything from the environment, no default secret, hardened transport."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import STORAGES, env

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters in production "
        "(python -c 'import secrets; print(secrets.token_urlsafe(64))')."
    )
DEBUG = False
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

# ------------------------------------------------------------------------------ transport security
# The app sits behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^livez$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=1)

# ------------------------------------------------------------------------------ stored files
# The PDF workers write certificates that the web servers send, possibly from other machines:
# with AWS_STORAGE_BUCKET_NAME (or DJANGO_STORAGE=s3) they are kept in an S3-compatible bucket
# (AWS S3, MinIO, Ceph...), else under DJANGO_MEDIA_ROOT, which every host must then mount.
# The objects stay private: the app reads them through the storage API and sends them only
# through its own views, which check who asks; no bucket URL is ever given out.
storage_kind = env(  # not a setting: which STORAGES["default"] to use
    "DJANGO_STORAGE", default="s3" if env("AWS_STORAGE_BUCKET_NAME", default="") else "filesystem"
)
if storage_kind == "s3":
    if not env("AWS_STORAGE_BUCKET_NAME", default=""):
        raise ImproperlyConfigured(
            "DJANGO_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME: the bucket the PDFs are kept in."
        )
    STORAGES = {
        **STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
                "location": env("AWS_LOCATION", default=""),
                "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
                "region_name": env("AWS_S3_REGION_NAME", default=None),
                "addressing_style": env("AWS_S3_ADDRESSING_STYLE", default=None),
                # Unset: boto3 looks further (an instance or pod role, ~/.aws).
                "access_key": env("AWS_ACCESS_KEY_ID", default=None),
                "secret_key": env("AWS_SECRET_ACCESS_KEY", default=None),
                # A stored certificate is never replaced behind its row: a name already taken
                # gets another (the render removes its own leftover first).
                "file_overwrite": False,
                # No ACL sent by default: objects are as private as the bucket, and a bucket
                # with ACLs disabled (AWS's default) refuses any ACL but the owner's.
                "default_acl": env("AWS_DEFAULT_ACL", default=None),
                # Should anything ask the storage for a URL, it is signed and short-lived.
                "querystring_auth": True,
                "querystring_expire": 300,
            },
        },
    }
elif storage_kind != "filesystem":
    raise ImproperlyConfigured(f"DJANGO_STORAGE must be filesystem or s3, not {storage_kind!r}.")

# ------------------------------------------------------------------------------ logging
ADMINS = [("Administrators", email) for email in env.list("DJANGO_ADMINS", default=[])]
