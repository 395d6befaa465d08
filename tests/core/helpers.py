"""Tasks for the worker tests, importable by the real worker processes."""

import time
from pathlib import Path

from django_tasks import task

from deskmate.core.background import NIGHTLY_QUEUE

#: The longest a held task waits to be released before it gives up (and fails).
HOLD_AT_MOST = 120


@task(queue_name=NIGHTLY_QUEUE, priority=10)
def nightly_queue_hold(started: str, release: str) -> str:
    """Keep the nightly queue's worker busy until the file ``release`` exists (``started`` says it began)."""
    Path(started).touch()
    deadline = time.monotonic() + HOLD_AT_MOST
    while not Path(release).exists():
        if time.monotonic() > deadline:
            raise TimeoutError("never released")
        time.sleep(0.05)
    return "released"
