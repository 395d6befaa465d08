"""A real OpenID Connect provider (django-oidc-provider) the single sign-on tests sign in through.

It runs as its own process on 127.0.0.1, with its own SQLite database, exactly as an
organisation's identity provider would run beside deskmate.
"""

import os
from pathlib import Path

BASE = Path(os.environ["PROVIDER_DIR"])
SECRET_KEY = "provider-for-tests-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oidc_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "tests.sso.provider.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE / "provider.db"}}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
LOGIN_URL = "/login/"
USE_TZ = True
SITE_URL = os.environ["PROVIDER_URL"]
OIDC_USERINFO = "tests.sso.provider.claims.userinfo"
SESSION_COOKIE_NAME = "provider_session"  # both run on 127.0.0.1: keep the cookies apart
CSRF_COOKIE_NAME = "provider_csrf"
