"""A programme's score matrix, read out of the database, and its solution by the engine.

Rows are mentees and columns mentors (in a peer programme both are the same
list of peers). A pair's score adds up, each part in [0, 1]:

- fit: how well the mentor's experience covers the mentee's goals (engine.fit),
- topic agreement: how alike the two ranked the programme's topics,
- the mentee's own ranking of mentors,
- the tie between them, from stored ties, weighted by the programme's signed tie
  weight: positive prefers people who know each other, negative prefers strangers.

Only tie evidence that is not private to one member (no ``private_to``) is read:
someone's imported contacts and logged interactions never steer a programme,
nor are they shown to a coordinator.

Hard rules make a pair forbidden (NaN): the same reporting line, the same unit,
the programme's organisation rule, a block either way, a coordinator's forbid,
or an active mentorship the two already share. Published pairs and a
coordinator's pins are pins: the solver keeps them and they use up capacity.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from deskmate.engine.assignment import AssignmentResult, assign, evaluate_assignment
from deskmate.engine.fit import CareerProfile, Fit, Goal, Mode, Role, fit_candidates
from deskmate.engine.peer_pairing import pair_peers
from deskmate.engine.quotas import MIN_DISTINCT, assign_with_quotas
from deskmate.engine.reasons import Names, explain
from deskmate.engine.stable import fair_keys, mentor_proposing, rank_matrix, strict_orders
from deskmate.engine.text import Lexicon
from deskmate.engine.ties import Evidence, TieTable
from deskmate.mentoring.models import GroupMembership, Mentorship
from deskmate.mentoring.selectors import active_mentee_count, blocked_member_ids
from deskmate.mentoring.states import State
from deskmate.network.models import Tie
from deskmate.network.tie_store import evidence_records
from deskmate.people.models import Member, Organisation, Position, School, SkillAlias, Unit
from deskmate.programmes.attributes import QuotaPlan, outcome_words, quota_plan, rule_effects
from deskmate.programmes.models import Application, PairRule, Programme, ProposedPair

FIT_WEIGHT = 1.0
TOPIC_WEIGHT = 0.5
PREFERENCE_WEIGHT = 0.5
#: Every allowed pair scores above zero, so the optimal method leaves someone
#: unmatched only when rules or capacities leave no other way.
SCORE_FLOOR = 0.01
#: How deep a manager chain is followed (a cycle in bad data stops here too).
MAX_CHAIN = 50

RULE_WORDS = {
    "self": "they are the same person",
    "reporting_line": "one is in the other's reporting line",
    "unit": "they work in the same unit",
    "organisation_same": "they do not share a current organisation, which this programme requires",
    "organisation_different": "they share a current organisation, which this programme rules out",
    "blocked": "one of them has blocked the other",
    "forbidden": "a coordinator forbade this pair",
    "together": "they are already in an active mentorship together",
    "ended": "their mentorship from this programme ended early",
}
#: Each hard rule as a run reports it ("… rules out 12 of 400 pairs").
RULE_TITLES = {
    "reporting_line": "never in the same reporting line",
    "unit": "never in the same unit",
    "organisation_same": "mentee and mentor must share a current organisation",
    "organisation_different": "mentee and mentor must not share a current organisation",
    "blocked": "never someone either of them blocked",
    "forbidden": "pairs a coordinator forbade",
    "together": "not already in an active mentorship together",
    "ended": "not again after their mentorship from this programme ended early",
}
ORDINALS = {1: "first", 2: "second", 3: "third"}
Progress = Callable[[int], None]


def no_progress(percent: int) -> None:
    return None


@dataclass
class ScoreMatrix:
    """Everything the solver needs and everything the review page explains, by index."""

    programme: Programme
    mentee_ids: list[int]
    mentor_ids: list[int]
    scores: np.ndarray
    fit: np.ndarray
    tie: np.ndarray
    topics: np.ndarray
    preference_rank: np.ndarray
    capacity: np.ndarray
    rules: dict[str, np.ndarray]
    pins: list[tuple[int, int]] = field(default_factory=list)
    #: Pins that are pairs published earlier, with their mentorship ids (None in a group).
    published: dict[tuple[int, int], int | None] = field(default_factory=dict)
    #: Pairs made in earlier rounds of a peer programme.
    previous_pairs: list[tuple[int, int]] = field(default_factory=list)
    preferences: list[list[int]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    fits: dict[tuple[int, int], Fit] = field(default_factory=dict)
    #: Public evidence by the pair's local indices (see ``index_of``), lower first.
    evidence: dict[tuple[int, int], list[Evidence]] = field(default_factory=dict)
    index_of: dict[int, int] = field(default_factory=dict)
    names: Names = field(default_factory=Names)
    members: dict[int, Member] = field(default_factory=dict)
    topic_ranks: dict[int, dict[str, int]] = field(default_factory=dict)
    #: Each side's own score of a pair (``scores`` weighs the two with the mentor weight).
    mentee_side: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    mentor_side: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    #: The rank a mentor gave a mentee (1 = first choice, 0 = none), by row and column.
    mentor_preference_rank: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    #: Each mentee's own ranking (column indices) and each mentor's (row indices).
    mentee_rankings: list[list[int]] = field(default_factory=list)
    mentor_rankings: list[list[int]] = field(default_factory=list)
    #: Words for rules beyond RULE_WORDS (the programme's attribute rules), by mask name.
    rule_words: dict[str, str] = field(default_factory=dict)
    #: The programme's quotas over the matched mentees.
    quota_plan: QuotaPlan | None = None
    #: Titles of the programme's attribute rules, by mask name (see RULE_TITLES).
    rule_titles: dict[str, str] = field(default_factory=dict)
    #: Each soft preference's title and how many pairs it raises.
    preferences_raised: list[tuple[str, int]] = field(default_factory=list)

    @property
    def is_peer(self) -> bool:
        return self.programme.is_peer

    def forbidden_reasons(self, row: int, col: int) -> list[str]:
        words = {**RULE_WORDS, **self.rule_words}
        return [words[name] for name, mask in self.rules.items() if mask[row, col]]


# ---------------------------------------------------------------- facts about members


def _lexicon() -> Lexicon:
    return Lexicon(dict(SkillAlias.objects.values_list("normalised_name", "skill__name")))


def _reporting_chains(member_ids: list[int]) -> dict[int, set[int]]:
    """Each member's managers, their managers, and so on up."""
    manager_of: dict[int, int | None] = {}
    wanted = set(member_ids)
    for _ in range(MAX_CHAIN):
        wanted -= set(manager_of)
        if not wanted:
            break
        rows = dict(Member.objects.filter(pk__in=wanted).values_list("pk", "manager_id"))
        manager_of.update({member_id: rows.get(member_id) for member_id in wanted})
        wanted = {manager for manager in rows.values() if manager is not None}
    chains: dict[int, set[int]] = {}
    for member_id in member_ids:
        chain: set[int] = set()
        current = manager_of.get(member_id)
        while current is not None and current not in chain and len(chain) < MAX_CHAIN:
            chain.add(current)
            current = manager_of.get(current)
        chains[member_id] = chain
    return chains


