"""Personas shared by the whole suite.

Maya is a mentee, Daniel a mentor, Claire a coordinator, Adam an admin, and
Sam a stranger who must be refused wherever the object is not his.
"""

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct-horse-battery-staple"


def make_member(email, first_name, last_name, **extra):
    from deskmate.people.services import member_create

    return member_create(
        email=email, password=PASSWORD, first_name=first_name, last_name=last_name, **extra
    )


@pytest.fixture
def mentee(db):
    return make_member("maya@example.org", "Maya", "Patel", headline="Engineer at Acme")


@pytest.fixture
def mentor(db):
    return make_member(
        "daniel@example.org",
        "Daniel",
        "Okafor",
        headline="Engineering Manager",
        open_to_mentoring=True,
        mentee_capacity=3,
    )


@pytest.fixture
def coordinator(db):
    from deskmate.people.models import Member

    return make_member("claire@example.org", "Claire", "Dubois", role=Member.Role.COORDINATOR)


@pytest.fixture
def admin_member(db):
    from deskmate.people.models import Member

    return make_member("adam@example.org", "Adam", "Novak", role=Member.Role.ADMIN)


@pytest.fixture
def stranger(db):
    return make_member("sam@example.org", "Sam", "Stranger")


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
