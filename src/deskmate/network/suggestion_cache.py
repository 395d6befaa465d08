"""Each member's suggestion rankings, cached until one of their inputs changes.

An entry belongs to one viewer: its key starts with the viewer's id and
holds the generations (:mod:`deskmate.core.generations`) of what every
viewer's ranking reads (the stored ties and the vocabulary: ``COMMUNITY``)
and of the viewer's own rows (profile, history, goals, skills, availability,
blocks). Beside the ranking, the entry keeps the generation of each member
of the pool it was drawn from (tie partners and members of the viewer's
places); a hit is served only while all of them are unchanged, so a
candidate who edits their profile, fills their last place or stops being
open changes the lists they appear in, and only those.

A tie refresh replaces ``COMMUNITY`` when it has stored; a member's own rows
replace that member's generation when saved or deleted (the receivers
below, and explicit bumps where a write bypasses ``save``). Nothing scans
the cache. Only the ranking is kept: the members shown are read afresh on
every request, so a name or a headline is never older than the page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

from deskmate.core.generations import COMMUNITY, bump_on_commit, generations, member_generation
from deskmate.people.signals import history_changed

#: Changed when what an entry holds changes shape, so that no older entry is read as a new one.
KEY_PREFIX = "suggestions:v1"


@dataclass(frozen=True)
class RankedItem:
    member_id: int
    score: float
    fit: float
    tie_strength: float
    reasons: tuple[str, ...]
    goals: tuple[int, ...]


@dataclass(frozen=True)
class Ranking:
    suggestions: tuple[RankedItem, ...]
    open_without_history: tuple[RankedItem, ...]


@dataclass(frozen=True)
class _Entry:
    viewer_id: int
    pool_ids: tuple[int, ...]
    pool_generations: tuple[str, ...]
    ranking: Ranking


def entry_key(viewer_id: int, question: Hashable, own: dict[str, str]) -> str:
    """The key of one viewer's answer to one question under the given generations."""
    digest = hashlib.blake2b(
        repr((question, sorted(own.items()))).encode(), digest_size=16
    ).hexdigest()
    return f"{KEY_PREFIX}:{viewer_id}:{digest}"


def _pool_generations(pool_ids: tuple[int, ...]) -> tuple[str, ...]:
    names = [member_generation(member_id) for member_id in pool_ids]
    found = generations(names)
    return tuple(found[name] for name in names)


def cached_ranking(
    viewer_id: int,
    question: Hashable,
    compute: Callable[[], tuple[Iterable[int], Callable[[], Ranking]]],
) -> Ranking:
    """The viewer's ranking for ``question`` (mode, filters, limits, day), from the cache or computed.

    ``compute`` reads the pool and returns its member ids with a function
    that ranks it; the pool's generations are read between the two, before
    any of the rows the ranking depends on.
    """
    if settings.SUGGESTION_CACHE_SECONDS <= 0:
        return compute()[1]()
    own = generations([COMMUNITY, member_generation(viewer_id)])
    key = entry_key(viewer_id, question, own)
    entry = cache.get(key)
    if (
        isinstance(entry, _Entry)
        and entry.viewer_id == viewer_id
        and _pool_generations(entry.pool_ids) == entry.pool_generations
    ):
        return entry.ranking
    pool, rank = compute()
    pool_ids = tuple(sorted(pool))
    pool_generations = _pool_generations(pool_ids)
    ranking = rank()
    cache.set(
        key,
        _Entry(viewer_id, pool_ids, pool_generations, ranking),
        timeout=settings.SUGGESTION_CACHE_SECONDS,
    )
    return ranking


def community_changed() -> None:
    """Every member's suggestions are stale: the stored ties or the vocabulary changed."""
    bump_on_commit([COMMUNITY])


def members_changed(member_ids: Iterable[int]) -> None:
    """These members' own rows changed: their lists, and the lists they are in, are stale."""
    bump_on_commit(member_generation(int(member_id)) for member_id in member_ids)


def _member_fields(*fields: str) -> Callable[[object], list[int]]:
    def members(instance: object) -> list[int]:
        return [value for field in fields if (value := getattr(instance, field)) is not None]

    return members


def announce_saves(model: type[Model], *member_fields: str) -> None:
    """Announce every save and delete of ``model``'s rows as a change of the members they name.

    ``member_fields`` are its attributes holding member ids ("pk" for a member itself).
    """
    members_of = _member_fields(*member_fields)

    def member_rows_changed(sender, instance, **kwargs) -> None:
        if not kwargs.get("raw"):
            members_changed(members_of(instance))

    for signal in (post_save, post_delete):
        signal.connect(
            member_rows_changed,
            sender=model,
            weak=False,
            dispatch_uid=f"suggestion_cache_{model._meta.label}",
        )


def _announce_user_saves() -> None:
    from deskmate.people.models import Member, User

    def user_changed(sender, instance, **kwargs) -> None:
        if not kwargs.get("raw"):
            members_changed(Member.objects.filter(user_id=instance.pk).values_list("pk", flat=True))

    for signal in (post_save, post_delete):
        signal.connect(user_changed, sender=User, weak=False, dispatch_uid="suggestion_cache_user")


def _history_changed(
    sender: object, *, member_id: int | None = None, member_ids: Iterable[int] = (), **kwargs
) -> None:
    # Imports merge histories in bulk (no post_save); the tie refresh that follows replaces
    # ``COMMUNITY``, but the members' own lists need not wait for it.
    members_changed([*member_ids, *([member_id] if member_id is not None else [])])


def connect_receivers() -> None:
    """Replace the generations of what a saved or deleted row of people or network is an input of.

    The mentoring app announces its own rows (availability, mentorships, blocks) in its ``ready``.
    """
    from deskmate.network.models import Vocabulary
    from deskmate.people.models import (
        Education,
        Goal,
        Member,
        MemberSkill,
        Offer,
        Position,
        Skill,
        SkillAlias,
    )

    announce_saves(Member, "pk")
    history_changed.connect(_history_changed, dispatch_uid="suggestion_cache_history")
    for model in (Goal, Position, Education, MemberSkill, Offer):
        announce_saves(model, "member_id")
    _announce_user_saves()

    def community_rows_changed(sender, **kwargs) -> None:
        if not kwargs.get("raw"):
            community_changed()

    community_models: tuple[type[Model], ...] = (Vocabulary, Skill, SkillAlias)
    for community_model in community_models:
        for signal in (post_save, post_delete):
            signal.connect(
                community_rows_changed,
                sender=community_model,
                weak=False,
                dispatch_uid=f"suggestion_cache_{community_model._meta.label}",
            )