def _current_places(member_ids: list[int]) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    organisations: dict[int, set[int]] = defaultdict(set)
    units: dict[int, set[int]] = defaultdict(set)
    for member_id, organisation_id, unit_id in Position.objects.filter(
        member_id__in=member_ids, end__isnull=True
    ).values_list("member_id", "organisation_id", "unit_id"):
        organisations[member_id].add(organisation_id)
        if unit_id is not None:
            units[member_id].add(unit_id)
    return organisations, units


def _profiles(
    member_ids: list[int], index_of: dict[int, int], applications: dict[int, Application]
) -> dict[int, CareerProfile]:
    roles: dict[int, list[Role]] = defaultdict(list)
    for member_id, title, start, end in Position.objects.filter(
        member_id__in=member_ids
    ).values_list("member_id", "title", "start", "end"):
        roles[member_id].append(
            Role(title=title, start_year=start.year, end_year=end.year if end else None)
        )
    skills: dict[int, list[str]] = defaultdict(list)
    for member_id, name in Member.objects.filter(
        pk__in=member_ids, skills__isnull=False
    ).values_list("pk", "skills__skill__name"):
        skills[member_id].append(name)
    offers: dict[int, list[str]] = defaultdict(list)
    for member_id, text in Member.objects.filter(
        pk__in=member_ids, offers__isnull=False
    ).values_list("pk", "offers__text"):
        offers[member_id].append(text)
    goals: dict[int, list[Goal]] = defaultdict(list)
    for member_id, goal_id, text, target_role, skill in Member.objects.filter(
        pk__in=member_ids, goals__isnull=False
    ).values_list(
        "pk", "goals__id", "goals__text", "goals__target_role", "goals__target_skill__name"
    ):
        goals[member_id].append(
            Goal(id=goal_id, text=text, target_role=target_role, skills=(skill,) if skill else ())
        )
    profiles = {}
    for member_id in member_ids:
        application = applications[member_id]
        member_goals, member_offers = list(goals[member_id]), list(offers[member_id])
        if application.goals.strip():
            # A mentor's words on the form say what they offer; everyone else's what they want.
            if application.role == Application.Role.MENTOR:
                member_offers.append(application.goals.strip())
            else:
                member_goals.append(Goal(id=-application.pk, text=application.goals.strip()))
        profiles[member_id] = CareerProfile(
            member=index_of[member_id],
            roles=tuple(roles[member_id]),
            skills=tuple(skills[member_id]),
            offers=tuple(member_offers),
            goals=tuple(member_goals),
        )
    return profiles


def _public_ties(
    member_ids: list[int], index_of: dict[int, int]
) -> tuple[list[Evidence], dict[str, int]]:
    """Tie evidence among the applicants that neither side holds privately."""
    rows = []
    for low, high, evidence in Tie.objects.filter(
        member_low_id__in=member_ids, member_high_id__in=member_ids
    ).values_list("member_low_id", "member_high_id", "evidence"):
        public = [item for item in evidence if item.get("private_to") is None]
        if public:
            rows.append((low, high, public))
    programme_ids: dict[str, int] = {}
    return evidence_records(rows, index_of, programme_ids), programme_ids


def _names(records: list[Evidence], programme_ids: dict[str, int]) -> Names:
    return Names(
        organisations=dict(
            Organisation.objects.filter(
                pk__in={r.organisation for r in records if r.organisation}
            ).values_list("pk", "name")
        ),
        units=dict(
            Unit.objects.filter(pk__in={r.unit for r in records if r.unit}).values_list(
                "pk", "name"
            )
        ),
        schools=dict(
            School.objects.filter(pk__in={r.school for r in records if r.school}).values_list(
                "pk", "name"
            )
        ),
        programmes={index: name for name, index in programme_ids.items()},
    )


def topic_vector(ranks: dict[str, int], topics: list[str]) -> np.ndarray:
    """Weights of a ranking: 1 for a first choice, 1/2 for a second…; 1 for a choice without a rank."""
    return np.array(
        [
            0.0 if topic not in ranks else (1.0 if ranks[topic] <= 0 else 1.0 / ranks[topic])
            for topic in topics
        ]
    )


def _topic_agreement(rows: list[dict], cols: list[dict], topics: list[str]) -> np.ndarray:
    """Cosine similarity of the two sides' topic weights (0 when either chose none)."""
    if not topics:
        return np.zeros((len(rows), len(cols)))

    def normalised(rankings: list[dict]) -> np.ndarray:
        matrix = np.array([topic_vector(ranks, topics) for ranks in rankings]).reshape(
            len(rankings), len(topics)
        )
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)

    return normalised(rows) @ normalised(cols).T


# ---------------------------------------------------------------- rules


