"""Settings, read from the environment (see README and .env.example).

Production values that must be set have no default: outside development (DJANGO_DEBUG=1, or
DJANGO_DEVELOPMENT=1 for tests and local stacks without DEBUG) a missing DJANGO_SECRET_KEY or
STRIPE_SECRET_KEY, or a webhook secret that is empty or equal to the emulator's public one, stops
the process at start-up with a message saying what to set. Twilio and SMTP fall back to the
outbox when not configured; the Stripe emulator (/sandbox/stripe/) exists only in development.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(str(env_file))

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Development: DEBUG, or DJANGO_DEVELOPMENT=1 (the test suite, a local stack without DEBUG). It allows
# the Stripe emulator and a missing Stripe key; production settings refuse it (see the checks below).
DEVELOPMENT = DEBUG or env.bool("DJANGO_DEVELOPMENT", default=False)
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
    "axes",
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
    "core.middleware.ContentSecurityPolicyMiddleware",
    "core.middleware.ApplicationErrorMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the "too many attempts" page
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
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out account or address
    "django.contrib.auth.backends.ModelBackend",
]
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
# HTTPS only (behind the HTTPS proxy, which sets X-Forwarded-Proto). On by default outside development.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEVELOPMENT)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the proxy's / orchestrator's health check speaks plain HTTP
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEVELOPMENT else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Number of proxies in front of the app that append to X-Forwarded-For (the client address used by the
# login lockout and the rate limits). 0 = use the connection's address.
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)

# --- Content-Security-Policy (django-csp 4): only our own scripts, styles and images. Forms may also
# lead to Stripe's hosted pages (Checkout, Connect onboarding, the Express dashboard), which are
# reached by a redirect after a POST; core.middleware adds STRIPE_API_BASE's origin when it is set.
STRIPE_HOSTED_ORIGINS = ["https://checkout.stripe.com", "https://connect.stripe.com"]
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/sandbox/"],  # the development Stripe emulator stands in for Stripe's own site
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF, *STRIPE_HOSTED_ORIGINS],
        "frame-ancestors": [NONE],
        "frame-src": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
    },
}

# --- Caches: the login lockout counters live in the database (django-axes); the rate limits
# (password reset, pay links, the API) in this cache. Several web processes need a shared one:
# CACHE_URL=redis://host:6379/1. Default: Redis when the broker is Redis, else in-process memory.
_default_cache = env.str("CELERY_BROKER_URL", default="")
CACHES = {
    "default": env.cache_url(
        "CACHE_URL",
        default=_default_cache if _default_cache.startswith("redis") else "locmemcache://",
    )
}
CACHES["default"].setdefault("KEY_PREFIX", "textpay")

# --- Login lockout (django-axes): 10 wrong passwords for one account, or from one address, lock
# further logins for that account or address for 15 minutes (the right password included).
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each one alone locks
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "organizations.views_auth.login_locked_out"
AXES_CLIENT_IP_CALLABLE = "core.throttle.axes_client_ip"
AXES_USERNAME_CALLABLE = "core.throttle.axes_username"
AXES_ENABLE_ACCESS_LOG = False  # only failed attempts are stored
AXES_VERBOSE = False

# --- Rate limits (core/throttle.py): "<count>/<seconds>".
PASSWORD_RESET_RATE_PER_EMAIL = env.str("PASSWORD_RESET_RATE_PER_EMAIL", default="3/3600")
PASSWORD_RESET_RATE_PER_IP = env.str("PASSWORD_RESET_RATE_PER_IP", default="10/3600")
PAY_LINK_UNKNOWN_RATE_PER_IP = env.str("PAY_LINK_UNKNOWN_RATE_PER_IP", default="20/3600")
API_RATE_PER_TOKEN = env.str("API_RATE_PER_TOKEN", default="120/min")

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
WEBHOOK_EVENTS_RELAY = env.bool("WEBHOOK_EVENTS_RELAY", default=False)  # see payments/webhooks/relay.py
# The gateway retries a 429 (rate_limit / lock_timeout) after each of these waits (+ up to 25 % jitter),
# with the same idempotency key; then it raises GatewayRateLimited and the task retries later.
STRIPE_RETRY_BACKOFF_SECONDS = (0.5, 1.0, 2.0)
# Missed-event sync (every 10 min): accounts per run; its share of Stripe's 100 reads/s, across workers.
STRIPE_SYNC_ACCOUNTS_PER_RUN = env.int("STRIPE_SYNC_ACCOUNTS_PER_RUN", default=2000)
STRIPE_SYNC_CALLS_PER_SECOND = env.float("STRIPE_SYNC_CALLS_PER_SECOND", default=5.0)
STRIPE_SANDBOX_STATE_FILE = env.str("STRIPE_SANDBOX_STATE_FILE", default=str(VAR_DIR / "stripe-sandbox.json"))
# The emulator's webhook secrets are public (in our source): a webhook signed with one of them proves nothing.
# (payments.gateway.consts.SANDBOX_WEBHOOK_SECRET and the emulator's own defaults; a test keeps them in step.)
STRIPE_EMULATOR_WEBHOOK_SECRETS = frozenset({"whsec_sandbox", "whsec_emulator", "whsec_emulator_connect"})
# The emulator (stripe_sandbox) is mounted at /sandbox/stripe/ only in development (DEBUG or
# DJANGO_DEVELOPMENT=1); production refuses to start without a real key (see the checks at the end).
STRIPE_SANDBOX_ENABLED = DEVELOPMENT

# --- Saved cards: off-session charges (bulk runs, installments, retries) share ONE token bucket across every
# worker (core/rate_limit.py, on Redis): ~10/s by default leaves Stripe's 100/s (25/s in test mode) to live
# traffic. RATE_LIMIT_REDIS_URL defaults to the Celery broker when that is Redis.
RATE_LIMIT_REDIS_URL = env.str("RATE_LIMIT_REDIS_URL", default="")
CARD_CHARGE_RATE_PER_SECOND = env.float("CARD_CHARGE_RATE_PER_SECOND", default=10.0)
CARD_CHARGE_RATE_BURST = env.float("CARD_CHARGE_RATE_BURST", default=10.0)
BULK_CHARGE_SHARDS = env.int("BULK_CHARGE_SHARDS", default=4)  # tasks charging one bulk run side by side
BULK_CHARGE_BATCH = env.int("BULK_CHARGE_BATCH", default=25)  # items of a shard written and recorded together
BULK_CHARGE_BACKOFF_SECONDS = (1.0, 2.0, 4.0, 8.0)  # after the gateway's own 429 back-off, same key

# --- Platform pricing (minor units / basis points), overridable per organization.
PLATFORM_FEE_BASIS_POINTS = env.int("PLATFORM_FEE_BASIS_POINTS", default=325)  # 3.25 %
PLATFORM_FEE_FIXED_MINOR = env.int("PLATFORM_FEE_FIXED_MINOR", default=30)  # $0.30 / CA$0.30
# Refunds give the fee back (refund_application_fee; why on by default: payments/refunds/services.py).
PLATFORM_REFUND_APPLICATION_FEE = env.bool("PLATFORM_REFUND_APPLICATION_FEE", default=True)
PAYMENT_REQUEST_LIFETIME_HOURS = 24
DEFAULT_MAX_PAYMENT_MINOR = 5_000_000  # 50,000.00

# --- Outbound webhooks (payments/dealer_webhooks/): public https:// only, http/local in development only.
OUTBOUND_WEBHOOKS_ALLOW_INSECURE = DEVELOPMENT and env.bool("OUTBOUND_WEBHOOKS_ALLOW_INSECURE", default=True)
OUTBOUND_EVENT_RETENTION_DAYS = env.int("OUTBOUND_EVENT_RETENTION_DAYS", default=30)  # retention.py
OUTBOUND_WEBHOOK_TIMEOUT_SECONDS = env.float("OUTBOUND_WEBHOOK_TIMEOUT_SECONDS", default=10.0)
OUTBOUND_WEBHOOK_LEASE_SECONDS = env.int("OUTBOUND_WEBHOOK_LEASE_SECONDS", default=90)

# --- Celery: Redis when CELERY_BROKER_URL is set; otherwise (make run) kombu's SQLAlchemy transport on a
# SQLite file under var/: each message is written in one transaction, so an unclean stop (SIGKILL, power
# loss) can't leave a half-written message behind for the worker to choke on at the next start.
CELERY_BROKER_URL = (
    env.str("CELERY_BROKER_URL", default="") or f"sqla+sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}"
)
if CELERY_BROKER_URL.startswith("sqla+sqlite"):
    # passed to sqlalchemy.create_engine: wait for the web process's writes instead of "database is locked"
    CELERY_BROKER_TRANSPORT_OPTIONS = {"connect_args": {"timeout": 30}}
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
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "organizations.api_tokens.scopes.TokenScope",  # the token's scopes (organizations/permissions.py)
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "core.api.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["core.throttle.ApiTokenRateThrottle"],
    "NUM_PROXIES": TRUSTED_PROXY_COUNT or None,
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
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api_schema_hooks.add_error_responses",  # every operation's Error responses
        "payments.dealer_webhooks.schema.add_webhook_components",  # the outbound webhook payloads
    ],
    "ENUM_NAME_OVERRIDES": {
        "PaymentStatusEnum": "payments.models.payments.Payment.Status",
        "PaymentDisplayStatusEnum": "payments.models.payments.PaymentDisplayStatus",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "axes": {"level": "WARNING"}},
}


# --- Start-up checks: production never runs on the emulator or with a forgeable webhook secret.
def _production_errors() -> list[str]:
    errors = []
    if not STRIPE_SECRET_KEY:
        errors.append(
            "STRIPE_SECRET_KEY is not set: set it to the platform account's secret key (sk_live_... or "
            "sk_test_...). The local Stripe sandbox runs only in development (DJANGO_DEBUG=1)."
        )
    for name, value in (
        ("STRIPE_WEBHOOK_SECRET", STRIPE_WEBHOOK_SECRET),
        ("STRIPE_CONNECT_WEBHOOK_SECRET", STRIPE_CONNECT_WEBHOOK_SECRET),
    ):
        if not value:
            errors.append(f"{name} is not set: set it to the signing secret (whsec_...) of its endpoint.")
        elif value in STRIPE_EMULATOR_WEBHOOK_SECRETS:
            errors.append(
                f"{name} is the Stripe emulator's public secret: set it to the signing secret of the "
                "endpoint in your Stripe dashboard."
            )
    return errors


if env.bool("DJANGO_DEVELOPMENT", default=False) and (
    STRIPE_SECRET_KEY.startswith(("sk_live_", "rk_live_")) or SECURE_SSL_REDIRECT or SECURE_HSTS_SECONDS
):
    raise ImproperlyConfigured(
        "DJANGO_DEVELOPMENT=1 is for tests and local stacks only; it cannot be combined with a live Stripe "
        "key or the HTTPS settings (DJANGO_SECURE_SSL_REDIRECT, DJANGO_SECURE_HSTS_SECONDS). Unset it."
    )
if not DEVELOPMENT and _production_errors():
    raise ImproperlyConfigured("\n".join(["TextPay cannot start in production:", *_production_errors()]))
