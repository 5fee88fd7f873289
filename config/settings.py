"""Enlace settings: one module, read from the environment.

Defaults give a working development instance on an SQLite file. Production sets
DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL (see docs/deployment.md).
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    """Read a yes/no environment variable."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    """Read a comma-separated environment variable."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_ID = 1

# Enlace's own apps, one per domain. Listed first: their templates and translations take
# precedence over third-party ones. Each plugs in through core.apps.EnlaceAppConfig.
PROJECT_APPS = [
    "core",
    "accounts",
    "network",
    "messaging",
    "meetings",
    "circulation",
    "plan",
    "practices",
    "directory",
    "comparisons",
    "presidencies",
]

INSTALLED_APPS = [
    *PROJECT_APPS,
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django_htmx",
    "django_countries",
    "phonenumber_field",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "ninja",
    "django_tasks_db",
    "js_lib_leaflet",  # Leaflet 1.9.4 static files for the directory map
]

MIDDLEWARE = [
    "core.operations.RequestIdMiddleware",  # first: every log line of the request carries its id; timed for /metrics
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "core.middleware.SharedCacheMiddleware",  # outside sessions and locale: drops their Vary on shared answers
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.middleware.RejectNulBytesMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.security.SessionLimitsMiddleware",
    "core.middleware.UserPreferencesMiddleware",
    "core.middleware.AuditContextMiddleware",
    "core.ratelimits.RateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.security.RequireSecondFactorMiddleware",
    "core.pagecache.PublicPageCacheMiddleware",
    "core.storage.StorageUnavailableMiddleware",  # a file store that fails: 503 + Retry-After
    # Last, as django-axes requires: turns a locked-out sign-in into its lockout page.
    "axes.middleware.AxesMiddleware",
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
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.enlace",
                "core.pagecache.csrf_mark",
            ],
        },
    },
]

# SQLite file by default; PostgreSQL (or another engine) when DATABASE_URL says so.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'enlace.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers proceed while one writer works; IMMEDIATE avoids lock upgrades.
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_SQLITE_NAME") or None}

# Behind PgBouncer in transaction pooling (DB_POOLER=pgbouncer): no server-side cursors and no
# prepared statements, which a pooled server connection may not hold from one transaction to the next.
if os.environ.get("DB_POOLER") == "pgbouncer":
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None

