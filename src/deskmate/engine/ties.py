"""Ties between members, computed from evidence without quadratic blow-ups.

The Django side loads the community into the plain arrays of
:class:`Community` (members are numbered ``0 .. n_members - 1``; organisations,
units, schools and programmes keep their database ids), calls
:func:`compute_ties` in a background task, and stores the resulting
:class:`TieTable`. When one member's history changes,
:func:`compute_ties_touching` recomputes only the ties that member is part of,
with exactly the values the full computation gives them.

Kinds of evidence and their raw strength (each is then multiplied by its
weight in :class:`TieParameters`):

worked together
    Same organisation *and* unit with overlapping dates.
    ``raw = (1 - exp(-months / overlap_months_scale)) * log(3) / log(size + 1)``
    where ``months`` is the total overlap and ``size`` the unit's peak number
    of members present at the same time. Two people alone in a unit get the
    full size factor of 1; a team of 8 gets 0.5, a unit of 50 gets 0.28. Units
    larger than ``max_unit_size`` are not paired at all: their factor would
    be small, and their pairs many.
same organisation
    Overlapping dates at the same organisation without a shared unit, only
    for organisations of at most ``max_organisation_size_for_pairs`` people
    at a time. For larger ones "both at Acme" is an attribute that the ranker
    reads from the member's own history (see ``ranking.shared_context``), not
    an edge. Same formula as above with the organisation's size.
studied together
    Same school and programme (degree and field) with overlapping dates;
    same formula, sizes capped by ``max_programme_size``.
alumni
    Same school, not studied together. Materialised only for pairs that have
    some other evidence, so a school of any size costs at most one look-up
    per existing tie; the ranker reads the attribute for everyone else.
    ``raw = 1``.
contact
    An imported connection, private to the importer. ``raw = 1``.
interaction
    Logged moments, private to the member who logged them, one evidence per
    kind of moment. Each moment counts ``0.5 ** (age_days / half_life)``;
    ``raw = 1 - exp(-decayed_count / interaction_saturation)``.
mutual contacts
    Adamic–Adar over the symmetrised contact graph: each common contact ``k``
    adds ``1 / log(degree(k))``; ``raw = 1 - exp(-score / mutual_scale)``.
    Computed by sparse products in row blocks, keeping each member's
    ``mutual_top_k`` best partners (a pair is kept if either end keeps it).
    Contacts with more than ``max_common_contact_degree`` contacts are not
    used as intermediaries: they say little and would cost ``degree**2``.

A tie's strength is the noisy-or of its evidence strengths,
``1 - prod(1 - strength_e)``: each piece of evidence independently explains
the tie, more evidence never lowers it, and the result stays in ``[0, 1]``.

Cost: overlaps come from sorting stints by (group, start) and binary-searching,
for each stint, the later stints of its group that start before it ends, so
the work is ``O(S log S + P)`` for ``S`` stints and ``P`` overlapping pairs,
and ``P`` is bounded by the size caps. Mutual contacts cost
``sum(min(degree, max_common_contact_degree) ** 2)`` multiply-adds in sparse
products that release the GIL (``threads`` blocks at a time), with memory for
the blocks in flight plus ``mutual_top_k`` partners per member. A synthetic
community of 100,000 members with about 3 positions, 1.5 education stints and
100 contacts each took about 60 s of CPU time in all (two thirds of it for
mutual contacts) and 2.8 GB at peak, giving 8.6 million ties and 13.8 million
pieces of evidence.

Mutual contacts are public to both members as a count, never as names. A
member with very few contacts of their own can still guess from "1 mutual
contact" who the other knows.

Examples
--------
>>> community = Community(
...     n_members=3,
...     positions=Positions.from_rows([
...         (0, 1, 10, "2019-01-01", "2021-01-01"),
...         (1, 1, 10, "2019-06-01", None),
...     ]),
...     contacts=Contacts.from_rows([(2, 0)]),
... )
>>> ties = compute_ties(community, as_of="2024-01-01")
>>> [(int(a), int(b)) for a, b in zip(ties.first, ties.second)]
[(0, 1), (0, 2)]
>>> [e.kind.name for e in ties.evidence_of(ties.find(0, 2))]
['CONTACT']
>>> ties.evidence_of(ties.find(0, 2))[0].private_to
2
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import scipy as sp

__all__ = [
    "Community",
    "Contacts",
    "Educations",
    "Evidence",
    "EvidenceKind",
    "EvidenceTable",
    "InteractionKind",
    "Interactions",
    "Positions",
    "TieParameters",
    "TieTable",
    "as_day",
    "compute_ties",
    "compute_ties_touching",
    "stint_spans",
]

_DAYS_PER_MONTH = 365.25 / 12
_NAT = np.datetime64("NaT", "D")


class EvidenceKind(enum.IntEnum):
    """What a piece of tie evidence is; stored as a small integer."""

    WORKED_TOGETHER = 1
    SAME_ORGANISATION = 2
    STUDIED_TOGETHER = 3
    ALUMNI = 4
    CONTACT = 5
    INTERACTION = 6
    MUTUAL_CONTACTS = 7


class InteractionKind(enum.IntEnum):
    """The kind of a logged interaction."""

    OTHER = 0
    LUNCH = 1
    TALKING_SHOP = 2
    MEETING = 3
    CALL = 4


DateLike = datetime.date | np.datetime64 | str


def as_day(value: DateLike | None) -> np.datetime64:
    """Convert a date, ISO string or ``None`` to ``datetime64[D]`` (``None`` → NaT).

    Examples
    --------
    >>> str(as_day("2020-02-03")), str(as_day(None))
    ('2020-02-03', 'NaT')
    """
    if value is None:
        return _NAT
    parsed: datetime.date | None = np.array(value, dtype="datetime64[D]").item()
    return np.datetime64(parsed, "D")


def _days(values: Any) -> np.ndarray:
    return np.asarray(values, dtype="datetime64[D]").reshape(-1)


def _ints(values: Any) -> np.ndarray:
    return np.asarray(values, dtype=np.int64).reshape(-1)


def _frozen_arrays(instance: Any, **arrays: np.ndarray) -> None:
    lengths = {len(array) for array in arrays.values()}
    if len(lengths) > 1:
        raise ValueError(f"{type(instance).__name__}: columns differ in length")
    for name, array in arrays.items():
        object.__setattr__(instance, name, array)


@dataclass(frozen=True, eq=False)
class Positions:
    """Positions held by members, one row per stint.

    Attributes
    ----------
    member : int array
        Member index, ``0 <= member < n_members``.
    organisation : int array
        Organisation id.
    unit : int array
        Unit (team or department) id, ``-1`` when unknown. Unit ids are taken
        within their organisation: the engine groups by the pair.
    start, end : datetime64[D] arrays
        First and last day; ``end`` is NaT while the position is current. An
        end on or after ``as_of`` also counts as current. Rows without a
        start are ignored.
    """

    member: np.ndarray
    organisation: np.ndarray
    unit: np.ndarray
    start: np.ndarray
    end: np.ndarray

    def __post_init__(self) -> None:
        _frozen_arrays(
            self,
            member=_ints(self.member),
            organisation=_ints(self.organisation),
            unit=_ints(self.unit),
            start=_days(self.start),
            end=_days(self.end),
        )

    @classmethod
    def empty(cls) -> Positions:
        """No positions."""
        return cls.from_rows([])

    @classmethod
    def from_rows(
        cls, rows: Iterable[tuple[int, int, int, DateLike | None, DateLike | None]]
    ) -> Positions:
        """Build from ``(member, organisation, unit, start, end)`` rows.

        Examples
        --------
        >>> Positions.from_rows([(0, 1, -1, "2020-01-01", None)]).end
        array(['NaT'], dtype='datetime64[D]')
        """
        rows = list(rows)
        return cls(
            member=np.array([row[0] for row in rows], dtype=np.int64),
            organisation=np.array([row[1] for row in rows], dtype=np.int64),
            unit=np.array([row[2] for row in rows], dtype=np.int64),
            start=np.array([as_day(row[3]) for row in rows], dtype="datetime64[D]"),
            end=np.array([as_day(row[4]) for row in rows], dtype="datetime64[D]"),
        )


@dataclass(frozen=True, eq=False)
class Educations:
    """Education stints, one row per stint.

    Attributes
    ----------
    member : int array
        Member index.
    school : int array
        School id.
    programme : int array
        Id of the programme, i.e. the (degree, field) pair, ``-1`` when
        unknown (such rows still count for alumni).
    start, end : datetime64[D] arrays
        First and last day; when only years are known, pass e.g. 1 September
        and 30 June. ``end`` is NaT while still studying.
    """

    member: np.ndarray
    school: np.ndarray
    programme: np.ndarray
    start: np.ndarray
    end: np.ndarray

    def __post_init__(self) -> None:
        _frozen_arrays(
            self,
            member=_ints(self.member),
            school=_ints(self.school),
            programme=_ints(self.programme),
            start=_days(self.start),
            end=_days(self.end),
        )

    @classmethod
    def empty(cls) -> Educations:
        """No education."""
        return cls.from_rows([])

    @classmethod
    def from_rows(
        cls, rows: Iterable[tuple[int, int, int, DateLike | None, DateLike | None]]
    ) -> Educations:
        """Build from ``(member, school, programme, start, end)`` rows."""
        rows = list(rows)
        return cls(
            member=np.array([row[0] for row in rows], dtype=np.int64),
            school=np.array([row[1] for row in rows], dtype=np.int64),
            programme=np.array([row[2] for row in rows], dtype=np.int64),
            start=np.array([as_day(row[3]) for row in rows], dtype="datetime64[D]"),
            end=np.array([as_day(row[4]) for row in rows], dtype="datetime64[D]"),
        )


@dataclass(frozen=True, eq=False)
class Contacts:
    """Imported connections: ``importer`` has ``contact`` among their contacts.

    Only contacts that are members are passed. Self-contacts and repeats are
    ignored.
    """

    importer: np.ndarray
    contact: np.ndarray

    def __post_init__(self) -> None:
        _frozen_arrays(self, importer=_ints(self.importer), contact=_ints(self.contact))

    @classmethod
    def empty(cls) -> Contacts:
        """No contacts."""
        return cls.from_rows([])

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[int, int]]) -> Contacts:
        """Build from ``(importer, contact)`` rows."""
        rows = list(rows)
        return cls(
            importer=np.array([row[0] for row in rows], dtype=np.int64),
            contact=np.array([row[1] for row in rows], dtype=np.int64),
        )


@dataclass(frozen=True, eq=False)
class Interactions:
    """Logged interactions: ``logged_by`` met ``other`` on ``day``.

    ``kind`` holds :class:`InteractionKind` values.
    """

    logged_by: np.ndarray
    other: np.ndarray
    kind: np.ndarray
    day: np.ndarray

    def __post_init__(self) -> None:
        _frozen_arrays(
            self,
            logged_by=_ints(self.logged_by),
            other=_ints(self.other),
            kind=_ints(self.kind),
            day=_days(self.day),
        )

    @classmethod
    def empty(cls) -> Interactions:
        """No interactions."""
        return cls.from_rows([])

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[int, int, int, DateLike]]) -> Interactions:
        """Build from ``(logged_by, other, kind, day)`` rows."""
        rows = list(rows)
        return cls(
            logged_by=np.array([row[0] for row in rows], dtype=np.int64),
            other=np.array([row[1] for row in rows], dtype=np.int64),
            kind=np.array([int(row[2]) for row in rows], dtype=np.int64),
            day=np.array([as_day(row[3]) for row in rows], dtype="datetime64[D]"),
        )


@dataclass(frozen=True, eq=False)
class Community:
    """Everything the tie computation reads, as plain arrays."""

    n_members: int
    positions: Positions = field(default_factory=Positions.empty)
    educations: Educations = field(default_factory=Educations.empty)
    contacts: Contacts = field(default_factory=Contacts.empty)
    interactions: Interactions = field(default_factory=Interactions.empty)


@dataclass(frozen=True)
class TieParameters:
    """Every knob of the tie computation, with its default.

    Kind weights are the most one piece of evidence of that kind can add to a
    tie (its raw strength in ``[0, 1]`` is multiplied by the weight).

    Attributes
    ----------
    worked_together, same_organisation, studied_together, alumni, contact,
    interaction, mutual_contacts : float
        Kind weights. Sharing a unit weighs most; a shared organisation or
        school without a shared team or class is a weak hint.
    overlap_months_scale : float
        Months of overlap at which time-based strength reaches 63 % of its
        maximum (``1 - exp(-1)``); two years reach 86 %.
    max_unit_size, max_programme_size : int
        Peak concurrent size above which a unit or programme is not paired.
    max_organisation_size_for_pairs : int
        Peak concurrent size up to which same-organisation pairs are stored.
    merge_gap_days : int
        Stints of one member in one group separated by at most this many days
        are merged (a promotion is not leaving and coming back).
    interaction_half_life_days : float
        Age at which a logged interaction counts half.
    interaction_saturation : float
        Decayed number of interactions at which interaction strength reaches
        63 %.
    mutual_scale : float
        Adamic–Adar score at which mutual-contact strength reaches 63 %.
    mutual_top_k : int
        Mutual-contact partners kept per member.
    max_common_contact_degree : int
        Contacts with more contacts than this are not counted as mutual.
    mutual_block_rows : int
        Rows per sparse product block; bounds memory, not results.
    threads : int
        Threads computing blocks at once; results do not depend on it.
    """

    worked_together: float = 1.0
    same_organisation: float = 0.25
    studied_together: float = 0.7
    alumni: float = 0.1
    contact: float = 0.5
    interaction: float = 0.8
    mutual_contacts: float = 0.5
    overlap_months_scale: float = 12.0
    max_unit_size: int = 500
    max_programme_size: int = 500
    max_organisation_size_for_pairs: int = 50
    merge_gap_days: int = 1
    interaction_half_life_days: float = 180.0
    interaction_saturation: float = 1.0
    mutual_scale: float = 3.0
    mutual_top_k: int = 25
    max_common_contact_degree: int = 1000
    mutual_block_rows: int = 1024
    threads: int = 2


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence for the tie between ``first`` and ``second``.

    Ids that do not apply to the kind are ``None``. ``start`` and ``end`` are
    the overlap for overlap kinds (``end`` is ``None`` while ``current``), the
    first and last interaction for interactions, ``None`` otherwise. ``days``
    is the total overlap in days, ``count`` the number of mutual contacts or
    interactions, ``score`` the kind's raw score before weighting (Adamic–Adar
    score, decayed interaction count, months of overlap). ``private_to`` is
    the only member allowed to see this evidence, ``None`` when both may.
    """

    kind: EvidenceKind
    first: int
    second: int
    strength: float
    organisation: int | None = None
    unit: int | None = None
    school: int | None = None
    programme: int | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    current: bool = False
    days: int = 0
    count: int = 0
    interaction: InteractionKind | None = None
    score: float = 0.0
    private_to: int | None = None

    def visible_to(self, viewer: int) -> bool:
        """Whether ``viewer`` may see this evidence.

        Public evidence is visible only to the two members of the tie; private
        evidence only to the member it is private to.
        """
        if self.private_to is not None:
            return viewer == self.private_to
        return viewer in (self.first, self.second)


