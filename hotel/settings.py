"""Django settings, read from the environment.

Stages: `local` (make run), `test` (pytest), `dev` and `prod` (Lambda). Outside
local/test a missing secret is a startup error and DEBUG is off. There is no
relational database: every piece of state lives in DynamoDB (see hotel/dynamo.py).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

STAGES = ("local", "test", "dev", "prod")
STAGE = os.environ.get("HOTEL_STAGE", "local")
if STAGE not in STAGES:
    raise ImproperlyConfigured(f"HOTEL_STAGE must be one of {', '.join(STAGES)}, not {STAGE!r}.")
IS_CLOUD = STAGE in ("dev", "prod")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if IS_CLOUD:
        raise ImproperlyConfigured(f"DJANGO_SECRET_KEY must be set in the {STAGE} stage.")
    SECRET_KEY = f"insecure-{STAGE}-only-key-never-use-in-the-cloud"

DEBUG = False if IS_CLOUD else env_bool("DJANGO_DEBUG", STAGE == "local")

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "" if IS_CLOUD else "127.0.0.1,localhost,testserver,[::1]"
)
if IS_CLOUD and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(f"DJANGO_ALLOWED_HOSTS must be set in the {STAGE} stage.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# --- DynamoDB (read by hotel/dynamo.py; the only place that builds connections) -------------
DYNAMODB = {
    "endpoint": os.environ.get("DYNAMODB_ENDPOINT") or None,
    "region": os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1",
    "table_prefix": os.environ.get("HOTEL_TABLE_PREFIX", "hotel"),
    "stage": STAGE,
}

INSTALLED_APPS = [
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "hotel",
    "hotel.accounts",
    "hotel.audit",
    "rooms",
    "bookings",
    "payments",
]

MIDDLEWARE = [
    "hotel.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "hotel.middleware.ApiErrorMiddleware",
]

ROOT_URLCONF = "hotel.urls"
WSGI_APPLICATION = "hotel.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# No relational database, not even for users or sessions.
DATABASES: dict = {}

AUTH_USER_MODEL = "accounts.StaffUser"
AUTHENTICATION_BACKENDS = ["hotel.accounts.backends.StaffBackend"]
SESSION_ENGINE = "hotel.accounts.sessions"
SESSION_COOKIE_AGE = int(os.environ.get("HOTEL_SESSION_SECONDS", 8 * 3600))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = IS_CLOUD
CSRF_COOKIE_SECURE = IS_CLOUD
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"
PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast hashing keeps the suite quick
    if STAGE == "test"
    else ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# Failed staff logins: after LOGIN_MAX_FAILURES within LOGIN_LOCKOUT_SECONDS the email is locked.
LOGIN_MAX_FAILURES = int(os.environ.get("HOTEL_LOGIN_MAX_FAILURES", 5))
LOGIN_LOCKOUT_SECONDS = int(os.environ.get("HOTEL_LOGIN_LOCKOUT_SECONDS", 15 * 60))
API_TOKEN_TTL_SECONDS = int(os.environ.get("HOTEL_API_TOKEN_TTL_SECONDS", 12 * 3600))

# Demo account: created by `make run` in the local stage only.
HOTEL_DEMO_EMAIL = os.environ.get("HOTEL_DEMO_EMAIL", "manager@demo.hotel")
HOTEL_DEMO_PASSWORD = os.environ.get("HOTEL_DEMO_PASSWORD", "demo-manager-2026")

HOTEL_NAME = os.environ.get("HOTEL_NAME", "Harbour View Hotel")

# --- Bookings ----------------------------------------------------------------------------------
# An unpaid booking holds its nights this long (the seed's 48 hours).
HOTEL_HOLD_MINUTES = int(os.environ.get("HOTEL_HOLD_MINUTES", 2880))
# Longest stay; one booking's nights + the booking must fit one DynamoDB transaction (100 items).
HOTEL_MAX_STAY_NIGHTS = min(int(os.environ.get("HOTEL_MAX_STAY_NIGHTS", 30)), 45)
HOTEL_BOOKING_HORIZON_DAYS = int(os.environ.get("HOTEL_BOOKING_HORIZON_DAYS", 730))
HOTEL_TAX_PERCENT = os.environ.get("HOTEL_TAX_PERCENT", "12")
HOTEL_EVENT_BUS = os.environ.get(
    "HOTEL_EVENT_BUS",
    "hotel.events.EventBridgeBus" if IS_CLOUD else "hotel.events.InProcessBus",
)
HOTEL_EVENT_BUS_NAME = os.environ.get("HOTEL_EVENT_BUS_NAME", "default")
HOTEL_CURRENCY = os.environ.get("HOTEL_CURRENCY", "INR").upper()

# --- Payments (Stripe; localstripe in local/test) ------------------------------------------------
# The provider behind payments.services, a dotted path to a payments.providers.base subclass.
HOTEL_PAYMENT_PROVIDER = os.environ.get(
    "HOTEL_PAYMENT_PROVIDER", "payments.providers.stripe.StripeProvider"
)
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
if IS_CLOUD:
    for _name, _value in (
        ("STRIPE_SECRET_KEY", STRIPE_SECRET_KEY),
        ("STRIPE_WEBHOOK_SECRET", STRIPE_WEBHOOK_SECRET),
    ):
        if not _value:
            raise ImproperlyConfigured(f"{_name} must be set in the {STAGE} stage.")
else:
    STRIPE_SECRET_KEY = STRIPE_SECRET_KEY or "sk_test_local"
    STRIPE_WEBHOOK_SECRET = STRIPE_WEBHOOK_SECRET or "whsec_hotel_local_only_not_a_secret"
STRIPE_PUBLISHABLE_KEY = os.environ.get(
    "STRIPE_PUBLISHABLE_KEY", "" if IS_CLOUD else "pk_test_local"
)
# Where the Stripe API is: unset means the real Stripe; `make run` and the tests point it at
# localstripe (e.g. http://127.0.0.1:8420).
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE") or None
# What a cancellation refunds: DAYS:PERCENT rules, "7:100" = full refund 7+ days before arrival.
HOTEL_CANCELLATION_POLICY = os.environ.get("HOTEL_CANCELLATION_POLICY", "7:100,2:50,0:0")

# --- Email (hotel/mail.py): console locally, locmem in tests, Amazon SES (django-ses) in the cloud
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND") or {
    "local": "django.core.mail.backends.console.EmailBackend",
    "test": "django.core.mail.backends.locmem.EmailBackend",
}.get(STAGE, "django_ses.SESBackend")
DEFAULT_FROM_EMAIL = os.environ.get("HOTEL_FROM_EMAIL", f"{HOTEL_NAME} <reservations@hotel.test>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
AWS_SES_REGION_NAME = os.environ.get("AWS_SES_REGION_NAME") or DYNAMODB["region"]
AWS_SES_REGION_ENDPOINT = f"email.{AWS_SES_REGION_NAME}.amazonaws.com"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("HOTEL_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Files: django-storages (S3) in the cloud, the local file system by default ---------------
HOTEL_DATA_DIR = Path(os.environ.get("HOTEL_DATA_DIR", BASE_DIR / ".local"))
STATIC_URL = os.environ.get("DJANGO_STATIC_URL", "/static/")
# collectstatic's target (the cloud build); locally WhiteNoise serves straight from the apps.
STATIC_ROOT = os.environ.get("DJANGO_STATIC_ROOT") or (
    BASE_DIR / "staticfiles" if IS_CLOUD else None
)
WHITENOISE_USE_FINDERS = not IS_CLOUD
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = os.environ.get("DJANGO_MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", HOTEL_DATA_DIR / STAGE / "media"))
MEDIA_BUCKET = os.environ.get("HOTEL_MEDIA_BUCKET", "")
if MEDIA_BUCKET:
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_BUCKET,
            "default_acl": "private",
            "querystring_auth": env_bool("HOTEL_MEDIA_SIGNED_URLS", False),
            "custom_domain": os.environ.get("HOTEL_MEDIA_DOMAIN") or None,
            "file_overwrite": False,
        },
    }
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    if IS_CLOUD
    else {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("HOTEL_MAX_BODY_BYTES", 1024 * 1024))
ROOM_PHOTO_MAX_BYTES = 5 * 1024 * 1024

# --- API ---------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "hotel.accounts.tokens.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "hotel.api.exceptions.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_THROTTLE_RATES": {},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hotel API",
    "DESCRIPTION": "Rooms, availability, bookings and payments of a serverless hotel.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

CORS_ALLOWED_ORIGINS = env_list("HOTEL_CORS_ORIGINS")
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["X-Request-Id"]

# --- Security headers --------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if IS_CLOUD:
    SECURE_PROXY_SSL_HEADER = ("HTTP_CLOUDFRONT_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HOTEL_LOG_LEVEL", "INFO")},
    "loggers": {
        "botocore": {"level": "WARNING"},
        "pynamodb": {"level": "WARNING"},
        "stripe": {"level": "WARNING"},  # it logs every request at INFO
    },
}

# The admin's stock checks expect django.contrib.sessions; our session engine lives in DynamoDB.
SILENCED_SYSTEM_CHECKS = ["admin.E410"]
