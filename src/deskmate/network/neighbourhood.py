"""The rows one suggestion list needs, read straight through the cursor.

A suggestion list reads the histories, skills, offers and availability of
about a hundred members. Through the ORM, building and compiling those
queries costs about ten times what the database spends answering them (a
page would spend most of its time there), so these reads are plain SQL over
the models' own table and column names, each a single statement over a list
of member ids. Who may be read is decided by the callers, through
:func:`deskmate.people.selectors.visible_member_ids`.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import orjson
from django.db.models import Model

from deskmate.core.sql import column, fetch, marks, one_of, select, table
from deskmate.engine.ties import Community, Contacts, Educations, Interactions, Positions
from deskmate.mentoring.models import Availability as MentoringAvailability
from deskmate.mentoring.models import Mentorship
from deskmate.mentoring.states import OPEN_STATES
from deskmate.network.models import Tie
from deskmate.network.tie_store import programme_numbers
from deskmate.people.models import Education, Member, MemberSkill, Offer, Position, Skill


def _days(values: list) -> np.ndarray:
    """Dates as read (ISO text on SQLite, dates on PostgreSQL, ``None`` when open) as days."""
    return np.array(values, dtype="datetime64[D]")


def viewer_ties(member_id: int) -> list[tuple[int, int, list[dict]]]:
    """Every stored tie of one member: (member_low, member_high, evidence)."""
    low, high, evidence = (
        column(Tie, "member_low"),
        column(Tie, "member_high"),
        column(Tie, "evidence"),
    )
    rows = fetch(
        f"SELECT {low}, {high}, {evidence} FROM {table(Tie)} WHERE {low} = %s "
        f"UNION ALL SELECT {low}, {high}, {evidence} FROM {table(Tie)} WHERE {high} = %s",
        [member_id, member_id],
    )
    return [
        (a, b, orjson.loads(items) if isinstance(items, str | bytes) else items)
        for a, b, items in rows
    ]


@dataclass
class LocalHistories:
    """Positions and education of a few members, numbered in the caller's order."""

    community: Community
    #: Each position's title, in the order of ``community.positions``.
    position_titles: list[str]
    programme_names: dict[int, str]


def histories(member_ids: Sequence[int]) -> LocalHistories:
    """The histories of ``member_ids``; member ``i`` of the result is ``member_ids[i]``."""
    index_of = {member_id: index for index, member_id in enumerate(member_ids)}
    ids = list(index_of)
    newest_first = ["-start", "-id"]
    condition, params = one_of(column(Position, "member"), ids)
    positions = fetch(
        select(
            Position,
            ["member", "organisation", "unit", "start", "end", "title"],
            condition,
            newest_first,
        ),
        params,
    )
    condition, params = one_of(column(Education, "member"), ids)
    educations = fetch(
        select(
            Education,
            ["member", "school", "degree", "field", "start", "end"],
            condition,
            newest_first,
        ),
        params,
    )
    position_values = list(zip(*positions, strict=True)) or [()] * 6
    education_values = list(zip(*educations, strict=True)) or [()] * 6
    programme_of, programme_names = programme_numbers(*education_values[1:4])
    community = Community(
        n_members=len(ids),
        positions=Positions(
            member=np.array([index_of[m] for m in position_values[0]], dtype=np.int64),
            organisation=np.array(position_values[1], dtype=np.int64),
            unit=np.array(
                [-1 if unit is None else unit for unit in position_values[2]], dtype=np.int64
            ),
            start=_days(list(position_values[3])),
            end=_days(list(position_values[4])),
        ),
        educations=Educations(
            member=np.array([index_of[m] for m in education_values[0]], dtype=np.int64),
            school=np.array(education_values[1], dtype=np.int64),
            programme=np.array(programme_of, dtype=np.int64),
            start=_days(list(education_values[4])),
            end=_days(list(education_values[5])),
        ),
        contacts=Contacts.from_rows([]),
        interactions=Interactions.from_rows([]),
    )
    return LocalHistories(
        community=community,
        position_titles=list(position_values[5]),
        programme_names=programme_names,
    )


def names(wanted: Sequence[tuple[type[Model], set[int]]]) -> list[dict[int, str]]:
    """The names of the records of each model by id, for each (model, ids) asked, in one statement."""
    parts, params = [], []
    for number, (model, ids) in enumerate(wanted):
        if ids:
            condition, values = one_of(column(model, "id"), sorted(ids))
            parts.append(
                f"SELECT {number}, {column(model, 'id')}, {column(model, 'name')} FROM {table(model)} WHERE {condition}"
            )
            params += values
    found: list[dict[int, str]] = [{} for _ in wanted]
    for number, record_id, name in fetch(" UNION ALL ".join(parts), params) if parts else []:
        found[number][record_id] = name
    return found


def _texts_by_member(
    member_ids: Sequence[int], member_column: str, sql: str
) -> dict[int, list[str]]:
    """The ``(member id, text)`` rows of ``sql`` grouped by member, in row order.

    ``sql`` says ``{members}`` where the condition on ``member_column`` goes.
    """
    found: dict[int, list[str]] = {member_id: [] for member_id in member_ids}
    condition, params = one_of(member_column, list(found))
    for member_id, text in fetch(sql.format(members=condition), params):
        found[member_id].append(text)
    return found


def skills(member_ids: Sequence[int]) -> dict[int, list[str]]:
    """Each member's skills by name, alphabetically."""
    holder, name = f"h.{column(MemberSkill, 'member')}", f"s.{column(Skill, 'name')}"
    return _texts_by_member(
        member_ids,
        holder,
        f"SELECT {holder}, {name} FROM {table(MemberSkill)} h JOIN {table(Skill)} s "
        f"ON s.{column(Skill, 'id')} = h.{column(MemberSkill, 'skill')} WHERE {{members}} ORDER BY {name}",
    )


