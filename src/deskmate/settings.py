"""deskmate's settings, read from the environment. See README, "Configuration"."""

import zoneinfo
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from deskmate import config

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = config.data_dir()

PRODUCTION = config.env_bool("DESKMATE_PRODUCTION", False)
DEMO = config.env_bool("DESKMATE_DEMO", False)
DEBUG = config.env_bool("DESKMATE_DEBUG", DEMO and not PRODUCTION)
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

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "deskmate.core",
    "deskmate.people",
    "deskmate.network",
    "deskmate.mentoring",
    "deskmate.programmes",
    "deskmate.notifications",
    "deskmate.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

if PRODUCTION:
    # Static files straight from the web process, compressed and cached, without a separate server.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

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
                "deskmate.notifications.context_processors.unread_notifications",
            ],
        },
    },
]

DATABASES = {"default": config.database(DATA_DIR)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
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
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
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
        "QUEUES": ["default", "imports"],
    }
}

# Programme matching moves to the task worker above these sizes.
PROGRAMMES_BACKGROUND_ABOVE = config.env_int("DESKMATE_PROGRAMMES_BACKGROUND_ABOVE", 500, minimum=0)
PROGRAMMES_BACKGROUND_PAIRS_ABOVE = config.env_int(
    "DESKMATE_PROGRAMMES_BACKGROUND_PAIRS_ABOVE", 2000, minimum=0
)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": config.env_str("DESKMATE_LOG_LEVEL", "INFO").upper(),
    },
}
