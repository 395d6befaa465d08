"""Typed readers for the environment; each fails loudly, naming the variable."""

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a yes/no value; use 1/0, true/false, yes/no or on/off."
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} must be at least {minimum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: set[str]) -> str:
    value = env_str(name, default).lower()
    if value not in choices:
        allowed = ", ".join(sorted(choices))
        raise ImproperlyConfigured(f"{name}={value!r} is not one of: {allowed}.")
    return value


def data_dir() -> Path:
    path = Path(env_str("DESKMATE_DATA_DIR") or Path.cwd() / "var").expanduser().resolve()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ImproperlyConfigured(
            f"DESKMATE_DATA_DIR={str(path)!r} cannot be created: {error}"
        ) from None
    return path


def secret_key(directory: Path, *, production: bool) -> str:
    """The secret key: from the environment, or kept in the data directory for local use."""
    value = env_str("DESKMATE_SECRET_KEY")
    if value:
        if len(value) < 32:
            raise ImproperlyConfigured("DESKMATE_SECRET_KEY must be at least 32 characters long.")
        return value
    if production:
        raise ImproperlyConfigured(
            "DESKMATE_SECRET_KEY is required when DESKMATE_PRODUCTION is on."
        )
    key_file = directory / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


#: How a file SQLite database is opened. WAL lets pages read while a write runs (the
#: nightly tie refresh writes in short transactions); a writer waits up to ``timeout``
#: seconds for another's transaction to end instead of failing at once; and every
#: transaction that may write takes the write lock when it begins, not halfway through.
SQLITE_FILE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


def is_file_sqlite(config: Mapping[str, object]) -> bool:
    name = str(config.get("NAME") or "")
    return (
        config.get("ENGINE") == "django.db.backends.sqlite3"
        and name not in ("", ":memory:")
        and "mode=memory" not in name
    )


def database(directory: Path) -> dict:
    url = env_str("DATABASE_URL")
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(directory / "deskmate.sqlite3"),
            "OPTIONS": dict(SQLITE_FILE_OPTIONS),
        }
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except Exception as error:  # the library raises several kinds for a malformed URL
        raise ImproperlyConfigured(f"DATABASE_URL is not a usable database URL: {error}") from None
    if config.get("ENGINE") not in {
        "django.db.backends.postgresql",
        "django.db.backends.sqlite3",
    }:
        raise ImproperlyConfigured(
            "DATABASE_URL must point to PostgreSQL (postgres://…) or SQLite."
        )
    if is_file_sqlite(config):
        config["OPTIONS"] = {**SQLITE_FILE_OPTIONS, **config.get("OPTIONS", {})}
    return config


#: The cache table of the default cache (``DESKMATE_CACHE_URL`` unset): Django's DatabaseCache.
CACHE_TABLE = "deskmate_cache"


def cache(url: str) -> dict:
    """Django's CACHES["default"] for ``DESKMATE_CACHE_URL``.

    Unset, a table in deskmate's own database (Django's DatabaseCache): every
    gunicorn worker, and every web host of one database, shares it with no
    extra service (a file cache would be one host's only, and lists its whole
    folder on every write). ``redis://host:port/db`` is Django's RedisCache;
    ``locmem://`` keeps it in the process (tests); ``dummy://`` caches nothing.
    """
    if not url:
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
            # Three lists and a generation per member of a large community before culling.
            "OPTIONS": {"MAX_ENTRIES": 1_000_000},
        }
    scheme = url.partition("://")[0]
    if scheme in {"redis", "rediss", "unix"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url == "locmem://":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "deskmate"}
    if url == "dummy://":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(
        f"DESKMATE_CACHE_URL={url!r} is not a usable cache: leave it unset (the database), or "
        "give redis://HOST:PORT/DB, locmem:// or dummy://."
    )
