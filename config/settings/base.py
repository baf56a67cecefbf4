"""Settings shared by every environment.

Everything comes from the environment (django-environ) with a default that lets a
bare machine run the app: SQLite under var/, a broker that needs no server, e-mail
to the console.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="dev-insecure-key-only-for-local-use-never-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Absolute links in e-mails; without SITE_URL they follow the port `make run` serves (PORT).
SITE_URL = env("SITE_URL", default=f"http://127.0.0.1:{env('PORT', default='8000')}").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "django_htmx",
    "simple_history",
    "axes",
    "ninja",
    "common",
    "accounts",
    "procurement",
    "costing",
    "kpis",
    "pilots",
    "contracts",
    "audit",  # the audit trail: reads every room's history by model label
    "webhooks",  # hears the lower rooms' events (common.events) and posts them, signed
    "config",  # the glue: home, /healthz, seed_demo and adduser (imports every app)
]

MIDDLEWARE = [
    # First: the request id (X-Request-ID) covers every log line after it; request metrics.
    "common.observability.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "common.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, with the user kept per process while no user changed (accounts.user_cache).
    "accounts.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "common.middleware.ApiControlCharactersMiddleware",
    "common.middleware.ProductNotFoundMiddleware",  # no URL-pattern list under DEBUG
    # Axes must be last: it answers locked-out sign-ins itself.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (common.middleware): this site's own scripts, styles and images only;
# inline styles for the SVG charts and htmx; never framed, forms post only here.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "accounts.context_processors.navigation",
                "pilots.context_processors.alert_badge",
                "procurement.context_processors.pending_awards",
            ],
        },
    }
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'vendorpilot.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share the file under `make run`: wait for locks, take them early.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with a health check that asks the socket, not the server (one round
    # trip less on every request that reuses a connection: common/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "common.postgresql"
    # Time limits (issue 21): a statement or a lock wait past these is cancelled (SQLSTATE
    # 57014 / 55P03) and the request answers 503 saying so (common.views, config.api) within
    # seconds, instead of hanging until gunicorn kills the worker. 0 switches a limit off.
    DATABASE_STATEMENT_TIMEOUT_MS = env.int("DATABASE_STATEMENT_TIMEOUT_MS", default=30_000)
    DATABASE_LOCK_TIMEOUT_MS = env.int("DATABASE_LOCK_TIMEOUT_MS", default=5_000)
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    _db_options["options"] = " ".join(
        filter(
            None,
            [
                _db_options.get("options", ""),
                f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT_MS}",
                f"-c lock_timeout={DATABASE_LOCK_TIMEOUT_MS}",
            ],
        )
    )
    # A server that does not answer fails the connect in seconds, not after the OS's
    # TCP timeout (/healthz, a worker, a page).
    _db_options.setdefault("connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# The vendor organisation a vendor user belongs to (accounts names it only by this label).
VENDOR_MODEL = "procurement.Vendor"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, its get_user served by accounts.user_cache.
    "accounts.backends.ModelBackend",
    # Single sign-on with the company's OIDC provider; answers nothing unless OIDC_* are set.
    "accounts.oidc.CompanyAccountBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Brute-force protection: lock an e-mail address + IP after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Single sign-on for internal users (accounts/oidc.py, README "Single sign-on"): on when the
# issuer, client id and secret are set. Endpoints come from the issuer's discovery document.
OIDC_ISSUER = env("OIDC_ISSUER", default="").rstrip("/")
OIDC_CLIENT_ID = env("OIDC_CLIENT_ID", default="")
OIDC_CLIENT_SECRET = env("OIDC_CLIENT_SECRET", default="")
OIDC_ROLE_CLAIM = env("OIDC_ROLE_CLAIM", default="vendorpilot_role")
# Roles the claim may grant; "vendor" is never granted by single sign-on, even if listed.
OIDC_ALLOWED_ROLES = env.list("OIDC_ALLOWED_ROLES", default=["procurement", "manager", "admin"])
OIDC_SCOPES = env("OIDC_SCOPES", default="openid email profile")
OIDC_TIMEOUT = env.float("OIDC_TIMEOUT", default=5.0)
OIDC_DISCOVERY_CACHE_SECONDS = env.int("OIDC_DISCOVERY_CACHE_SECONDS", default=3600)
OIDC_CLOCK_SKEW_SECONDS = 60
if OIDC_ISSUER:
    # The sign-out form ends at the provider's end_session_endpoint (browsers apply
    # form-action to the redirect too).
    CONTENT_SECURITY_POLICY["form-action"].append("/".join(OIDC_ISSUER.split("/", 3)[:3]))

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nl", _("Dutch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", default="Europe/Amsterdam")
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
# One date and one date-time format per language (config/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Offer documents: checked for size and type in the form as well.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# E-mail: console by default; smtp://user:pass@host:587 (or submission://, smtp+tls://) in production.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="VendorPilot <vendorpilot@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# /metrics counts e-mails sent and failed at the backend: the one EMAIL_URL chose is wrapped
# (common/mail.py), so every path that sends is counted.
EMAIL_METERED_BACKEND = EMAIL_BACKEND  # noqa: F821 - set by env.email_url above
EMAIL_BACKEND = "common.mail.MeteredEmailBackend"

# Celery. The default broker is kombu's filesystem transport under var/: no server needed.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    _queue_dir.mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "celery" / "processed").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "store_processed": False,
        # kombu's exchange table; its default is a `control/` folder in the working directory.
        "control_folder": str(VAR_DIR / "celery" / "control"),
    }
else:
    # Acks late: a task whose worker died is handed out again once this many seconds passed
    # (Redis' default is an hour). Every job is idempotent and bounded well below it (the
    # outbox task stops claiming after OUTBOX_TASK_SECONDS), and beat's every-minute
    # `common.send_outbox` resumes a killed worker's e-mails sooner anyway.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=600)
    }
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TIMEZONE = TIME_ZONE
# The outbox (common/outbox.py): a sender's lease on the messages it claimed (a killed
# sender's messages are sent by another once it expires), the backoff of a failed message
# (base × 2^(attempts − 1), capped) and the attempts before it is recorded as failed.
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=300)
OUTBOX_RETRY_BASE_SECONDS = env.float("OUTBOX_RETRY_BASE_SECONDS", default=30)
OUTBOX_RETRY_MAX_SECONDS = env.float("OUTBOX_RETRY_MAX_SECONDS", default=3600)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
OUTBOX_TASK_SECONDS = env.float("OUTBOX_TASK_SECONDS", default=120)
OUTBOX_BATCH_SIZE = env.int("OUTBOX_BATCH_SIZE", default=50)
# /healthz: a worker or beat not heard from for this long is down.
HEARTBEAT_WINDOW_SECONDS = env.int("HEARTBEAT_WINDOW_SECONDS", default=180)
# /healthz: each check's deadline (database and broker are checked at the same time).
HEALTHZ_TIMEOUT_SECONDS = env.float("HEALTHZ_TIMEOUT_SECONDS", default=1.5)
CELERY_ENABLE_UTC = True
# The worker keeps Django's LOGGING (JSON lines with the request id) instead of its own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # The e-mail outbox (common/outbox.py): new e-mails, retries, and what a killed sender
    # left once its lease expired. `expires`: runs missed while no worker listens do not pile up.
    "send-outbox-every-minute": {
        "task": "common.send_outbox",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "heartbeat-every-minute": {
        "task": "common.heartbeat",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "evaluate-due-pilots-daily": {
        "task": "pilots.evaluate_due_pilots",
        # 06:00 in the app's time zone (CELERY_TIMEZONE).
        "schedule": crontab(hour=6, minute=0),
    },
    # docs/domain.md §6: close every contract month that is over (idempotent, catches up).
    "close-due-contract-months-daily": {
        "task": "contracts.close_due_months",
        "schedule": crontab(hour=6, minute=15),
    },
    # docs/domain.md §7: each reminder and digest is sent once per moment (the outbox).
    "send-quote-reminders-hourly": {
        "task": "procurement.send_quote_reminders",
        "schedule": crontab(minute=5),
    },
    "send-missing-day-reminders-daily": {
        "task": "pilots.send_missing_day_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    "send-weekly-digest-monday": {
        "task": "pilots.send_weekly_digest",
        "schedule": crontab(hour=7, minute=30, day_of_week="mon"),
    },
    # Webhook retries that are due, and deliveries whose task was lost (webhooks/tasks.py).
    "send-due-webhook-deliveries": {
        "task": "webhooks.send_due_deliveries",
        "schedule": 30.0,
    },
}

# One JSON object per line (python-json-logger), with the request id of the request or task
# that wrote it (common/observability.py); LOG_FORMAT=plain for a human at a terminal.
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "common.observability.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "common.observability.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "timestamp": False,
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain" if LOG_FORMAT == "plain" else "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# /metrics (Prometheus text format): a scraper shows `Authorization: Bearer <METRICS_TOKEN>`
# or comes from an address in METRICS_ALLOWED_IPS (IPs or networks); anyone else gets 404.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])

# Webhooks (webhooks/): timeouts per attempt (connect and each read), attempts before a
# delivery fails, the first retry's delay (then doubled), and whether private and loopback
# addresses may receive them (never link-local or cloud metadata addresses).
WEBHOOKS_TIMEOUT_SECONDS = env.float("WEBHOOKS_TIMEOUT_SECONDS", default=5.0)
WEBHOOKS_MAX_ATTEMPTS = env.int("WEBHOOKS_MAX_ATTEMPTS", default=5)
WEBHOOKS_RETRY_BASE_SECONDS = env.int("WEBHOOKS_RETRY_BASE_SECONDS", default=30)
WEBHOOKS_ALLOW_PRIVATE = env.bool("WEBHOOKS_ALLOW_PRIVATE", default=False)

# API tokens: shown once, stored as SHA-256; last use is written at most this often.
API_TOKEN_TOUCH_SECONDS = 300
# Requests per signed-in user (token or session) to /api/v1, e.g. "600/min"; past it, 429 with
# Retry-After. Counted in the default cache (per process unless CACHES names a shared one).
API_THROTTLE_RATE = env("API_THROTTLE_RATE", default="600/min")

NINJA_PAGINATION_PER_PAGE = 50
# A `limit` past this is a 422, never a database error (bigint out of range).
NINJA_PAGINATION_MAX_LIMIT = 500

# A shared cache (Redis) when CACHE_URL names one, e.g. redis://127.0.0.1:6379/1: the API
# throttle, the alert badge and the page fragments are then shared by every gunicorn worker,
# and sessions are read from it (`accounts.sessions`: Django's `cached_db`, the cache first,
# the database behind it), which takes the session query off every signed-in request; the
# users' generation comes with the session, so each process keeps its signed-in users in
# memory until any user changes (`accounts.user_cache`: no user query either). Without it
# each process keeps its own memory cache, sessions stay in the database and every request
# reads its user (a per-process cache would keep a signed-out session alive, or a
# deactivated user signed in, in the other processes).
CACHE_URL = env("CACHE_URL", default="")
USER_CACHE = False
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "common.cache.RedisCache",
            "LOCATION": CACHE_URL,
            "TIMEOUT": 300,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    SESSION_ENGINE = "accounts.sessions"
    USER_CACHE = True
