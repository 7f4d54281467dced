"""Settings for factcheck, read from the environment.

Every variable has a default that runs on one machine with nothing else
installed (an embedded PostgreSQL under var/pg, Celery tasks run eagerly).
With DEBUG off, SECRET_KEY and ALLOWED_HOSTS must be given.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)

_DEV_SECRET_KEY = "django-insecure-development-only-key"
SECRET_KEY = env("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else None)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not DEBUG and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET_KEY):
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",  # OpClass in trigram indexes (annotations 0007)
    "rest_framework",
    "knox",
    "axes",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "pgtrigger",
    "csp",
    "annotations",
]

MIDDLEWARE = [
    # First: load balancer probes are answered before host checks, HTTPS redirects and sessions.
    "factcheck.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: a person's chosen language, else Accept-Language, else the desk's default.
    "factcheck.language.PersonLanguageMiddleware",
    # Before any view or filter reads the query string: NUL characters and too many parameters get 400.
    "factcheck.middleware.QueryStringGuardMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # A page whose database is unreachable answers 503 with Retry-After, not 500.
    "factcheck.availability.DatabaseUnavailableMiddleware",
    "factcheck.middleware.ApiBodyLimitMiddleware",
    # Tells the audit trail which request a decision came from (address, user agent).
    "annotations.audit.AuditRequestMiddleware",
    # Last: turns a login attempt that axes flagged as locked out into lockout.lockout_response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

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
                "django.template.context_processors.i18n",
                "factcheck.language.interface",
            ],
        },
    },
]

if env("DATABASE_URL", default=""):
    DATABASES = {"default": env.db("DATABASE_URL")}
    if "postgresql" not in DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured("DATABASE_URL must name a PostgreSQL database (postgres://...).")
else:
    # The embedded PostgreSQL (factcheck/embedded_db): started on the first connection, reused after.
    DATABASES = {
        "default": {
            "ENGINE": "factcheck.embedded_db",
            "NAME": "factcheck",
            "USER": "postgres",
            "EMBEDDED": {
                "DATA_DIR": Path(env("FACTCHECK_PGDATA", default=str(VAR_DIR / "pg"))),
                "DATABASE": "factcheck",
            },
        }
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# A persistent connection broken by a database restart is noticed and replaced at the next request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes first: it refuses a locked-out account before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Repeated wrong passwords lock the account (by username, from any address) for a while, on the
# login page, the admin and the API token endpoint alike. `manage.py axes_reset_username NAME` unlocks.
AXES_FAILURE_LIMIT = env.int("FACTCHECK_LOCKOUT_ATTEMPTS", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("FACTCHECK_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 wants the address in the lockout key. Not here: a newsroom logs in from one office
# address, and a lockout by address would shut the whole desk out after a few colleagues' typos.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "factcheck.lockout.lockout_response"
AXES_VERBOSE = False

# API tokens (django-rest-knox): stored as hashes, expiring, sent as `Authorization: Token <token>`.
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=env.int("FACTCHECK_TOKEN_TTL_HOURS", default=24 * 30)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
    "USER_SERIALIZER": None,
}

# Request bodies above this size are refused (413 on the API); `FACTCHECK_MAX_BODY_BYTES`.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("FACTCHECK_MAX_BODY_BYTES", default=5_000_000)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The interface's languages; a person picks one (annotations.people), else Accept-Language decides,
# else FACTCHECK_DEFAULT_LANGUAGE.
LANGUAGES = [
    ("en", "English"),
    ("it", "Italiano"),
    ("es", "Español"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("pt", "Português"),
    ("ar", "العربية"),
]
LANGUAGE_CODE = env("FACTCHECK_DEFAULT_LANGUAGE", default="en")
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(f"FACTCHECK_DEFAULT_LANGUAGE must be one of {', '.join(dict(LANGUAGES))}.")
# The catalogues (locale/<language>/LC_MESSAGES/django.po and djangojs.po) are the source; the compiled
# .mo files are generated by `manage.py compile_catalogues` (Babel, no GNU gettext needed) and not committed.
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language a person picked on the login page, before they have an account language.
LANGUAGE_COOKIE_NAME = "factcheck_language"
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
# WhiteNoise looks in STATIC_ROOT at start-up; in development it is empty (files come from the finders).
if DEBUG:
    Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "article-list"
LOGOUT_REDIRECT_URL = "login"

# Production hardening; `manage.py check --deploy` is clean with DEBUG off.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Only the app's own scripts and styles; no inline code, no CDN.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: a request without valid credentials gets 401 with `WWW-Authenticate: Token`.
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "annotations.api.pagination.KeysetPagination",
    "PAGE_SIZE": 50,  # annotations.api.pagination bounds ?page_size= (1..200)
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
    ],
    # JSON bodies only, through DRF's JSON parser with a nesting limit (deep JSON is a 400, not a
    # RecursionError): a body declared for JSON, form and multipart at once makes generated clients
    # fail to import. A view that needs another type names its parsers and declares them.
    "DEFAULT_PARSER_CLASSES": ["annotations.api.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "annotations.api.schema.ContractSchema",
    "EXCEPTION_HANDLER": "annotations.api.errors.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "factcheck API",
    "DESCRIPTION": "Claims in news articles, verdict annotations as immutable versions, review and export.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Annotation status, from_status and to_status share one choice set: one schema name for it.
    "ENUM_NAME_OVERRIDES": {
        "ReviewStatusEnum": "annotations.models.Annotation.Status",
        "JobStatusEnum": "annotations.models.FetchJob.Status",
    },
}

# Celery: with no broker configured, tasks run eagerly in-process.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=None)
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Export jobs run on their own queue, so a long export never delays other tasks; run its worker with
# bounded concurrency: `celery -A factcheck worker -Q exports --concurrency 1` (README, "Exports").
CELERY_TASK_ROUTES = {"annotations.tasks.run_export_job": {"queue": "exports"}}
# Redis redelivers a task whose worker died (acks late) once it has been unacknowledged this long.
_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _VISIBILITY_TIMEOUT,
    "unacked_restore_interval": max(1, min(10, _VISIBILITY_TIMEOUT)),
    "unacked_restore_throttle": 1 if _VISIBILITY_TIMEOUT < 60 else 10,
}
# `celery -A factcheck beat` deletes expired export files (or run `manage.py expire_exports` from cron).
CELERY_BEAT_SCHEDULE = {
    "expire-export-files": {"task": "annotations.tasks.expire_export_files", "schedule": 3600.0},
    # Idempotent: each overdue assignment is told once; digests held back by the batching window go out.
    "notify-overdue": {"task": "annotations.tasks.notify_overdue", "schedule": 300.0},
    "send-email-digests": {"task": "annotations.tasks.send_email_digests", "schedule": 60.0},
    # Prior fact-checks: fetch the configured feeds again (a conditional GET; 304 imports nothing).
    "refresh-prior-feeds": {
        "task": "annotations.tasks.refresh_prior_feeds",
        "schedule": env.float("FACTCHECK_PRIOR_FEEDS_REFRESH_S", default=6 * 3600.0),
    },
}

# Notification emails (README, "Notifications"): printed to the console unless SMTP is configured.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="factcheck <factcheck@localhost>")

# The product's own knobs.
FACTCHECK = {
    # A reviewer sees other reviewers' verdicts on a claim only after submitting their own.
    "BLIND_REVIEW": env.bool("FACTCHECK_BLIND_REVIEW", default=True),
    # Four eyes: nobody approves a verdict they wrote any version of. A desk of one switches it off.
    "FOUR_EYES": env.bool("FACTCHECK_FOUR_EYES", default=True),
    # What the audit trail keeps of a request's address: "truncate" (its /24 or /48 network), "hash"
    # (keyed with SECRET_KEY: the same address is recognisable, not readable) or "full".
    "AUDIT_ADDRESSES": env.str("FACTCHECK_AUDIT_ADDRESSES", default="truncate"),
    # Reviewers may start annotations of claims not assigned to them (off: only their assignments).
    "REVIEWERS_TAKE_UNASSIGNED": env.bool("FACTCHECK_REVIEWERS_TAKE_UNASSIGNED", default=True),
    # Notification emails: at most one digest per person per this many minutes.
    "EMAIL_DIGEST_MINUTES": env.int("FACTCHECK_EMAIL_DIGEST_MINUTES", default=5),
    # The organisation named as author of ClaimReview exports.
    "ORGANIZATION_NAME": env("FACTCHECK_ORGANIZATION_NAME", default="factcheck newsroom"),
    "ORGANIZATION_URL": env("FACTCHECK_ORGANIZATION_URL", default="https://example.org/"),
    # Where readers reach this tool: absolute links in exports (a pasted article's page in ClaimReview).
    "PUBLIC_URL": env("FACTCHECK_PUBLIC_URL", default="http://127.0.0.1:8000/"),
    # The desk's time zone: the spreadsheet option of the CSV export writes its instants in it.
    "DESK_TIME_ZONE": env("FACTCHECK_DESK_TIME_ZONE", default="UTC"),
    # Where export files are written, and how long they are kept.
    "EXPORT_DIR": env.path("FACTCHECK_EXPORT_DIR", default=VAR_DIR / "exports"),
    "EXPORT_TTL_HOURS": env.int("FACTCHECK_EXPORT_TTL_HOURS", default=72),
    # How often a running export job reports rows_done, in seconds.
    "EXPORT_PROGRESS_SECONDS": env.float("FACTCHECK_EXPORT_PROGRESS_SECONDS", default=1.0),
    # Streamed CSV exports running at once across all web processes (more: 429 pointing to export jobs).
    "STREAMED_EXPORTS_MAX": env.int("FACTCHECK_STREAMED_EXPORTS_MAX", default=2),
    "STREAMED_EXPORTS_RETRY_AFTER": env.int("FACTCHECK_STREAMED_EXPORTS_RETRY_AFTER", default=10),
    # Finished job files sent by the front proxy: "" (Python streams the file), "x-accel-redirect" (nginx,
    # an internal location EXPORT_SENDFILE_PREFIX aliased to EXPORT_DIR) or "x-sendfile" (Apache, lighttpd).
    "EXPORT_SENDFILE": env.str("FACTCHECK_EXPORT_SENDFILE", default=""),
    "EXPORT_SENDFILE_PREFIX": env.str("FACTCHECK_EXPORT_SENDFILE_PREFIX", default="/protected-exports/"),
    # Seconds a client is told to wait (Retry-After) when the database is unreachable (503).
    "UNAVAILABLE_RETRY_AFTER": env.int("FACTCHECK_UNAVAILABLE_RETRY_AFTER", default=5),
    # Article fetching by URL: hosts or IPs it may reach although private or loopback (an intranet
    # CMS), and the limits of one fetch.
    "FETCH_ALLOW_HOSTS": env.list("FACTCHECK_FETCH_ALLOW_HOSTS", default=[]),
    "FETCH_TIMEOUT_S": env.float("FACTCHECK_FETCH_TIMEOUT_S", default=10.0),
    "FETCH_MAX_BYTES": env.int("FACTCHECK_FETCH_MAX_BYTES", default=5_000_000),
    # Prior fact-checks: ClaimReview feed URLs refreshed on schedule (comma list), and the limits of
    # one feed download (feeds are large: the Data Commons feed is hundreds of MB).
    "PRIOR_FEEDS": env.list("FACTCHECK_PRIOR_FEEDS", default=[]),
    "PRIOR_FEED_TIMEOUT_S": env.float("FACTCHECK_PRIOR_FEED_TIMEOUT_S", default=600.0),
    "PRIOR_FEED_MAX_BYTES": env.int("FACTCHECK_PRIOR_FEED_MAX_BYTES", default=2_000_000_000),
}

if FACTCHECK["AUDIT_ADDRESSES"] not in ("truncate", "hash", "full"):
    raise ImproperlyConfigured("FACTCHECK_AUDIT_ADDRESSES must be truncate, hash or full.")
if FACTCHECK["EXPORT_SENDFILE"] not in ("", "x-accel-redirect", "x-sendfile"):
    raise ImproperlyConfigured("FACTCHECK_EXPORT_SENDFILE must be empty, x-accel-redirect or x-sendfile.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        # A 412 is the normal answer to a save based on a stale version (the client re-reads and
        # merges), not a warning: with several editors on one annotation it would flood the log.
        "not_stale_save": {
            "()": "django.utils.log.CallbackFilter",
            "callback": lambda record: getattr(record, "status_code", None) != 412,
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"filters": ["not_stale_save"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
