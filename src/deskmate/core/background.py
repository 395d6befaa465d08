"""Work that a write announces, to be queued once its transaction commits.

Services announce what happened with a signal; the app that reacts (usually
its ``tasks`` module, connected in ``AppConfig.ready``) queues the work. So a
service never imports the tasks that react to it, and one app can react to
another's writes without the writer knowing.
"""

import threading
from collections.abc import Callable, Hashable

from django.db import transaction

_pending = threading.local()


def batch_on_commit(
    key: str, items: set[Hashable] | list[Hashable], run: Callable[[list[Hashable]], object]
) -> None:
    """Gather ``items`` under ``key`` and call ``run`` once with all of them after commit.

    Every call registers its own on-commit callback, so a rolled-back
    transaction takes its callbacks with it; the first callback that runs
    takes everything gathered under ``key`` and the others find nothing left.
    Outside a transaction ``run`` is called at once.
    """
    gathered: dict[str, set[Hashable]] = getattr(_pending, "gathered", None) or {}
    _pending.gathered = gathered
    gathered.setdefault(key, set()).update(items)

    def drain() -> None:
        ready = gathered.pop(key, set())
        if ready:
            run(sorted(ready))  # type: ignore[type-var]

    transaction.on_commit(drain)
