"""Reasons: the evidence behind a suggestion, in plain English.

Every suggestion says why it is made, naming the facts: the team and years
two people shared, the course they studied together, the moments they
logged, the move the candidate made that the member wants to make. Reasons
are written for one ``viewer`` and never mention evidence that the viewer may
not see (another member's imported contacts or logged interactions): such
evidence is dropped here, whatever the caller passes in.

Names come from the caller as dictionaries from id to name; a missing name
gives a vaguer sentence, never an id.

Examples
--------
>>> import datetime
>>> from deskmate.engine.ties import Evidence, EvidenceKind
>>> worked = Evidence(
...     EvidenceKind.WORKED_TOGETHER, first=0, second=1, strength=0.4,
...     organisation=5, unit=50,
...     start=datetime.date(2019, 3, 1), end=datetime.date(2021, 6, 30),
... )
>>> names = Names(organisations={5: "Acme"}, units={50: "Payments"})
>>> explain(0, 1, evidence=[worked], names=names, as_of=datetime.date(2024, 1, 1))
('You overlapped on the Payments team at Acme, 2019–2021',)
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from deskmate.engine.fit import Fit, Mode, Role
from deskmate.engine.ties import (
    DateLike,
    Evidence,
    EvidenceKind,
    InteractionKind,
    as_day,
)

__all__ = ["Names", "SharedPlaces", "explain", "relative_time", "year_range"]

_UNIT_WORDS = frozenset(
    {"team", "department", "group", "squad", "unit", "division", "office", "lab", "tribe"}
)
_OFFER_LENGTH = 80

_INTERACTION_VERBS: Mapping[InteractionKind, str] = {
    InteractionKind.LUNCH: "had lunch",
    InteractionKind.TALKING_SHOP: "talked shop",
    InteractionKind.MEETING: "met",
    InteractionKind.CALL: "had a call",
    InteractionKind.OTHER: "were in touch",
}


@dataclass(frozen=True)
class Names:
    """Display names by id, supplied by the caller."""

    organisations: Mapping[int, str] = field(default_factory=dict)
    units: Mapping[int, str] = field(default_factory=dict)
    schools: Mapping[int, str] = field(default_factory=dict)
    programmes: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SharedPlaces:
    """Places the viewer shares with one candidate, from their own histories.

    Ids are ``None`` when nothing is shared. See ``ranking.shared_context``.
    """

    current_organisation: int | None = None
    former_organisation: int | None = None
    school: int | None = None


def year_range(start: datetime.date, end: datetime.date) -> str:
    """Years from ``start`` to ``end`` with an en dash; one year when equal.

    Examples
    --------
    >>> year_range(datetime.date(2019, 1, 1), datetime.date(2021, 5, 1))
    '2019–2021'
    >>> year_range(datetime.date(2019, 1, 1), datetime.date(2019, 5, 1))
    '2019'
    """
    if start.year == end.year:
        return str(start.year)
    return f"{start.year}\u2013{end.year}"


def relative_time(day: datetime.date, as_of: datetime.date) -> str:
    """How long ago ``day`` was, in words.

    Examples
    --------
    >>> today = datetime.date(2024, 3, 1)
    >>> [relative_time(today - datetime.timedelta(days=d), today) for d in (0, 1, 5, 14, 70, 800)]
    ['today', 'yesterday', '5 days ago', '2 weeks ago', '2 months ago', '2 years ago']
    """
    days = (as_of - day).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{days} days ago"
    if days < 60:
        return f"{days // 7} weeks ago"
    if days < 730:
        return f"{round(days / (365.25 / 12))} months ago"
    return f"{days // 365} years ago"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _listing(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _title_words(title: str) -> str:
    """A title as it reads inside a sentence: "Engineering Manager" → "engineering manager".

    Acronyms and mixed-case names ("VP", "iOS") keep their case.
    """
    words = title.split()
    return " ".join(
        word.lower() if word[:1].isupper() and word[1:].islower() or word.islower() else word
        for word in words
    )


def _with_article(phrase: str) -> str:
    return f"an {phrase}" if phrase[:1].lower() in "aeiou" else f"a {phrase}"


def _unit_phrase(unit: str) -> str:
    words = unit.split()
    if words and words[-1].lower() in _UNIT_WORDS:
        return f"the {unit}"
    return f"the {unit} team"


def _work_sentence(item: Evidence, names: Names) -> str | None:
    if item.start is None or (item.end is None and not item.current):
        return None
    organisation = (
        names.organisations.get(item.organisation) if item.organisation is not None else None
    )
    unit = names.units.get(item.unit) if item.unit is not None else None
    since = f"since {item.start.year}"
    years = year_range(item.start, item.end) if item.end is not None else ""
    if item.kind is EvidenceKind.WORKED_TOGETHER:
        if organisation is None:
            place = "in the same team"
        elif unit is None:
            place = f"at {organisation}"
        else:
            place = f"on {_unit_phrase(unit)} at {organisation}"
        if item.current:
            return f"You work together {place} {since}"
        verb = "overlapped" if unit and organisation else "worked together"
        return f"You {verb} {place}, {years}"
    place = organisation or "the same organisation"
    if item.current:
        return f"You both work at {place} {since}"
    return f"You were both at {place}, {years}"


def _study_sentence(item: Evidence, names: Names) -> str | None:
    school = names.schools.get(item.school) if item.school is not None else None
    if item.kind is EvidenceKind.ALUMNI:
        return f"You are both alumni of {school}" if school else "You are alumni of the same school"
    if item.start is None or (item.end is None and not item.current):
        return None
    programme = names.programmes.get(item.programme) if item.programme is not None else None
    if school is None:
        subject = ""
    elif programme is None:
        subject = f" at {school}"
    else:
        subject = f" {programme} at {school}"
    if item.current:
        return f"You study{subject} together since {item.start.year}"
    assert item.end is not None
    return f"You studied{subject} together, {year_range(item.start, item.end)}"


def _interaction_sentence(item: Evidence, as_of: datetime.date) -> str | None:
    if item.end is None:
        return None
    verb = _INTERACTION_VERBS[item.interaction or InteractionKind.OTHER]
    when = relative_time(item.end, as_of)
    if item.count > 1:
        return f"You {verb} {item.count} times, most recently {when}"
    return f"You {verb} {when}"


def _evidence_sentence(item: Evidence, names: Names, as_of: datetime.date) -> str | None:
    if item.kind in (EvidenceKind.WORKED_TOGETHER, EvidenceKind.SAME_ORGANISATION):
        return _work_sentence(item, names)
    if item.kind in (EvidenceKind.STUDIED_TOGETHER, EvidenceKind.ALUMNI):
        return _study_sentence(item, names)
    if item.kind is EvidenceKind.CONTACT:
        return "In your contacts"
    if item.kind is EvidenceKind.MUTUAL_CONTACTS:
        return _plural(item.count, "mutual contact")
    if item.kind is EvidenceKind.INTERACTION:
        return _interaction_sentence(item, as_of)
    return None


def _role_sentence(role: Role) -> str:
    title = _with_article(_title_words(role.title))
    if role.end_year is None:
        return f"Works as {title} — one of your goals"
    years = (
        str(role.start_year)
        if role.start_year == role.end_year
        else f"{role.start_year}\u2013{role.end_year}"
    )
    return f"Was {title}, {years} — one of your goals"


def _fit_sentences(fit: Fit, mode: Mode) -> list[str]:
    sentences: list[str] = []
    for goal_fit in fit.goals:
        if goal_fit.transition is not None:
            move = goal_fit.transition
            sentences.append(
                f"Moved from {_title_words(move.from_title)} to {_title_words(move.to_title)}"
                f" in {move.year} — one of your goals"
            )
        elif goal_fit.role is not None:
            sentences.append(_role_sentence(goal_fit.role))
        if goal_fit.skills:
            sentences.append(f"Knows {_listing(goal_fit.skills)} — skills you want")
        if goal_fit.offer is not None:
            offer = " ".join(goal_fit.offer.split())
            if len(offer) > _OFFER_LENGTH:
                offer = offer[: _OFFER_LENGTH - 1].rstrip() + "…"
            sentences.append(f"Offers help with “{offer}”")
    if mode is Mode.COPILOT and fit.stage_score >= 0.5:
        sentences.append("At a similar career stage")
    # Two goals can point at the same fact; say it once.
    return list(dict.fromkeys(sentences))


def _place_sentences(places: SharedPlaces, shown: Sequence[Evidence], names: Names) -> list[str]:
    sentences: list[str] = []
    work_places = {
        item.organisation
        for item in shown
        if item.kind in (EvidenceKind.WORKED_TOGETHER, EvidenceKind.SAME_ORGANISATION)
    }
    study_places = {
        item.school
        for item in shown
        if item.kind in (EvidenceKind.STUDIED_TOGETHER, EvidenceKind.ALUMNI)
    }
    current = places.current_organisation
    if current is not None and current not in work_places and current in names.organisations:
        sentences.append(f"You both work at {names.organisations[current]}")
    former = places.former_organisation
    if (
        former is not None
        and former != current
        and former not in work_places
        and former in names.organisations
    ):
        sentences.append(f"You were both at {names.organisations[former]}")
    school = places.school
    if school is not None and school not in study_places and school in names.schools:
        sentences.append(f"You are both alumni of {names.schools[school]}")
    return sentences


def explain(
    viewer: int,
    candidate: int,
    *,
    evidence: Sequence[Evidence],
    names: Names,
    as_of: DateLike,
    fit: Fit | None = None,
    places: SharedPlaces | None = None,
    mode: Mode = Mode.MENTOR,
) -> tuple[str, ...]:
    """Reasons, in words, for suggesting ``candidate`` to ``viewer``.

    Parameters
    ----------
    viewer, candidate : int
        Member indices.
    evidence : sequence of Evidence
        Evidence of the tie between them; anything ``viewer`` may not see, or
        that belongs to another pair, is ignored.
    names : Names
        Display names by id.
    as_of : date
        Today, for "2 weeks ago".
    fit : Fit, optional
        The candidate's fit, for reasons about goals.
    places : SharedPlaces, optional
        Workplaces and schools shared without a materialised tie.
    mode : Mode
        Copilot suggestions also say when the stage is similar.

    Returns
    -------
    tuple of str
        Tie evidence first, strongest first; then shared places; then fit.

    Examples
    --------
    >>> import datetime
    >>> from deskmate.engine.ties import Evidence, EvidenceKind
    >>> contact = Evidence(EvidenceKind.CONTACT, first=0, second=1, strength=0.5, private_to=1)
    >>> mutual = Evidence(EvidenceKind.MUTUAL_CONTACTS, first=0, second=1, strength=0.3, count=3)
    >>> explain(1, 0, evidence=[contact, mutual], names=Names(), as_of="2024-01-01")
    ('In your contacts', '3 mutual contacts')
    >>> explain(0, 1, evidence=[contact, mutual], names=Names(), as_of="2024-01-01")
    ('3 mutual contacts',)
    """
    today = as_day(as_of).astype(datetime.date)
    pair = {viewer, candidate}
    shown = [
        item for item in evidence if {item.first, item.second} == pair and item.visible_to(viewer)
    ]
    order = np.argsort([-item.strength for item in shown], kind="stable")
    shown = [shown[index] for index in order]
    sentences = [_evidence_sentence(item, names, today) for item in shown]
    reasons = [sentence for sentence in sentences if sentence]
    if places is not None:
        reasons.extend(_place_sentences(places, shown, names))
    if fit is not None:
        reasons.extend(_fit_sentences(fit, mode))
    return tuple(dict.fromkeys(reasons))
