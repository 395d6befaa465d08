"""Mentor and copilot suggestions for one member, from the ties stored for them.

Only the viewer's neighbourhood is read: their stored ties, and members who
share a workplace or school with them. The engine ranks that small local
community; nothing here loops over the whole membership.
"""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from django.utils import timezone

from deskmate.engine.fit import CareerProfile, Goal, Mode, Role
from deskmate.engine.ranking import (
    Availability,
    Suggestion,
    SuggestionFilter,
    rank_suggestions,
    shared_context,
)
from deskmate.engine.reasons import Names
from deskmate.engine.text import LexicalScorer
from deskmate.engine.ties import TieTable
from deskmate.mentoring.selectors import blocked_member_ids
from deskmate.network import neighbourhood, suggestion_cache, vocabulary
from deskmate.network.neighbourhood import LocalHistories, Standing
from deskmate.network.suggestion_cache import RankedItem, Ranking
from deskmate.network.tie_store import evidence_records, visible_strength
from deskmate.people.models import Member, Organisation, School, Unit
from deskmate.people.selectors import visible_member_ids

#: How many members who merely share a workplace or school are considered, besides tie partners.
PLACE_CANDIDATES = 40
#: How many distinct members of the viewer's places are read to find them (only the open ones
#: are kept); a member with several positions at a place counts once.
PLACE_READ = 4 * PLACE_CANDIDATES
#: How many tie partners, strongest first (by what the viewer may see), are considered.
TIE_CANDIDATES = 60


@dataclass(frozen=True)
class MemberSuggestion:
    member: Member
    score: float
    fit: float
    tie_strength: float
    reasons: tuple[str, ...]
    goals: tuple[int, ...]


@dataclass(frozen=True)
class SuggestionLists:
    """Suggestions, each with a reason; and open members with nothing to name yet, listed apart."""

    suggestions: list[MemberSuggestion]
    open_without_history: list[MemberSuggestion]


def _profiles(member_ids: list[int], viewer: Member, local: LocalHistories) -> list[CareerProfile]:
    """Career profiles of the local members, in their order; positions come from the histories already read."""
    roles: list[list[Role]] = [[] for _ in member_ids]
    positions = local.community.positions
    owners = positions.member.tolist()
    start_years = (positions.start.astype("datetime64[Y]").astype(int) + 1970).tolist()
    end_years = (positions.end.astype("datetime64[Y]").astype(int) + 1970).tolist()
    open_ended = np.isnat(positions.end).tolist()
    for row, title in enumerate(local.position_titles):
        roles[owners[row]].append(
            Role(
                title=title,
                start_year=start_years[row],
                end_year=None if open_ended[row] else end_years[row],
            )
        )
    skills = neighbourhood.skills(member_ids)
    offers = neighbourhood.offers(member_ids)
    goals = tuple(
        Goal(
            id=goal.pk,
            text=goal.text,
            target_role=goal.target_role,
            skills=(goal.target_skill.name,) if goal.target_skill else (),
        )
        for goal in viewer.goals.select_related("target_skill")
    )
    return [
        CareerProfile(
            member=index,
            roles=tuple(roles[index]),
            skills=tuple(skills[member_id]),
            offers=tuple(offers[member_id]),
            goals=goals if index == 0 else (),
        )
        for index, member_id in enumerate(member_ids)
    ]


def _place_members(viewer: Member, as_of: dt.date) -> list[int]:
    """Members who share an organisation or school with the viewer, a few times more than will be kept.

    Current workplaces first, then former ones, then schools. Within a place
    the starting member changes with the viewer and the day, so that a large
    organisation's first few members are not everyone's suggestion.
    """
    organisations, schools = neighbourhood.places_of(viewer.pk)
    if not organisations and not schools:
        return []
    start_at = random.Random(f"{viewer.pk}:{as_of.isoformat()}").randint(
        *neighbourhood.member_id_range()
    )
    return neighbourhood.place_members(
        organisations=organisations,
        schools=schools,
        exclude=viewer.pk,
        start_at=start_at,
        limit=PLACE_READ,
    )


