"""deskmate's settings, read from the environment. See README, "Configuration"."""

import datetime as dt
import zoneinfo
from pathlib import Path

import csp.constants
from django.core.exceptions import ImproperlyConfigured

from deskmate import config
from deskmate.limits.rates import rate_from_env

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = config.data_dir()

PRODUCTION = config.env_bool("DESKMATE_PRODUCTION", False)
DEMO = config.env_bool("DESKMATE_DEMO", False)
# Django's debug pages only when asked for: the demo, too, shows the friendly 404 and 500 pages.
DEBUG = config.env_bool("DESKMATE_DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DESKMATE_DEBUG cannot be on when DESKMATE_PRODUCTION is on.")

SECRET_KEY = config.secret_key(DATA_DIR, production=PRODUCTION)
ALLOWED_HOSTS = config.env_list(
    "DESKMATE_ALLOWED_HOSTS",
    [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"],
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DESKMATE_ALLOWED_HOSTS is required when DESKMATE_PRODUCTION is on.")
CSRF_TRUSTED_ORIGINS = config.env_list("DESKMATE_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = config.env_str("DESKMATE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if PRODUCTION and not config.env_str("DESKMATE_SITE_URL").startswith("https://"):
    raise ImproperlyConfigured(
        "DESKMATE_SITE_URL is required when DESKMATE_PRODUCTION is on, and must start with "
        "https:// (links in e-mail, invitations and calendar files use it)."
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",  # widget templates for the project-wide form renderer
    "ninja",  # serves its own Swagger UI files, so the API docs need no outside host
    "axes",
    "csp",  # its system checks warn of settings from before django-csp 4
    "mozilla_django_oidc",  # single sign-on views (no models)
    "django_tasks",
    "django_tasks_db",
    "deskmate.core",
    "deskmate.serving",
    "deskmate.limits",
    "deskmate.people",
    "deskmate.network",
    "deskmate.mentoring",
    "deskmate.programmes",
    "deskmate.notifications",
    "deskmate.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # Static files straight from the web process in every mode, without a separate server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "deskmate.limits.guards.AnonymousPostLimitMiddleware",
    # Parses import uploads under a byte cap before CSRF's view check reads the form.
    "deskmate.limits.uploads.UploadLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "deskmate.urls"
WSGI_APPLICATION = "deskmate.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "deskmate.people.context_processors.current_member",
                "deskmate.people.context_processors.sign_on",
                "deskmate.notifications.context_processors.unread_notifications",
                "deskmate.mentoring.context_processors.unread_messages",
            ],
            # {% avatar member %} on every page without a {% load %}.
            "builtins": ["deskmate.people.templatetags.avatars"],
        },
    },
]

# Every form field renders through templates/forms/field.html (fieldsets for choice groups).
FORM_RENDERER = "deskmate.core.forms.FormRenderer"

