"""A member's tie refresh is done while the nightly queue is busy: `deskmate worker` runs it apart.

The test starts the real `deskmate worker` (a process supervising one worker
process for the nightly queue and one for every other queue) on a copy of the
test database. A task that holds the nightly queue's worker until the test
releases it is queued first, and the nightly tie refresh behind it; while both
wait, a member joins a colleague's team. Their refresh must be done, and their
tie stored, while the nightly queue is still held; then the nightly refresh
runs, and SIGTERM stops every process cleanly.
"""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from django.db import connection
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from deskmate.core.background import NIGHTLY_QUEUE
from deskmate.engine.ties import EvidenceKind
from deskmate.network.models import Tie
from deskmate.network.tasks import ties_refresh_members, ties_refresh_nightly
from deskmate.people.services import position_create
from tests.conftest import make_member
from tests.core.helpers import nightly_queue_hold
from tests.network.test_refresh_concurrency import production_database  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
#: How long the test waits for the worker to reach a state before it fails.
WAIT_AT_MOST = 90


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user, host, port = settings["USER"], settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


def wait_until(condition, what: str, worker: subprocess.Popen):
    """Poll ``condition`` until it holds; fail if the worker dies or it takes too long."""
    deadline = time.monotonic() + WAIT_AT_MOST
    while not condition():
        assert worker.poll() is None, f"the worker ended ({worker.returncode}) before {what}"
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.05)


def result(task_id) -> DBTaskResult:
    found = DBTaskResult.objects.get(pk=task_id)
    assert found.status != TaskResultStatus.FAILED, found.traceback
    return found


@pytest.fixture
def worker_env(production_database):  # noqa: F811
    # The suite caches in memory, so the test database has no cache table: the worker's
    # processes keep their cache in memory too.
    return {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DESKMATE_TASKS": "database",
        "DESKMATE_CACHE_URL": "locmem://",
    }


def test_a_members_refresh_is_done_while_the_nightly_queue_is_held(worker_env, tmp_path):
    maya = make_member("maya@example.org", "Maya", "Patel")
    daniel = make_member("daniel@example.org", "Daniel", "Okafor")
    position_create(
        member=daniel,
        actor=daniel,
        organisation="Acme",
        unit="Platform",
        title="Engineer",
        start=dt.date(2020, 1, 1),
    )
    started, release = tmp_path / "started", tmp_path / "release"
    hold = nightly_queue_hold.enqueue(str(started), str(release))
    nightly = ties_refresh_nightly.enqueue()
    assert (hold.task.queue_name, nightly.task.queue_name) == (NIGHTLY_QUEUE, NIGHTLY_QUEUE)
    worker = subprocess.Popen(
        [sys.executable, "-m", "deskmate", "worker", "--interval", "3600", "--verbosity", "0"],
        cwd=ROOT,
        env=worker_env,
    )
    try:
        wait_until(started.exists, "the nightly queue to be held", worker)
        children = psutil.Process(worker.pid).children()
        position_create(
            member=maya,
            actor=maya,
            organisation="Acme",
            unit="Platform",
            title="Engineer",
            start=dt.date(2021, 1, 1),
        )
        refresh = DBTaskResult.objects.filter(task_path=ties_refresh_members.module_path).latest(
            "enqueued_at"
        )
        assert refresh.args_kwargs["args"] == [[maya.pk]]
        wait_until(
            lambda: result(refresh.pk).status == TaskResultStatus.SUCCESSFUL,
            "the member's refresh",
            worker,
        )
        # Done while the nightly queue is still held: nothing has released it yet.
        assert result(hold.id).status == TaskResultStatus.RUNNING
        assert result(nightly.id).status == TaskResultStatus.READY
        low, high = sorted((maya.pk, daniel.pk))
        tie = Tie.objects.get(member_low_id=low, member_high_id=high)
        assert [item["kind"] for item in tie.evidence] == [EvidenceKind.WORKED_TOGETHER]
        assert tie.evidence[0]["start"] == "2021-01-01"
        release.touch()
        wait_until(
            lambda: result(nightly.id).status == TaskResultStatus.SUCCESSFUL,
            "the nightly refresh",
            worker,
        )
        assert result(hold.id).worker_ids == result(nightly.id).worker_ids
        assert result(refresh.pk).worker_ids != result(nightly.id).worker_ids
    finally:
        worker.send_signal(signal.SIGTERM)
        code = worker.wait(timeout=WAIT_AT_MOST)
    assert code == 0
    assert len(children) == 2
    assert not [child for child in children if child.is_running() and child.status() != "zombie"]
