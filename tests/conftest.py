"""Personas shared by the whole suite.

Maya is a mentee, Daniel a mentor, Claire a coordinator, Adam an admin, and
Sam a stranger who must be refused wherever the object is not his.
"""

import contextlib
import fcntl
import hashlib
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct-horse-battery-staple"


# Modules whose module-scoped fixture is a whole process (the production server: migrate,
# collectstatic and gunicorn's workers, then a graceful stop). Collected last, their tests
# were at the tail of a worker's queue, where `--dist worksteal` steals from, so the two
# workers split them and each started its own server. First in the collection they are at
# the head of the first worker's queue, which is never stolen from: one server per run.
RUN_FIRST = ("tests/serving/test_production_server.py",)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    # After pytest-django's ordering; a stable sort keeps every other test where it was.
    items.sort(key=lambda item: item.nodeid.split("::")[0] not in RUN_FIRST)


# The test database on SQLite: migrated once, then copied. Each xdist worker has its own
# in-memory database; instead of every worker running every migration, the first one
# migrates and stores the result, keyed by the migrations themselves, and the others
# (and later runs) copy it with SQLite's backup. A changed, added or removed migration,
# another Django or SQLite makes another key, so the copy is always what migrating gives.
# `--create-db` migrates afresh. PostgreSQL migrates as before.


def _migrations_key() -> str:
    import django
    from django.conf import settings
    from django.db.migrations.loader import MigrationLoader

    digest = hashlib.sha256(f"{django.__version__} {sqlite3.sqlite_version}".encode())
    digest.update(repr(sorted(settings.INSTALLED_APPS)).encode())
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for key, migration in sorted(loader.disk_migrations.items()):
        digest.update(repr(key).encode())
        digest.update(Path(sys.modules[migration.__module__].__file__).read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="session")