def _rule_masks(
    programme: Programme, mentee_ids: list[int], mentor_ids: list[int]
) -> dict[str, np.ndarray]:
    shape = (len(mentee_ids), len(mentor_ids))
    rows = {member_id: index for index, member_id in enumerate(mentee_ids)}
    cols = {member_id: index for index, member_id in enumerate(mentor_ids)}
    everyone = sorted(set(mentee_ids) | set(mentor_ids))
    masks = {name: np.zeros(shape, dtype=bool) for name in RULE_WORDS}

    def mark(name: str, first: int, second: int) -> None:
        for a, b in ((first, second), (second, first)):
            if a in rows and b in cols:
                masks[name][rows[a], cols[b]] = True

    for member_id in set(mentee_ids) & set(mentor_ids):
        masks["self"][rows[member_id], cols[member_id]] = True
    if programme.avoid_reporting_line:
        for member_id, chain in _reporting_chains(everyone).items():
            for manager in chain:
                mark("reporting_line", member_id, manager)
    masks.update(_place_masks(programme, mentee_ids, mentor_ids, everyone))
    for name, pairs in _refused_pairs(programme, mentee_ids, mentor_ids, everyone).items():
        for requester_id, recipient_id in pairs:
            mark(name, requester_id, recipient_id)
    return masks


def _place_masks(
    programme: Programme, mentee_ids: list[int], mentor_ids: list[int], everyone: list[int]
) -> dict[str, np.ndarray]:
    """The unit and organisation rules, on the members' current positions."""
    masks: dict[str, np.ndarray] = {}
    if (
        not programme.avoid_same_unit
        and programme.organisation_rule == Programme.OrganisationRule.ANY
    ):
        return masks
    organisations, units = _current_places(everyone)
    if programme.avoid_same_unit:
        masks["unit"] = _share(units, mentee_ids, mentor_ids)
    shared = _share(organisations, mentee_ids, mentor_ids)
    if programme.organisation_rule == Programme.OrganisationRule.SAME:
        masks["organisation_same"] = ~shared
    elif programme.organisation_rule == Programme.OrganisationRule.DIFFERENT:
        masks["organisation_different"] = shared
    return masks


def _refused_pairs(
    programme: Programme, mentee_ids: list[int], mentor_ids: list[int], everyone: list[int]
) -> dict[str, list[tuple[int, int]]]:
    """Pairs of member ids (either way round) kept apart: blocks, a coordinator's forbids,
    active mentorships they already share, this programme's that ended early."""
    mentor_set = set(mentor_ids)
    blocked = [
        (member_id, other)
        for member_id in mentee_ids
        for other in blocked_member_ids(Member(pk=member_id)) & mentor_set
    ]
    forbidden = PairRule.objects.filter(programme=programme, kind=PairRule.Kind.FORBID)
    kind = Mentorship.Kind.COPILOT if programme.is_peer else Mentorship.Kind.MENTORSHIP
    together = Mentorship.objects.filter(
        kind=kind, state=State.ACTIVE, requester_id__in=everyone, recipient_id__in=everyone
    ).exclude(programme_id=programme.pk)
    ended = Mentorship.objects.filter(
        programme_id=programme.pk,
        state=State.ENDED_EARLY,
        requester_id__in=everyone,
        recipient_id__in=everyone,
    )
    return {
        "blocked": blocked,
        "forbidden": list(forbidden.values_list("mentee_id", "mentor_id")),
        "together": list(together.values_list("requester_id", "recipient_id")),
        "ended": list(ended.values_list("requester_id", "recipient_id")),
    }


def _share(places: dict[int, set[int]], mentee_ids: list[int], mentor_ids: list[int]) -> np.ndarray:
    mask = np.zeros((len(mentee_ids), len(mentor_ids)), dtype=bool)
    by_place: dict[int, list[int]] = defaultdict(list)
    for col, member_id in enumerate(mentor_ids):
        for place in places.get(member_id, ()):
            by_place[place].append(col)
    for row, member_id in enumerate(mentee_ids):
        for place in places.get(member_id, ()):
            mask[row, by_place[place]] = True
    return mask


def rule_refusals(programme: Programme, mentee_id: int, mentor_id: int) -> list[str]:
    """Why a pair may not be made, in words; empty when the rules allow it."""
    masks = _rule_masks(programme, [mentee_id], [mentor_id])
    return [RULE_WORDS[name] for name, mask in masks.items() if name != "forbidden" and mask[0, 0]]


# ---------------------------------------------------------------- published pairs


def published_pairs(programme: Programme) -> dict[tuple[int, int], tuple[int | None, int]]:
    """(mentee id, mentor id) → (mentorship id, round) of every pair published and still standing.

    A group programme's pair stands while its mentee is still in the mentor's group; it has
    no mentorship of its own (None).
    """
    in_group = GroupMembership.objects.filter(
        group_id=OuterRef("group_id"), mentee_id=OuterRef("mentee_id"), left_at__isnull=True
    )
    rows = (
        ProposedPair.objects.filter(run__programme=programme)
        .filter(
            Q(mentorship__isnull=False, mentorship__state__in=[State.ACTIVE, State.COMPLETED])
            | Q(Exists(in_group), group__isnull=False)
        )
        .values_list("mentee_id", "mentor_id", "mentorship_id", "run__round")
        .order_by("run__round", "id")
    )
    return {(mentee, mentor): (mentorship, round_) for mentee, mentor, mentorship, round_ in rows}


# ---------------------------------------------------------------- the matrix


def capacity_of(
    programme: Programme, applications: list[Application], published_load: dict[int, int]
) -> np.ndarray:
    """Places per mentor: the programme's and the mentor's own limit, within their free places."""
    capacity = []
    for application in applications:
        asked = min(
            application.capacity or programme.capacity_per_mentor, programme.capacity_per_mentor
        )
        member = application.member
        load = published_load.get(member.pk, 0)
        # Published pairs of this programme are among the active mentorships and come back as pins.
        free = member.mentee_capacity - active_mentee_count(member) + load
        capacity.append(max(min(asked, free), load, 0))
    return np.array(capacity, dtype=np.int64)