# An optional PostgreSQL standby for anonymous public reads, used explicitly by the views marked
# @public_reads and guarded for lag (core/replica.py); never for sessions, sign-in or writes.
REPLICA_MAX_LAG_SECONDS = float(os.environ.get("REPLICA_MAX_LAG_SECONDS", "5"))
REPLICA_CHECK_SECONDS = float(os.environ.get("REPLICA_CHECK_SECONDS", "1"))
REPLICA_RETRY_SECONDS = float(os.environ.get("REPLICA_RETRY_SECONDS", "5"))
if os.environ.get("REPLICA_DATABASE_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["REPLICA_DATABASE_URL"],
        conn_max_age=DATABASES["default"].get("CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("REPLICA_CONNECT_TIMEOUT", "1"))
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["core.replica.ExplicitReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    # First: refuses sign-ins from a locked-out account and address before checking passwords.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Accounts come by invitation (see accounts.services); allauth provides sign-in by
# e-mail, password reset and, later, the second factor.
ACCOUNT_ADAPTER = "accounts.adapters.InvitationOnlyAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG else "http"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "circulation:mywork"
ACCOUNT_LOGOUT_REDIRECT_URL = "network:home"
# django-axes, below, decides on failed sign-ins; allauth keeps its other rate limits.
ACCOUNT_RATE_LIMITS = {"login_failed": None}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# allauth's limit on codes is its `login_failed` one, turned off above: these forms put codes
# under django-axes's lockout too, and in the audit trail.
MFA_FORMS = {
    "authenticate": "accounts.second_factor.AuthenticateForm",
    "reauthenticate": "accounts.second_factor.ReauthenticateForm",
    "activate_totp": "accounts.second_factor.ActivateTOTPForm",
}
MFA_TOTP_ISSUER = "Enlace"

# Lockout: ten wrong passwords (or ten wrong second-factor codes, counted apart) lock that
# account, from that address, for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "accounts.security.axes_username"
AXES_CLIENT_IP_CALLABLE = "core.audit.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_LOCKOUT_CALLABLE = "accounts.security.lockout_response"  # the password or the code lockout page
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]  # never store a posted code in clear
AXES_VERBOSE = False

# Sessions end after an hour without activity, and twelve hours after sign-in in any case.
SESSION_IDLE_SECONDS = int(os.environ.get("SESSION_IDLE_SECONDS", str(60 * 60)))
SESSION_MAX_SECONDS = int(os.environ.get("SESSION_MAX_SECONDS", str(12 * 60 * 60)))

# Internationalisation: Spanish first, English; dates and numbers follow the reader.
LANGUAGE_CODE = "es"
LANGUAGES = [("es", _("Spanish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# English short dates name the month (config/formats/en): "12/06/2026" reads as 12 June in the region.
FORMAT_MODULE_PATH = ["config.formats"]
USE_TZ = True
TIME_ZONE = os.environ.get("TIME_ZONE", "America/Costa_Rica")
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
# Backups dump date-times to the microsecond (core/exactjson.py).
SERIALIZATION_MODULES = {"exactjson": "core.exactjson"}

# Uploaded files: on disk (MEDIA_ROOT) by default; in an S3-compatible bucket when S3_BUCKET is set
# (docs/deployment.md). Short timeouts: a store that fails or hangs answers 503 within seconds
# (core/storage.py), and the rest of the site keeps working.
DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if os.environ.get("S3_BUCKET"):
    from botocore.config import Config as _S3Config

    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["S3_BUCKET"],
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID", ""),
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY", ""),
            "region_name": os.environ.get("S3_REGION", "us-east-1"),
            "addressing_style": os.environ.get("S3_ADDRESSING_STYLE", "path"),
            "location": os.environ.get("S3_PREFIX", ""),
            "file_overwrite": False,  # a new upload never replaces another's file (as on disk)
            "querystring_auth": False,  # files are served by Enlace after its access check, never by URL
            "default_acl": None,
            "client_config": _S3Config(
                connect_timeout=float(os.environ.get("S3_CONNECT_TIMEOUT", "1.5")),
                read_timeout=float(os.environ.get("S3_READ_TIMEOUT", "2.5")),
                retries={"total_max_attempts": 1, "mode": "standard"},  # no retry: a hung store answers 503 fast
            ),
        },
    }
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG and not env_bool("STATIC_MANIFEST")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_MAX_AGE = 60 * 60 * 24 * 365

# E-mail: printed to the console in development, SMTP in production (Django 6.1 MAILERS).
# EMAIL_BACKEND names any backend: console, smtp (EMAIL_HOST…), filebased (EMAIL_FILE_PATH),
# locmem, dummy (docs/deployment.md).
_email_backend = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
_email_options = {}
if _email_backend.endswith("smtp.EmailBackend"):
    _email_options = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": int(os.environ.get("EMAIL_PORT", "587")),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", True),
        "timeout": int(os.environ.get("EMAIL_TIMEOUT", "20")),
    }
elif _email_backend.endswith("filebased.EmailBackend"):
    # One file per message in EMAIL_FILE_PATH (a folder): to read what would have been sent.
    _email_options = {"file_path": os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))}
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Enlace <enlace@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background tasks (e-mails, reminders): Django's tasks framework with a database queue, run
# by `manage.py db_worker` (docs/deployment.md). TASKS_BACKEND=immediate runs them inline.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
if os.environ.get("TASKS_BACKEND") == "immediate":
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# The e-mail outbox (messaging.outbox): a send claimed but not confirmed after this many
# seconds is flagged to the TS; a task left running this long by a dead worker is retried.
OUTBOX_UNCONFIRMED_AFTER = int(os.environ.get("OUTBOX_UNCONFIRMED_AFTER", str(10 * 60)))
TASK_STALE_AFTER = int(os.environ.get("TASK_STALE_AFTER", str(15 * 60)))

# Security. Production values come from the environment (docs/deployment.md).
# Cookies only over HTTPS in production; SECURE_COOKIES=0 serves a production build over
# plain HTTP on one's own machine (the page-weight check does).
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_MAX_SECONDS", str(60 * 60 * 12)))
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Behind a reverse proxy: trust its X-Forwarded-Proto, and take the client address from the
# entry it appended to X-Forwarded-For (TRUSTED_PROXY_COUNT proxies from the right).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1" if env_bool("BEHIND_PROXY") else "0"))
# allauth's sign-in rate limits take the client address from core.audit.client_address (the
# adapter); its own setting says the same, for any part of allauth that reads it directly.
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

PHONENUMBER_DEFAULT_REGION = None
PHONENUMBER_DEFAULT_FORMAT = "INTERNATIONAL"

NINJA_PAGINATION_CLASS = "core.api.Pagination"
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200