DATABASES = {"default": config.database(DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Suggestions are cached per member (network/suggestion_cache.py). Unset: a table in the database.
CACHES = {"default": config.cache(config.env_str("DESKMATE_CACHE_URL"))}
#: How long a cached suggestion list may be served at most, whatever its generations say.
SUGGESTION_CACHE_SECONDS = config.env_int("DESKMATE_SUGGESTION_CACHE_SECONDS", 6 * 3600, minimum=0)

AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "deskmate.limits.backends.SignInLockout",  # refuses sign-in while locked out (django-axes)
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"

# Single sign-on (optional) through the organisation's OpenID Connect provider: on when a client
# id is set. New people become members on their first sign-on if their address is allowed.
OIDC_RP_CLIENT_ID = config.env_str("DESKMATE_OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = config.env_str("DESKMATE_OIDC_CLIENT_SECRET")
OIDC_OP_AUTHORIZATION_ENDPOINT = config.env_str("DESKMATE_OIDC_AUTHORIZATION_URL")
OIDC_OP_TOKEN_ENDPOINT = config.env_str("DESKMATE_OIDC_TOKEN_URL")
OIDC_OP_USER_ENDPOINT = config.env_str("DESKMATE_OIDC_USERINFO_URL")
OIDC_OP_JWKS_ENDPOINT = config.env_str("DESKMATE_OIDC_JWKS_URL")
OIDC_RP_SIGN_ALGO = config.env_str("DESKMATE_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=refused"
SSO_NAME = config.env_str("DESKMATE_OIDC_NAME", "your organisation")
SSO_ALLOWED_DOMAINS = config.env_list("DESKMATE_OIDC_ALLOWED_DOMAINS", [])
if OIDC_RP_CLIENT_ID:
    AUTHENTICATION_BACKENDS.append("deskmate.people.sso.MemberSignOn")
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = config.env_str("DESKMATE_TIME_ZONE", "UTC")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(
        f"DESKMATE_TIME_ZONE={TIME_ZONE!r} is not a known time zone (e.g. Europe/London)."
    ) from None
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Outside production WhiteNoise finds files in the package itself, so nothing needs collecting.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = DATA_DIR / "uploads"

# Uploads: the largest import file we accept, and Django's own in-memory bound.
IMPORT_MAX_UPLOAD_BYTES = (
    config.env_int("DESKMATE_IMPORT_MAX_UPLOAD_MB", 50, minimum=1) * 1024 * 1024
)
#: The routes that take import files; their uploads are capped while they stream in.
IMPORT_UPLOAD_PATHS = frozenset({"/imports/", "/api/v1/imports"})
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_HOST = config.env_str("DESKMATE_EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = config.env_int("DESKMATE_EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = config.env_str("DESKMATE_EMAIL_USER")
    EMAIL_HOST_PASSWORD = config.env_str("DESKMATE_EMAIL_PASSWORD")
    EMAIL_USE_TLS = config.env_bool("DESKMATE_EMAIL_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = config.env_str("DESKMATE_EMAIL_FROM", "deskmate <deskmate@localhost>")

TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[config.env_choice("DESKMATE_TASKS", "database", {"database", "immediate"})],
        # "nightly" (deskmate.core.background.NIGHTLY_QUEUE) has a worker process of its own.
        "QUEUES": ["default", "imports", "nightly"],
    }
}

# Programme matching moves to the task worker above these sizes.
PROGRAMMES_BACKGROUND_ABOVE = config.env_int("DESKMATE_PROGRAMMES_BACKGROUND_ABOVE", 500, minimum=0)
PROGRAMMES_BACKGROUND_PAIRS_ABOVE = config.env_int(
    "DESKMATE_PROGRAMMES_BACKGROUND_PAIRS_ABOVE", 2000, minimum=0
)
# Seconds the integer-programme solver may spend on each solve of a run with quotas
# (one solve for the answer, one more per quota to price it).
PROGRAMMES_QUOTA_TIME_LIMIT = config.env_int("DESKMATE_PROGRAMMES_QUOTA_TIME_LIMIT", 60, minimum=1)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Scripts and styles only from deskmate's own static files: no inline <script>, style=""
# or on...="" anywhere (avatars take their colour from a class; htmx is told not to add its
# indicator <style>, in base.html), so an injected tag or attribute cannot run or restyle.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.constants.SELF],
        "script-src": [csp.constants.SELF],
        "style-src": [csp.constants.SELF],
        "img-src": [csp.constants.SELF, "data:"],
        "connect-src": [csp.constants.SELF],
        "font-src": [csp.constants.SELF],
        "object-src": [csp.constants.NONE],
        "base-uri": [csp.constants.SELF],
        "form-action": [csp.constants.SELF],
        "frame-ancestors": [csp.constants.NONE],
    }
}

# Behind a reverse proxy that terminates TLS: trust its X-Forwarded-Proto, and take the client's
# address from the hop it appended to X-Forwarded-For. Never on without such a proxy in front.
BEHIND_PROXY = config.env_bool("DESKMATE_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = PRODUCTION and config.env_bool("DESKMATE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = config.env_int(
    "DESKMATE_HSTS_SECONDS", 365 * 24 * 3600 if PRODUCTION else 0, minimum=0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = config.env_bool("DESKMATE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = config.env_bool("DESKMATE_HSTS_PRELOAD", True)

# `deskmate serve`: where gunicorn listens, how many processes and threads each serve requests.
SERVE_BIND = config.env_str("DESKMATE_BIND", "127.0.0.1:8000")
WEB_WORKERS = config.env_int("DESKMATE_WEB_WORKERS", 2, minimum=1)
WEB_THREADS = config.env_int("DESKMATE_WEB_THREADS", 4, minimum=1)
WEB_TIMEOUT = config.env_int("DESKMATE_WEB_TIMEOUT", 60, minimum=1)

# How old the worker's last heartbeat may be before /health/ calls the worker stale.
WORKER_STALE_AFTER = config.env_int("DESKMATE_WORKER_STALE_AFTER", 900, minimum=1)

# Abuse protection. Sign-in: django-axes locks an account after this many failures, for the
# cool-off; every attempt during a lockout starts the cool-off again.
AXES_FAILURE_LIMIT = config.env_int("DESKMATE_SIGN_IN_FAILURES", 10, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(
    minutes=config.env_int("DESKMATE_SIGN_IN_LOCKOUT_MINUTES", 15, minimum=1)
)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own: per account, per address
AXES_USERNAME_CALLABLE = "deskmate.limits.accounts.sign_in_account"
AXES_CLIENT_IP_CALLABLE = "deskmate.limits.guards.sign_in_address"
AXES_DISABLE_ACCESS_LOG = True  # failures are what locks out; successful sign-ins are not kept
AXES_LOCKOUT_CALLABLE = "deskmate.limits.views.sign_in_locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# Everything else: (per account, per address) fixed-window rates, counted in the database.
RATE_LIMITS_ENABLED = config.env_bool("DESKMATE_RATE_LIMITS", True)
API_RATE = rate_from_env("DESKMATE_LIMIT_API", "600/m")
RATE_LIMITS = {
    "anonymous_post": (None, rate_from_env("DESKMATE_LIMIT_ANONYMOUS_POSTS", "60/10m")),
    "password_link": ("3/h", "10/h"),
    "api_token": ("10/h", "30/h"),
    "invitations": ("30/h", "60/h"),
    "nudges": ("30/h", "60/h"),
    "imports": ("30/h", "60/h"),
    "data_export": ("10/h", "30/h"),
    "account_delete": ("5/h", "20/h"),
    "api": (API_RATE, API_RATE),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": config.env_str("DESKMATE_LOG_LEVEL", "INFO").upper(),
    },
}