def build_matrix(
    programme: Programme, *, round_: int = 1, progress: Progress = no_progress
) -> ScoreMatrix:
    """The score matrix of a programme's active applications, with its rules and pins."""
    applications, mentees, mentors = _applications(programme)
    by_member = {application.member_id: application for application in applications}
    mentee_ids = [a.member_id for a in mentees]
    mentor_ids = [a.member_id for a in mentors]
    everyone = sorted(set(mentee_ids) | set(mentor_ids))
    index_of = {member_id: index for index, member_id in enumerate(everyone)}
    progress(5)

    records, programme_ids = _public_ties(everyone, index_of)
    tie = _tie_matrix(records, everyone, mentee_ids, mentor_ids)
    evidence: dict[tuple[int, int], list[Evidence]] = defaultdict(list)
    for record in records:
        evidence[(record.first, record.second)].append(record)
    progress(10)

    profiles = _profiles(everyone, index_of, by_member)
    fit, fits = _fit_matrix(programme, mentee_ids, mentor_ids, profiles, progress)
    progress(70)

    topic_ranks = {
        a.member_id: {t: int(r) for t, r in (a.topics or {}).items()} for a in applications
    }
    agreement = _topic_agreement(
        [topic_ranks[m] for m in mentee_ids],
        [topic_ranks[m] for m in mentor_ids],
        list(programme.topics or []),
    )
    mentee_rankings = _rankings(mentees, "mentor_preferences", mentor_ids)
    mentor_rankings = (
        [] if programme.is_peer else _rankings(mentors, "mentee_preferences", mentee_ids)
    )
    preference_rank = _rank_of(mentee_rankings, (len(mentee_ids), len(mentor_ids)))
    mentor_preference_rank = _rank_of(mentor_rankings, (len(mentor_ids), len(mentee_ids))).T
    if programme.is_peer:
        fit = (fit + fit.T) / 2
    weight = float(programme.tie_weight)
    base = (
        SCORE_FLOOR + FIT_WEIGHT * fit + TOPIC_WEIGHT * agreement + weight * tie + max(0.0, -weight)
    )
    effects = rule_effects(programme, mentee_ids, mentor_ids, by_member)
    base = base + effects.adjustment
    sides = _side_scores(programme, base, preference_rank, mentor_preference_rank)
    rules = _rule_masks(programme, mentee_ids, mentor_ids)
    rules.update(effects.masks)
    forbidden = np.zeros(base.shape, dtype=bool)
    for mask in rules.values():
        forbidden |= mask
    for side in sides:
        side[forbidden] = np.nan

    matrix = ScoreMatrix(
        programme=programme,
        mentee_ids=mentee_ids,
        mentor_ids=mentor_ids,
        scores=sides[0],
        fit=fit,
        tie=tie,
        topics=agreement,
        preference_rank=preference_rank,
        capacity=np.zeros(len(mentor_ids), dtype=np.int64),
        rules=rules,
        fits=fits,
        names=_names(records, programme_ids),
        members={a.member_id: a.member for a in applications},
        topic_ranks=topic_ranks,
        mentee_side=sides[1],
        mentor_side=sides[2],
        mentor_preference_rank=mentor_preference_rank,
        mentee_rankings=mentee_rankings,
        mentor_rankings=mentor_rankings,
        rule_words=effects.words,
        quota_plan=None if programme.is_peer else quota_plan(programme, mentee_ids, by_member),
        rule_titles=effects.titles,
        preferences_raised=effects.raised,
    )
    if matrix.quota_plan is not None:
        matrix.warnings.extend(matrix.quota_plan.warnings)
    matrix.evidence = dict(evidence)
    matrix.index_of = index_of
    _add_pins(matrix, mentors, round_)
    # A published pair stands whatever rule came after it, on each side too.
    for side in (matrix.mentee_side, matrix.mentor_side):
        side[np.isnan(side) & np.isfinite(matrix.scores)] = SCORE_FLOOR
    matrix.preferences = _preferences(matrix, by_member)
    progress(75)
    return matrix


def _applications(
    programme: Programme,
) -> tuple[list[Application], list[Application], list[Application]]:
    """Active applications, then the mentees' and the mentors' among them (peers are both)."""
    applications = list(
        Application.objects.filter(
            programme=programme, status=Application.Status.APPLIED, member__user__is_active=True
        )
        .select_related("member", "member__user")
        .order_by("member_id")
    )
    if programme.is_peer:
        peers = [a for a in applications if a.role == Application.Role.PEER]
        return applications, peers, peers
    mentees = [a for a in applications if a.role == Application.Role.MENTEE]
    mentors = [a for a in applications if a.role == Application.Role.MENTOR]
    return applications, mentees, mentors


def _tie_matrix(
    records: list[Evidence], everyone: list[int], mentee_ids: list[int], mentor_ids: list[int]
) -> np.ndarray:
    table = TieTable.from_evidence(len(everyone), records)
    row_of = {member_id: index for index, member_id in enumerate(mentee_ids)}
    col_of = {member_id: index for index, member_id in enumerate(mentor_ids)}
    tie = np.zeros((len(mentee_ids), len(mentor_ids)))
    for first, second, strength in zip(
        table.first.tolist(), table.second.tolist(), table.strength.tolist(), strict=True
    ):
        a, b = everyone[first], everyone[second]
        for mentee, mentor in ((a, b), (b, a)):
            if mentee in row_of and mentor in col_of:
                tie[row_of[mentee], col_of[mentor]] = strength
    return tie


def _fit_matrix(
    programme: Programme,
    mentee_ids: list[int],
    mentor_ids: list[int],
    profiles: dict[int, CareerProfile],
    progress: Progress,
) -> tuple[np.ndarray, dict[tuple[int, int], Fit]]:
    mode = Mode.COPILOT if programme.is_peer else Mode.MENTOR
    current_year = timezone.localdate().year
    lexicon = _lexicon()
    fit = np.zeros((len(mentee_ids), len(mentor_ids)))
    fits: dict[tuple[int, int], Fit] = {}
    mentor_profiles = [profiles[member_id] for member_id in mentor_ids]
    # Reverse mentors are junior on purpose: only how they cover the goals counts.
    goals_only = programme.kind == Programme.Kind.REVERSE
    for row, mentee_id in enumerate(mentee_ids):
        if mentor_profiles:
            candidates = fit_candidates(
                profiles[mentee_id],
                mentor_profiles,
                mode=mode,
                current_year=current_year,
                lexicon=lexicon,
            )
            for col, item in enumerate(candidates):
                fits[(row, col)] = item
                fit[row, col] = item.goal_score if goals_only else item.score
        if row % 20 == 0:
            progress(10 + int(60 * (row + 1) / max(len(mentee_ids), 1)))
    return fit, fits


