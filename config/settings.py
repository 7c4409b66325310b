"""Settings, read from the environment (see README and .env.example).

Production values that must be set have no default: with DJANGO_DEBUG off a missing
DJANGO_SECRET_KEY stops the process at start-up. Each integration falls back to its
development backend only when it is not configured (Twilio -> outbox, SMTP -> outbox,
Stripe -> the local sandbox, Redis -> a filesystem broker).
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(str(env_file))

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = (
    env.str("DJANGO_SECRET_KEY")
    if not DEBUG
    else env.str("DJANGO_SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Public address of the site, used in links sent by SMS/email and in Stripe redirect URLs.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "phonenumber_field",
    "core",
    "organizations",
    "teams",
    "customers",
    "notifications",
    "payments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.ApplicationErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # make run: the web process, the worker and the sandbox share one file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 30, "init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )
else:
    # Persistent connections in the web processes and the workers (config.celery applies the same
    # rule between tasks): a new PostgreSQL session costs more than most of our requests. Health
    # checks replace a connection that died (PostgreSQL restarted) before it is used.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organizations.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Languages (see core/i18n.py and locale/README.md): customers get all eight, staff en/fr/fr-ca.
# fr-ca holds only what differs from fr; the catalog compiler lays it over fr string by string.
# Catalogs are compiled with Babel (`manage.py compilemessages_babel`), never with GNU msgfmt.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("fr", "Français"),
    ("fr-ca", "Français (Canada)"),
    ("de", "Deutsch"),
    ("es", "Español"),
    ("it", "Italiano"),
    ("pl", "Polski"),
    ("pt-br", "Português (Brasil)"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"

SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

PHONENUMBER_DEFAULT_REGION = "US"
PHONENUMBER_DB_FORMAT = "E164"

# --- Email: SMTP when EMAIL_URL is set (e.g. smtp://user:pass@host:587/?tls=True), the outbox otherwise.
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="TextPay <no-reply@textpay.local>")
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "notifications.email_backend.OutboxEmailBackend"

# --- Twilio: used when all three are set; otherwise SMS go to the development outbox.
TWILIO_ACCOUNT_SID = env.str("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env.str("TWILIO_AUTH_TOKEN", default="")
TWILIO_FROM_NUMBER = env.str("TWILIO_FROM_NUMBER", default="")
TWILIO_API_BASE = env.str("TWILIO_API_BASE", default="")  # tests point this at a local server

# --- Development outbox page /dev/outbox/: on with DEBUG; DEV_OUTBOX_ENABLED turns it on without DEBUG
# (browser tests). Never enable it in production: it lists every message sent.
DEV_OUTBOX_ENABLED = env.bool("DEV_OUTBOX_ENABLED", default=False)
# How often a page that updates itself (request page, Payments tab, notification badge) asks again.
LIVE_UPDATE_SECONDS = env.int("LIVE_UPDATE_SECONDS", default=5)

# --- Stripe: with no STRIPE_SECRET_KEY the gateway talks to the local sandbox (see payments/gateway).
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_CONNECT_WEBHOOK_SECRET = env.str("STRIPE_CONNECT_WEBHOOK_SECRET", default="")
STRIPE_WEBHOOK_TOLERANCE_SECONDS = 300
# The gateway retries a 429 (rate_limit / lock_timeout) after each of these waits (+ up to 25 % jitter),
# with the same idempotency key; then it raises GatewayRateLimited and the task retries later.
STRIPE_RETRY_BACKOFF_SECONDS = (0.5, 1.0, 2.0)
# Missed-event sync (every 10 min): accounts listed per run, and its share of Stripe's rate limit
# (100 read requests/s in live mode), shared by every worker through a Redis token bucket.
STRIPE_SYNC_ACCOUNTS_PER_RUN = env.int("STRIPE_SYNC_ACCOUNTS_PER_RUN", default=2000)
STRIPE_SYNC_CALLS_PER_SECOND = env.float("STRIPE_SYNC_CALLS_PER_SECOND", default=5.0)
# The emulator (stripe_sandbox) is mounted at /sandbox/stripe/ only in development: with DEBUG, or when no
# real key is configured. Decided once at start-up; production (DEBUG off, a real key) never mounts it.
STRIPE_SANDBOX_MOUNTED = DEBUG or not STRIPE_SECRET_KEY
STRIPE_SANDBOX_STATE_FILE = env.str("STRIPE_SANDBOX_STATE_FILE", default=str(VAR_DIR / "stripe-sandbox.json"))

# --- Saved cards: off-session charges (bulk runs, installments, retries) share ONE token bucket across every
# worker (core/rate_limit.py, on Redis): ~10/s by default leaves Stripe's 100/s (25/s in test mode) to live
# traffic. RATE_LIMIT_REDIS_URL defaults to the Celery broker when that is Redis.
RATE_LIMIT_REDIS_URL = env.str("RATE_LIMIT_REDIS_URL", default="")
CARD_CHARGE_RATE_PER_SECOND = env.float("CARD_CHARGE_RATE_PER_SECOND", default=10.0)
CARD_CHARGE_RATE_BURST = env.float("CARD_CHARGE_RATE_BURST", default=10.0)
BULK_CHARGE_SHARDS = env.int("BULK_CHARGE_SHARDS", default=4)  # tasks charging one bulk run side by side
BULK_CHARGE_BACKOFF_SECONDS = (1.0, 2.0, 4.0, 8.0)  # after the gateway's own 429 back-off, same key

# --- Platform pricing (minor units / basis points), overridable per organization.
PLATFORM_FEE_BASIS_POINTS = env.int("PLATFORM_FEE_BASIS_POINTS", default=325)  # 3.25 %
PLATFORM_FEE_FIXED_MINOR = env.int("PLATFORM_FEE_FIXED_MINOR", default=30)  # $0.30 / CA$0.30
PAYMENT_REQUEST_LIFETIME_HOURS = 24
DEFAULT_MAX_PAYMENT_MINOR = 5_000_000  # 50,000.00

# --- Celery: Redis when CELERY_BROKER_URL is set; a filesystem broker under var/ otherwise (make run).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# Queues by kind (webhooks, money, messages, reports, bulk): config.celery routes each task by name.
# The prefix lets several deployments (or test runs) share one Redis without taking each other's tasks.
CELERY_QUEUE_PREFIX = env.str("CELERY_QUEUE_PREFIX", default="")
# Celery's Django fixup closes the database connection after every task unless this is set; with it,
# config.celery closes only connections past CONN_MAX_AGE or broken, as Django does between requests.
CELERY_DB_REUSE_MAX = 1000
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 100
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {}  # filled by config.celery from each app's `periodic_tasks`

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "organizations.api_tokens.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "TextPay API",
    "DESCRIPTION": "Payment requests for dealerships.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from our own static files, not a CDN (blank page offline or behind a strict proxy).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
