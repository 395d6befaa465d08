"""What the tie computation reads: the community as plain arrays, and its knobs.

Members are numbered ``0 .. n_members - 1``; organisations, units, schools
and programmes keep their database ids. Work and study are both *stints*, a
member's presence at a place (an organisation or a school) and, within it, a
part of it (a unit or a programme) between two days, so both are held by one
table type, :class:`StintTable`, which :class:`Positions` and
:class:`Educations` only name.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

import numpy as np

__all__ = [
    "Community",
    "Contacts",
    "DateLike",
    "Educations",
    "InteractionKind",
    "Interactions",
    "Positions",
    "StintTable",
    "TieParameters",
    "TiePartitions",
    "as_day",
]

NAT = np.datetime64("NaT", "D")


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
        return NAT
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


class StintTable:
    """Stints of members at places, one row per stint.

    A stint is a member's presence at a *place* (an organisation, a school)
    and, within it, at a *part* of it (a unit, a programme) from ``start`` to
    ``end``. Subclasses only give the two columns their names:
    :class:`Positions` calls them ``organisation`` and ``unit``,
    :class:`Educations` ``school`` and ``programme``, and both names work as
    constructor keywords and attributes.

    Attributes
    ----------
    member : int array
        Member index, ``0 <= member < n_members``.
    place : int array
        Organisation or school id.
    part : int array
        Unit or programme id, ``-1`` when unknown. Part ids are taken within
        their place: the engine groups by the pair.
    start, end : datetime64[D] arrays
        First and last day; ``end`` is NaT while the stint is current. An end
        on or after ``as_of`` also counts as current. Rows without a start are
        ignored.

    Examples
    --------
    >>> positions = Positions.from_rows([(0, 1, -1, "2020-01-01", None)])
    >>> positions.organisation.tolist(), positions.unit.tolist(), positions.end
    ([1], [-1], array(['NaT'], dtype='datetime64[D]'))
    >>> Educations(member=[0], school=[7], programme=[2], start=["2015-09-01"],
    ...            end=["2018-06-30"]).take(np.array([False])).member.tolist()
    []
    """

    place_name: ClassVar[str] = "place"
    part_name: ClassVar[str] = "part"
    __slots__ = ("member", "place", "part", "start", "end")

    member: np.ndarray
    place: np.ndarray
    part: np.ndarray
    start: np.ndarray
    end: np.ndarray

    def __init__(self, *, member: Any, start: Any, end: Any, **columns: Any) -> None:
        names = {self.place_name, self.part_name}
        if set(columns) != names:
            raise TypeError(f"{type(self).__name__} takes the columns {sorted(names)}")
        _frozen_arrays(
            self,
            member=_ints(member),
            place=_ints(columns[self.place_name]),
            part=_ints(columns[self.part_name]),
            start=_days(start),
            end=_days(end),
        )

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __len__(self) -> int:
        return len(self.member)

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled by its columns (read-only slots cannot be set back one by one),
        # so that stints travel to other processes, e.g. Dask workers.
        return (_stints, (type(self), self.member, self.place, self.part, self.start, self.end))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self)} stints)"

    @classmethod
    def empty(cls) -> Self:
        """No stints."""
        return cls.from_rows([])

    @classmethod
    def from_rows(
        cls, rows: Iterable[tuple[int, int, int, DateLike | None, DateLike | None]]
    ) -> Self:
        """Build from ``(member, place, part, start, end)`` rows."""
        rows = list(rows)
        return cls(
            member=np.array([row[0] for row in rows], dtype=np.int64),
            start=np.array([as_day(row[3]) for row in rows], dtype="datetime64[D]"),
            end=np.array([as_day(row[4]) for row in rows], dtype="datetime64[D]"),
            **{
                cls.place_name: np.array([row[1] for row in rows], dtype=np.int64),
                cls.part_name: np.array([row[2] for row in rows], dtype=np.int64),
            },
        )

    def take(self, rows: np.ndarray) -> Self:
        """The stints at ``rows`` (indices or a boolean mask)."""
        return type(self)(
            member=self.member[rows],
            start=self.start[rows],
            end=self.end[rows],
            **{self.place_name: self.place[rows], self.part_name: self.part[rows]},
        )


def _stints(
    kind: type[StintTable],
    member: np.ndarray,
    place: np.ndarray,
    part: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
) -> StintTable:
    return kind(
        member=member, start=start, end=end, **{kind.place_name: place, kind.part_name: part}
    )


class Positions(StintTable):
    """Positions held by members: ``organisation`` and ``unit`` (team or department).

    Examples
    --------
    >>> Positions.from_rows([(0, 1, 10, "2019-01-01", "2021-01-01")]).unit.tolist()
    [10]
    """

    place_name = "organisation"
    part_name = "unit"
    __slots__ = ()

    @property
    def organisation(self) -> np.ndarray:
        """Organisation id of each stint."""
        return self.place

    @property
    def unit(self) -> np.ndarray:
        """Unit id of each stint, ``-1`` when unknown."""
        return self.part


class Educations(StintTable):
    """Education stints: ``school`` and ``programme``.

    The programme is the (degree, field) pair, ``-1`` when unknown (such rows
    still count for alumni). When only years are known, pass e.g. 1 September
    and 30 June.

    Examples
    --------
    >>> Educations.from_rows([(0, 7, -1, "2015-09-01", "2018-06-30")]).school.tolist()
    [7]
    """

    place_name = "school"
    part_name = "programme"
    __slots__ = ()

    @property
    def school(self) -> np.ndarray:
        """School id of each stint."""
        return self.place

    @property
    def programme(self) -> np.ndarray:
        """Programme id of each stint, ``-1`` when unknown."""
        return self.part


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

    ``mutual_index``, its two exponents, ``group_size_exponent``,
    ``mutual_contacts`` and ``mutual_scale`` are fitted to held-out links of
    generated communities by ``bench/quality/calibrate.py`` (the index by AUC
    and precision at 10 without unit evidence, the weights by a pairwise
    ranking loss plus a per-member listwise one; the procedure and its
    figures are in ``docs/benchmarks.md``); the other weights are set
    by hand, since held-out links cannot tell them apart (a held-out pair is
    never a contact, and the generator has no schools or logged moments).

    Attributes
    ----------
    worked_together, same_organisation, studied_together, alumni, contact,
    interaction, mutual_contacts : float
        Kind weights. Sharing a unit weighs most; a shared organisation or
        school without a shared team or class is a weak hint.
    overlap_months_scale : float
        Months of overlap at which time-based strength reaches 63 % of its
        maximum (``1 - exp(-1)``); two years reach 86 %.
    group_size_exponent : float
        Power of the size factor ``log(3) / log(size + 1)`` of a unit,
        organisation or programme: the larger, the less sharing a big group
        says beside sharing a small one, so that a department cannot swamp
        contacts.
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
    mutual_index : {"resource_allocation", "adamic_adar", "degree_power"}
        What a common contact of degree ``d`` adds to a pair's score:
        ``1 / d`` (resource allocation), ``1 / log(d)`` (Adamic–Adar) or
        ``d ** -mutual_degree_exponent`` (a power between a plain count of
        common contacts, exponent 0, and resource allocation, exponent 1).
    mutual_degree_exponent : float
        The exponent of ``"degree_power"``; other indexes ignore it.
    mutual_endpoint_exponent : float
        A pair's score is divided by ``(n_a * n_b) ** mutual_endpoint_exponent``,
        ``n`` being how many contacts each of the two imported: a member who
        imported everyone shares contacts with everyone, which says less
        about any one of them. 0 leaves scores as the index gives them.
    mutual_scale : float
        Score at which mutual-contact strength reaches 63 % of
        ``mutual_contacts``. With the fitted index a common contact adds
        about ``0.7 / (n_a n_b) ** 0.2`` to the score, about 0.2 for two
        members who imported 25 contacts each, so five common contacts give
        a strength near 0.15, and mutual contacts alone stay below a contact
        (0.5).
    mutual_top_k : int
        Mutual-contact partners kept per member among people who are not
        their contacts; pairs that are contacts always keep theirs.
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
    mutual_contacts: float = 0.32
    overlap_months_scale: float = 12.0
    group_size_exponent: float = 1.93
    max_unit_size: int = 500
    max_programme_size: int = 500
    max_organisation_size_for_pairs: int = 50
    merge_gap_days: int = 1
    interaction_half_life_days: float = 180.0
    interaction_saturation: float = 1.0
    mutual_index: str = "degree_power"
    mutual_degree_exponent: float = 0.1
    mutual_endpoint_exponent: float = 0.2
    mutual_scale: float = 1.65
    mutual_top_k: int = 25
    max_common_contact_degree: int = 1000
    mutual_block_rows: int = 1024
    threads: int = 2


@dataclass(frozen=True)
class TiePartitions:
    """How the computation is cut; results never depend on it, memory and parallelism do.

    Attributes
    ----------
    block_members : int
        Members per row block: one output chunk holds the ties whose lower
        member is in the block. At the demo's statistics a block of 50,000
        members holds about 7 million ties (the lowest blocks up to twice as
        many, since a tie belongs to its lower member).
    group_stints : int
        Stints per group task, whole places only (a place with more stints
        is a task alone).
    mutual_members : int
        Importers per mutual-contact task (a multiple of
        :attr:`TieParameters.mutual_block_rows` is best).
    """

    block_members: int = 50_000
    group_stints: int = 250_000
    mutual_members: int = 131_072

    def __post_init__(self) -> None:
        for name in ("block_members", "group_stints", "mutual_members"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