def _rankings(
    applications: list[Application], attribute: str, others: list[int]
) -> list[list[int]]:
    """Each applicant's own ranking of the other side, as indices into ``others``."""
    index = {member_id: position for position, member_id in enumerate(others)}
    return [
        [index[m] for m in dict.fromkeys(getattr(a, attribute) or []) if m in index]
        for a in applications
    ]


def _rank_of(rankings: list[list[int]], shape: tuple[int, int]) -> np.ndarray:
    """1 for a first choice, 2 for a second…, 0 where there is no rank."""
    ranks = np.zeros(shape, dtype=np.int64)
    for row, ranked in enumerate(rankings):
        for rank, col in enumerate(ranked, start=1):
            ranks[row, col] = rank
    return ranks


def _inverse_rank(ranks: np.ndarray) -> np.ndarray:
    return np.where(ranks > 0, 1.0 / np.maximum(ranks, 1), 0.0)


def _side_scores(
    programme: Programme, base: np.ndarray, mentee_rank: np.ndarray, mentor_rank: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The combined score, the mentees' side and the mentors' side of every pair.

    Each side adds its own ranking to the shared part; the combined score weighs
    the two rankings with the programme's mentor weight. Peers rank each other
    alike, so their three are one.
    """
    if programme.is_peer:
        preference = _inverse_rank(mentee_rank)
        scores = base + PREFERENCE_WEIGHT * (preference + preference.T) / 2
        return scores, scores.copy(), scores.copy()
    mentee_preference, mentor_preference = _inverse_rank(mentee_rank), _inverse_rank(mentor_rank)
    weight = float(programme.mentor_weight)
    scores = base + PREFERENCE_WEIGHT * (
        (1 - weight) * mentee_preference + weight * mentor_preference
    )
    return (
        scores,
        base + PREFERENCE_WEIGHT * mentee_preference,
        base + PREFERENCE_WEIGHT * mentor_preference,
    )


def _add_pins(matrix: ScoreMatrix, mentors: list[Application], round_: int) -> None:
    programme = matrix.programme
    published_load, pinned_rows = _add_published(matrix, round_)
    if not programme.is_peer:
        matrix.capacity = capacity_of(programme, mentors, published_load)
    load = (
        np.bincount([col for _, col in matrix.pins], minlength=len(matrix.mentor_ids))
        if not programme.is_peer
        else None
    )
    row_of = {member_id: index for index, member_id in enumerate(matrix.mentee_ids)}
    col_of = {member_id: index for index, member_id in enumerate(matrix.mentor_ids)}
    for rule in PairRule.objects.filter(programme=programme, kind=PairRule.Kind.PIN).order_by(
        "created_at", "id"
    ):
        mentee_id, mentor_id = rule.mentee_id, rule.mentor_id
        if programme.is_peer and mentee_id not in row_of:
            mentee_id, mentor_id = mentor_id, mentee_id
        if mentee_id not in row_of or mentor_id not in col_of:
            continue
        row, col = row_of[mentee_id], col_of[mentor_id]
        if (row, col) in matrix.published or (programme.is_peer and (col, row) in matrix.published):
            continue
        refusal = _pin_refusal(matrix, row, col, pinned_rows, load)
        if refusal:
            names = f"{matrix.members[mentee_id].name} and {matrix.members[mentor_id].name}"
            matrix.warnings.append(f"The pin of {names} was left out: {refusal}.")
            continue
        if load is not None:
            load[col] += 1
        pinned_rows.add(row)
        if programme.is_peer:
            pinned_rows.add(col)
        matrix.pins.append((row, col))


def _add_published(matrix: ScoreMatrix, round_: int) -> tuple[dict[int, int], set[int]]:
    """Pairs published earlier become pins; returns each mentor's load and the pinned rows."""
    programme = matrix.programme
    row_of = {member_id: index for index, member_id in enumerate(matrix.mentee_ids)}
    col_of = {member_id: index for index, member_id in enumerate(matrix.mentor_ids)}
    published_load: dict[int, int] = defaultdict(int)
    pinned_rows: set[int] = set()
    for (mentee_id, mentor_id), (mentorship_id, pair_round) in published_pairs(programme).items():
        if mentee_id not in row_of or mentor_id not in col_of:
            continue
        row, col = row_of[mentee_id], col_of[mentor_id]
        if programme.is_peer and pair_round < round_:
            matrix.previous_pairs.append((row, col))
            continue
        taken = {row, col} if programme.is_peer else {row}
        if taken & pinned_rows:
            continue
        pinned_rows |= taken
        if not programme.is_peer:
            published_load[mentor_id] += 1
        matrix.pins.append((row, col))
        matrix.published[(row, col)] = mentorship_id
        # A published pair stands whatever rule came after it.
        if np.isnan(matrix.scores[row, col]):
            matrix.scores[row, col] = SCORE_FLOOR
    return published_load, pinned_rows


def _pin_refusal(
    matrix: ScoreMatrix, row: int, col: int, pinned_rows: set[int], load: np.ndarray | None
) -> str:
    """Why a coordinator's pin cannot be kept in this run, or "" when it can."""
    if row in pinned_rows or (matrix.is_peer and col in pinned_rows):
        return "one of them is already matched"
    if np.isnan(matrix.scores[row, col]):
        return "; ".join(matrix.forbidden_reasons(row, col))
    if load is not None and load[col] >= matrix.capacity[col]:
        return f"{matrix.members[matrix.mentor_ids[col]].name} has no place left"
    return ""


def _preferences(matrix: ScoreMatrix, by_member: dict[int, Application]) -> list[list[int]]:
    """Each mentee's ranking: their own when they gave one, else their allowed mentors by score."""
    col_of = {member_id: index for index, member_id in enumerate(matrix.mentor_ids)}
    preferences = []
    for row, mentee_id in enumerate(matrix.mentee_ids):
        ranked = [col_of[m] for m in by_member[mentee_id].mentor_preferences or [] if m in col_of]
        if not ranked:
            values = matrix.scores[row]
            allowed = np.flatnonzero(np.isfinite(values))
            ranked = allowed[np.lexsort((allowed, -values[allowed]))].tolist()
        preferences.append(ranked)
    return preferences


# ---------------------------------------------------------------- solving


@dataclass
class MatchResult:
    pairs: list[tuple[int, int]]
    metrics: dict


MENTEES_PROPOSE = "mentees"
MENTORS_PROPOSE = "mentors"


def solve(
    matrix: ScoreMatrix, method: str, *, proposing: str = MENTEES_PROPOSE, seed: int | str = 0
) -> MatchResult:
    """Solve the matrix by ``method``; ``proposing`` and ``seed`` matter to ``"stable"``.

    Every method is measured on the combined scores, and its blocking pairs are
    counted against both sides' own rankings, and against each side's alone.
    """
    if matrix.is_peer:
        return _solve_peers(matrix)
    if not matrix.mentee_ids or not matrix.mentor_ids:
        return MatchResult([], _empty_metrics(matrix))
    mentee_ranks, mentor_ranks = side_ranks(matrix, seed)
    quota_metrics: dict = {}
    if method == "optimal" and matrix.quota_plan and matrix.quota_plan.quotas:
        result, quota_metrics = _solve_with_quotas(matrix)
    elif method == "stable":
        mentor_of = _stable(matrix, mentee_ranks, mentor_ranks, proposing)
        result = evaluate_assignment(
            matrix.scores,
            matrix.capacity,
            mentor_of,
            pins=matrix.pins,
            tie=matrix.tie > 0,
            preferences=matrix.preferences,
        )
    else:
        result = assign(
            matrix.scores,
            matrix.capacity,
            method,
            pins=matrix.pins,
            tie=matrix.tie > 0,
            preferences=matrix.preferences,
        )
    mentor_of_list = result.mentor_of.tolist()
    pairs = [(row, col) for row, col in enumerate(mentor_of_list) if col >= 0]
    metrics = _metrics(matrix, result)
    metrics.update(blocking_counts(matrix, result.mentor_of, ranks=(mentee_ranks, mentor_ranks)))
    metrics.update(quota_metrics)
    metrics["rules"] = rule_report(matrix)
    if matrix.quota_plan and matrix.quota_plan.quotas and method != "optimal":
        metrics["quota_note"] = QUOTAS_OPTIMAL_ONLY
    if method == "stable":
        metrics["proposing"] = proposing
    metrics["mentor_weight"] = float(matrix.programme.mentor_weight)
    return MatchResult(pairs, metrics)


#: Seconds HiGHS may spend on each solve of a run with quotas, unless the settings say.
QUOTA_TIME_LIMIT = 60
QUOTAS_OPTIMAL_ONLY = "The programme's quotas apply to optimal runs; this run does not keep them."


APPROXIMATE_COST = " (about: the solver's time limit stopped it before it proved the best total)"


def quota_time_limit() -> int:
    return int(getattr(settings, "PROGRAMMES_QUOTA_TIME_LIMIT", QUOTA_TIME_LIMIT))


def _excluded_words(title: str, excluded: int, pairs: int) -> str:
    if excluded == 0:
        return f"{title}: rules out no pair"
    noun = "pair" if pairs == 1 else "pairs"
    return f"{title}: rules out {excluded:,} of {pairs:,} {noun}"


def rule_report(matrix: ScoreMatrix) -> list[dict]:
    """Each rule that rules pairs out (the programme's own even when none), and each preference.

    A pair two rules forbid counts for both.
    """
    titles = {**RULE_TITLES, **matrix.rule_titles}
    rows, cols = matrix.scores.shape
    pairs = rows * (rows - 1) // 2 if matrix.is_peer else rows * cols
    report = []
    for name, mask in matrix.rules.items():
        if name not in titles:
            continue
        excluded = int(np.triu(mask | mask.T, 1).sum()) if matrix.is_peer else int(mask.sum())
        if excluded == 0 and name not in matrix.rule_titles:
            continue
        report.append(
            {
                "rule": titles[name],
                "excluded_pairs": excluded,
                "words": _excluded_words(titles[name], excluded, pairs),
            }
        )
    for title, raised in matrix.preferences_raised:
        noun = "pair" if raised == 1 else "pairs"
        report.append(
            {"rule": title, "raised_pairs": raised, "words": f"{title}: raises {raised:,} {noun}"}
        )
    return report


def _binding_names(
    matrix: ScoreMatrix, kind: str, names: list[str], groups: list[int]
) -> list[str]:
    if kind == MIN_DISTINCT:
        # Its binding groups are mentors.
        return [matrix.members[matrix.mentor_ids[col]].name for col in groups]
    return [names[group] for group in groups if 0 <= group < len(names)]


def _solve_with_quotas(matrix: ScoreMatrix) -> tuple[AssignmentResult, dict]:
    """The optimal assignment that keeps every quota, with what each quota binds and costs.

    A quota's cost is the total score gained by solving again without it (the
    other quotas kept), as a share of that total.
    """
    plan = matrix.quota_plan
    assert plan is not None
    time_limit = quota_time_limit()
    solution = assign_with_quotas(
        matrix.scores, matrix.capacity, plan.quotas, pins=matrix.pins, time_limit=time_limit
    )
    result = evaluate_assignment(
        matrix.scores,
        matrix.capacity,
        solution.mentor_of,
        pins=matrix.pins,
        tie=matrix.tie > 0,
        preferences=matrix.preferences,
    )
    quotas = []
    for words, names, kind, outcome in zip(
        plan.words, plan.group_names, plan.kinds, solution.outcomes, strict=True
    ):
        binding = _binding_names(matrix, kind, names, outcome.binding_groups)
        quotas.append(
            {
                "quota": words,
                "kind": kind,
                "binds_for": binding,
                "cost": round(outcome.cost, 4),
                "cost_share": round(outcome.cost_share, 6),
                "cost_exact": outcome.cost_exact,
                "words": outcome_words(words, binding, outcome.cost_share)
                + ("" if outcome.cost_exact else APPROXIMATE_COST),
            }
        )
    return result, {
        "quotas": quotas,
        "solver": "HiGHS (scipy.optimize.milp)",
        "optimality_gap": round(solution.gap, 6),
        "time_limited": solution.time_limited,
        "time_limit": time_limit,
        "solver_words": solver_words(solution.gap, solution.time_limited, time_limit),
    }


def solver_words(gap: float, time_limited: bool, time_limit: float) -> str:
    """How sure the answer is, in words."""
    within = f"within {gap * 100:.2g}% of the best possible total"
    if time_limited:
        return (
            f"HiGHS (scipy.optimize.milp) stopped at its time limit of {time_limit:g} s "
            f"with an answer {within}."
        )
    if gap <= 1e-6:
        return "Solved exactly by HiGHS (scipy.optimize.milp): proven optimal."
    return f"Solved by HiGHS (scipy.optimize.milp): {within}."


def side_ranks(matrix: ScoreMatrix, seed: int | str) -> tuple[np.ndarray, np.ndarray]:
    """Each side's strict preferences as rank matrices (higher is better, NaN not allowed).

    A member's own ranking comes first, then everyone else allowed by that
    side's score; equal scores are ordered by a hash of the seed and the pair.
    """
    shape = matrix.scores.shape
    mentee_orders = strict_orders(
        matrix.mentee_side,
        matrix.mentee_rankings,
        fair_keys(f"{seed}:mentee", matrix.mentee_ids, matrix.mentor_ids),
    )
    mentor_orders = strict_orders(
        matrix.mentor_side.T,
        matrix.mentor_rankings or [[] for _ in matrix.mentor_ids],
        fair_keys(f"{seed}:mentor", matrix.mentor_ids, matrix.mentee_ids),
    )
    return rank_matrix(mentee_orders, shape), rank_matrix(mentor_orders, shape[::-1]).T


def _stable(
    matrix: ScoreMatrix, mentee_ranks: np.ndarray, mentor_ranks: np.ndarray, proposing: str
) -> np.ndarray:
    if proposing != MENTORS_PROPOSE:
        return assign(
            mentee_ranks,
            matrix.capacity,
            "stable",
            mentor_scores=mentor_ranks,
            pins=matrix.pins,
            compare_to_optimum=False,
        ).mentor_of.copy()
    mentor_of = np.full(len(matrix.mentee_ids), -1, dtype=np.int64)
    for row, col in matrix.pins:
        mentor_of[row] = col
    free = mentor_of < 0
    places = matrix.capacity - np.bincount(
        mentor_of[~free], minlength=len(matrix.mentor_ids)
    ).astype(np.int64)
    proposed = mentor_proposing(mentee_ranks, mentor_ranks, places, free)
    return np.where(free, proposed, mentor_of)


def blocking_counts(
    matrix: ScoreMatrix,
    mentor_of: np.ndarray,
    *,
    seed: int | str = 0,
    ranks: tuple[np.ndarray, np.ndarray] | None = None,
) -> dict[str, int]:
    """Blocking pairs by both sides' own rankings, and as if one side's ranking were both's."""
    mentee_ranks, mentor_ranks = ranks if ranks is not None else side_ranks(matrix, seed)

    def count(scores: np.ndarray, mentor_scores: np.ndarray) -> int:
        return evaluate_assignment(
            scores,
            matrix.capacity,
            mentor_of,
            mentor_scores=mentor_scores,
            pins=matrix.pins,
            compare_to_optimum=False,
        ).blocking_pairs

    return {
        "blocking_pairs": count(mentee_ranks, mentor_ranks),
        "blocking_pairs_mentee_side": count(mentee_ranks, mentee_ranks),
        "blocking_pairs_mentor_side": count(mentor_ranks, mentor_ranks),
    }


def _metrics(matrix: ScoreMatrix, result: AssignmentResult) -> dict:
    mentor_of = result.mentor_of.tolist()
    weakest = None
    if result.weakest_pair is not None:
        weakest = _pair_summary(
            matrix,
            result.weakest_pair.mentee,
            result.weakest_pair.mentor,
            result.weakest_pair.score,
        )
    return {
        "mentees": len(matrix.mentee_ids),
        "mentors": len(matrix.mentor_ids),
        "places": int(matrix.capacity.sum()),
        "total_score": round(result.total_score, 4),
        "optimum_total": _rounded(result.optimum_total),
        "ratio_to_optimum": _rounded(result.ratio_to_optimum),
        "number_matched": result.number_matched,
        "share_matched": round(result.share_matched, 4),
        "matched_within_tie": result.matched_within_tie,
        "share_matched_within_tie": _rounded(result.share_matched_within_tie),
        "first_choice_share": round(result.first_choice_share, 4),
        "top_three_share": round(result.top_three_share, 4),
        "weakest_pair": weakest,
        "unmatched": [matrix.mentee_ids[row] for row, col in enumerate(mentor_of) if col < 0],
    }


PROPOSING_WORDS = {
    MENTEES_PROPOSE: "Mentees proposed: of all stable matchings, this is the best for every mentee.",
    MENTORS_PROPOSE: "Mentors proposed: of all stable matchings, this is the best for every mentor.",
}


def stability_words(metrics: dict) -> dict[str, str]:
    """Which side proposed and the blocking pairs against each side, in words.

    Runs made before both sides ranked have only ``blocking_pairs``; they get
    that sentence alone.
    """
    words = {}
    if metrics.get("proposing") in PROPOSING_WORDS:
        words["proposing"] = PROPOSING_WORDS[metrics["proposing"]]
    if "blocking_pairs" not in metrics:
        return words
    both = int(metrics["blocking_pairs"])
    if both == 0:
        text = "None against both sides' own rankings: no mentee and mentor would both rather be together."
    else:
        pairs = "pair" if both == 1 else "pairs"
        text = (
            f"{both} against both sides' own rankings: {both} mentee–mentor {pairs} "
            "would both rather be together than keep what they were given."
        )
    if "blocking_pairs_mentee_side" in metrics:
        text += (
            " Counted on one side's rankings alone, as if the other side ranked the same way: "
            f"{metrics['blocking_pairs_mentee_side']} on the mentees', "
            f"{metrics['blocking_pairs_mentor_side']} on the mentors'."
        )
    words["blocking"] = text
    return words


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _solve_peers(matrix: ScoreMatrix) -> MatchResult:
    n = len(matrix.mentee_ids)
    fixed = {member for pair in matrix.pins for member in pair}
    pool = [index for index in range(n) if index not in fixed]
    pairs = list(matrix.pins)
    round_gap = 0.0
    if len(pool) > 1:
        sub = matrix.scores[np.ix_(pool, pool)].copy()
        np.fill_diagonal(sub, np.nan)
        position = {index: place for place, index in enumerate(pool)}
        previous = [
            (position[a], position[b])
            for a, b in matrix.previous_pairs
            if a in position and b in position
        ]
        result = pair_peers(sub, previous_pairs=previous)
        pairs += [(pool[pair.first], pool[pair.second]) for pair in result.pairs]
        round_gap = result.bound - result.total_score
    scores = [float(matrix.scores[a, b]) for a, b in pairs]
    bound = sum(scores) + round_gap
    paired = 2 * len(pairs)
    within_tie = sum(1 for a, b in pairs if matrix.tie[a, b] > 0)
    weakest = None
    if pairs:
        position = int(np.argmin(scores))
        weakest = _pair_summary(matrix, *pairs[position], scores[position])
    metrics: dict = {
        "peers": n,
        "total_score": round(sum(scores), 4),
        "number_matched": paired,
        "share_matched": round(paired / n, 4) if n else 0.0,
        "matched_within_tie": within_tie,
        "share_matched_within_tie": round(within_tie / len(pairs), 4) if pairs else 0.0,
        "weakest_pair": weakest,
        "unmatched": [
            matrix.mentee_ids[i] for i in range(n) if all(i not in pair for pair in pairs)
        ],
        "bound": round(bound, 4),
        "gap": round(round_gap / bound, 6) if bound > 0 else 0.0,
    }
    if round_gap > 1e-9:
        metrics["peer_gap_words"] = peer_gap_words(sum(scores), bound)
    return MatchResult(pairs, metrics)


def peer_gap_words(total: float, bound: float) -> str:
    """How far a rounded peer round may be from the best possible total, in words."""
    share = (bound - total) / bound
    return (
        f"A large round is paired by rounding rather than proved optimal: its total of "
        f"{total:.2f} is within {share * 100:.2g}% of the best possible total "
        f"(no round can exceed {bound:.2f})."
    )


def _empty_metrics(matrix: ScoreMatrix) -> dict:
    return {
        "mentees": len(matrix.mentee_ids),
        "mentors": len(matrix.mentor_ids),
        "places": int(matrix.capacity.sum()),
        "total_score": 0.0,
        "optimum_total": 0.0,
        "ratio_to_optimum": None,
        "number_matched": 0,
        "share_matched": 0.0,
        "matched_within_tie": 0,
        "share_matched_within_tie": 0.0,
        "blocking_pairs": 0,
        "blocking_pairs_mentee_side": 0,
        "blocking_pairs_mentor_side": 0,
        "first_choice_share": 0.0,
        "top_three_share": 0.0,
        "weakest_pair": None,
        "unmatched": list(matrix.mentee_ids),
    }


def _pair_summary(matrix: ScoreMatrix, row: int, col: int, score: float) -> dict:
    mentee, mentor = matrix.members[matrix.mentee_ids[row]], matrix.members[matrix.mentor_ids[col]]
    return {
        "mentee_id": mentee.pk,
        "mentor_id": mentor.pk,
        "mentee": mentee.name,
        "mentor": mentor.name,
        "score": round(score, 4),
    }


# ---------------------------------------------------------------- reasons


_THIRD_PERSON = [
    (re.compile(r"^You are both\b"), "Both are"),
    (re.compile(r"^You are alumni\b"), "They are alumni"),
    (re.compile(r"^You both\b"), "Both"),
    (re.compile(r"^You were both at\b"), "Both were at"),
    (re.compile(r"^You\b"), "They"),
    (re.compile(r"\bone of your goals\b"), "one of the mentee's goals"),
    (re.compile(r"\bskills you want\b"), "skills the mentee wants"),
]


def for_coordinator(reason: str) -> str:
    """A reason written to the mentee ("You overlapped…"), reworded for a third reader."""
    for pattern, replacement in _THIRD_PERSON:
        reason = pattern.sub(replacement, reason)
    return reason


def reasons_for(matrix: ScoreMatrix, row: int, col: int) -> list[str]:
    programme = matrix.programme
    mentee_id, mentor_id = matrix.mentee_ids[row], matrix.mentor_ids[col]
    mentee, mentor = matrix.members[mentee_id], matrix.members[mentor_id]
    reasons: list[str] = []
    if (row, col) in matrix.published:
        reasons.append("Published earlier; kept as it is")
    elif (row, col) in matrix.pins:
        reasons.append("Pinned by a coordinator")
    rank = int(matrix.preference_rank[row, col])
    if rank > 0:
        reasons.append(
            f"{mentee.first_name}'s {ORDINALS.get(rank, f'{rank}th')} choice of {'copilot' if matrix.is_peer else 'mentor'}"
        )
    viewer, candidate = matrix.index_of[mentee_id], matrix.index_of[mentor_id]
    engine_reasons = explain(
        viewer,
        candidate,
        evidence=matrix.evidence.get((min(viewer, candidate), max(viewer, candidate)), []),
        names=matrix.names,
        as_of=timezone.localdate(),
        fit=matrix.fits.get((row, col)),
        mode=Mode.COPILOT if matrix.is_peer else Mode.MENTOR,
    )
    reasons.extend(for_coordinator(reason) for reason in engine_reasons)
    shared = _shared_topics(
        matrix.topic_ranks.get(mentee_id, {}), matrix.topic_ranks.get(mentor_id, {})
    )
    if shared:
        reasons.append(shared)
    if matrix.tie[row, col] == 0 and programme.tie_weight < 0:
        reasons.append("They do not know each other yet, as this programme prefers")
    if not reasons:
        reasons.append(f"{mentor.name} has a free place and no rule keeps them apart")
    return list(dict.fromkeys(reasons))


def _shared_topics(first: dict[str, int], second: dict[str, int]) -> str:
    common = [topic for topic in first if topic in second]
    if not common:
        return ""
    top = [topic for topic in common if first[topic] == 1 and second[topic] == 1]
    if top:
        return f"Both put {top[0]} first"
    common.sort(key=lambda topic: (first[topic] or 99, topic))
    listed = common[:3]
    words = listed[0] if len(listed) == 1 else f"{', '.join(listed[:-1])} and {listed[-1]}"
    return f"Both chose {words}"