def offers(member_ids: Sequence[int]) -> dict[int, list[str]]:
    """Each member's offers, oldest first."""
    owner = column(Offer, "member")
    return _texts_by_member(
        member_ids,
        owner,
        f"SELECT {owner}, {column(Offer, 'text')} FROM {table(Offer)} WHERE {{members}} "
        f"ORDER BY {column(Offer, 'created_at')}, {column(Offer, 'id')}",
    )


@dataclass(frozen=True)
class Standing:
    """A member's openness and load, as suggestions weigh them."""

    open_to_mentoring: bool
    wants_copilot: bool
    capacity: int
    active: int = 0
    waiting: int = 0
    inactive: bool = False


def standings(member_ids: Sequence[int]) -> dict[int, Standing]:
    """Openness, capacity, active mentorships, unanswered requests and silence of each member, in one statement."""
    ids = list(member_ids)
    if not ids:
        return {}
    member = f"m.{column(Member, 'id')}"
    recipient, state = column(Mentorship, "recipient"), column(Mentorship, "state")
    counted = f"SELECT COUNT(*) FROM {table(Mentorship)} r WHERE r.{recipient} = {member} AND r.{state} IN"
    availability = column(MentoringAvailability, "member")
    condition, params = one_of(member, ids)
    rows = fetch(
        f"SELECT {member}, m.{column(Member, 'open_to_mentoring')}, m.{column(Member, 'wants_copilot')}, "
        f"m.{column(Member, 'mentee_capacity')}, ({counted} (%s)), ({counted} ({marks(OPEN_STATES)})), "
        f"EXISTS (SELECT 1 FROM {table(MentoringAvailability)} a WHERE a.{availability} = {member} "
        f"AND a.{column(MentoringAvailability, 'inactive_since')} IS NOT NULL) "
        f"FROM {table(Member)} m WHERE {condition}",
        ["active", *OPEN_STATES, *params],
    )
    return {
        member_id: Standing(
            open_to_mentoring=bool(open_m),
            wants_copilot=bool(copilot),
            capacity=int(capacity),
            active=int(active),
            waiting=int(waiting),
            inactive=bool(inactive),
        )
        for member_id, open_m, copilot, capacity, active, waiting, inactive in rows
    }


def member_id_range() -> tuple[int, int]:
    """The lowest and highest member id, each read from an end of the primary key, in one statement."""
    member_id, members = column(Member, "id"), table(Member)
    lowest, highest = fetch(
        f"SELECT (SELECT MIN({member_id}) FROM {members}), (SELECT MAX({member_id}) FROM {members})",
        [],
    )[0]
    return lowest or 0, highest or 0


def place_members(
    *, organisations: Sequence[int], schools: Sequence[int], exclude: int, start_at: int, limit: int
) -> list[int]:
    """Up to ``limit`` distinct members who were at one of these places, in one round trip.

    ``limit`` counts people, not rows: a member with several positions at a
    place (promotions, a return) is read once, and ``exclude`` takes no
    place. Places are taken in the order given (say, current workplaces
    first), and within a place members from id ``start_at`` on, wrapping
    round: callers vary ``start_at`` so that the same few members are not
    everyone's first pick. Each place is a range of the (place, member) index
    that stops at ``limit`` distinct members, whatever the size of the place;
    who is active or open is for the caller to check with what it reads about
    these members anyway.
    """
    places = [(Position, "organisation", place) for place in organisations] + [
        (Education, "school", place) for place in schools
    ]
    parts, params = [], []
    for rank, (model, place_field, place) in enumerate(places):
        member, where = column(model, "member"), column(model, place_field)
        for half, comparison in enumerate((">=", "<")):
            parts.append(
                f"SELECT * FROM (SELECT DISTINCT {member}, {2 * rank + half} FROM {table(model)} "
                f"WHERE {where} = %s AND {member} {comparison} %s AND {member} <> %s "
                f"ORDER BY {member} LIMIT {int(limit)}) AS part_{len(parts)}"
            )
            params += [place, start_at, exclude]
    if not parts:
        return []
    rows = sorted(fetch(" UNION ALL ".join(parts), params), key=lambda row: (row[1], row[0]))
    return list(dict.fromkeys(member_id for member_id, _ in rows))[:limit]


def places_of(member_id: int) -> tuple[list[int], list[int]]:
    """The organisations (current ones first, then the most recent) and the schools of a member, in one statement."""
    rows = fetch(
        f"SELECT 0, {column(Position, 'organisation')}, {column(Position, 'end')} IS NULL, {column(Position, 'start')} "
        f"FROM {table(Position)} WHERE {column(Position, 'member')} = %s "
        f"UNION ALL SELECT 1, {column(Education, 'school')}, 0 = 1, {column(Education, 'start')} "
        f"FROM {table(Education)} WHERE {column(Education, 'member')} = %s",
        [member_id, member_id],
    )
    # Most recent first (an education without a start date last); current workplaces go before all others below.
    rows.sort(key=lambda row: "" if row[3] is None else str(row[3]), reverse=True)
    organisations = dict.fromkeys(
        place for kind, place, current, _ in rows if kind == 0 and current
    )
    organisations.update(dict.fromkeys(place for kind, place, _, _ in rows if kind == 0))
    return list(organisations), list(
        dict.fromkeys(place for kind, place, _, _ in rows if kind == 1)
    )
