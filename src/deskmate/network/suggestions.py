"""Mentor and copilot suggestions for one member, from the ties stored for them.

Only the viewer's neighbourhood is read: their stored ties, and members who
share a workplace or school with them. The engine ranks that small local
community; nothing here loops over the whole membership.
"""

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Q
from django.utils import timezone

from deskmate.engine.fit import CareerProfile, Goal, Mode, Role
from deskmate.engine.ranking import Availability, SuggestionFilter, rank_suggestions, shared_context
from deskmate.engine.reasons import Names
from deskmate.engine.text import Lexicon
from deskmate.engine.ties import TieTable
from deskmate.network.models import Tie
from deskmate.network.tie_store import community_load, evidence_records
from deskmate.people.models import (
    Education,
    Member,
    Organisation,
    Position,
    School,
    SkillAlias,
    Unit,
)
from deskmate.people.selectors import members_visible_to

#: How many members who merely share a workplace or school are considered, besides tie partners.
PLACE_CANDIDATES = 40
#: How many tie partners, strongest first (by what the viewer may see), are considered.
TIE_CANDIDATES = 60
OPEN_STATES = ("requested", "info_requested")


@dataclass(frozen=True)
class MemberSuggestion:
    member: Member
    score: float
    fit: float
    tie_strength: float
    reasons: tuple[str, ...]
    goals: tuple[int, ...]


_lexicons: dict[tuple, Lexicon] = {}


def _lexicon() -> Lexicon:
    """The skill aliases as a lexicon, reused while they are unchanged (it keeps parsed titles)."""
    aliases = tuple(sorted(SkillAlias.objects.values_list("normalised_name", "skill__name")))
    lexicon = _lexicons.get(aliases)
    if lexicon is None:
        _lexicons.clear()
        lexicon = _lexicons[aliases] = Lexicon(dict(aliases))
    return lexicon


def _profiles(member_ids: list[int], index_of: dict[int, int], viewer: Member, local) -> dict[int, CareerProfile]:
    """Career profiles of the local members; their positions come from the local community already read."""
    roles: dict[int, list[Role]] = {member_id: [] for member_id in member_ids}
    positions = local.community.positions
    owners = local.member_ids[positions.member].tolist()
    start_years = positions.start.astype("datetime64[Y]").astype(int) + 1970
    end_years = positions.end.astype("datetime64[Y]").astype(int) + 1970
    open_ended = np.isnat(positions.end)
    for row, title in enumerate(local.position_titles):
        end_year = None if open_ended[row] else int(end_years[row])
        roles[owners[row]].append(Role(title=title, start_year=int(start_years[row]), end_year=end_year))
    skills: dict[int, list[str]] = {member_id: [] for member_id in member_ids}
    for member_id, name in Member.objects.filter(pk__in=member_ids).values_list("pk", "skills__skill__name"):
        if name:
            skills[member_id].append(name)
    offers: dict[int, list[str]] = {member_id: [] for member_id in member_ids}
    for member_id, text in Member.objects.filter(pk__in=member_ids).values_list("pk", "offers__text"):
        if text:
            offers[member_id].append(text)
    goals = tuple(
        Goal(id=goal.pk, text=goal.text, target_role=goal.target_role,
             skills=(goal.target_skill.name,) if goal.target_skill else ())
        for goal in viewer.goals.select_related("target_skill")
    )
    return {
        member_id: CareerProfile(
            member=index_of[member_id],
            roles=tuple(roles[member_id]),
            skills=tuple(skills[member_id]),
            offers=tuple(offers[member_id]),
            goals=goals if member_id == viewer.pk else (),
        )
        for member_id in member_ids
    }


def _place_candidates(viewer: Member, mode: Mode) -> list[int]:
    """Members who share an organisation or school with the viewer and are open to what is asked."""
    organisations = Position.objects.filter(member=viewer).values("organisation_id")
    schools = Education.objects.filter(member=viewer).values("school_id")
    openness = Q(open_to_mentoring=True) if mode is Mode.MENTOR else Q(wants_copilot=True)
    return list(
        Member.objects.filter(openness, user__is_active=True)
        .filter(Q(positions__organisation_id__in=organisations) | Q(education__school_id__in=schools))
        .exclude(pk=viewer.pk)
        .values_list("pk", flat=True)
        .distinct()
        .order_by("pk")[:PLACE_CANDIDATES]
    )


def _excluded(viewer: Member, mode: Mode) -> set[int]:
    from deskmate.mentoring.selectors import blocked_member_ids, inactive_mentor_ids

    excluded = set(blocked_member_ids(viewer))
    if mode is Mode.MENTOR:
        excluded |= set(inactive_mentor_ids())
    return excluded


def _availability(member_ids: list[int]) -> Availability:
    from deskmate.mentoring.models import Mentorship

    members = {
        row["pk"]: row
        for row in Member.objects.filter(pk__in=member_ids).values(
            "pk", "open_to_mentoring", "wants_copilot", "mentee_capacity"
        )
    }
    active = dict(
        Mentorship.objects.filter(recipient_id__in=member_ids, state="active")
        .values_list("recipient_id")
        .annotate(n=Count("pk"))
    )
    waiting = dict(
        Mentorship.objects.filter(recipient_id__in=member_ids, state__in=OPEN_STATES)
        .values_list("recipient_id")
        .annotate(n=Count("pk"))
    )
    return Availability(
        open_to_mentoring=np.array([members[m]["open_to_mentoring"] for m in member_ids], dtype=bool),
        open_to_copilots=np.array([members[m]["wants_copilot"] for m in member_ids], dtype=bool),
        capacity=np.array([members[m]["mentee_capacity"] for m in member_ids], dtype=np.int64),
        active=np.array([active.get(m, 0) for m in member_ids], dtype=np.int64),
        open_requests=np.array([waiting.get(m, 0) for m in member_ids], dtype=np.int64),
    )


