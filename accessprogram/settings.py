"""Settings for every mode (development, test, production), read from the environment."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from accessprogram.env import (
    env_bool,
    env_broker,
    env_choice,
    env_database,
    env_email,
    env_int,
    env_list,
    env_rates,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

MODE = env_choice("DJANGO_SETTINGS_MODE", ("development", "test", "production"), "development")
PRODUCTION = MODE == "production"
TESTING = MODE == "test"

DEBUG = env_bool("DJANGO_DEBUG", MODE == "development")

if PRODUCTION:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY")
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured(
            "Environment variable DJANGO_SECRET_KEY is too weak: use at least 50 random characters."
        )
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Environment variable DJANGO_ALLOWED_HOSTS is required in production.")
else:
    SECRET_KEY = env_str("DJANGO_SECRET_KEY", "development-only-key-never-used-in-production-0123456789")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# How many reverse proxies in front of the site append to X-Forwarded-For; 0 trusts none of it.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
PROGRAM_NAME = env_str("PROGRAM_NAME", "Vernissage")

INSTALLED_APPS = [
    "accessprogram.apps.ProgramAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accessprogram.apps.AccessProgramConfig",
    "generation.apps.GenerationConfig",
    "review.apps.ReviewConfig",
    "contributions.apps.ContributionsConfig",
    "showcase.apps.ShowcaseConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "accessprogram.middleware.RefuseNulCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accessprogram.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accessprogram.middleware.ProgramAccessMiddleware",
    "accessprogram.middleware.CredentialWatchMiddleware",
]

ROOT_URLCONF = "accessprogram.urls"
WSGI_APPLICATION = "accessprogram.wsgi.application"
ASGI_APPLICATION = "accessprogram.asgi.application"

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
                "accessprogram.context_processors.program",
                "accessprogram.context_processors.notifications",
            ],
        },
    },
]

_DEFAULT_DATABASE = {
    "development": f"sqlite:///{VAR_DIR / 'vernissage.sqlite3'}",
    "test": "postgres://postgres@127.0.0.1:5432/vernissage",
    "production": "",
}[MODE]
DATABASES = {"default": env_database("DATABASE_URL", _DEFAULT_DATABASE or None)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
else:
    # PostgreSQL's JIT compiles queries whose estimated cost is high, such as the public pages' visibility
    # filter; on short page queries compiling takes longer (about 150 ms) than running them (a few ms).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accessprogram.User"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Accounts: e-mail login, invitation-only sign-up (see accessprogram.adapter), TOTP for staff.
ACCOUNT_ADAPTER = "accessprogram.adapter.InvitationOnlyAccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "accessprogram.forms.SignupDetailsForm"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGOUT_ON_GET = False
# "ip" is the client's address through TRUSTED_PROXY_COUNT proxies, and a failed login's "key" is the account
# AND that address (accessprogram.adapter): a stranger's wrong passwords lock out only the stranger.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "change_password": "5/m/user",
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{PROGRAM_NAME}] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = PROGRAM_NAME
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accessprogram:dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Redis holds the cache and the counters every web process must share (API rate limits, token anomaly
# windows): required in production; `make run` keeps them in its one process's memory instead.
_DEFAULT_REDIS = {"development": "", "test": "redis://127.0.0.1:6379/15", "production": None}[MODE]
REDIS_URL = env_str("REDIS_URL", _DEFAULT_REDIS)
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        f"Environment variable REDIS_URL={REDIS_URL!r} is invalid: expected redis://host:6379/0."
    )
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("it", "Italiano"), ("fr", "Français"), ("ja", "日本語")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
LANGUAGES = [("en", "English"), ("it", "Italiano"), ("fr", "Français"), ("ja", "日本語")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# Outputs are private: there is no MEDIA_URL route; bytes leave only through views that check access.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private-media")))
STORAGE_BUCKET = env_str("STORAGE_BUCKET", "")
if STORAGE_BUCKET:
    _private_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": STORAGE_BUCKET,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("AWS_S3_REGION_NAME", "") or None,
            "default_acl": "private",
            "signature_version": "s3v4",
            "querystring_auth": True,
            "querystring_expire": env_int("STORAGE_URL_EXPIRY_SECONDS", 300, minimum=1),
            "file_overwrite": True,
            "object_parameters": {"CacheControl": "private, no-store"},
        },
    }
    if _private_storage["OPTIONS"]["querystring_expire"] > 300:
        raise ImproperlyConfigured("Environment variable STORAGE_URL_EXPIRY_SECONDS must be at most 300.")
else:
    _private_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    }
STORAGES = {
    "default": _private_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING or DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

GENERATION_MODELS_DIR = Path(env_str("GENERATION_MODELS_DIR", str(VAR_DIR / "models")))

# Celery: Redis or RabbitMQ in production; a broker that needs no server for `make run`.
_DEFAULT_BROKER = {
    "development": "filesystem://",
    "test": "redis://127.0.0.1:6379/14",
    "production": "",
}[MODE]
CELERY_BROKER_URL = env_broker("CELERY_BROKER_URL", _DEFAULT_BROKER or None)
# Redis re-delivers an unacknowledged message only after this long; the reconciler recovers sooner.
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": 3600}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        # Exchange bindings (kombu's default is ./control, beside wherever the process started).
        "control_folder": str(_broker_dir / "control"),
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
GENERATION_QUEUE = env_str("GENERATION_QUEUE", "gpu")
CELERY_TASK_ROUTES = {"generation.tasks.run_next_job": {"queue": GENERATION_QUEUE}}
CELERY_BEAT_SCHEDULE = {
    "reconcile-generation-jobs": {
        "task": "generation.tasks.reconcile_jobs",
        "schedule": float(env_int("GENERATION_RECONCILE_SECONDS", 15, minimum=1)),
    }
}
GENERATION_STALE_SECONDS = env_int("GENERATION_STALE_SECONDS", 300, minimum=1)
GENERATION_MAX_ATTEMPTS = env_int("GENERATION_MAX_ATTEMPTS", 3, minimum=1)
# A GPU worker loads this model (by name) at start; empty: the active model with the most queued jobs.
GENERATION_WORKER_MODEL = env_str("GENERATION_WORKER_MODEL", "")
GENERATION_GPU_INDEX = env_int("GENERATION_GPU_INDEX", 0, minimum=0)
# Model affinity: a worker keeps taking jobs for the model it holds, but a job for another model that has
# waited this long goes first (its wait is bounded by this plus one job's run).
# Prometheus scrapes /metrics with `Authorization: Bearer <METRICS_TOKEN>`; empty: staff sessions only.
METRICS_TOKEN = env_str("METRICS_TOKEN", "")
GENERATION_AFFINITY_MAX_WAIT_SECONDS = env_int("GENERATION_AFFINITY_MAX_WAIT_SECONDS", 600, minimum=0)
# The forensic mark new outputs carry: "tile", read through crops, reframes, bars, flips and filmed screens
# (BENCHMARKS.md); "grid", the mark before it, only at the output's own geometry. Tracing reads both.
FORENSIC_MARK = env_choice("FORENSIC_MARK", ("tile", "grid"), "tile")

_email = env_email("EMAIL_URL", "locmem://" if TESTING else ("smtp://localhost:25" if PRODUCTION else "console://"))
EMAIL_BACKEND = _email.pop("EMAIL_BACKEND")
globals().update(_email)
DEFAULT_FROM_EMAIL = _email.get("DEFAULT_FROM_EMAIL") or env_str(
    "DEFAULT_FROM_EMAIL", f"{PROGRAM_NAME} <no-reply@localhost>"
)

REST_FRAMEWORK = {
    # A signed-in session first; otherwise `Authorization: Bearer <token>`, limited to the token's scopes.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accessprogram.api.authentication.BearerTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accessprogram.api.permissions.ProgramMember"],
    "DEFAULT_THROTTLE_CLASSES": ["accessprogram.api.throttles.TokenAndTesterRateThrottle"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "accessprogram.api.negotiation.FirstRendererWhenNoneMatches",
    "DEFAULT_PARSER_CLASSES": [
        "accessprogram.api.parsers.StrictJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "accessprogram.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{PROGRAM_NAME} API",
    "DESCRIPTION": "The early-access program's API: membership, generation, review and sharing.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["accessprogram.api.permissions.ProgramMember"],
    # Cohorts (max_resolution) and jobs (resolution) share one choice set: name it once (drf_spectacular.W001).
    "ENUM_NAME_OVERRIDES": {
        "ResolutionEnum": "accessprogram.models.program.Resolution",
        "AccessTokenStatusEnum": "accessprogram.models.tokens.AccessToken.Status",
        "TokenScopeEnum": "accessprogram.models.tokens.TokenScope",
        "SuspensionScopeEnum": "accessprogram.models.suspensions.SuspensionScope",
        # Outputs (review_status) and reviews (state) share one choice set.
        "ReviewStatusEnum": "generation.models.jobs.ReviewStatus",
        "ShowcaseCallStatusEnum": "showcase.models.calls.CallStatus",
        "LicenceStatusEnum": "showcase.models.licences.LicenceStatus",
        "JobStatusEnum": "generation.models.jobs.JobStatus",
        "ReviewDecisionEnum": "review.models.reviews.Decision",
        "FindingDecisionEnum": "contributions.services.findings.FindingDecision.ALL",
        "FindingStatusEnum": "contributions.models.findings.FindingStatus",
        "ReportStatusEnum": "contributions.models.reports.ReportStatus",
        "LedgerStatusEnum": "contributions.models.ledger.LedgerStatus",
        "InvitationStatusEnum": "accessprogram.models.invitations.Invitation.Status",
        "TraceRequestStatusEnum": "generation.models.tracing.TraceRequest.Status",
        "NotificationKindEnum": "accessprogram.models.notifications.NotificationKind",
        "ContributionKindEnum": "contributions.models.ledger.ContributionKind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "accessprogram.api.schema.document_error_responses",
    ],
}

# Personal access tokens and their limits (see accessprogram.services.tokens and .ratelimits).
ACCESS_TOKEN_DEFAULT_DAYS = env_int("ACCESS_TOKEN_DEFAULT_DAYS", 30, minimum=1)
ACCESS_TOKEN_MAX_DAYS = 90
ACCESS_TOKEN_MAX_ACTIVE = env_int("ACCESS_TOKEN_MAX_ACTIVE", 10, minimum=1)
if ACCESS_TOKEN_DEFAULT_DAYS > ACCESS_TOKEN_MAX_DAYS:
    raise ImproperlyConfigured("Environment variable ACCESS_TOKEN_DEFAULT_DAYS must be at most 90.")
# API requests per token and per tester (all their tokens and their session together): burst, sustained.
# The test suite's defaults are out of reach; tests of the limits set their own (test_rate_limits.py).
API_RATE_LIMIT_TOKEN = env_rates("API_RATE_LIMIT_TOKEN", "100000/1s" if TESTING else "30/10s,1000/1h")
API_RATE_LIMIT_TESTER = env_rates("API_RATE_LIMIT_TESTER", "100000/1s" if TESTING else "60/10s,3000/1h")
# Leak reports per client IP.
LEAK_REPORT_RATE_LIMIT = env_rates("LEAK_REPORT_RATE_LIMIT", "10/1m,100/1h")
LEAK_REPORT_MAX_CANDIDATES = 1000

# Content credentials (C2PA) written into every approved output: a PEM chain (signing certificate first) and
# its private key. Production must name a certificate issued for content signing; development and the test
# suite use a private CA made on first use in the directory C2PA_DEV_DIR (review.certificates).
C2PA_DEV_CERTIFICATES = not PRODUCTION and not os.environ.get("C2PA_SIGNING_CERT")
C2PA_DEV_DIR = Path(env_str("C2PA_DEV_DIR", str(VAR_DIR / "c2pa")))
C2PA_SIGNING_CERT = Path(env_str("C2PA_SIGNING_CERT", None if PRODUCTION else str(C2PA_DEV_DIR / "signer-chain.pem")))
C2PA_SIGNING_KEY = Path(env_str("C2PA_SIGNING_KEY", None if PRODUCTION else str(C2PA_DEV_DIR / "signer-key.pem")))
C2PA_SIGNING_ALG = env_choice("C2PA_SIGNING_ALG", ("es256", "es384", "es512", "ps256", "ed25519"), "es256")
C2PA_TSA_URL = env_str("C2PA_TSA_URL", "")
C2PA_TRUST_ANCHORS = env_str("C2PA_TRUST_ANCHORS", "" if PRODUCTION else str(C2PA_DEV_DIR / "ca.pem"))

# Invitations
INVITATION_DEFAULT_DAYS = env_int("INVITATION_DEFAULT_DAYS", 14, minimum=1)
INVITATION_MAX_DAYS = 90

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"


def _storage_origins() -> list[str]:
    """Where private media URLs may point: the S3 endpoint the storage signs URLs for, if any."""
    if not STORAGE_BUCKET:
        return []
    endpoint = _private_storage["OPTIONS"]["endpoint_url"]
    if endpoint:
        parts = urlsplit(endpoint)
        return [f"{parts.scheme}://{parts.netloc}"]
    return ["https://*.amazonaws.com"]


# Only the site's own files run or style a page: no inline script or style, nothing from elsewhere but the
# storage's signed media URLs. An escaping bug in a template then cannot run anything (SPEC invariant 8).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *_storage_origins()],
        "media-src": [SELF, *_storage_origins()],
        "connect-src": [SELF],
        "font-src": [SELF],
        "manifest-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
# No page needs a camera, a microphone, the location or payments.
PERMISSIONS_POLICY = {
    feature: [] for feature in ("camera", "microphone", "geolocation", "payment", "usb", "display-capture")
}
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_choice("LOG_LEVEL", ("DEBUG", "INFO", "WARNING", "ERROR"), "INFO")},
}