def _is_open(standing: Standing, mode: Mode) -> bool:
    return standing.open_to_mentoring if mode is Mode.MENTOR else standing.wants_copilot


def _availability(member_ids: list[int], standings: dict[int, Standing]) -> Availability:
    members = [standings[member_id] for member_id in member_ids]
    return Availability(
        open_to_mentoring=np.array([m.open_to_mentoring for m in members], dtype=bool),
        open_to_copilots=np.array([m.wants_copilot for m in members], dtype=bool),
        capacity=np.array([m.capacity for m in members], dtype=np.int64),
        active=np.array([m.active for m in members], dtype=np.int64),
        open_requests=np.array([m.waiting for m in members], dtype=np.int64),
    )


@dataclass(frozen=True)
class _Pool:
    """Everyone a suggestion list may draw from: the viewer's strongest visible ties and members of their places."""

    tie_rows: list
    partners: set[int]
    places: list[int]

    @property
    def member_ids(self) -> set[int]:
        return self.partners | set(self.places)


def _pool(viewer: Member, as_of: dt.date) -> _Pool:
    tie_rows = _strongest_visible(neighbourhood.viewer_ties(viewer.pk), viewer.pk, TIE_CANDIDATES)
    partners = {low if high == viewer.pk else high for low, high, _ in tie_rows}
    return _Pool(tie_rows=tie_rows, partners=partners, places=_place_members(viewer, as_of))


def _neighbourhood(
    viewer: Member, mode: Mode, pool: _Pool
) -> tuple[list[int], dict[int, Standing]]:
    """Who is ranked: the pool's tie partners and a few open members of the viewer's places.

    Returns the member ids (the viewer first, then the candidates by id) and
    every read member's standing. Only members whose profile the viewer may
    open are kept; blocked members, and for mentors members who stopped
    answering, are left out.
    """
    partners, places = pool.partners, pool.places
    visible = visible_member_ids(viewer, pool.member_ids)
    standings = neighbourhood.standings([viewer.pk, *visible])
    excluded = blocked_member_ids(viewer) | {viewer.pk}

    def eligible(member_id: int) -> bool:
        return member_id not in excluded and not (
            mode is Mode.MENTOR and standings[member_id].inactive
        )

    # Beside tie partners, the first few open members of the viewer's places.
    colleagues = [
        member_id
        for member_id in places
        if member_id in visible
        and member_id not in partners
        and eligible(member_id)
        and _is_open(standings[member_id], mode)
    ][:PLACE_CANDIDATES]
    candidates = sorted(
        {member_id for member_id in partners & visible if eligible(member_id)} | set(colleagues)
    )
    return [viewer.pk, *candidates], standings


def suggestions_for(
    viewer: Member,
    *,
    copilots: bool = False,
    filters: SuggestionFilter | None = None,
    limit: int = 20,
    as_of: dt.date | None = None,
) -> list[MemberSuggestion]:
    """Ranked suggestions with their reasons, never naming what the viewer may not see."""
    return suggestion_lists(
        viewer, copilots=copilots, filters=filters, limit=limit, as_of=as_of
    ).suggestions


def suggestion_lists(
    viewer: Member,
    *,
    copilots: bool = False,
    filters: SuggestionFilter | None = None,
    limit: int = 20,
    open_limit: int = 5,
    as_of: dt.date | None = None,
) -> SuggestionLists:
    """Suggestions, and apart from them open members with no shared history to name.

    Equal scores are ordered by a hash of the viewer's and the candidate's
    member ids (see ``deskmate.engine.ranking.tie_break_keys``). The ranking
    is cached for the viewer until one of its inputs changes
    (:mod:`deskmate.network.suggestion_cache`); the members are read afresh.
    """
    mode = Mode.COPILOT if copilots else Mode.MENTOR
    filters = filters or SuggestionFilter()
    as_of = as_of or timezone.localdate()
    ranked = suggestion_cache.cached_ranking(
        viewer.pk,
        (mode.value, filters, limit, open_limit, as_of.isoformat()),
        lambda: _ranked(viewer, mode, filters, limit, open_limit, as_of),
    )
    members = Member.objects.in_bulk(
        [item.member_id for item in ranked.suggestions + ranked.open_without_history]
    )

    def for_members(items: tuple[RankedItem, ...]) -> list[MemberSuggestion]:
        return [
            MemberSuggestion(
                member=members[item.member_id],
                score=item.score,
                fit=item.fit,
                tie_strength=item.tie_strength,
                reasons=item.reasons,
                goals=item.goals,
            )
            for item in items
            if item.member_id in members
        ]

    return SuggestionLists(
        suggestions=for_members(ranked.suggestions),
        open_without_history=for_members(ranked.open_without_history),
    )


