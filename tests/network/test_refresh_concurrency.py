"""Members sign in while every tie is refreshed: the refresh writes in short transactions.

The refresh runs in a thread of its own (its own database connection) on a
demo community large enough that storing its ties takes a few seconds; the
test signs in through the real sign-in view, again and again, from another
thread until the refresh is done. On SQLite the test database is copied into
a file opened exactly as deskmate opens its own (WAL, a busy timeout); the old
single-transaction refresh made every such sign-in wait for the whole run, and
fail once the run outlasted the timeout.
"""

import datetime as dt
import sqlite3
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from deskmate.config import database
from deskmate.demo.generator import DEMO_PASSWORD
from deskmate.engine.ties import compute_ties
from deskmate.network.models import Tie
from deskmate.network.tie_store import community_load, ties_refresh_all

TODAY = dt.date(2026, 11, 1)
MEMBERS = 800


@pytest.fixture
def production_database(transactional_db, tmp_path):
    """The test database as production opens it: on SQLite, a file in WAL mode with a busy timeout.

    Django keeps an in-memory test database open for the whole run, so the
    file is a copy (SQLite's backup) that every thread's connection opens
    instead while the test runs.
    """
    if connection.vendor != "sqlite":
        yield
        return
    settings_dict = connections.settings["default"]
    saved = {"NAME": settings_dict["NAME"], "OPTIONS": settings_dict["OPTIONS"]}
    connection.ensure_connection()
    memory = connection.connection
    path = tmp_path / "deskmate.sqlite3"
    with sqlite3.connect(path) as target:
        memory.backup(target)
    settings_dict.update(NAME=str(path), OPTIONS=database(tmp_path)["OPTIONS"])
    connection.connection = None
    try:
        yield
    finally:
        connection.close()
        settings_dict.update(saved)
        connection.connection = memory


def refresh_in_thread(outcome: dict) -> threading.Thread:
    def run():
        try:
            outcome["stored"] = ties_refresh_all(as_of=TODAY)
        except Exception as error:  # reported by the test, not lost in the thread
            outcome["error"] = error
        finally:
            connections.close_all()

    return threading.Thread(target=run)


def sign_ins_until(done: threading.Event) -> list[tuple[int, str, int]]:
    """Sign in as the demo mentee until ``done``: each answer's status, redirect and the ties stored then."""
    answers = []
    try:
        while not done.is_set() or not answers:
            client = Client()
            response = client.post(
                reverse("login"), {"username": "mentee@deskmate.demo", "password": DEMO_PASSWORD}
            )
            answers.append(
                (response.status_code, response.get("Location", ""), Tie.objects.count())
            )
    finally:
        connections.close_all()
    return answers


def test_members_sign_in_while_every_tie_is_refreshed(production_database, settings):
    # The sign-ins repeat as fast as they can for as long as the refresh takes: the anonymous
    # post limit would refuse them, and it is not what this test is about.
    settings.RATE_LIMITS_ENABLED = False
    call_command("demo_data", members=MEMBERS, seed=7, no_progress=True)
    arrays = community_load()
    expected = compute_ties(arrays.community, as_of=TODAY)
    outcome: dict = {}
    refresh = refresh_in_thread(outcome)
    done = threading.Event()
    answers: list = []
    signer = threading.Thread(target=lambda: answers.extend(sign_ins_until(done)))
    signer.start()
    refresh.start()
    refresh.join()
    done.set()
    signer.join()

    assert "error" not in outcome, outcome.get("error")
    assert outcome["stored"] == len(expected.first)
    assert Tie.objects.count() == len(expected.first)
    stored = set(Tie.objects.values_list("member_low_id", "member_high_id"))
    assert stored == set(
        zip(
            arrays.member_ids[expected.first].tolist(),
            arrays.member_ids[expected.second].tolist(),
            strict=True,
        )
    )
    assert {(status, location) for status, location, _ in answers} == {(302, reverse("home"))}
    # Sign-ins went on in the middle of the refresh, not only before or after it.
    assert any(0 < count < len(expected.first) for _, _, count in answers)
