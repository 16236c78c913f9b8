"""Django settings, read from the environment.

Stages: `local` (make run), `test` (pytest), `dev` and `prod` (Lambda). Outside
local/test a missing secret is a startup error and DEBUG is off. There is no
relational database: every piece of state lives in DynamoDB (see hotel/dynamo/).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

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


# --- Secrets (deployment): one Secrets Manager secret, read at cold start -------------------
# HOTEL_SECRETS_ID names a secret holding a JSON object of variables (DJANGO_SECRET_KEY,
# STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, …); already-set variables win. See hotel/secrets.py.
if os.environ.get("HOTEL_SECRETS_ID"):
    from hotel.secrets import secrets_load

    secrets_load(os.environ["HOTEL_SECRETS_ID"])

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if IS_CLOUD:
        raise ImproperlyConfigured(f"DJANGO_SECRET_KEY must be set in the {STAGE} stage.")
    SECRET_KEY = f"insecure-{STAGE}-only-key-never-use-in-the-cloud"
# Rotation: the old key(s) keep sessions and signed guest links valid until they expire.
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS")

DEBUG = False if IS_CLOUD else env_bool("DJANGO_DEBUG", STAGE == "local")

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "" if IS_CLOUD else "127.0.0.1,localhost,testserver,[::1]"
)
if IS_CLOUD and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(f"DJANGO_ALLOWED_HOSTS must be set in the {STAGE} stage.")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# AWS X-Ray: HOTEL_XRAY=true (with "xray_tracing": true in the Zappa stage) traces requests
# and AWS calls: its app and its middleware (first, so it times everything) are added to
# INSTALLED_APPS and MIDDLEWARE below. It needs aws-xray-sdk in the package, which
# requirements/lambda.txt leaves out by default (docs/deployment.md).
_XRAY = env_bool("HOTEL_XRAY", False)
if _XRAY:
    try:
        import aws_xray_sdk  # noqa: F401
    except ImportError as exc:
        raise ImproperlyConfigured("HOTEL_XRAY needs aws-xray-sdk in the package.") from exc
    XRAY_RECORDER = {
        "AWS_XRAY_TRACING_NAME": f"hotel-{STAGE}",
        "AUTO_INSTRUMENT": False,
        "PATCH_MODULES": ["botocore"],
        "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
    }

# --- DynamoDB (read by hotel/dynamo/config.py; the only place that builds connections) -
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
    "hotel.webhooks",  # outbound webhooks; the apps below register their event types
    "rooms",
    "bookings",
    "payments",
    "hotel.backoffice",  # after the apps: its admin.py registers their model admins
    "hotel.site",
    *(["aws_xray_sdk.ext.django"] if _XRAY else []),
]

MIDDLEWARE = [
    *(["aws_xray_sdk.ext.django.middleware.XRayMiddleware"] if _XRAY else []),
    "hotel.middleware.RequestIdMiddleware",
    # Request id and stage on every log record (hotel/logging.py); Cache-Control on responses
    # whose view set none: API private, pages short.
    "hotel.middleware.LogContextMiddleware",
    "hotel.middleware.CacheControlMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language: from the URL's prefix on the guest site, English elsewhere; an unprefixed
    # guest page sends a guest who chose (cookie) or prefers (Accept-Language) another
    # language to its translation.
    "hotel.site.language.SiteLocaleMiddleware",
    "hotel.site.language.PreferredLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "csp.middleware.CSPMiddleware",  # CONTENT_SECURITY_POLICY below
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "hotel.middleware.ApiErrorMiddleware",
]

# The split deployment's functions (infra/functions.py) route only their part of the API, so
# their init imports only their own views (hotel/function_urls.py); "all" and "bookings" (the
# default route: pages, admin, every API) take the whole URL conf.
HOTEL_FUNCTION = os.environ.get("HOTEL_FUNCTION", "all")
FUNCTION_URLCONFS = {"rooms": "hotel.urls_rooms", "payments": "hotel.urls_payments"}
if HOTEL_FUNCTION not in ("all", "bookings", *FUNCTION_URLCONFS):
    raise ImproperlyConfigured(
        f"HOTEL_FUNCTION {HOTEL_FUNCTION!r}: all, bookings, rooms or payments"
    )
ROOT_URLCONF = FUNCTION_URLCONFS.get(HOTEL_FUNCTION, "hotel.urls")
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
                "hotel.site.common.site_context",
                "django.template.context_processors.i18n",
                "hotel.site.language.language_context",
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
# Where a staff login lands when `next` is missing or rejected (an off-site URL): the admin.
LOGIN_REDIRECT_URL = "admin:index"

# Staff logins: at most LOGIN_MAX_FAILURES attempts per email per LOGIN_LOCKOUT_SECONDS window
# (each attempt is counted before its password is checked); then 429 until the window ends.
LOGIN_MAX_FAILURES = int(os.environ.get("HOTEL_LOGIN_MAX_FAILURES", 5))
LOGIN_LOCKOUT_SECONDS = int(os.environ.get("HOTEL_LOGIN_LOCKOUT_SECONDS", 15 * 60))
API_TOKEN_TTL_SECONDS = int(os.environ.get("HOTEL_API_TOKEN_TTL_SECONDS", 12 * 3600))
# Requests per minute per integrator's API key, counted before each is served (429 beyond);
# 0 = no limit.
HOTEL_API_KEY_RATE = int(os.environ.get("HOTEL_API_KEY_RATE", 120))

# Demo account: created by `make run` in the local stage only.
HOTEL_DEMO_EMAIL = os.environ.get("HOTEL_DEMO_EMAIL", "manager@demo.hotel")
HOTEL_DEMO_PASSWORD = os.environ.get("HOTEL_DEMO_PASSWORD", "demo-manager-2026")

HOTEL_NAME = os.environ.get("HOTEL_NAME", "Harbour View Hotel")
# How guests reach the hotel: the site's footer, every email, the pay page's no-JavaScript
# note. The defaults are the demo's placeholders (a UK drama-range number); set your own.
HOTEL_PHONE = os.environ.get("HOTEL_PHONE", "+44 20 7946 0018")
HOTEL_ADDRESS = os.environ.get("HOTEL_ADDRESS", "1 Harbour Road, Fort Kochi, Kerala 682001, India")
HOTEL_EMAIL = os.environ.get("HOTEL_EMAIL", "reservations@hotel.test")
# The seller on invoices and credit notes (payments.invoices): the legal name (default: the
# hotel's name), HOTEL_ADDRESS above, and the tax registration number (VAT, GSTIN, …).
HOTEL_LEGAL_NAME = os.environ.get("HOTEL_LEGAL_NAME", "") or HOTEL_NAME
HOTEL_TAX_ID = os.environ.get("HOTEL_TAX_ID", "")
# Invoice numbers run without gaps per series and year: "" gives 2026-000123, "HV" gives
# HV-2026-000123; credit notes have their own series (CN-2026-000007).
HOTEL_INVOICE_SERIES = os.environ.get("HOTEL_INVOICE_SERIES", "")
HOTEL_CREDIT_NOTE_SERIES = os.environ.get("HOTEL_CREDIT_NOTE_SERIES", "CN")

# --- Bookings ----------------------------------------------------------------------------------
# An unpaid booking made by staff (a phone booking) holds its nights this long (the seed's
# 48 hours).
HOTEL_HOLD_MINUTES = int(os.environ.get("HOTEL_HOLD_MINUTES", 2880))
# A guest's online hold (guest site, anonymous API) lasts as long as paying takes; opening a
# payment extends it to at least this long from then (bookings.holds).
HOTEL_GUEST_HOLD_MINUTES = int(os.environ.get("HOTEL_GUEST_HOLD_MINUTES", 20))
# Live online holds one client address (an IPv6 /64) may have at once; 0 = no limit. Each
# guest booking reads every slot of its client (bookings.holds), so the cap stays small.
HOTEL_GUEST_HOLDS_PER_CLIENT = int(os.environ.get("HOTEL_GUEST_HOLDS_PER_CLIENT", 10))
if not 0 <= HOTEL_GUEST_HOLDS_PER_CLIENT <= 100:
    raise ImproperlyConfigured(
        "HOTEL_GUEST_HOLDS_PER_CLIENT must be between 0 (no limit) and 100: every guest "
        "booking reads that many hold slots."
    )
# Proxies of yours in front of the app that append to X-Forwarded-For (hotel.client_address);
# 0 = trust REMOTE_ADDR only (right for Zappa behind CloudFront and for `make run`).
HOTEL_TRUSTED_PROXY_HOPS = int(os.environ.get("HOTEL_TRUSTED_PROXY_HOPS", 0))
# An Idempotency-Key whose request has not answered after this long belongs to a request that
# died (a crash, a timeout): a retry takes it over (hotel.idempotency). Longer than any request
# runs (Lambda's timeout_seconds, gunicorn's timeout).
HOTEL_IDEMPOTENCY_LEASE_SECONDS = int(os.environ.get("HOTEL_IDEMPOTENCY_LEASE_SECONDS", 120))
# Longest stay; one booking's nights + the booking must fit one DynamoDB transaction (100 items).
HOTEL_MAX_STAY_NIGHTS = min(int(os.environ.get("HOTEL_MAX_STAY_NIGHTS", 30)), 45)
# Days after check-out that a guest's ID document (type, number) and signature from online
# check-in are kept; the daily job erase_expired_ids removes them then.
HOTEL_ID_RETENTION_DAYS = int(os.environ.get("HOTEL_ID_RETENTION_DAYS", 30))
HOTEL_BOOKING_HORIZON_DAYS = int(os.environ.get("HOTEL_BOOKING_HORIZON_DAYS", 730))
HOTEL_TAX_PERCENT = os.environ.get("HOTEL_TAX_PERCENT", "12")
# More tax categories for the bill's charges: "reduced=5,food=5" (payments.folio.lines).
HOTEL_TAX_CATEGORIES = os.environ.get("HOTEL_TAX_CATEGORIES", "")
HOTEL_EVENT_BUS = os.environ.get(
    "HOTEL_EVENT_BUS",
    "hotel.events.EventBridgeBus" if IS_CLOUD else "hotel.events.InProcessBus",
)
HOTEL_EVENT_BUS_NAME = os.environ.get("HOTEL_EVENT_BUS_NAME", "default")
HOTEL_CURRENCY = os.environ.get("HOTEL_CURRENCY", "INR").upper()
# The accountant's export: account codes per category / method over the defaults of
# payments.night_audit.export ("room=4000,minibar=4100,cash=1000,card=1200,tax=2200").
HOTEL_ACCOUNT_CODES = os.environ.get("HOTEL_ACCOUNT_CODES", "")

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
# A 3-D Secure attempt still waiting for the guest after this long counts as abandoned: the
# guest pages stop waiting for it, and a guest's date change cancels it at the provider.
HOTEL_3DS_ABANDONED_AFTER_SECONDS = int(os.environ.get("HOTEL_3DS_ABANDONED_AFTER_SECONDS", 900))
# What a cancellation refunds: DAYS:PERCENT rules, "7:100" = full refund 7+ days before arrival.
HOTEL_CANCELLATION_POLICY = os.environ.get("HOTEL_CANCELLATION_POLICY", "7:100,2:50,0:0")
# City tax (bookings.rate_reads.city_tax_terms): "" none, "per_person:250" minor units per
# person per night, or "percent:2.5" of the room price; from an age (18: adults only);
# capped at a number of nights (empty: no cap). Never discounted by a promo code.
HOTEL_CITY_TAX = os.environ.get("HOTEL_CITY_TAX", "")
HOTEL_CITY_TAX_FROM_AGE = int(os.environ.get("HOTEL_CITY_TAX_FROM_AGE", 18))
HOTEL_CITY_TAX_MAX_NIGHTS = os.environ.get("HOTEL_CITY_TAX_MAX_NIGHTS") or None

# --- Email (hotel/mail.py): console locally, locmem in tests, Amazon SES (django-ses) in the cloud
EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND") or {
    "local": "django.core.mail.backends.console.EmailBackend",
    "test": "django.core.mail.backends.locmem.EmailBackend",
}.get(STAGE, "django_ses.SESBackend")
DEFAULT_FROM_EMAIL = os.environ.get("HOTEL_FROM_EMAIL", f"{HOTEL_NAME} <reservations@hotel.test>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
AWS_SES_REGION_NAME = os.environ.get("AWS_SES_REGION_NAME") or DYNAMODB["region"]
AWS_SES_REGION_ENDPOINT = f"email.{AWS_SES_REGION_NAME}.amazonaws.com"

# The guest site, its emails and error pages speak four languages (docs/languages.md); the
# back office and the API speak English. English pages keep their paths, the others are under
# /de/, /fr/, /es/ (hotel.site.urls, i18n_patterns); hotel.site.language picks the guest's.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("de", "Deutsch"), ("fr", "Français"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The guest's choice, remembered for a year (set by the language switcher, /i18n/setlang/).
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = IS_CLOUD
TIME_ZONE = os.environ.get("HOTEL_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
# One way to write dates across the back office ("Tue 1 Dec 2026"; ISO in inputs and CSV):
# hotel/formats/en/formats.py overrides the locale's DATE_FORMAT, DATETIME_FORMAT and the
# short formats (Django 5 reads formats from the locale, not from DATE_FORMAT settings).
FORMAT_MODULE_PATH = ["hotel.formats"]

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
# --- Static files on S3 (deployment): hashed names, manifest in the package ------------------
# With HOTEL_STATIC_BUCKET, collectstatic uploads hashed files to s3://<bucket>/static/ with
# `Cache-Control: public, max-age=31536000, immutable` and CloudFront serves /static/* from
# there (HOTEL_STATIC_DOMAIN: the site's or a CDN domain). Without it, WhiteNoise serves the
# files collected into the package (STATIC_ROOT) as before.
STATIC_BUCKET = os.environ.get("HOTEL_STATIC_BUCKET", "")
if STATIC_BUCKET:
    STATIC_ROOT = STATIC_ROOT or BASE_DIR / "staticfiles"  # where the manifest is kept
    STORAGES["staticfiles"] = {
        "BACKEND": "hotel.storage.S3HashedStaticStorage",
        "OPTIONS": {
            "bucket_name": STATIC_BUCKET,
            "location": "static",
            "default_acl": None,  # the bucket is private; CloudFront reads it (OAC)
            "querystring_auth": False,
            "custom_domain": os.environ.get("HOTEL_STATIC_DOMAIN") or None,
            "file_overwrite": True,
        },
    }
if MEDIA_BUCKET:
    # Keys under media/ so CloudFront's /media/* behaviour maps onto the bucket as is; uploads
    # never overwrite (file_overwrite False): a replaced photo gets a new name.
    DEFAULT_STORAGE["OPTIONS"].setdefault("location", "media")
    DEFAULT_STORAGE["OPTIONS"]["object_parameters"] = {"CacheControl": "public, max-age=86400"}

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
    "DEFAULT_PARSER_CLASSES": ["hotel.api.parsers.JSONParser"],
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
    # Registers the bearer-token extension before generating (hotel.api.schema).
    "DEFAULT_GENERATOR_CLASS": "hotel.api.schema.HotelSchemaGenerator",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "hotel.api.schema.add_error_responses",
        "hotel.api.schema.add_key_scopes",  # each operation's API key scope (x-scopes)
    ],
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

# --- Guest site: Stripe.js, Content-Security-Policy (django-csp), manage links, lookups ---------
# Stripe.js comes from Stripe in the cloud and from localstripe's stand-in locally and in tests.
STRIPE_JS_URL = os.environ.get("STRIPE_JS_URL") or (
    f"{STRIPE_API_BASE.rstrip('/')}/js.stripe.com/v3/"
    if STRIPE_API_BASE
    else "https://js.stripe.com/v3/"
)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


if STRIPE_API_BASE:  # localstripe serves the script, the API and the 3-D Secure modal itself
    _STRIPE_SCRIPT = [_origin(STRIPE_JS_URL)]
    _STRIPE_CONNECT = [_origin(STRIPE_API_BASE)]
    _STRIPE_FRAMES = [_origin(STRIPE_API_BASE)]
else:  # Stripe's documented CSP for Stripe.js (card element and 3-D Secure frames)
    _STRIPE_SCRIPT = ["https://js.stripe.com", "https://*.js.stripe.com"]
    _STRIPE_CONNECT = ["https://api.stripe.com"]
    _STRIPE_FRAMES = [
        "https://js.stripe.com",
        "https://*.js.stripe.com",
        "https://hooks.stripe.com",
    ]
_MEDIA_ORIGINS = (
    [f"https://{os.environ['HOTEL_MEDIA_DOMAIN']}"]
    if os.environ.get("HOTEL_MEDIA_DOMAIN")
    else [f"https://{MEDIA_BUCKET}.s3.amazonaws.com"]
    if MEDIA_BUCKET
    else []
)
_STATIC_ORIGINS = [_origin(STATIC_URL)] if STATIC_URL.startswith("http") else []
if os.environ.get("HOTEL_STATIC_DOMAIN"):  # static files from S3 through a CDN domain
    _STATIC_ORIGINS.append(f"https://{os.environ['HOTEL_STATIC_DOMAIN']}")
CONTENT_SECURITY_POLICY = {
    # The admin and the Swagger UI render inline scripts and styles: they keep
    # X-Frame-Options (and the admin its own headers) without this policy.
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/api/docs/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", *_STATIC_ORIGINS, *_STRIPE_SCRIPT],
        "style-src": ["'self'", *_STATIC_ORIGINS],
        "img-src": ["'self'", "data:", *_STATIC_ORIGINS, *_MEDIA_ORIGINS],
        "font-src": ["'self'", *_STATIC_ORIGINS],
        "connect-src": ["'self'", *_STRIPE_CONNECT],
        "frame-src": _STRIPE_FRAMES,
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
# Absolute base of links in guest emails (the signed "manage my booking" link).
HOTEL_SITE_URL = (
    os.environ.get("HOTEL_SITE_URL")
    or (
        f"https://{ALLOWED_HOSTS[0].lstrip('.')}"
        if IS_CLOUD
        else f"http://127.0.0.1:{os.environ.get('PORT', '8000')}"
    )
).rstrip("/")
# Booking lookups by reference + email: failures per reference and per client address are
# counted atomically; past the limit the lookup is refused until the window ends.
HOTEL_LOOKUP_MAX_FAILURES = int(os.environ.get("HOTEL_LOOKUP_MAX_FAILURES", 10))
HOTEL_LOOKUP_LOCKOUT_SECONDS = int(os.environ.get("HOTEL_LOOKUP_LOCKOUT_SECONDS", 15 * 60))

# --- Outbound HTTP (hotel/outbound.py): iCalendar feeds and webhooks staff register ----------
# On, those fetches may reach loopback, private and link-local addresses: a calendar server on
# this machine in the local and test stages. Never in the cloud, where it would open the
# metadata service and the VPC to whoever may register a URL.
HOTEL_OUTBOUND_ALLOW_PRIVATE = env_bool("HOTEL_OUTBOUND_ALLOW_PRIVATE", not IS_CLOUD)
if IS_CLOUD and HOTEL_OUTBOUND_ALLOW_PRIVATE:
    raise ImproperlyConfigured(f"HOTEL_OUTBOUND_ALLOW_PRIVATE must be off in the {STAGE} stage.")

# --- Logging, caching headers and tracing (deployment) ---------------------------------------
# One line per record. HOTEL_LOG_FORMAT=json (the cloud stages' default) writes JSON objects
# with time, level, logger, message, request id, stage and Lambda function name; "plain" is
# for humans. Every record passes the redaction filter: no Authorization or Stripe-Signature
# values, no card-like numbers (hotel/logging.py).
HOTEL_LOG_FORMAT = os.environ.get("HOTEL_LOG_FORMAT", "json" if IS_CLOUD else "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "context": {"()": "hotel.logging.ContextFilter"},
        "redact": {"()": "hotel.logging.RedactFilter"},
    },
    "formatters": {
        "plain": {"format": "%(levelname)s %(name)s %(message)s"},
        "json": {"()": "hotel.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if HOTEL_LOG_FORMAT == "json" else "plain",
            "filters": ["context", "redact"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("HOTEL_LOG_LEVEL", "INFO")},
    "loggers": {
        "botocore": {"level": "WARNING"},
        "pynamodb": {"level": "WARNING"},
        "stripe": {"level": "WARNING"},  # it logs every request at INFO
    },
}
# Behind CloudFront the Host header is API Gateway's: a CloudFront function copies the
# viewer's host to X-Forwarded-Host (infra/cloudfront.yaml). Only where the API is reachable
# through CloudFront alone; ALLOWED_HOSTS still applies to the forwarded host.
USE_X_FORWARDED_HOST = env_bool("DJANGO_USE_X_FORWARDED_HOST", False)

# The admin's stock checks expect django.contrib.sessions; our session engine lives in DynamoDB.
SILENCED_SYSTEM_CHECKS = ["admin.E410"]

# Last, once the settings above exist: DRF's compat module without PyYAML and requests, which
# it would import at every cold start for features the project does not use.
from hotel.lazy_imports import drf_without_optional_libraries  # noqa: E402

drf_without_optional_libraries()
