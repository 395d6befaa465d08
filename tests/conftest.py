"""Personas shared by the whole suite.

Maya is a mentee, Daniel a mentor, Claire a coordinator, Adam an admin, and
Sam a stranger who must be refused wherever the object is not his.
"""

import os

import pytest
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
