"""Bad configuration stops start-up with a message that names the variable."""

import os
import subprocess
import sys

import pytest

from deskmate.config import cache, database


def deskmate_check(tmp_path, **env):
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("DESKMATE_")
    }
    environment.pop("DATABASE_URL", None)
    environment.update({"DESKMATE_DATA_DIR": str(tmp_path)}, **env)
    return subprocess.run(
        [sys.executable, "-m", "deskmate", "check"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_defaults_start(tmp_path):
    result = deskmate_check(tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    "env, message",
    [
        ({"DESKMATE_DEBUG": "maybe"}, "DESKMATE_DEBUG='maybe' is not a yes/no value"),
        (
            {"DESKMATE_PRODUCTION": "1"},
            "DESKMATE_SECRET_KEY is required when DESKMATE_PRODUCTION is on.",
        ),
        (
            {"DESKMATE_PRODUCTION": "1", "DESKMATE_SECRET_KEY": "x" * 40},
            "DESKMATE_ALLOWED_HOSTS is required when DESKMATE_PRODUCTION is on.",
        ),
        (
            {"DESKMATE_SECRET_KEY": "short"},
            "DESKMATE_SECRET_KEY must be at least 32 characters long.",
        ),
        (
            {"DESKMATE_TIME_ZONE": "Mars/Olympus"},
            "DESKMATE_TIME_ZONE='Mars/Olympus' is not a known time zone",
        ),
        (
            {"DESKMATE_EMAIL_HOST": "smtp.example.org", "DESKMATE_EMAIL_PORT": "lots"},
            "DESKMATE_EMAIL_PORT='lots' is not a whole number.",
        ),
        ({"DATABASE_URL": "mysql://x@localhost/db"}, "DATABASE_URL must point to PostgreSQL"),
        (
            {
                "DESKMATE_PRODUCTION": "1",
                "DESKMATE_SECRET_KEY": "x" * 40,
                "DESKMATE_ALLOWED_HOSTS": "mentoring.example.org",
                "DESKMATE_SITE_URL": "http://mentoring.example.org",
            },
            "DESKMATE_SITE_URL is required when DESKMATE_PRODUCTION is on, and must start with "
            "https://",
        ),
        (
            {"DESKMATE_LIMIT_ANONYMOUS_POSTS": "lots"},
            "DESKMATE_LIMIT_ANONYMOUS_POSTS: 'lots' is not a rate",
        ),
        ({"DESKMATE_WEB_WORKERS": "0"}, "DESKMATE_WEB_WORKERS=0 must be at least 1."),
        (
            {"DESKMATE_TASKS": "celery"},
            "DESKMATE_TASKS='celery' is not one of: database, immediate.",
        ),
        (
            {"DESKMATE_CACHE_URL": "memcached://127.0.0.1:11211"},
            "DESKMATE_CACHE_URL='memcached://127.0.0.1:11211' is not a usable cache",
        ),
    ],
)
def test_bad_configuration_names_the_variable(tmp_path, env, message):
    result = deskmate_check(tmp_path, **env)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_production_with_required_settings_starts(tmp_path):
    result = deskmate_check(
        tmp_path,
        DESKMATE_PRODUCTION="1",
        DESKMATE_SECRET_KEY="s" * 50,
        DESKMATE_ALLOWED_HOSTS="mentoring.example.org",
        DESKMATE_SITE_URL="https://mentoring.example.org",
    )
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize(
    "url",
    ["", "sqlite:///{tmp}/other.sqlite3"],
    ids=["default file", "DATABASE_URL file"],
)
def test_file_sqlite_opens_in_wal_mode_with_a_busy_timeout(tmp_path, monkeypatch, url):

    monkeypatch.setenv("DATABASE_URL", url.format(tmp=tmp_path))
    config = database(tmp_path)
    assert config["OPTIONS"] == {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }


def test_memory_sqlite_gets_no_file_options(tmp_path, monkeypatch):

    monkeypatch.setenv("DATABASE_URL", "sqlite://:memory:")
    assert "init_command" not in database(tmp_path).get("OPTIONS", {})


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        ("", "django.core.cache.backends.db.DatabaseCache", "deskmate_cache"),
        (
            "redis://127.0.0.1:6379/2",
            "django.core.cache.backends.redis.RedisCache",
            "redis://127.0.0.1:6379/2",
        ),
        ("locmem://", "django.core.cache.backends.locmem.LocMemCache", "deskmate"),
        ("dummy://", "django.core.cache.backends.dummy.DummyCache", None),
    ],
)
def test_cache_url_picks_the_backend(url, backend, location):
    configured = cache(url)
    assert (configured["BACKEND"], configured.get("LOCATION")) == (backend, location)
