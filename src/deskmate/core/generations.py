"""Generations: one cache key per input, replaced when that input changes.

A cached result is stored under (or alongside) the generations of every
input it was computed from; when an input changes its generation is replaced,
so the result is never found again. Invalidation is one cache write and never
looks at the results themselves.

A generation is a fresh random token rather than a counter: a counter lost
from the cache (evicted, or a cache flushed) and started again could come
back to a value an old result was stored under, and incrementing is not
atomic on every backend; a token is never reused, and two writers that
replace it at once both leave a value no result was computed under.

A change is announced once the rows are written and again once they are
committed (``bump_on_commit``): a reader that read the old generation and
the old rows stores its result under the old generation, which no later
reader asks for.
"""

import secrets
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

PREFIX = "generation:"
#: What every member's suggestions read: the stored ties and the community's vocabulary.
COMMUNITY = "community"


def member_generation(member_id: int) -> str:
    """The name of what one member's own rows (profile, history, goals, availability) produced."""
    return f"member:{member_id}"


def _key(name: str) -> str:
    return PREFIX + name


def generations(names: Iterable[str]) -> dict[str, str]:
    """The current generation of each name; a name never seen (or evicted) gets a new one."""
    wanted = list(dict.fromkeys(names))
    found = cache.get_many([_key(name) for name in wanted])
    result = {name: found.get(_key(name)) for name in wanted}
    missing = [name for name, value in result.items() if value is None]
    if missing:
        # Written over any token another process set meanwhile: the result that process
        # stores under its token is then never found, which is a miss, never a stale answer.
        fresh = {name: secrets.token_hex(8) for name in missing}
        cache.set_many({_key(name): value for name, value in fresh.items()}, timeout=None)
        result.update(fresh)
    return result  # type: ignore[return-value]


def bump(names: Iterable[str]) -> None:
    """Give each name a new generation now."""
    cache.set_many({_key(name): secrets.token_hex(8) for name in set(names)}, timeout=None)


def bump_on_commit(names: Iterable[str]) -> None:
    """Give each name a new generation now, and again once the current transaction commits.

    Now, so that reads inside the same transaction see the change; again on
    commit, because a reader outside it may have stored a result computed
    from the rows as they were before the commit under the first new one.
    """
    wanted = set(names)
    if wanted:
        bump(wanted)
        if transaction.get_connection().in_atomic_block:
            transaction.on_commit(lambda: bump(wanted))