def _ranked(
    viewer: Member,
    mode: Mode,
    filters: SuggestionFilter,
    limit: int,
    open_limit: int,
    as_of: dt.date,
) -> tuple[set[int], Callable[[], Ranking]]:
    """The pool the ranking draws from, read first, and the rest of the ranking, to run next.

    The cache reads the pool's generations between the two, so that a change
    to any pool member committed while the ranking runs makes it stale.
    """
    pool = _pool(viewer, as_of)

    def rank() -> Ranking:
        member_ids, standings = _neighbourhood(viewer, mode, pool)
        index_of = {member_id: index for index, member_id in enumerate(member_ids)}
        local = neighbourhood.histories(member_ids)
        programme_ids: dict[str, int] = {}
        records = evidence_records(pool.tie_rows, index_of, programme_ids)
        ties = TieTable.from_evidence(len(member_ids), records)
        context = shared_context(0, local.community, as_of=as_of)
        profiles = _profiles(member_ids, viewer, local)
        names = _names(records, context, programme_ids)
        lexicon = vocabulary.lexicon()
        ranked = rank_suggestions(
            profiles[0],
            profiles[1:],
            mode=mode,
            ties=ties,
            context=context,
            availability=_availability(member_ids, standings),
            names=names,
            as_of=as_of,
            lexicon=lexicon,
            text_scorer=LexicalScorer(lexicon, vocabulary.term_weights()),
            filters=filters,
            limit=limit,
            open_limit=open_limit,
            member_keys=member_ids,
        )

        def items(found: list[Suggestion]) -> tuple[RankedItem, ...]:
            return tuple(
                RankedItem(
                    member_id=member_ids[item.candidate],
                    score=item.score,
                    fit=item.fit,
                    tie_strength=item.tie_strength,
                    reasons=item.reasons,
                    goals=item.goals,
                )
                for item in found
            )

        return Ranking(
            suggestions=items(ranked.suggestions),
            open_without_history=items(ranked.open_without_history),
        )

    return pool.member_ids, rank


def _strongest_visible(tie_rows, viewer_id: int, limit: int):
    """The viewer's ties with the highest strength counting only evidence the viewer may see."""

    scored = [
        (visible_strength(evidence, viewer_id), low, high, evidence)
        for low, high, evidence in tie_rows
    ]
    scored = [row for row in scored if row[0] > 0]
    scored.sort(key=lambda row: (-row[0], row[1], row[2]))
    return [(low, high, evidence) for _, low, high, evidence in scored[:limit]]


def _names(records, context, programme_ids: dict[str, int]) -> Names:
    organisation_ids = {r.organisation for r in records if r.organisation is not None}
    organisation_ids |= set(
        context.current_organisation[context.current_organisation >= 0].tolist()
    )
    organisation_ids |= set(context.former_organisation[context.former_organisation >= 0].tolist())
    school_ids = {r.school for r in records if r.school is not None} | set(
        context.school[context.school >= 0].tolist()
    )
    unit_ids = {r.unit for r in records if r.unit is not None}
    organisations, units, schools = neighbourhood.names(
        [(Organisation, organisation_ids), (Unit, unit_ids), (School, school_ids)]
    )
    return Names(
        organisations=organisations,
        units=units,
        schools=schools,
        programmes={index: name for name, index in programme_ids.items()},
    )
