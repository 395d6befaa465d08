"""Ranking: mentor and copilot suggestions for one member, with their reasons.

A candidate's score is a transparent sum (weights in :class:`RankingWeights`)::

    score = fit * w.fit + tie * w.tie + availability * w.availability - load * w.load

``fit`` comes from :mod:`deskmate.engine.fit`; ``tie`` is the strength of the
tie from the evidence the member may see (``TieTable.visible_strengths``);
``availability`` is 1 for a candidate open to the kind of relationship asked
for and with a free place, ``w.waitlisted`` of that when open but full, 0
otherwise; ``load = x / (1 + x)`` with ``x = (active mentees + open
requests) / capacity`` keeps popular mentors from being suggested to
everyone.

Mentor suggestions are candidates who serve at least one of the member's
goals (or, for a member without goals, who are further along). Copilot
suggestions are candidates at a similar career stage who share a workplace
or school with the member.

Equal scores are broken by :func:`tie_break_keys`, a hash of the viewer's and
the candidate's stable keys (their database ids): stable for one viewer from
one day to the next, different from one viewer to another, and never the
member id itself, so that the oldest accounts are not everyone's first
suggestion among equals.

Every suggestion has a reason in words. A candidate for whom none can be
named (no evidence the viewer may see, no goal served in words) is not among
the suggestions; when they are open to the kind of relationship asked for,
they are listed apart in :attr:`Ranking.open_without_history` with the honest
reason :data:`OPEN_WITHOUT_HISTORY`.

Examples
--------
>>> import numpy as np
>>> from deskmate.engine.fit import CareerProfile, Goal, Role
>>> from deskmate.engine.reasons import Names
>>> from deskmate.engine.ties import Community, Contacts, Positions, compute_ties
>>> community = Community(n_members=3, contacts=Contacts.from_rows([(0, 1)]))
>>> ties = compute_ties(community, as_of="2024-01-01")
>>> viewer = CareerProfile(0, roles=(Role("Designer", 2020),),
...                        goals=(Goal(1, "Lead design", target_role="Design Lead"),))
>>> candidates = [CareerProfile(1, roles=(Role("Designer", 2012), Role("Design Lead", 2018))),
...               CareerProfile(2, roles=(Role("Design Lead", 2015),))]
>>> suggestions = rank_suggestions(
...     viewer, candidates, mode=Mode.MENTOR, ties=ties,
...     context=shared_context(0, community, as_of="2024-01-01"),
...     availability=Availability.everyone_open(3), names=Names(), as_of="2024-01-01",
... )
>>> [s.candidate for s in suggestions.suggestions]
[1, 2]
>>> suggestions.suggestions[0].reasons
('In your contacts', 'Moved from designer to design lead in 2018 — one of your goals')
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from deskmate.engine.fit import (
    DEFAULT_FIT_WEIGHTS,
    NO_ALIASES,
    CareerProfile,
    Fit,
    FitWeights,
    Mode,
    fit_candidates,
)
from deskmate.engine.reasons import Names, SharedPlaces, explain
from deskmate.engine.text import Lexicon, TextScorer
from deskmate.engine.ties import (
    Community,
    DateLike,
    Evidence,
    EvidenceKind,
    TieTable,
    as_day,
    stint_spans,
)

__all__ = [
    "OPEN_WITHOUT_HISTORY",
    "Availability",
    "Mode",
    "Ranking",
    "RankingWeights",
    "SharedContext",
    "Suggestion",
    "SuggestionFilter",
    "candidate_pool",
    "rank_suggestions",
    "shared_context",
    "tie_break_keys",
]

_WORK_KINDS = (EvidenceKind.WORKED_TOGETHER, EvidenceKind.SAME_ORGANISATION)
_STUDY_KINDS = (EvidenceKind.STUDIED_TOGETHER, EvidenceKind.ALUMNI)
# Scores are sums of floats: equal ones may differ in the last bits.
_SCORE_DECIMALS = 9

OPEN_WITHOUT_HISTORY: Mapping[Mode, str] = {
    Mode.MENTOR: "Open to mentoring, no shared history yet",
    Mode.COPILOT: "Open to a copilot pairing, no shared history yet",
}
"""The one reason given for a candidate listed in :attr:`Ranking.open_without_history`."""


@dataclass(frozen=True)
class RankingWeights:
    """The weights of the suggestion score, all in one place.

    Attributes
    ----------
    fit : float
        Weight of fit (0–1): how well the candidate's experience covers the
        member's goals and suits their stage. The reason to suggest anyone.
    tie : float
        Weight of the visible tie strength (0–1). Equal to ``fit`` by
        default: deskmate's premise is that a person you already know, with
        slightly less fitting experience, is often the better mentor.
    availability : float
        Weight of availability (0–1): open to this kind of relationship and
        with a free place. Smaller than fit and tie, so that a well-fitting
        colleague who has not said they are open is still shown.
    waitlisted : float
        Availability of a candidate who is open but has no free place, as a
        share of full availability.
    load : float
        Weight of the load penalty (0–1), which grows with active mentees and
        open requests relative to capacity, so that the most popular mentors
        are not suggested to everyone.
    minimum_mentor_stage : float
        Stage fit a mentor needs when the member has no goals to serve: 0.5
        is half of ``FitWeights.mentor_lead_levels`` ahead.
    minimum_copilot_stage : float
        Stage fit a copilot needs; 0.25 keeps peers within about one level.
    """

    fit: float = 1.0
    tie: float = 1.0
    availability: float = 0.3
    waitlisted: float = 0.25
    load: float = 0.3
    minimum_mentor_stage: float = 0.5
    minimum_copilot_stage: float = 0.25


@dataclass(frozen=True, eq=False)
class Availability:
    """Who is open to what, and how busy they are; arrays over all members.

    Attributes
    ----------
    open_to_mentoring, open_to_copilots : bool arrays
        Whether each member accepts mentoring or copilot requests.
    capacity : int array
        How many people each member is willing to guide at once.
    active : int array
        Active mentorships (or copilot pairings) each member guides.
    open_requests : int array
        Requests waiting for each member's answer.
    """

    open_to_mentoring: np.ndarray
    open_to_copilots: np.ndarray
    capacity: np.ndarray
    active: np.ndarray
    open_requests: np.ndarray

    @classmethod
    def everyone_open(cls, n_members: int, capacity: int = 1) -> Availability:
        """Everyone open to both, with ``capacity`` free places and no load."""
        return cls(
            open_to_mentoring=np.ones(n_members, dtype=bool),
            open_to_copilots=np.ones(n_members, dtype=bool),
            capacity=np.full(n_members, capacity, dtype=np.int64),
            active=np.zeros(n_members, dtype=np.int64),
            open_requests=np.zeros(n_members, dtype=np.int64),
        )

    def is_open(self, mode: Mode) -> np.ndarray:
        """Whether each member is open to requests of this mode."""
        return self.open_to_mentoring if mode is Mode.MENTOR else self.open_to_copilots

    def has_place(self) -> np.ndarray:
        """Whether each member has a free place."""
        return np.asarray(self.active) < np.asarray(self.capacity)

    def load(self) -> np.ndarray:
        """Load penalty in ``[0, 1)``: ``x / (1 + x)`` for ``x = (active + requests) / capacity``."""
        busy = (np.asarray(self.active) + np.asarray(self.open_requests)) / np.maximum(
            np.asarray(self.capacity), 1
        )
        return np.asarray(busy / (1 + busy))


@dataclass(frozen=True)
class SuggestionFilter:
    """Narrows suggestions; relationship filters combine with "or".

    Attributes
    ----------
    goal : int or None
        Only candidates who serve this goal, ranked by it alone.
    current_colleagues, former_colleagues, alumni, contacts : bool
        When any is set, only candidates related to the member in at least
        one of the chosen ways.
    open_now : bool
        Only candidates open to the request and with a free place.
    """

    goal: int | None = None
    current_colleagues: bool = False
    former_colleagues: bool = False
    alumni: bool = False
    contacts: bool = False
    open_now: bool = False


@dataclass(frozen=True, eq=False)
class SharedContext:
    """What one viewer shares with every member, read from their own histories.

    Large organisations and schools are not stored as ties; this is how the
    ranker still knows that two people work at the same 50,000-person company.
    Each array has one entry per member: an id, or ``-1`` when nothing is
    shared.

    Attributes
    ----------
    viewer : int
    current_organisation : int array
        An organisation where both work now.
    former_organisation : int array
        An organisation where both were at the same time, not both now.
    school : int array
        A school both attended, in any years.
    """

    viewer: int
    current_organisation: np.ndarray
    former_organisation: np.ndarray
    school: np.ndarray

    def places(self, member: int) -> SharedPlaces:
        """The places shared with one member."""

        def known(value: int) -> int | None:
            return None if value < 0 else int(value)

        return SharedPlaces(
            current_organisation=known(self.current_organisation[member]),
            former_organisation=known(self.former_organisation[member]),
            school=known(self.school[member]),
        )


def shared_context(viewer: int, community: Community, *, as_of: DateLike) -> SharedContext:
    """Workplaces and schools ``viewer`` shares with each member.

    Runs in time linear in the number of positions and education rows, for
    one viewer; where several places are shared the smallest id is reported.

    Examples
    --------
    >>> from deskmate.engine.ties import Community, Educations, Positions
    >>> community = Community(
    ...     n_members=3,
    ...     positions=Positions.from_rows([
    ...         (0, 7, -1, "2010-01-01", None),
    ...         (1, 7, -1, "2015-01-01", None),
    ...         (2, 7, -1, "2011-01-01", "2012-01-01"),
    ...     ]),
    ...     educations=Educations.from_rows([(0, 3, -1, "2005-09-01", "2008-06-30"),
    ...                                      (2, 3, -1, "1990-09-01", "1993-06-30")]),
    ... )
    >>> context = shared_context(0, community, as_of="2024-01-01")
    >>> context.current_organisation.tolist(), context.former_organisation.tolist()
    ([-1, 7, -1], [-1, -1, 7])
    >>> context.school.tolist()
    [-1, -1, 3]
    """
    n_members = community.n_members
    day = as_day(as_of)
    positions = community.positions
    current_organisation = np.full(n_members, -1, dtype=np.int64)
    former_organisation = np.full(n_members, -1, dtype=np.int64)
    start, end, current, valid = stint_spans(positions.start, positions.end, as_of=day)
    mine = valid & (positions.member == viewer)
    others = valid & (positions.member != viewer) & (positions.member >= 0)
    others &= positions.member < n_members
    # Larger ids first, so that the smallest shared id is written last.
    for row in np.flatnonzero(mine)[np.argsort(-positions.organisation[mine], kind="stable")]:
        same = others & (positions.organisation == positions.organisation[row])
        overlapping = same & (start < end[row]) & (end > start[row])
        now = overlapping & current & current[row]
        current_organisation[positions.member[now]] = positions.organisation[row]
        before = overlapping & ~(current & current[row])
        former_organisation[positions.member[before]] = positions.organisation[row]
    # Someone who is a current colleague is not also called a former one there.
    former_organisation[former_organisation == current_organisation] = -1
    educations = community.educations
    school = np.full(n_members, -1, dtype=np.int64)
    my_schools = np.unique(educations.school[educations.member == viewer])
    shared = np.isin(educations.school, my_schools) & (educations.member != viewer)
    shared &= (educations.member >= 0) & (educations.member < n_members)
    rows = np.flatnonzero(shared)
    rows = rows[np.argsort(-educations.school[rows], kind="stable")]
    school[educations.member[rows]] = educations.school[rows]
    return SharedContext(
        viewer=viewer,
        current_organisation=current_organisation,
        former_organisation=former_organisation,
        school=school,
    )


@dataclass(frozen=True)
class Suggestion:
    """One ranked candidate.

    Attributes
    ----------
    candidate : int
        Member index.
    score : float
        The ranking score (see the module docstring).
    fit : float
        Overall fit in ``[0, 1]``.
    tie_strength : float
        Strength of the tie as the viewer may see it, in ``[0, 1]``.
    availability : float
        1 open with a free place, ``waitlisted`` open but full, 0 not open.
    load : float
        Load penalty in ``[0, 1)``.
    goals : tuple of int
        Ids of the viewer's goals this candidate serves, best first.
    reasons : tuple of str
        Why, in words.
    fit_detail : Fit
        The fit behind ``fit``.
    """

    candidate: int
    score: float
    fit: float
    tie_strength: float
    availability: float
    load: float
    goals: tuple[int, ...]
    reasons: tuple[str, ...]
    fit_detail: Fit


@dataclass(frozen=True)
class Ranking:
    """What :func:`rank_suggestions` returns: suggestions, and open people with nothing to name.

    Attributes
    ----------
    suggestions : list of Suggestion
        Best first; every one has at least one reason.
    open_without_history : list of Suggestion
        Candidates who pass the same thresholds and are open to the kind of
        relationship asked for, but for whom no reason can be named; each
        carries the single reason :data:`OPEN_WITHOUT_HISTORY`. Best first.
    """

    suggestions: list[Suggestion]
    open_without_history: list[Suggestion]


def tie_break_keys(viewer_key: int, member_keys: Sequence[int]) -> list[int]:
    """A per-viewer stable order among equals: a 64-bit hash of (viewer, member).

    The same viewer sees the same order every time; another viewer sees
    another; neither order follows the member keys.

    Examples
    --------
    >>> tie_break_keys(7, [1, 2]) == tie_break_keys(7, [1, 2])
    True
    >>> tie_break_keys(7, [1, 2]) != tie_break_keys(8, [1, 2])
    True
    """
    return [
        int.from_bytes(
            hashlib.blake2b(f"{viewer_key}:{key}".encode(), digest_size=8).digest(), "big"
        )
        for key in member_keys
    ]


def candidate_pool(
    viewer: int, ties: TieTable, context: SharedContext, *, limit: int = 500
) -> np.ndarray:
    """Members worth scoring for ``viewer``: tie partners first, then shared places.

    Ordered by visible tie strength (strongest first), then by member index;
    at most ``limit``. The caller loads these members' profiles for
    :func:`rank_suggestions`, and may add others (open mentors, say).

    Examples
    --------
    >>> from deskmate.engine.ties import Community, Contacts, compute_ties
    >>> community = Community(n_members=4, contacts=Contacts.from_rows([(0, 2)]))
    >>> ties = compute_ties(community, as_of="2024-01-01")
    >>> context = shared_context(0, community, as_of="2024-01-01")
    >>> candidate_pool(0, ties, context).tolist()
    [2]
    """
    strengths = ties.visible_strengths(viewer)
    related = (
        (strengths > 0)
        | (context.current_organisation >= 0)
        | (context.former_organisation >= 0)
        | (context.school >= 0)
    )
    related[viewer] = False
    members = np.flatnonzero(related)
    order = np.lexsort((members, -strengths[members]))
    return members[order][:limit]


def _matches_relationship(
    filters: SuggestionFilter, evidence: Sequence[Evidence], places: SharedPlaces
) -> bool:
    wanted = (
        filters.current_colleagues,
        filters.former_colleagues,
        filters.alumni,
        filters.contacts,
    )
    if not any(wanted):
        return True
    kinds_current = [(item.kind, item.current) for item in evidence]
    current = places.current_organisation is not None or any(
        kind in _WORK_KINDS and is_current for kind, is_current in kinds_current
    )
    former = places.former_organisation is not None or any(
        kind in _WORK_KINDS and not is_current for kind, is_current in kinds_current
    )
    alumni = places.school is not None or any(kind in _STUDY_KINDS for kind, _ in kinds_current)
    contact = any(kind is EvidenceKind.CONTACT for kind, _ in kinds_current)
    return (
        (filters.current_colleagues and current)
        or (filters.former_colleagues and former)
        or (filters.alumni and alumni)
        or (filters.contacts and contact)
    )


def _shares_workplace_or_school(evidence: Sequence[Evidence], places: SharedPlaces) -> bool:
    if any(item.kind in _WORK_KINDS or item.kind in _STUDY_KINDS for item in evidence):
        return True
    return any(
        place is not None
        for place in (places.current_organisation, places.former_organisation, places.school)
    )


def rank_suggestions(
    viewer: CareerProfile,
    candidates: Sequence[CareerProfile],
    *,
    mode: Mode,
    ties: TieTable,
    context: SharedContext,
    availability: Availability,
    names: Names,
    as_of: DateLike,
    lexicon: Lexicon = NO_ALIASES,
    weights: RankingWeights = RankingWeights(),
    fit_weights: FitWeights = DEFAULT_FIT_WEIGHTS,
    filters: SuggestionFilter = SuggestionFilter(),
    text_scorer: TextScorer | None = None,
    limit: int | None = 20,
    open_limit: int = 5,
    member_keys: Sequence[int] | None = None,
) -> Ranking:
    """Ranked mentor or copilot suggestions for ``viewer``, with reasons.

    Parameters
    ----------
    viewer : CareerProfile
        The member asking, with their goals.
    candidates : sequence of CareerProfile
        Who to consider, e.g. :func:`candidate_pool`; the viewer is skipped.
    mode : Mode
        Mentor or copilot suggestions.
    ties : TieTable
        Ties of the community (or at least those of the viewer).
    context : SharedContext
        :func:`shared_context` for the viewer.
    availability : Availability
        Openness, capacity and load of every member.
    names : Names
        Display names for the reasons.
    as_of : date
        Today.
    lexicon, fit_weights, text_scorer
        Passed to :func:`~deskmate.engine.fit.fit_candidates`.
    weights : RankingWeights
        The score's weights.
    filters : SuggestionFilter
        Narrowing chosen by the member.
    limit : int or None
        Most suggestions returned.
    open_limit : int
        Most candidates listed in ``open_without_history``.
    member_keys : sequence of int, optional
        Each member's stable key by index (its database id), from which
        :func:`tie_break_keys` orders equal scores; the indices by default.

    Returns
    -------
    Ranking
        Suggestions best first, equal scores in the viewer's
        :func:`tie_break_keys` order; open candidates without a nameable
        reason apart.
    """
    if context.viewer != viewer.member:
        raise ValueError("the shared context was computed for another member")
    today = as_day(as_of)
    current_year = int(str(today)[:4])
    if filters.goal is not None:
        viewer = dataclasses.replace(
            viewer, goals=tuple(goal for goal in viewer.goals if goal.id == filters.goal)
        )
    strengths = ties.visible_strengths(viewer.member)
    is_open = np.asarray(availability.is_open(mode), dtype=bool)
    has_place = availability.has_place() if mode is Mode.MENTOR else np.ones_like(is_open)
    load = availability.load()

    considered = _considered(
        viewer.member,
        candidates,
        ties=ties,
        context=context,
        filters=filters,
        mode=mode,
        open_with_place=is_open & has_place,
    )

    fits = fit_candidates(
        viewer,
        [candidate for candidate, _, _ in considered],
        mode=mode,
        current_year=current_year,
        lexicon=lexicon,
        weights=fit_weights,
        text_scorer=text_scorer,
    )
    scored: list[_Scored] = []
    for (candidate, evidence, places), fit in zip(considered, fits, strict=True):
        member = candidate.member
        served = tuple(
            goal_fit.goal for goal_fit in fit.goals if goal_fit.score >= fit_weights.goal_served
        )
        if filters.goal is not None and not served:
            continue
        if mode is Mode.MENTOR and not (
            served if viewer.goals else fit.stage_score >= weights.minimum_mentor_stage
        ):
            continue
        if mode is Mode.COPILOT and fit.stage_score < weights.minimum_copilot_stage:
            continue
        available = (1.0 if has_place[member] else weights.waitlisted) if is_open[member] else 0.0
        score = (
            weights.fit * fit.score
            + weights.tie * strengths[member]
            + weights.availability * available
            - weights.load * load[member]
        )
        scored.append((float(score), member, available, fit, served, evidence, places))
    keys = range(ties.n_members) if member_keys is None else member_keys
    order = tie_break_keys(keys[viewer.member], [keys[row[1]] for row in scored])
    ranked = [
        row
        for _, row in sorted(
            zip(order, scored, strict=True),
            key=lambda pair: (-round(pair[1][0], _SCORE_DECIMALS), pair[0], pair[1][1]),
        )
    ]

    def explained(row: _Scored) -> tuple[str, ...]:
        _, member, _, fit, _, evidence, places = row
        return explain(
            viewer.member,
            member,
            evidence=evidence,
            names=names,
            as_of=today.astype(datetime.date),
            fit=fit,
            places=places,
            mode=mode,
        )

    def suggestion(row: _Scored, reasons: tuple[str, ...]) -> Suggestion:
        score, member, available, fit, served, _, _ = row
        return Suggestion(
            candidate=member,
            score=score,
            fit=fit.score,
            tie_strength=float(strengths[member]),
            availability=available,
            load=float(load[member]),
            goals=served,
            reasons=reasons,
            fit_detail=fit,
        )

    return _split_by_reasons(
        ranked, explained, suggestion, mode=mode, limit=limit, open_limit=open_limit
    )


_Scored = tuple[float, int, float, Fit, tuple[int, ...], list[Evidence], SharedPlaces]


def _considered(
    viewer: int,
    candidates: Sequence[CareerProfile],
    *,
    ties: TieTable,
    context: SharedContext,
    filters: SuggestionFilter,
    mode: Mode,
    open_with_place: np.ndarray,
) -> list[tuple[CareerProfile, list[Evidence], SharedPlaces]]:
    """Candidates the filters and the mode let through, each once, with what the viewer shares with them."""
    considered: list[tuple[CareerProfile, list[Evidence], SharedPlaces]] = []
    seen: set[int] = set()
    for candidate in candidates:
        member = candidate.member
        if member == viewer or member in seen:
            continue
        seen.add(member)
        if filters.open_now and not open_with_place[member]:
            continue
        evidence = ties.visible_evidence(viewer, member)
        places = context.places(member)
        if not _matches_relationship(filters, evidence, places):
            continue
        if mode is Mode.COPILOT and not _shares_workplace_or_school(evidence, places):
            continue
        considered.append((candidate, evidence, places))
    return considered


def _split_by_reasons(
    ranked: Sequence[_Scored],
    explained: Callable[[_Scored], tuple[str, ...]],
    suggestion: Callable[[_Scored, tuple[str, ...]], Suggestion],
    *,
    mode: Mode,
    limit: int | None,
    open_limit: int,
) -> Ranking:
    """Suggestions with reasons, and open candidates without, each list in rank order.

    Reasons are written only until both lists are full.
    """
    shown: list[Suggestion] = []
    apart: list[Suggestion] = []
    for row in ranked:
        shown_full = limit is not None and len(shown) >= limit
        if shown_full and len(apart) >= open_limit:
            break
        reasons = explained(row)
        if reasons and not shown_full:
            shown.append(suggestion(row, reasons))
        elif not reasons and row[2] > 0 and len(apart) < open_limit:
            apart.append(suggestion(row, (OPEN_WITHOUT_HISTORY[mode],)))
    return Ranking(suggestions=shown, open_without_history=apart)
