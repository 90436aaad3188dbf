"""Every setting and every environment read lives here; the other modules only adjust."""

from __future__ import annotations

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-key-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served as our own static files
    "django_celery_beat",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "homecare",
    "commissioning",
    "workforce",
    "outcomes",
    "rota",
    "reporting",
    "interchange",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "homecare.middleware.SecurityHeadersMiddleware",
    "homecare.middleware.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "homecare.middleware.LoginRequiredMiddleware",
    "homecare.middleware.MfaRequiredMiddleware",
]

ROOT_URLCONF = "homecare.urls"
WSGI_APPLICATION = "homecare.wsgi.application"
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
                "homecare.context_processors.navigation",
                "commissioning.context_processors.notifications",
            ]
        },
    }
]

# The web server and the worker connect as the application's role, which owns nothing and cannot
# switch the database's rules off (scripts/db-init/10-app-role.sql, docs/deploy.md).
DATABASES = {"default": env.db("DATABASE_URL", default="postgres://homecare_app@127.0.0.1:54329/homecare")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
# The maintenance role owns the tables: migrations (`migrate --database maintenance`) and the command
# line's bulk loads (import_bundle, seed_demo, bench: homecare.lib.db.maintenance_alias) use it. Only
# a process started with DATABASE_MAINTENANCE_URL has it; the web server and the worker never are.
if env("DATABASE_MAINTENANCE_URL", default=""):
    DATABASES["maintenance"] = env.db("DATABASE_MAINTENANCE_URL")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:63799/0")

AUTH_USER_MODEL = "commissioning.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# allauth: email login, no public sign-up (organisation admins invite), mandatory verification.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_ADAPTER = "commissioning.adapters.InviteOnlyAccountAdapter"
ACCOUNT_FORMS = {"reset_password_from_key": "commissioning.adapters.ResetPasswordKeyVerifiesEmailForm"}
ACCOUNT_RATE_LIMITS = {"login_failed": "5/5m/ip,5/5m/key", "login": "30/m/ip"}
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_SESSION_REMEMBER = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "homecare"
# A code from the 30 seconds before or after also counts: a phone's clock drifts, and a care
# coordinator typing a code as it turns over should not be sent back.
MFA_TOTP_TOLERANCE = 1
# When on, every user but plain care workers must set up TOTP before using the platform.
HOMECARE_REQUIRE_MFA = env.bool("HOMECARE_REQUIRE_MFA", default=False)
# Set by docker-compose for the web service behind its proxy (production.py trusts X-Forwarded-Proto then).
HOMECARE_BEHIND_PROXY = env.bool("HOMECARE_BEHIND_PROXY", default=False)
# True only in production settings: the demo commands refuse to run there.
HOMECARE_PRODUCTION = False

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="homecare <noreply@localhost>")
# Where links in emails point (notifications are emailed by the worker, which has no request).
HOMECARE_BASE_URL = env("HOMECARE_BASE_URL", default="http://127.0.0.1:8000")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# The Content-Security-Policy of every page (homecare.middleware.SecurityHeadersMiddleware): scripts,
# styles, fonts and requests only from our own origin; no inline script or style attribute. Images may
# also be data: URIs (the TOTP QR code, the design system's and Swagger UI's CSS icons).
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}