_EVIDENCE_DEFAULTS: dict[str, tuple[Any, Any]] = {
    # column: (dtype, value when the kind does not use it)
    "organisation": (np.int32, -1),
    "unit": (np.int32, -1),
    "school": (np.int32, -1),
    "programme": (np.int32, -1),
    "start": ("datetime64[D]", _NAT),
    "end": ("datetime64[D]", _NAT),
    "current": (np.bool_, False),
    "days": (np.int32, 0),
    "count": (np.int32, 0),
    "interaction": (np.int8, -1),
    "score": (np.float64, 0.0),
    "private_to": (np.int32, -1),
}


@dataclass(frozen=True, eq=False)
class EvidenceTable:
    """All evidence of a :class:`TieTable` as columns.

    Each column has one entry per piece of evidence; ``tie`` is the row of the
    tie in the owning table. Columns mean what the fields of
    :class:`Evidence` mean, with ``-1`` (ids, ``interaction``,
    ``private_to``) or NaT (dates) where a field does not apply. Ids and
    member indices are stored as int32 to halve the memory of tens of
    millions of rows; :func:`compute_ties` refuses larger ids.
    """

    tie: np.ndarray
    kind: np.ndarray
    strength: np.ndarray
    organisation: np.ndarray
    unit: np.ndarray
    school: np.ndarray
    programme: np.ndarray
    start: np.ndarray
    end: np.ndarray
    current: np.ndarray
    days: np.ndarray
    count: np.ndarray
    interaction: np.ndarray
    score: np.ndarray
    private_to: np.ndarray

    def __len__(self) -> int:
        return len(self.tie)

    def take(self, rows: np.ndarray) -> EvidenceTable:
        """The evidence at ``rows`` (indices or a boolean mask)."""
        return EvidenceTable(**{name: column[rows] for name, column in self._columns().items()})

    def _columns(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def _date_or_none(day: np.datetime64) -> datetime.date | None:
    return None if np.isnat(day) else day.astype(datetime.date)


def _id_or_none(value: Any) -> int | None:
    return None if value < 0 else int(value)


@dataclass(frozen=True, eq=False)
class TieTable:
    """Ties of a community: one row per unordered pair ``first < second``.

    Rows are sorted by ``(first, second)``. The evidence rows of tie ``t``
    are ``grouping[offsets[t]:offsets[t + 1]]``; :meth:`evidence_of` returns
    them as records. The evidence table itself is in no particular order,
    each row naming its tie, which suits bulk inserts.

    Attributes
    ----------
    n_members : int
        Size of the community the table was computed for.
    first, second : int64 arrays
        The two members of each tie.
    strength : float64 array
        Noisy-or of all evidence strengths, in ``[0, 1]``. It includes private
        evidence, so show a member :meth:`visible_strengths` instead.
    evidence : EvidenceTable
        Every piece of evidence.
    grouping : int64 array
        Evidence rows ordered by tie, in the order the kinds are listed in
        :class:`EvidenceKind` (worked together first).
    offsets : int64 array
        ``len(self) + 1`` boundaries of each tie's rows in ``grouping``.

    Examples
    --------
    >>> community = Community(3, contacts=Contacts.from_rows([(0, 1), (1, 0), (2, 1)]))
    >>> ties = compute_ties(community, as_of="2024-01-01")
    >>> row = ties.find(1, 0)
    >>> [item.private_to for item in ties.evidence_of(row)], float(ties.strength[row])
    ([0, 1], 0.75)
    >>> ties.partners(1).tolist(), ties.visible_strengths(2).tolist()
    ([0, 2], [0.0, 0.5, 0.0])
    """

    n_members: int
    first: np.ndarray
    second: np.ndarray
    strength: np.ndarray
    evidence: EvidenceTable
    grouping: np.ndarray
    offsets: np.ndarray

    def __len__(self) -> int:
        return len(self.first)

    @cached_property
    def _keys(self) -> np.ndarray:
        return self.first * self.n_members + self.second

    @cached_property
    def _by_member(self) -> tuple[np.ndarray, np.ndarray]:
        members = np.concatenate([self.first, self.second])
        ties = np.tile(np.arange(len(self)), 2)
        order = np.argsort(members, kind="stable")
        bounds = np.searchsorted(members[order], np.arange(self.n_members + 1))
        return ties[order], bounds

    def find(self, a: int, b: int) -> int | None:
        """Row of the tie between members ``a`` and ``b``, or ``None``."""
        low, high = min(a, b), max(a, b)
        key = low * self.n_members + high
        row = int(np.searchsorted(self._keys, key))
        if row < len(self) and self._keys[row] == key:
            return row
        return None

    def ties_of(self, member: int) -> np.ndarray:
        """Rows of all ties ``member`` is part of, in ascending order."""
        ties, bounds = self._by_member
        return np.sort(ties[bounds[member] : bounds[member + 1]])

    def partners(self, member: int) -> np.ndarray:
        """The other member of each tie in :meth:`ties_of`."""
        rows = self.ties_of(member)
        return np.where(self.first[rows] == member, self.second[rows], self.first[rows])

    def evidence_rows(self, ties: np.ndarray) -> np.ndarray:
        """Evidence rows of the given tie rows, tie by tie."""
        ties = np.asarray(ties, dtype=np.int64)
        lengths = self.offsets[ties + 1] - self.offsets[ties]
        positions = np.repeat(self.offsets[ties] - np.cumsum(lengths) + lengths, lengths)
        return self.grouping[positions + np.arange(lengths.sum(), dtype=np.int64)]

    def evidence_of(self, tie: int) -> list[Evidence]:
        """The evidence of tie row ``tie`` as records."""
        rows = self.evidence.take(self.grouping[self.offsets[tie] : self.offsets[tie + 1]])
        first, second = int(self.first[tie]), int(self.second[tie])
        return [
            Evidence(
                kind=EvidenceKind(int(rows.kind[row])),
                first=first,
                second=second,
                strength=float(rows.strength[row]),
                organisation=_id_or_none(rows.organisation[row]),
                unit=_id_or_none(rows.unit[row]),
                school=_id_or_none(rows.school[row]),
                programme=_id_or_none(rows.programme[row]),
                start=_date_or_none(rows.start[row]),
                end=_date_or_none(rows.end[row]),
                current=bool(rows.current[row]),
                days=int(rows.days[row]),
                count=int(rows.count[row]),
                interaction=(
                    None
                    if rows.interaction[row] < 0
                    else InteractionKind(int(rows.interaction[row]))
                ),
                score=float(rows.score[row]),
                private_to=_id_or_none(rows.private_to[row]),
            )
            for row in range(len(rows))
        ]

    def visible_evidence(self, viewer: int, other: int) -> list[Evidence]:
        """Evidence of the tie between ``viewer`` and ``other`` that ``viewer`` may see."""
        tie = self.find(viewer, other)
        if tie is None:
            return []
        return [item for item in self.evidence_of(tie) if item.visible_to(viewer)]

    def visible_strengths(self, viewer: int) -> np.ndarray:
        """Strength of each member's tie with ``viewer`` from evidence ``viewer`` may see.

        Returns a float array of length ``n_members`` (0 where there is no
        tie, and for ``viewer`` itself). Ranking uses these so that another
        member's private contacts and interactions cannot be read off the
        order of suggestions.
        """
        strengths = np.zeros(self.n_members)
        ties = self.ties_of(viewer)
        if len(ties) == 0:
            return strengths
        lengths = self.offsets[ties + 1] - self.offsets[ties]
        rows = self.evidence_rows(ties)
        owner = np.repeat(np.arange(len(ties)), lengths)
        private_to = self.evidence.private_to[rows]
        visible = (private_to < 0) | (private_to == viewer)
        log_missing = np.bincount(
            owner[visible],
            weights=np.log1p(-np.minimum(self.evidence.strength[rows][visible], 1 - 1e-12)),
            minlength=len(ties),
        )
        partners = np.where(self.first[ties] == viewer, self.second[ties], self.first[ties])
        # Adding 0.0 turns the -0.0 of ties without visible evidence into 0.0.
        strengths[partners] = -np.expm1(log_missing) + 0.0
        return strengths

    @classmethod
    def from_evidence(cls, n_members: int, records: Sequence[Evidence]) -> TieTable:
        """A table rebuilt from evidence records, e.g. ties stored earlier and read back.

        Strengths are recomputed from the evidence, exactly as :func:`compute_ties` does.

        Examples
        --------
        >>> table = TieTable.from_evidence(3, [
        ...     Evidence(EvidenceKind.CONTACT, 0, 2, 0.5, private_to=0),
        ...     Evidence(EvidenceKind.INTERACTION, 0, 2, 0.5, private_to=0),
        ... ])
        >>> table.first.tolist(), table.second.tolist(), table.strength.tolist()
        ([0], [2], [0.75])
        """

        def column(name: str) -> np.ndarray:
            dtype, missing = _EVIDENCE_DEFAULTS[name]
            values = []
            for record in records:
                value = getattr(record, name)
                if value is None:
                    value = missing
                elif name in ("start", "end"):
                    value = as_day(value)
                elif name == "interaction":
                    value = int(value)
                values.append(value)
            return np.array(values, dtype=dtype) if values else np.empty(0, dtype=dtype)

        for record in records:
            if not 0 <= record.first < record.second < n_members:
                raise ValueError(
                    f"evidence for ({record.first}, {record.second}) is not a pair first < second"
                )
        part: dict[str, np.ndarray] = {
            "first": np.array([record.first for record in records], dtype=np.int64),
            "second": np.array([record.second for record in records], dtype=np.int64),
            "kind": np.array([int(record.kind) for record in records], dtype=np.int8),
            "strength": np.array([record.strength for record in records], dtype=np.float64),
        }
        part.update({name: column(name) for name in _EVIDENCE_DEFAULTS})
        return _assemble(n_members, [part])

    def restricted_to(self, members: Sequence[int] | np.ndarray) -> TieTable:
        """The ties with at least one end in ``members``, with their evidence."""
        wanted = np.zeros(self.n_members, dtype=bool)
        wanted[np.asarray(members, dtype=np.int64)] = True
        ties = np.flatnonzero(wanted[self.first] | wanted[self.second])
        lengths = self.offsets[ties + 1] - self.offsets[ties]
        evidence = self.evidence.take(self.evidence_rows(ties))
        evidence = EvidenceTable(
            **{
                **evidence._columns(),
                "tie": np.repeat(np.arange(len(ties), dtype=np.int32), lengths),
            }
        )
        return TieTable(
            n_members=self.n_members,
            first=self.first[ties],
            second=self.second[ties],
            strength=self.strength[ties],
            evidence=evidence,
            grouping=np.arange(len(evidence), dtype=np.int64),
            offsets=np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
        )


# --------------------------------------------------------------------------
# Evidence builders. Each returns a dict of evidence columns plus "first" and
# "second" (first < second), for the pairs that touch ``touched`` if given.


def _evidence_columns(
    kind: EvidenceKind, first: np.ndarray, second: np.ndarray, strength: np.ndarray, **columns: Any
) -> dict[str, np.ndarray]:
    size = len(first)
    result: dict[str, np.ndarray] = {
        "first": np.asarray(first, dtype=np.int64),
        "second": np.asarray(second, dtype=np.int64),
        "kind": np.full(size, int(kind), dtype=np.int8),
        "strength": np.asarray(strength, dtype=np.float64),
    }
    for name, (dtype, missing) in _EVIDENCE_DEFAULTS.items():
        if name in columns:
            result[name] = np.asarray(columns[name], dtype=dtype)
        else:
            result[name] = np.full(size, missing, dtype=dtype)
    return result


def _sorted_unique(keys: np.ndarray) -> np.ndarray:
    """Sorted distinct values of an integer array.

    ``np.unique`` hashes large integer arrays first, which is several times
    slower here than sorting alone.
    """
    keys = np.sort(keys)
    if len(keys) == 0:
        return keys
    return keys[np.concatenate([[True], keys[1:] != keys[:-1]])]


def _touching(first: np.ndarray, second: np.ndarray, touched: np.ndarray | None) -> np.ndarray:
    if touched is None:
        return np.ones(len(first), dtype=bool)
    return touched[first] | touched[second]


def _row_keys(
    query: Sequence[np.ndarray], reference: Sequence[np.ndarray]
) -> tuple[np.ndarray, np.ndarray] | None:
    """One int64 key per row for both tables, or ``None`` if the keys would overflow."""
    query_keys = np.zeros(len(query[0]), dtype=np.int64)
    reference_keys = np.zeros(len(reference[0]), dtype=np.int64)
    capacity = 1
    for qry, ref in zip(query, reference, strict=True):
        low = min(int(qry.min()), int(ref.min()))
        width = max(int(qry.max()), int(ref.max())) - low + 1
        capacity *= width
        if capacity >= 2**62:
            return None
        query_keys = query_keys * width + (qry - low)
        reference_keys = reference_keys * width + (ref - low)
    return query_keys, reference_keys


def _isin_rows(query: Sequence[np.ndarray], reference: Sequence[np.ndarray]) -> np.ndarray:
    """Mask of the rows of the ``query`` columns that occur among ``reference`` rows."""
    size = len(query[0])
    if size == 0 or len(reference[0]) == 0:
        return np.zeros(size, dtype=bool)
    keys = _row_keys(query, reference)
    if keys is not None:
        query_keys, reference_keys = keys
        reference_keys = _sorted_unique(reference_keys)
        found_at = np.minimum(np.searchsorted(reference_keys, query_keys), len(reference_keys) - 1)
        return reference_keys[found_at] == query_keys
    # Keys too wide for one integer: sort both tables together instead.
    columns = [np.concatenate([ref, qry]) for qry, ref in zip(query, reference, strict=True)]
    is_query = np.concatenate([np.zeros(len(reference[0]), bool), np.ones(size, bool)])
    # Reference rows sort before equal query rows, so a query row is found when
    # the first row of its run of equal rows comes from the reference.
    order = np.lexsort([is_query, *reversed(columns)])
    sorted_columns = [column[order] for column in columns]
    new_run = np.ones(len(order), dtype=bool)
    new_run[1:] = np.any([column[1:] != column[:-1] for column in sorted_columns], axis=0)
    run_start = np.maximum.accumulate(np.where(new_run, np.arange(len(order)), 0))
    found = np.zeros(len(order), dtype=bool)
    found[order] = ~is_query[order][run_start]
    return found[len(reference[0]) :]


def _group_ranks(*keys: np.ndarray) -> np.ndarray:
    """Dense ranks of the rows of the ``keys`` columns (equal rows, equal rank)."""
    if len(keys[0]) == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort(keys[::-1])
    new = np.ones(len(order), dtype=bool)
    new[1:] = np.any([key[order][1:] != key[order][:-1] for key in keys], axis=0)
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = np.cumsum(new) - 1
    return ranks


@dataclass(frozen=True, eq=False)
class _Stints:
    """Merged stints: per group, each member's non-overlapping presence."""

    group: np.ndarray  # dense group rank
    member: np.ndarray
    start: np.ndarray  # int days since the epoch
    end: np.ndarray  # int days, exclusive; ``as_of`` while current
    current: np.ndarray


def stint_spans(
    start: np.ndarray, end: np.ndarray, *, as_of: DateLike
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Stints as integer day spans: ``(start, end, current, valid)``.

    ``start`` and ``end`` are days since 1970-01-01 with ``end`` exclusive,
    so back-to-back stints touch without overlapping; a stint with no end or
    ending on or after ``as_of`` is ``current`` and runs until ``as_of``.
    ``valid`` is false for stints without a start, starting after ``as_of``,
    or ending before they start.

    Examples
    --------
    >>> spans = stint_spans(
    ...     np.array(["2024-01-01", "2023-12-01"], "datetime64[D]"),
    ...     np.array(["NaT", "2023-12-31"], "datetime64[D]"),
    ...     as_of="2024-01-10",
    ... )
    >>> [column.tolist() for column in spans]
    [[19723, 19692], [19732, 19723], [True, False], [True, True]]
    """
    day = as_day(as_of)
    today = day.astype(np.int64)
    current = np.isnat(end) | (end >= day)
    # Inclusive last days become exclusive ends.
    end_days = np.where(current, today, end.astype(np.int64, copy=False) + 1)
    start_days = start.astype(np.int64, copy=False)
    valid = ~np.isnat(start) & (start <= day) & (end_days > start_days)
    return start_days, end_days, current, valid


def _merged_stints(
    group: np.ndarray,
    member: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    as_of: np.datetime64,
    merge_gap_days: int,
) -> _Stints:
    start_days, end_days, current, valid = stint_spans(start, end, as_of=as_of)
    group, member, start_days, end_days, current = (
        column[valid] for column in (group, member, start_days, end_days, current)
    )
    if len(group) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return _Stints(empty, empty, empty, empty, np.zeros(0, dtype=bool))
    order = np.lexsort((start_days, member, group))
    group, member, start_days, end_days, current = (
        column[order] for column in (group, member, start_days, end_days, current)
    )
    new_segment = np.ones(len(group), dtype=bool)
    new_segment[1:] = (group[1:] != group[:-1]) | (member[1:] != member[:-1])
    segment = np.cumsum(new_segment) - 1
    # A running maximum that restarts in every (group, member) segment:
    # lifting each segment above all earlier ones makes one global pass enough.
    low = end_days.min()
    span = end_days.max() - low + 1
    lifted = np.maximum.accumulate(end_days - low + segment * span)
    running_end = lifted - segment * span + low
    new_run = new_segment.copy()
    new_run[1:] |= start_days[1:] > running_end[:-1] + merge_gap_days
    run_starts = np.flatnonzero(new_run)
    return _Stints(
        group=group[run_starts],
        member=member[run_starts],
        start=start_days[run_starts],
        end=np.maximum.reduceat(end_days, run_starts),
        current=np.logical_or.reduceat(current, run_starts),
    )


def _peak_sizes(stints: _Stints, n_groups: int) -> np.ndarray:
    """Largest number of members present at the same time, per group."""
    sizes = np.zeros(n_groups, dtype=np.int64)
    if len(stints.group) == 0:
        return sizes
    group = np.concatenate([stints.group, stints.group])
    day = np.concatenate([stints.start, stints.end])
    step = np.concatenate(
        [np.ones(len(stints.group), np.int64), -np.ones(len(stints.group), np.int64)]
    )
    order = np.lexsort((step, day, group))
    # Every group's steps sum to zero, so one cumulative sum over all groups
    # is the running headcount within each.
    headcount = np.cumsum(step[order])
    group_sorted = group[order]
    firsts = np.flatnonzero(np.r_[True, group_sorted[1:] != group_sorted[:-1]])
    sizes[group_sorted[firsts]] = np.maximum.reduceat(headcount, firsts)
    return sizes


@dataclass(frozen=True, eq=False)
class _Overlaps:
    group: np.ndarray
    first: np.ndarray
    second: np.ndarray
    start: np.ndarray  # int days
    end: np.ndarray  # int days, exclusive
    days: np.ndarray
    current: np.ndarray


def _overlapping_pairs(
    stints: _Stints, allowed_groups: np.ndarray, touched: np.ndarray | None
) -> _Overlaps:
    """Pairs of members whose stints overlap in the same group, aggregated per group.

    Sorting stints by (group, start) and finding, for each stint, the later
    stints of its group that start before it ends, enumerates exactly the
    overlapping pairs, without looking at any pair that does not overlap.
    """
    keep = allowed_groups[stints.group]
    if touched is not None:
        touched_groups = np.zeros(len(allowed_groups), dtype=bool)
        touched_groups[stints.group[touched[stints.member]]] = True
        keep &= touched_groups[stints.group]
    group, member, start, end, current = (
        column[keep]
        for column in (stints.group, stints.member, stints.start, stints.end, stints.current)
    )
    empty = np.zeros(0, dtype=np.int64)
    if len(group) == 0:
        return _Overlaps(empty, empty, empty, empty, empty, empty, np.zeros(0, dtype=bool))
    order = np.lexsort((member, start, group))
    group, member, start, end, current = (
        column[order] for column in (group, member, start, end, current)
    )
    low = start.min()
    span = max(int(end.max()), int(start.max())) - int(low) + 1
    key = group * span + (start - low)
    later_end = np.searchsorted(key, group * span + (end - low), side="left")
    partners = later_end - np.arange(len(key)) - 1
    left = np.repeat(np.arange(len(key)), partners)
    right = left + 1 + np.arange(len(left)) - np.repeat(np.cumsum(partners) - partners, partners)
    left_member, right_member = member[left], member[right]
    first = np.minimum(left_member, right_member)
    second = np.maximum(left_member, right_member)
    overlap_start = start[right]
    overlap_end = np.minimum(end[left], end[right])
    both_current = current[left] & current[right]
    keep = (first != second) & _touching(first, second, touched)
    pair_group = group[left][keep]
    first, second, overlap_start, overlap_end, both_current = (
        column[keep] for column in (first, second, overlap_start, overlap_end, both_current)
    )
    if len(first) == 0:
        return _Overlaps(empty, empty, empty, empty, empty, empty, np.zeros(0, dtype=bool))
    # A member who left and came back can overlap the same person twice.
    order = np.lexsort((overlap_start, second, first, pair_group))
    pair_group, first, second, overlap_start, overlap_end, both_current = (
        column[order]
        for column in (pair_group, first, second, overlap_start, overlap_end, both_current)
    )
    new = np.ones(len(first), dtype=bool)
    new[1:] = (
        (pair_group[1:] != pair_group[:-1])
        | (first[1:] != first[:-1])
        | (second[1:] != second[:-1])
    )
    starts = np.flatnonzero(new)
    return _Overlaps(
        group=pair_group[starts],
        first=first[starts],
        second=second[starts],
        start=overlap_start[starts],
        end=np.maximum.reduceat(overlap_end, starts),
        days=np.add.reduceat(overlap_end - overlap_start, starts),
        current=np.logical_or.reduceat(both_current, starts),
    )


def _overlap_strength(
    days: np.ndarray, sizes: np.ndarray, weight: float, months_scale: float
) -> np.ndarray:
    time = -np.expm1(-days / _DAYS_PER_MONTH / months_scale)
    size_factor = np.log(3.0) / np.log(np.maximum(sizes, 2) + 1.0)
    return weight * time * size_factor


def _overlap_dates(overlaps: _Overlaps) -> tuple[np.ndarray, np.ndarray]:
    start = overlaps.start.astype("datetime64[D]")
    # Back from exclusive ends to last days; NaT while both are still there.
    end = np.where(overlaps.current, _NAT, (overlaps.end - 1).astype("datetime64[D]"))
    return start, end


def _group_evidence(
    kind: EvidenceKind,
    place: np.ndarray,
    sub: np.ndarray | None,
    member: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    *,
    max_size: int,
    weight: float,
    as_of: np.datetime64,
    parameters: TieParameters,
    touched: np.ndarray | None,
) -> tuple[dict[str, np.ndarray], _Overlaps, np.ndarray, np.ndarray]:
    """Evidence for overlapping stints in groups of ``place`` (and ``sub`` when given)."""
    keys = (place,) if sub is None else (place, sub)
    group = _group_ranks(*keys)
    n_groups = int(group.max()) + 1 if len(group) else 0
    group_place = np.zeros(n_groups, dtype=np.int64)
    group_place[group] = place
    group_sub = np.full(n_groups, -1, dtype=np.int64)
    if sub is not None:
        group_sub[group] = sub
    stints = _merged_stints(group, member, start, end, as_of, parameters.merge_gap_days)
    sizes = _peak_sizes(stints, n_groups)
    overlaps = _overlapping_pairs(stints, sizes <= max_size, touched)
    strength = _overlap_strength(
        overlaps.days, sizes[overlaps.group], weight, parameters.overlap_months_scale
    )
    overlap_start, overlap_end = _overlap_dates(overlaps)
    place_column, sub_column = {
        EvidenceKind.WORKED_TOGETHER: ("organisation", "unit"),
        EvidenceKind.SAME_ORGANISATION: ("organisation", "unit"),
        EvidenceKind.STUDIED_TOGETHER: ("school", "programme"),
    }[kind]
    columns = {
        place_column: group_place[overlaps.group],
        "start": overlap_start,
        "end": overlap_end,
        "current": overlaps.current,
        "days": overlaps.days,
        "score": overlaps.days / _DAYS_PER_MONTH,
    }
    if sub is not None:
        columns[sub_column] = group_sub[overlaps.group]
    evidence = _evidence_columns(kind, overlaps.first, overlaps.second, strength, **columns)
    return evidence, overlaps, group_place, group_sub


def _work_evidence(
    positions: Positions,
    as_of: np.datetime64,
    parameters: TieParameters,
    touched: np.ndarray | None,
) -> list[dict[str, np.ndarray]]:
    with_unit = positions.unit >= 0
    worked, worked_overlaps, worked_place, _ = _group_evidence(
        EvidenceKind.WORKED_TOGETHER,
        positions.organisation[with_unit],
        positions.unit[with_unit],
        positions.member[with_unit],
        positions.start[with_unit],
        positions.end[with_unit],
        max_size=parameters.max_unit_size,
        weight=parameters.worked_together,
        as_of=as_of,
        parameters=parameters,
        touched=touched,
    )
    same, _, _, _ = _group_evidence(
        EvidenceKind.SAME_ORGANISATION,
        positions.organisation,
        None,
        positions.member,
        positions.start,
        positions.end,
        max_size=parameters.max_organisation_size_for_pairs,
        weight=parameters.same_organisation,
        as_of=as_of,
        parameters=parameters,
        touched=touched,
    )
    # Sharing a unit at an organisation says everything sharing the
    # organisation would; the weaker evidence is dropped for those pairs.
    shared_unit = _isin_rows(
        [same["organisation"], same["first"], same["second"]],
        [worked_place[worked_overlaps.group], worked_overlaps.first, worked_overlaps.second],
    )
    same = {name: column[~shared_unit] for name, column in same.items()}
    return [worked, same]


def _study_evidence(
    educations: Educations,
    as_of: np.datetime64,
    parameters: TieParameters,
    touched: np.ndarray | None,
) -> dict[str, np.ndarray]:
    known = educations.programme >= 0
    studied, _, _, _ = _group_evidence(
        EvidenceKind.STUDIED_TOGETHER,
        educations.school[known],
        educations.programme[known],
        educations.member[known],
        educations.start[known],
        educations.end[known],
        max_size=parameters.max_programme_size,
        weight=parameters.studied_together,
        as_of=as_of,
        parameters=parameters,
        touched=touched,
    )
    return studied


def _alumni_evidence(
    educations: Educations,
    first: np.ndarray,
    second: np.ndarray,
    studied: dict[str, np.ndarray],
    parameters: TieParameters,
) -> dict[str, np.ndarray]:
    """Shared schools of pairs that already have other evidence."""
    if len(educations.member) == 0 or len(first) == 0:
        return _evidence_columns(EvidenceKind.ALUMNI, first[:0], second[:0], np.zeros(0))
    school_ids, school_rank = np.unique(educations.school, return_inverse=True)
    member_schools = _sorted_unique(educations.member * len(school_ids) + school_rank)
    member, school = member_schools // len(school_ids), school_ids[member_schools % len(school_ids)]
    bounds = np.searchsorted(member, np.arange(int(max(member.max(), first.max())) + 2))
    counts = bounds[first + 1] - bounds[first]
    pair = np.repeat(np.arange(len(first)), counts)
    rows = np.repeat(bounds[first] - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
    candidate_school = school[rows]
    pair_second = second[pair]
    shared = _isin_rows([pair_second, candidate_school], [member, school])
    pair, candidate_school = pair[shared], candidate_school[shared]
    classmates = _isin_rows(
        [candidate_school, first[pair], second[pair]],
        [studied["school"], studied["first"], studied["second"]],
    )
    pair, candidate_school = pair[~classmates], candidate_school[~classmates]
    return _evidence_columns(
        EvidenceKind.ALUMNI,
        first[pair],
        second[pair],
        np.full(len(pair), parameters.alumni),
        school=candidate_school,
        score=np.ones(len(pair)),
    )


def _valid_members(n_members: int, *columns: np.ndarray) -> np.ndarray:
    valid = np.ones(len(columns[0]), dtype=bool)
    for column in columns:
        valid &= (column >= 0) & (column < n_members)
    return valid


def _contact_evidence(
    contacts: Contacts, n_members: int, parameters: TieParameters, touched: np.ndarray | None
) -> dict[str, np.ndarray]:
    importer, contact = contacts.importer, contacts.contact
    valid = _valid_members(n_members, importer, contact) & (importer != contact)
    valid &= _touching(importer, contact, touched)
    keys = _sorted_unique(importer[valid] * n_members + contact[valid])
    importer, contact = keys // n_members, keys % n_members
    size = len(keys)
    return _evidence_columns(
        EvidenceKind.CONTACT,
        np.minimum(importer, contact),
        np.maximum(importer, contact),
        np.full(size, parameters.contact),
        private_to=importer,
        count=np.ones(size),
        score=np.ones(size),
    )


def _interaction_evidence(
    interactions: Interactions,
    n_members: int,
    as_of: np.datetime64,
    parameters: TieParameters,
    touched: np.ndarray | None,
) -> dict[str, np.ndarray]:
    logged_by, other, kind, day = (
        interactions.logged_by,
        interactions.other,
        interactions.kind,
        interactions.day,
    )
    valid = _valid_members(n_members, logged_by, other) & (logged_by != other) & ~np.isnat(day)
    valid &= _touching(logged_by, other, touched)
    logged_by, other, kind, day = (column[valid] for column in (logged_by, other, kind, day))
    if len(logged_by) == 0:
        return _evidence_columns(EvidenceKind.INTERACTION, logged_by, other, np.zeros(0))
    order = np.lexsort((day, kind, other, logged_by))
    logged_by, other, kind, day = (column[order] for column in (logged_by, other, kind, day))
    new = np.ones(len(order), dtype=bool)
    new[1:] = (
        (logged_by[1:] != logged_by[:-1]) | (other[1:] != other[:-1]) | (kind[1:] != kind[:-1])
    )
    starts = np.flatnonzero(new)
    ages = np.maximum((as_of - day).astype(np.int64), 0)
    decayed = np.add.reduceat(0.5 ** (ages / parameters.interaction_half_life_days), starts)
    logger, partner = logged_by[starts], other[starts]
    strength = parameters.interaction * -np.expm1(-decayed / parameters.interaction_saturation)
    return _evidence_columns(
        EvidenceKind.INTERACTION,
        np.minimum(logger, partner),
        np.maximum(logger, partner),
        strength,
        start=day[starts],
        end=np.maximum.reduceat(day, starts),
        count=np.diff(np.append(starts, len(order))),
        interaction=kind[starts],
        score=decayed,
        private_to=logger,
    )


def _contact_graph(contacts: Contacts, n_members: int) -> sp.sparse.csr_array:
    """Symmetric 0/1 contact graph with sorted indices."""
    valid = _valid_members(n_members, contacts.importer, contacts.contact)
    valid &= contacts.importer != contacts.contact
    rows = np.concatenate([contacts.importer[valid], contacts.contact[valid]])
    cols = np.concatenate([contacts.contact[valid], contacts.importer[valid]])
    graph = sp.sparse.csr_array(
        (np.ones(len(rows), dtype=np.complex64), (rows, cols)), shape=(n_members, n_members)
    )
    graph.sum_duplicates()
    graph.data[:] = 1
    graph.sort_indices()
    return graph


_SCORE_BINS = 512
_BINS_PER_UNIT = 8


def _top_k_per_row(
    rows: np.ndarray, cols: np.ndarray, score: np.ndarray, n_rows: int, k: int
) -> np.ndarray:
    """Indices of each row's ``k`` best entries by (score desc, column asc), row by row.

    A per-row histogram of coarse score bins finds, in linear time, a
    threshold that keeps a small superset of each row's top ``k``; only that
    superset is sorted exactly.
    """
    bins = (score * _BINS_PER_UNIT).astype(np.int32)
    np.minimum(bins, _SCORE_BINS - 1, out=bins)
    bins += rows * _SCORE_BINS
    histogram = np.bincount(bins, minlength=n_rows * _SCORE_BINS).reshape(n_rows, _SCORE_BINS)
    at_or_above = np.cumsum(histogram[:, ::-1], axis=1)[:, ::-1]
    threshold = np.maximum((at_or_above >= k).sum(axis=1) - 1, 0)
    threshold += np.arange(n_rows) * _SCORE_BINS
    candidates = np.flatnonzero(bins >= threshold[rows])
    order = candidates[np.lexsort((cols[candidates], -score[candidates], rows[candidates]))]
    return order[_rank_within_rows(rows[order]) < k]


def _rank_within_rows(sorted_rows: np.ndarray) -> np.ndarray:
    return np.arange(len(sorted_rows)) - np.searchsorted(sorted_rows, sorted_rows, side="left")


def _mutual_block(
    graph: sp.sparse.csr_array, weighted: sp.sparse.csr_array, block: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    product = graph[block] @ weighted
    rows = np.repeat(np.arange(len(block), dtype=np.int32), np.diff(product.indptr))
    cols = product.indices
    score = product.data.imag
    # Each member is their own best match (all their contacts are common);
    # take one more and drop them.
    best = _top_k_per_row(rows, cols, score, len(block), k + 1)
    best = best[cols[best] != block[rows[best]]]
    best = best[_rank_within_rows(rows[best]) < k]
    return (
        block[rows[best]],
        cols[best].astype(np.int64),
        np.rint(product.data.real[best]).astype(np.int64),
        score[best].astype(np.float64),
    )


def _mutual_rows(
    graph: sp.sparse.csr_array,
    weighted: sp.sparse.csr_array,
    members: np.ndarray,
    parameters: TieParameters,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each of ``members``' top partners by Adamic–Adar: (member, partner, count, score)."""
    size = parameters.mutual_block_rows
    blocks = [members[start : start + size] for start in range(0, len(members), size)]
    if not blocks:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, np.zeros(0)
    k = parameters.mutual_top_k
    if parameters.threads > 1 and len(blocks) > 1:
        # Sparse products release the GIL, so blocks run in parallel threads.
        with ThreadPoolExecutor(max_workers=parameters.threads) as pool:
            found = list(pool.map(lambda block: _mutual_block(graph, weighted, block, k), blocks))
    else:
        found = [_mutual_block(graph, weighted, block, k) for block in blocks]
    member, partner, count, score = (np.concatenate(column) for column in zip(*found, strict=True))
    return member, partner, count, score


def _mutual_evidence(
    contacts: Contacts, n_members: int, parameters: TieParameters, touched: np.ndarray | None
) -> dict[str, np.ndarray]:
    graph = _contact_graph(contacts, n_members)
    degree = np.diff(graph.indptr)
    # One product gives both numbers: through each common contact k the real
    # part adds 1 (the count) and the imaginary part adds 1 / log(degree k).
    usable = (degree >= 2) & (degree <= parameters.max_common_contact_degree)
    weight = np.where(usable, 1 + 1j / np.log(np.maximum(degree, 2)), 0).astype(np.complex64)
    weighted = sp.sparse.csr_array(
        (np.repeat(weight, degree), graph.indices, graph.indptr), shape=graph.shape
    )
    weighted.eliminate_zeros()
    if touched is None:
        members = np.flatnonzero(degree > 0)
    else:
        # A pair (t, j) is kept when either end ranks the other in its top k,
        # so the rows of every member two steps from t are needed too.
        reach = graph[np.flatnonzero(touched)] @ weighted
        members = np.union1d(np.flatnonzero(touched & (degree > 0)), reach.tocoo().coords[1])
    member, partner, count, score = _mutual_rows(graph, weighted, members, parameters)
    first, second = np.minimum(member, partner), np.maximum(member, partner)
    keep = _touching(first, second, touched)
    first, second, count, score = first[keep], second[keep], count[keep], score[keep]
    # Kept from both ends: same pair, same sum of the same terms in the same order.
    order = np.argsort(first * n_members + second, kind="stable")
    first, second, count, score = (column[order] for column in (first, second, count, score))
    new_pair = np.ones(len(first), dtype=bool)
    new_pair[1:] = (first[1:] != first[:-1]) | (second[1:] != second[:-1])
    first, second, count, score = (column[new_pair] for column in (first, second, count, score))
    strength = parameters.mutual_contacts * -np.expm1(-score / parameters.mutual_scale)
    return _evidence_columns(
        EvidenceKind.MUTUAL_CONTACTS, first, second, strength, count=count, score=score
    )


def _assemble(n_members: int, parts: list[dict[str, np.ndarray]]) -> TieTable:
    # Column by column, so each kind's arrays are freed as soon as they are copied.
    columns = {name: np.concatenate([part.pop(name) for part in parts]) for name in list(parts[0])}
    keys = columns.pop("first") * n_members
    keys += columns.pop("second")
    # Stable, so each tie's evidence keeps the order of the kinds.
    grouping = np.argsort(keys, kind="stable")
    sorted_keys = keys[grouping]
    del keys
    new_tie = np.ones(len(sorted_keys), dtype=bool)
    new_tie[1:] = sorted_keys[1:] != sorted_keys[:-1]
    tie_keys = sorted_keys[new_tie]
    del sorted_keys
    tie = np.empty(len(grouping), dtype=np.int32)
    tie[grouping] = np.cumsum(new_tie) - 1
    evidence = EvidenceTable(tie=tie, **columns)
    log_missing = np.bincount(
        tie, weights=np.log1p(-np.minimum(evidence.strength, 1 - 1e-12)), minlength=len(tie_keys)
    )
    counts = np.bincount(tie, minlength=len(tie_keys))
    return TieTable(
        n_members=n_members,
        first=tie_keys // n_members,
        second=tie_keys % n_members,
        strength=-np.expm1(log_missing),
        evidence=evidence,
        grouping=grouping,
        offsets=np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
    )


def _check_ids(community: Community) -> None:
    limit = np.iinfo(np.int32).max
    if community.n_members > limit:
        raise ValueError("at most 2**31 - 1 members")
    for name, column in (
        ("organisation", community.positions.organisation),
        ("unit", community.positions.unit),
        ("school", community.educations.school),
        ("programme", community.educations.programme),
    ):
        if len(column) and column.max() > limit:
            raise ValueError(f"{name} ids must be below 2**31")


def _compute(
    community: Community, as_of: DateLike, parameters: TieParameters, touched: np.ndarray | None
) -> TieTable:
    _check_ids(community)
    day = as_day(as_of)
    n_members = community.n_members
    positions = community.positions
    positions = Positions(
        **{
            name: getattr(positions, name)[_valid_members(n_members, positions.member)]
            for name in positions.__dataclass_fields__
        }
    )
    educations = community.educations
    educations = Educations(
        **{
            name: getattr(educations, name)[_valid_members(n_members, educations.member)]
            for name in educations.__dataclass_fields__
        }
    )
    parts = _work_evidence(positions, day, parameters, touched)
    studied = _study_evidence(educations, day, parameters, touched)
    parts.append(studied)
    parts.append(_contact_evidence(community.contacts, n_members, parameters, touched))
    parts.append(_interaction_evidence(community.interactions, n_members, day, parameters, touched))
    parts.append(_mutual_evidence(community.contacts, n_members, parameters, touched))
    existing = _sorted_unique(
        np.concatenate([part["first"] * n_members + part["second"] for part in parts])
    )
    parts.insert(
        3,
        _alumni_evidence(
            educations, existing // n_members, existing % n_members, studied, parameters
        ),
    )
    return _assemble(n_members, parts)


def compute_ties(
    community: Community, *, as_of: DateLike, parameters: TieParameters = TieParameters()
) -> TieTable:
    """All ties of a community.

    Parameters
    ----------
    community : Community
        Positions, education, contacts and interactions as arrays.
    as_of : date
        "Today": open stints run until this day and interactions age from it.
    parameters : TieParameters
        Weights, scales and size caps.

    Returns
    -------
    TieTable
        One row per pair with any evidence.

    Examples
    --------
    >>> community = Community(
    ...     n_members=3,
    ...     educations=Educations.from_rows([
    ...         (0, 7, 1, "2015-09-01", "2018-06-30"),
    ...         (1, 7, 1, "2016-09-01", "2019-06-30"),
    ...         (2, 7, 2, "2010-09-01", "2013-06-30"),
    ...     ]),
    ... )
    >>> ties = compute_ties(community, as_of="2024-01-01")
    >>> len(ties), ties.evidence_of(0)[0].kind.name, ties.evidence_of(0)[0].end
    (1, 'STUDIED_TOGETHER', datetime.date(2018, 6, 30))
    """
    return _compute(community, as_of, parameters, None)


def compute_ties_touching(
    community: Community,
    members: Sequence[int] | np.ndarray,
    *,
    as_of: DateLike,
    parameters: TieParameters = TieParameters(),
) -> TieTable:
    """The ties of ``members`` only, equal to ``compute_ties(...).restricted_to(members)``.

    Use it when a few members' history, contacts or interactions change:
    replace the stored ties touching them with the result. Work is limited to
    the groups these members belong to and, for mutual contacts, to members
    within two steps of them in the contact graph.

    Examples
    --------
    >>> community = Community(n_members=4, contacts=Contacts.from_rows([(0, 1), (2, 3)]))
    >>> ties = compute_ties_touching(community, [3], as_of="2024-01-01")
    >>> [(int(a), int(b)) for a, b in zip(ties.first, ties.second)]
    [(2, 3)]
    """
    touched = np.zeros(community.n_members, dtype=bool)
    touched[np.asarray(members, dtype=np.int64)] = True
    return _compute(community, as_of, parameters, touched)