def suggestions_for(
    viewer: Member,
    *,
    copilots: bool = False,
    filters: SuggestionFilter | None = None,
    limit: int = 20,
    as_of: dt.date | None = None,
) -> list[MemberSuggestion]:
    """Ranked suggestions with their reasons, never naming what the viewer may not see."""
    mode = Mode.COPILOT if copilots else Mode.MENTOR
    filters = filters or SuggestionFilter()
    as_of = as_of or timezone.localdate()
    tie_rows = list(
        Tie.objects.filter(Q(member_low=viewer) | Q(member_high=viewer)).values_list(
            "member_low_id", "member_high_id", "evidence"
        )
    )
    tie_rows = _strongest_visible(tie_rows, viewer.pk, TIE_CANDIDATES)
    partners = {low if high == viewer.pk else high for low, high, _ in tie_rows}
    visible = set(members_visible_to(viewer).filter(pk__in=partners | set(_place_candidates(viewer, mode))).values_list("pk", flat=True))
    candidates = (visible - _excluded(viewer, mode)) - {viewer.pk}
    member_ids = [viewer.pk, *sorted(candidates)]
    index_of = {member_id: index for index, member_id in enumerate(member_ids)}
    local = community_load(member_ids=member_ids, histories_only=True)
    # community_load orders by id; keep our order (viewer first) by remapping through ids.
    order = np.searchsorted(local.member_ids, np.array(member_ids, dtype=np.int64))
    programme_ids: dict[str, int] = {}
    records = evidence_records(tie_rows, index_of, programme_ids)
    ties = TieTable.from_evidence(len(member_ids), records)
    community = _reindexed(local, order)
    context = shared_context(0, community, as_of=as_of)
    profiles = _profiles(member_ids, index_of, viewer, local)
    names = _names(records, context, programme_ids)
    ranked = rank_suggestions(
        profiles[viewer.pk],
        [profiles[member_id] for member_id in member_ids[1:]],
        mode=mode,
        ties=ties,
        context=context,
        availability=_availability(member_ids),
        names=names,
        as_of=as_of,
        lexicon=_lexicon(),
        filters=filters,
        limit=limit,
    )
    members = Member.objects.in_bulk([member_ids[item.candidate] for item in ranked])
    return [
        MemberSuggestion(
            member=members[member_ids[item.candidate]],
            score=item.score,
            fit=item.fit,
            tie_strength=item.tie_strength,
            reasons=item.reasons,
            goals=item.goals,
        )
        for item in ranked
    ]


def _strongest_visible(tie_rows, viewer_id: int, limit: int):
    """The viewer's ties with the highest strength counting only evidence the viewer may see."""

    def visible_strength(evidence) -> float:
        missing = 1.0
        for item in evidence:
            if item.get("private_to") in (None, viewer_id):
                missing *= 1.0 - min(item["strength"], 1.0)
        return 1.0 - missing

    scored = [(visible_strength(evidence), low, high, evidence) for low, high, evidence in tie_rows]
    scored = [row for row in scored if row[0] > 0]
    scored.sort(key=lambda row: (-row[0], row[1], row[2]))
    return [(low, high, evidence) for _, low, high, evidence in scored[:limit]]


def _reindexed(local, order: np.ndarray):
    """The local community with member indices in the caller's order."""
    from dataclasses import replace

    position_of = np.empty(len(order), dtype=np.int64)
    position_of[order] = np.arange(len(order))
    community = local.community
    return replace(
        community,
        positions=replace(community.positions, member=position_of[community.positions.member]),
        educations=replace(community.educations, member=position_of[community.educations.member]),
        contacts=replace(
            community.contacts,
            importer=position_of[community.contacts.importer],
            contact=position_of[community.contacts.contact],
        ),
        interactions=replace(
            community.interactions,
            logged_by=position_of[community.interactions.logged_by],
            other=position_of[community.interactions.other],
        ),
    )


def _names(records, context, programme_ids: dict[str, int]) -> Names:
    organisation_ids = {r.organisation for r in records if r.organisation is not None}
    organisation_ids |= set(context.current_organisation[context.current_organisation >= 0].tolist())
    organisation_ids |= set(context.former_organisation[context.former_organisation >= 0].tolist())
    school_ids = {r.school for r in records if r.school is not None} | set(
        context.school[context.school >= 0].tolist()
    )
    unit_ids = {r.unit for r in records if r.unit is not None}
    return Names(
        organisations=dict(Organisation.objects.filter(pk__in=organisation_ids).values_list("pk", "name")),
        units=dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name")),
        schools=dict(School.objects.filter(pk__in=school_ids).values_list("pk", "name")),
        programmes={index: name for name, index in programme_ids.items()},
    )