# Caches: local memory by default; set CACHE_URL (redis://…) for several app servers.
# Public pages kept for anonymous readers until the next change (core/pagecache.py). ENLACE_RELEASE
# (say, the deployed commit) keeps pages of an older release out when the cache outlives a deploy.
PAGE_CACHE = env_bool("PAGE_CACHE", True)
PAGE_CACHE_RELEASE = os.environ.get("ENLACE_RELEASE", "")
# With Redis down the cache degrades to each process's memory (core/cache.py); sessions stay in the
# database either way, so a Redis restart signs nobody out.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("CACHE_URL"):
    _cache_timeout = float(os.environ.get("CACHE_TIMEOUT_SECONDS", "0.5"))
    CACHES["default"] = {
        "BACKEND": "core.cache.ResilientRedisCache",
        "LOCATION": os.environ["CACHE_URL"],
        "OPTIONS": {"socket_connect_timeout": _cache_timeout, "socket_timeout": _cache_timeout},
    }

# Logs on standard error; LOG_FORMAT=json writes one JSON object per line (python-json-logger), each
# with the request id of the request or task it comes from (core/operations.py).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.requestid.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(request_id)s %(process)d %(message)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",  # ISO 8601 in UTC
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if os.environ.get("LOG_FORMAT") == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.security.DisallowedHost": {"level": "ERROR"}},
}
# /metrics (Prometheus) answers this bearer token; unset, only direct requests from this machine.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")

# Enlace's own settings.
# Rate limits (core/ratelimits.py), counted in the cache (shared across app servers with CACHE_URL):
# public search per reader, API writes per token. A rate like "60/m"; empty turns the limit off.
RATE_LIMIT_SEARCH = os.environ.get("RATE_LIMIT_SEARCH", "60/m")
RATE_LIMIT_API_WRITES = os.environ.get("RATE_LIMIT_API_WRITES", "120/m")
RATE_LIMIT_EXPORTS = os.environ.get("RATE_LIMIT_EXPORTS", "6/m")
# Exports bigger than this are prepared by the task worker and sent from storage (core/prepared.py):
# directory CSV/XLSX rows (some 3 s at 20,000), services in an HSDS package (heavier per service).
EXPORT_INLINE_MAX = int(os.environ.get("EXPORT_INLINE_MAX", "20000"))
HSDS_INLINE_MAX = int(os.environ.get("HSDS_INLINE_MAX", "2000"))
# A prepared export nobody asked for in this many days is deleted (`manage.py forget_prepared_exports`).
PREPARED_KEEP_DAYS = int(os.environ.get("PREPARED_KEEP_DAYS", "7"))
ENLACE_DEMO = env_bool("ENLACE_DEMO", DEBUG)
# Replies by e-mail (circulation/inbound.py, `manage.py receive_mail`): the domain of the reply
# addresses circular e-mails carry (its MX, or the organization's mail server, hands that mail to
# receive_mail); empty turns replies by e-mail off. A message larger than REPLY_MAX_BYTES is kept
# for the TS but not recorded; a reply address works until REPLY_ADDRESS_DAYS after the deadline.
REPLY_EMAIL_DOMAIN = os.environ.get("REPLY_EMAIL_DOMAIN", "")
REPLY_MAX_BYTES = int(os.environ.get("REPLY_MAX_BYTES", str(15 * 1024 * 1024)))
REPLY_ADDRESS_DAYS = int(os.environ.get("REPLY_ADDRESS_DAYS", "60"))
# The authserv-id of the mail server that receives the domain and checks DMARC (its
# Authentication-Results header): when set, a reply is recorded only with its dmarc=pass.
REPLY_AUTHSERV_ID = os.environ.get("REPLY_AUTHSERV_ID", "")
INVITATION_VALID_DAYS = int(os.environ.get("INVITATION_VALID_DAYS", "14"))

# The directory map draws country borders served by Enlace itself; an online tile layer is
# optional (off by default), e.g. DIRECTORY_TILE_URL=https://tile.example.org/{z}/{x}/{y}.png
DIRECTORY_TILE_URL = os.environ.get("DIRECTORY_TILE_URL", "")
DIRECTORY_TILE_ATTRIBUTION = os.environ.get("DIRECTORY_TILE_ATTRIBUTION", "")
if DIRECTORY_TILE_URL:
    from urllib.parse import urlsplit

    _tiles = urlsplit(DIRECTORY_TILE_URL)
    SECURE_CSP["img-src"].append(f"{_tiles.scheme}://{_tiles.netloc.replace('{s}', '*')}")
