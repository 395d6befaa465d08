"""Work that a write announces, to be queued once its transaction commits.

Services announce what happened with a signal; the app that reacts (usually
its ``tasks`` module, connected in ``AppConfig.ready``) queues the work. So a
service never imports the tasks that react to it, and one app can react to
another's writes without the writer knowing.
"""

import threading
from collections.abc import Callable, Iterable

from django.db import transaction

_pending = threading.local()


def batch_on_commit(key: str, ids: Iterable[int], run: Callable[[list[int]], object]) -> None:
    """Gather ``ids`` under ``key`` and call ``run`` once with all of them after commit.

    Every call registers its own on-commit callback, so a rolled-back
    transaction takes its callbacks with it; the first callback that runs
    takes everything gathered under ``key`` and the others find nothing left.
    Outside a transaction ``run`` is called at once.
    """
    gathered: dict[str, set[int]] = _pending.__dict__.setdefault("gathered", {})
    gathered.setdefault(key, set()).update(ids)

    def drain() -> None:
        ready = gathered.pop(key, set())
        if ready:
            run(sorted(ready))

    transaction.on_commit(drain)


#: The task queue of the whole community's nightly work. `deskmate worker` runs it in a
#: process of its own, so that short tasks on the other queues never wait behind it.
NIGHTLY_QUEUE = "nightly"