# Request sizes (docs/security.md). A JSON body to the API is read only up to
# DATA_UPLOAD_MAX_MEMORY_SIZE (Django's setting, 2.5 MB by default); endpoints that take big batches
# name a larger limit of their own. Anything over a limit is a 413 naming the setting.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
# ECM: records per batch (REST or CSV; minutes' worth of records, so one request holds its transaction
# briefly), bytes per REST batch (50,000 records of about 250 bytes) and per CSV upload (a day's or a
# week's records; bigger backlogs go through the API).
HOMECARE_ECM_MAX_RECORDS = env.int("HOMECARE_ECM_MAX_RECORDS", default=50_000)
HOMECARE_ECM_MAX_BYTES = env.int("HOMECARE_ECM_MAX_BYTES", default=16 * 1024 * 1024)
HOMECARE_ECM_CSV_MAX_BYTES = env.int("HOMECARE_ECM_CSV_MAX_BYTES", default=5 * 1024 * 1024)
# JSON nested deeper than this is refused (a bundle or an ECM batch nests 4 deep at most).
HOMECARE_API_JSON_MAX_DEPTH = env.int("HOMECARE_API_JSON_MAX_DEPTH", default=32)
# Writes per API token (or per logged-in user) over the API: ECM systems push a batch every minute or
# so; a bundle import is rare. Counted in the shared cache (Redis), so every web process sees one count.
HOMECARE_API_WRITE_RATE = env("HOMECARE_API_WRITE_RATE", default="60/min")

# Login rate limits, API rate limits and used TOTP codes live in the cache: shared by every web process.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "commissioning.api.authentication.OrganisationTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Deny by default: every endpoint needs a user of an organisation; views narrow it further.
    "DEFAULT_PERMISSION_CLASSES": ["commissioning.permissions.IsOrganisationMember"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "homecare.api_errors.exception_handler",
    # JSON only, read within a size limit and a nesting depth (homecare/api_parsers.py).
    "DEFAULT_PARSER_CLASSES": ["homecare.api_parsers.JSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["homecare.api_throttles.WritesPerToken"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "homecare API",
    "DESCRIPTION": "Neighbourhood homecare commissioning: returns, invoices, data bundles, ECM ingest.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["commissioning.permissions.IsOrganisationMember"],
    # /api/docs/ from our own static files (no CDN: it works offline and under the CSP).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No badge from the public validator (another origin).
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "homecare.api_schema.document_errors",
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ReturnStatusEnum": "reporting.models.returns.WeeklyReturn.Status",
        "InvoiceStatusEnum": "reporting.models.money.Invoice.Status",
        # Named apart from the returns' own status and runs' state fields.
        "DashboardReturnStatusEnum": "reporting.dashboard.rules.RETURN_STATUSES",
        "ReferralClockStateEnum": "outcomes.referrals.clocks.CLOCK_STATES",
        "ShiftKindEnum": "rota.models.Shift.Kind",
        # A package change's `by` and a review's `kind` are the same choice: provider or social worker.
        "ByEnum": "outcomes.models.PackageChange.By",
    },
}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TIMEZONE = TIME_ZONE
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
CELERY_TASK_ACKS_LATE = True  # a worker killed half-way leaves the task for another worker
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Seconds the board's planner searches for a plan of one team's day (docs/planner.md).
ROTA_PLANNER_SECONDS = env.float("ROTA_PLANNER_SECONDS", default=10.0)


# One line per event on standard error. A 403 or 404 (django.request) and a refused request
# (django.security) log one line, no traceback (homecare/logfilters.py); 5xx keep theirs. Django's
# own loggers write through the same handler, so nothing is printed twice in DEBUG.
def logging_config(level: str) -> dict:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"one_line_client_errors": {"()": "homecare.logfilters.OneLineClientErrors"}},
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "filters": ["one_line_client_errors"],
            }
        },
        "loggers": {"django": {"handlers": ["console"], "level": level, "propagate": False}},
        "root": {"handlers": ["console"], "level": level},
    }


LOGGING = logging_config(env("DJANGO_LOG_LEVEL", default="WARNING"))

# Bundle uploads (POST /api/v1/bundles/import): the largest request body accepted (413 beyond it;
# the body is written to disk as it arrives), and the largest imported while the client waits;
# a bigger one is imported by the worker and the client polls it (202).
HOMECARE_BUNDLE_UPLOAD_MAX_BYTES = env.int("HOMECARE_BUNDLE_UPLOAD_MAX_BYTES", default=256 * 1024 * 1024)
HOMECARE_BUNDLE_SYNC_MAX_BYTES = env.int("HOMECARE_BUNDLE_SYNC_MAX_BYTES", default=8 * 1024 * 1024)
