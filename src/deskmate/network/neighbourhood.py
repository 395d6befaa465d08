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

from deskmate.engine.ties import Community, Contacts, Educations, Interactions, Positions
from deskmate.mentoring.models import Availability as MentoringAvailability
from deskmate.mentoring.models import Mentorship
from deskmate.mentoring.states import OPEN_STATES
from deskmate.network.models import Tie
from deskmate.network.tie_store import programme_numbers
from deskmate.people.models import Education, Member, MemberSkill, Offer, Position, Skill, User
from deskmate.sql import column, fetch, marks, table


def _days(values: list) -> np.ndarray:
    """Dates as read (ISO text on SQLite, dates on PostgreSQL, ``None`` when open) as days."""
    return np.array(values, dtype="datetime64[D]")


def viewer_ties(member_id: int) -> list[tuple[int, int, list[dict]]]:
    """Every stored tie of one member: (member_low, member_high, evidence)."""
    low, high, evidence = column(Tie, "member_low"), column(Tie, "member_high"), column(Tie, "evidence")
    rows = fetch(
        f"SELECT {low}, {high}, {evidence} FROM {table(Tie)} WHERE {low} = %s "
        f"UNION ALL SELECT {low}, {high}, {evidence} FROM {table(Tie)} WHERE {high} = %s",
        [member_id, member_id],
    )
    return [(a, b, orjson.loads(items) if isinstance(items, str | bytes) else items) for a, b, items in rows]


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
    position_columns = ", ".join(
        column(Position, name) for name in ("member", "organisation", "unit", "start", "end", "title")
    )
    order = f"ORDER BY {column(Position, 'start')} DESC, {column(Position, 'id')} DESC"
    positions = fetch(
        f"SELECT {position_columns} FROM {table(Position)} WHERE {column(Position, 'member')} IN ({marks(ids)}) {order}",
        ids,
    )
    education_columns = ", ".join(
        column(Education, name) for name in ("member", "school", "degree", "field", "start", "end")
    )
    educations = fetch(
        f"SELECT {education_columns} FROM {table(Education)} WHERE {column(Education, 'member')} IN ({marks(ids)}) "
        f"ORDER BY {column(Education, 'start')} DESC, {column(Education, 'id')} DESC",
        ids,
    )
    position_values = list(zip(*positions, strict=True)) or [()] * 6
    education_values = list(zip(*educations, strict=True)) or [()] * 6
    programme_of, programme_names = programme_numbers(*education_values[1:4])
    community = Community(
        n_members=len(ids),
        positions=Positions(
            member=np.array([index_of[m] for m in position_values[0]], dtype=np.int64),
            organisation=np.array(position_values[1], dtype=np.int64),
            unit=np.array([-1 if unit is None else unit for unit in position_values[2]], dtype=np.int64),
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
        community=community, position_titles=list(position_values[5]), programme_names=programme_names
    )


def _texts_by_member(member_ids: Sequence[int], sql: str) -> dict[int, list[str]]:
    """The ``(member id, text)`` rows of ``sql`` grouped by member, in row order.

    ``sql`` says ``IN ({marks})`` where the members' ids go.
    """
    found: dict[int, list[str]] = {member_id: [] for member_id in member_ids}
    for member_id, text in fetch(sql.format(marks=marks(found)), list(found)):
        found[member_id].append(text)
    return found


def skills(member_ids: Sequence[int]) -> dict[int, list[str]]:
    """Each member's skills by name, alphabetically."""
    holder, name = f"h.{column(MemberSkill, 'member')}", f"s.{column(Skill, 'name')}"
    return _texts_by_member(
        member_ids,
        f"SELECT {holder}, {name} FROM {table(MemberSkill)} h JOIN {table(Skill)} s "
        f"ON s.{column(Skill, 'id')} = h.{column(MemberSkill, 'skill')} WHERE {holder} IN ({{marks}}) ORDER BY {name}",
    )


def offers(member_ids: Sequence[int]) -> dict[int, list[str]]:
    """Each member's offers, oldest first."""
    owner = column(Offer, "member")
    return _texts_by_member(
        member_ids,
        f"SELECT {owner}, {column(Offer, 'text')} FROM {table(Offer)} WHERE {owner} IN ({{marks}}) "
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
    """Openness, capacity, active mentorships, unanswered requests and silence of each member."""
    ids = list(member_ids)
    if not ids:
        return {}
    base = {
        member_id: (bool(open_m), bool(copilot), int(capacity))
        for member_id, open_m, copilot, capacity in fetch(
            f"SELECT {column(Member, 'id')}, {column(Member, 'open_to_mentoring')}, {column(Member, 'wants_copilot')}, "
            f"{column(Member, 'mentee_capacity')} FROM {table(Member)} WHERE {column(Member, 'id')} IN ({marks(ids)})",
            ids,
        )
    }
    states = ["active", *OPEN_STATES]
    recipient, state = column(Mentorship, "recipient"), column(Mentorship, "state")
    counts: dict[tuple[int, str], int] = {
        (member_id, row_state): count
        for member_id, row_state, count in fetch(
            f"SELECT {recipient}, {state}, COUNT(*) FROM {table(Mentorship)} "
            f"WHERE {recipient} IN ({marks(ids)}) AND {state} IN ({marks(states)}) GROUP BY {recipient}, {state}",
            [*ids, *states],
        )
    }
    inactive = {
        member_id
        for (member_id,) in fetch(
            f"SELECT {column(MentoringAvailability, 'member')} FROM {table(MentoringAvailability)} "
            f"WHERE {column(MentoringAvailability, 'member')} IN ({marks(ids)}) "
            f"AND {column(MentoringAvailability, 'inactive_since')} IS NOT NULL",
            ids,
        )
    }
    return {
        member_id: Standing(
            open_to_mentoring=open_m,
            wants_copilot=copilot,
            capacity=capacity,
            active=counts.get((member_id, "active"), 0),
            waiting=sum(counts.get((member_id, s), 0) for s in OPEN_STATES),
            inactive=member_id in inactive,
        )
        for member_id, (open_m, copilot, capacity) in base.items()
    }


def member_id_range() -> tuple[int, int]:
    """The lowest and highest member id, each read from the end of the primary key."""
    member_id = column(Member, "id")
    (lowest,), (highest,) = (
        fetch(f"SELECT {aggregate}({member_id}) FROM {table(Member)}", [])[0] for aggregate in ("MIN", "MAX")
    )
    return lowest or 0, highest or 0


def place_candidates(
    *, organisations: Sequence[int], schools: Sequence[int], open_column: str, exclude: int, start_at: int, limit: int
) -> list[int]:
    """Up to ``limit`` active members open to what is asked, who were at one of these places.

    Places are tried in the order given (say, current workplaces first), and
    within a place members are taken from id ``start_at`` on, wrapping round:
    callers vary ``start_at`` so that the same few members are not everyone's
    first pick. Each read walks the (place, member) index and stops at
    ``limit``, whatever the size of the place.
    """
    found: dict[int, None] = {}
    member_id, user_id = column(Member, "id"), column(Member, "user")
    openness = column(Member, open_column)
    places = [(Position, "organisation", place) for place in organisations] + [
        (Education, "school", place) for place in schools
    ]
    for model, place_field, place in places:
        stint_member, stint_place = column(model, "member"), column(model, place_field)
        for lower, upper in ((start_at, None), (None, start_at)):
            if len(found) >= limit:
                return list(found)
            bounds = []
            params: list = [place, exclude]
            if lower is not None:
                bounds.append(f"s.{stint_member} >= %s")
                params.append(lower)
            if upper is not None:
                bounds.append(f"s.{stint_member} < %s")
                params.append(upper)
            rows = fetch(
                f"SELECT DISTINCT s.{stint_member} FROM {table(model)} s "
                f"JOIN {table(Member)} m ON m.{member_id} = s.{stint_member} "
                f"JOIN {table(User)} u ON u.{column(User, 'id')} = m.{user_id} "
                f"WHERE s.{stint_place} = %s AND s.{stint_member} <> %s AND {' AND '.join(bounds)} "
                f"AND m.{openness} AND u.{column(User, 'is_active')} "
                f"ORDER BY s.{stint_member} LIMIT {int(limit)}",
                params,
            )
            for (candidate,) in rows:
                found.setdefault(candidate)
                if len(found) >= limit:
                    break
    return list(found)


def places_of(member_id: int) -> tuple[list[int], list[int]]:
    """The organisations (current ones first, then the most recent) and the schools of a member."""
    positions = fetch(
        f"SELECT {column(Position, 'organisation')}, {column(Position, 'end')} FROM {table(Position)} "
        f"WHERE {column(Position, 'member')} = %s ORDER BY {column(Position, 'start')} DESC",
        [member_id],
    )
    organisations = dict.fromkeys(organisation for organisation, end in positions if end is None)
    organisations.update(dict.fromkeys(organisation for organisation, _ in positions))
    schools = fetch(
        f"SELECT {column(Education, 'school')} FROM {table(Education)} WHERE {column(Education, 'member')} = %s "
        f"ORDER BY {column(Education, 'start')} DESC",
        [member_id],
    )
    return list(organisations), list(dict.fromkeys(school for (school,) in schools))