def _migrated_once(request: pytest.FixtureRequest) -> Iterator[Path | None]:
    from django.db import connection

    config = request.config
    cache = getattr(config, "cache", None)
    if connection.vendor != "sqlite" or cache is None or config.getoption("create_db", False):
        yield None
        return
    template = cache.mkdir("deskmate-test-db") / f"{_migrations_key()}.sqlite3"
    creation = connection.creation
    migrate_and_create = creation.create_test_db

    def create_test_db(verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        with open(template.with_suffix(".lock"), "w") as lock:
            fcntl.flock(
                lock, fcntl.LOCK_EX
            )  # the first worker migrates; the others wait, then copy
            if not template.exists():
                name = migrate_and_create(verbosity, autoclobber, serialize, keepdb)
                partial = template.parent / f"{template.stem}.{os.getpid()}.partial"
                with contextlib.closing(sqlite3.connect(partial)) as target:
                    connection.connection.backup(target)
                partial.replace(template)
                return name
        name = creation._get_test_db_name()
        creation._create_test_db(verbosity, autoclobber, keepdb)
        connection.close()
        connection.settings_dict["NAME"] = name
        from django.conf import settings

        settings.DATABASES[connection.alias]["NAME"] = name
        connection.ensure_connection()
        with contextlib.closing(sqlite3.connect(template)) as source:
            source.backup(connection.connection)
        if serialize:
            connection._test_serialized_contents = creation.serialize_db_to_string()
        return name

    creation.create_test_db = create_test_db
    try:
        yield template
    finally:
        del creation.create_test_db


@pytest.fixture(autouse=True, scope="session")
def _static_files_found_per_request():
    """WhiteNoise looks static files up when asked instead of listing them all up front.

    Outside production WhiteNoise serves through the finders, and without autorefresh it walks
    every finder and stats every file each time a middleware chain is built: once per test
    client, some 30 ms each, hundreds of times a run. Looked up per request, the same files are
    served with the same headers (tests/serving/test_serving.py).
    """
    with override_settings(WHITENOISE_AUTOREFRESH=True):
        yield


@pytest.fixture(scope="session")
def django_db_setup(_migrated_once, django_db_setup):
    """pytest-django's test database, migrated once per set of migrations on SQLite (see above)."""
    return django_db_setup


@pytest.fixture(scope="session")
def migrated_sqlite(_migrated_once, django_db_setup) -> Path | None:
    """A SQLite file holding what migrating an empty database gives, or None on PostgreSQL.

    For the processes a test starts (the production server): copied into their data directory,
    their own `migrate` then finds every migration applied instead of running them all again.
    """
    return _migrated_once if _migrated_once is not None and _migrated_once.exists() else None


def make_member(email, first_name, last_name, **extra):
    from deskmate.people.services import member_create

    return member_create(
        email=email, password=PASSWORD, first_name=first_name, last_name=last_name, **extra
    )


def new_mentee():
    return make_member("maya@example.org", "Maya", "Patel", headline="Engineer at Acme")


def new_mentor():
    return make_member(
        "daniel@example.org",
        "Daniel",
        "Okafor",
        headline="Engineering Manager",
        open_to_mentoring=True,
        mentee_capacity=3,
    )


def new_coordinator():
    from deskmate.people.models import Member

    return make_member("claire@example.org", "Claire", "Dubois", role=Member.Role.COORDINATOR)


def new_admin_member():
    from deskmate.people.models import Member

    return make_member("adam@example.org", "Adam", "Novak", role=Member.Role.ADMIN)


def new_stranger():
    return make_member("sam@example.org", "Sam", "Stranger")


@pytest.fixture
def mentee(db):
    return new_mentee()


@pytest.fixture
def mentor(db):
    return new_mentor()


@pytest.fixture
def coordinator(db):
    return new_coordinator()


@pytest.fixture
def admin_member(db):
    return new_admin_member()


@pytest.fixture
def stranger(db):
    return new_stranger()


def client_for(member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


@pytest.fixture
def as_mentee(mentee):
    return client_for(mentee)


@pytest.fixture
def as_mentor(mentor):
    return client_for(mentor)


@pytest.fixture
def as_stranger(stranger):
    return client_for(stranger)


@pytest.fixture
def as_coordinator(coordinator):
    return client_for(coordinator)


@pytest.fixture
def run_tasks(transactional_db):
    """Run every queued background task through the real database worker, then return.

    The worker manages its own transactions and connections, so tests that use it
    run with real commits (on_commit hooks fire as in production).
    """
    from django.core.management import call_command

    def run():
        call_command(
            "db_worker", "--batch", "--queue-name", "*", "--no-startup-delay", "--interval", "0"
        )

    return run


@pytest.fixture(autouse=True, scope="session")
def _cache_in_memory():
    # Each test process its own cache (the default is a database table the test database lacks).
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    ):
        yield


@pytest.fixture(autouse=True)
def _empty_cache(_cache_in_memory):
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing is deliberately slow; the suite creates hundreds of sign-ins.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Rows written once for a whole module (the module-level form of Django's setUpTestData).
_SHARED_ROWS_OPEN: list[str] = []


def rows_shared_by_the_module(
    request: pytest.FixtureRequest, django_db_blocker: Any, build: Callable[[], Any]
) -> Iterator[Any]:
    """Write ``build()``'s rows once, keep them for every test of the module, roll them back after.

    For a module-scoped fixture: ``yield from rows_shared_by_the_module(request,
    django_db_blocker, build)``. The rows are written in an outer transaction;
    each test runs in a savepoint inside it (pytest-django's ``db``), so what a
    test writes is rolled back as before and the next test sees the rows exactly
    as built. Hand tests fresh objects read from the database (a function-scoped
    fixture), never the instances built here: a test may change those in memory.
    Every database test of the module must ask for the fixture (checked below), and
    none may be transactional (a flush would empty the outer transaction).
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    _SHARED_ROWS_OPEN.append(request.fixturename)
    try:
        yield built
    finally:
        _SHARED_ROWS_OPEN.remove(request.fixturename)
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _shared_rows_are_asked_for(request):
    """A test sees a module's shared rows only if it asks for them, and never flushes them."""
    names = request.fixturenames
    uses_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(
        names
    )
    for shared in _SHARED_ROWS_OPEN:
        if not uses_db:
            continue
        if shared not in names:
            pytest.fail(f"{request.node.nodeid} would see the rows of {shared}: ask for it")
        transactional = {"transactional_db", "live_server", "run_tasks"} & set(names)
        marker = request.node.get_closest_marker("django_db")
        if transactional or (marker and marker.kwargs.get("transaction")):
            pytest.fail(f"{request.node.nodeid} is transactional; it may not use {shared}")
