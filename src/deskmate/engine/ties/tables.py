"""What the tie computation returns: ties, their evidence, and the records between.

:class:`TieTable` holds one row per tie and its :class:`EvidenceTable`;
:meth:`TieTable.evidence_of` turns a tie's evidence into :class:`Evidence`
records for explanations. Each evidence builder hands its rows over as one
:class:`EvidenceColumns`, and :func:`assemble` groups them into a table.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Sequence
from dataclasses import dataclass, fields
from functools import cached_property
from typing import Any

import numpy as np

from deskmate.engine.ties.inputs import NAT, InteractionKind, as_day

__all__ = [
    "Evidence",
    "EvidenceColumns",
    "SHARED_HISTORY_KINDS",
    "EvidenceKind",
    "EvidenceTable",
    "TieTable",
    "assemble",
]


class EvidenceKind(enum.IntEnum):
    """What a piece of tie evidence is; stored as a small integer."""

    WORKED_TOGETHER = 1
    SAME_ORGANISATION = 2
    STUDIED_TOGETHER = 3
    ALUMNI = 4
    CONTACT = 5
    INTERACTION = 6
    MUTUAL_CONTACTS = 7


#: Evidence both members can see and neither made alone: a shared workplace or
#: school, read from both histories. Only these open a profile that is shown to
#: "people I have a tie with"; contacts, interactions and mutual contacts come
#: from one member's imports or log, so anyone could make them about anyone.
SHARED_HISTORY_KINDS = frozenset(
    {
        EvidenceKind.WORKED_TOGETHER,
        EvidenceKind.SAME_ORGANISATION,
        EvidenceKind.STUDIED_TOGETHER,
        EvidenceKind.ALUMNI,
    }
)


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence for the tie between ``first`` and ``second``.

    Ids that do not apply to the kind are ``None``. ``start`` and ``end`` are
    the overlap for overlap kinds (``end`` is ``None`` while ``current``), the
    first and last interaction for interactions, ``None`` otherwise. ``days``
    is the total overlap in days, ``count`` the number of mutual contacts or
    interactions, ``score`` the kind's raw score before weighting (mutual-contact
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
    "start": ("datetime64[D]", NAT),
    "end": ("datetime64[D]", NAT),
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
    >>> from deskmate.engine.ties import Community, Contacts, compute_ties
    >>> community = Community(3, contacts=Contacts.from_rows([(0, 1), (1, 0), (2, 1)]))
    >>> ties = compute_ties(community, as_of="2024-01-01")
    >>> row = ties.find(1, 0)
    >>> [item.private_to for item in ties.evidence_of(row)], float(ties.strength[row])
    ([0, 1], 0.75)
    >>> ties.partners(1).tolist(), ties.visible_strengths(2).tolist()
    ([0, 2], [0.13821103947739116, 0.5, 0.0])
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
        return np.asarray(self.first * self.n_members + self.second)

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

    def rows(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Row of the tie between each ``a[i]`` and ``b[i]``, ``-1`` where there is none.

        Examples
        --------
        >>> from deskmate.engine.ties import Community, Contacts, compute_ties
        >>> ties = compute_ties(Community(3, contacts=Contacts.from_rows([(0, 1)])),
        ...                     as_of="2024-01-01")
        >>> ties.rows(np.array([1, 0]), np.array([0, 2])).tolist()
        [0, -1]
        """
        a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
        keys = np.minimum(a, b) * self.n_members + np.maximum(a, b)
        found = np.minimum(np.searchsorted(self._keys, keys), max(len(self) - 1, 0))
        hit = self._keys[found] == keys if len(self) else np.zeros(len(keys), dtype=bool)
        return np.where(hit, found, -1)

    def ties_of(self, member: int) -> np.ndarray:
        """Rows of all ties ``member`` is part of, in ascending order."""
        ties, bounds = self._by_member
        return np.sort(ties[bounds[member] : bounds[member + 1]])

    def partners(self, member: int) -> np.ndarray:
        """The other member of each tie in :meth:`ties_of`."""
        rows = self.ties_of(member)
        return np.asarray(np.where(self.first[rows] == member, self.second[rows], self.first[rows]))

    def evidence_rows(self, ties: np.ndarray) -> np.ndarray:
        """Evidence rows of the given tie rows, tie by tie."""
        ties = np.asarray(ties, dtype=np.int64)
        lengths = self.offsets[ties + 1] - self.offsets[ties]
        positions = np.repeat(self.offsets[ties] - np.cumsum(lengths) + lengths, lengths)
        return np.asarray(self.grouping[positions + np.arange(lengths.sum(), dtype=np.int64)])

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

    def shared_history(self) -> np.ndarray:
        """Whether each tie has evidence of :data:`SHARED_HISTORY_KINDS`.

        Examples
        --------
        >>> from deskmate.engine.ties import Community, Contacts, Positions, compute_ties
        >>> community = Community(
        ...     3,
        ...     positions=Positions.from_rows([
        ...         (0, 1, 10, "2019-01-01", "2021-01-01"),
        ...         (1, 1, 10, "2019-06-01", None),
        ...     ]),
        ...     contacts=Contacts.from_rows([(2, 0)]),
        ... )
        >>> ties = compute_ties(community, as_of="2024-01-01")
        >>> ties.shared_history().tolist()
        [True, False]
        """
        kinds = np.array(sorted(int(kind) for kind in SHARED_HISTORY_KINDS), dtype=np.int64)
        shared = np.zeros(len(self), dtype=bool)
        shared[self.evidence.tie[np.isin(self.evidence.kind, kinds)]] = True
        return shared

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
        part = EvidenceColumns(
            first=np.array([record.first for record in records], dtype=np.int64),
            second=np.array([record.second for record in records], dtype=np.int64),
            kind=np.array([int(record.kind) for record in records], dtype=np.int8),
            strength=np.array([record.strength for record in records], dtype=np.float64),
            **{name: column(name) for name in _EVIDENCE_DEFAULTS},
        )
        return assemble(n_members, [part])

    @classmethod
    def concatenate(cls, n_members: int, chunks: Sequence[TieTable]) -> TieTable:
        """One table of ``chunks`` that hold consecutive ranges of pairs, in pair order.

        Each tie keeps its evidence in the same order, so strengths, evidence
        and :meth:`evidence_of` are those of the chunks; only the evidence
        table's own row order (of no meaning) is chunk after chunk.

        Examples
        --------
        >>> from deskmate.engine.ties import (Community, Contacts, TiePartitions,
        ...                                   compute_tie_chunks, compute_ties)
        >>> community = Community(4, contacts=Contacts.from_rows([(0, 1), (2, 3), (3, 1)]))
        >>> chunks = list(compute_tie_chunks(community, as_of="2024-01-01",
        ...                                  partitions=TiePartitions(block_members=1)))
        >>> joined = TieTable.concatenate(4, chunks)
        >>> whole = compute_ties(community, as_of="2024-01-01", partitions=None)
        >>> [len(chunk) for chunk in chunks], joined.strength.tolist() == whole.strength.tolist()
        ([2, 1, 1, 0], True)
        """
        if not chunks:
            raise ValueError("at least one chunk")
        tie_base = np.cumsum([0, *(len(chunk) for chunk in chunks)])
        evidence_base = np.cumsum([0, *(len(chunk.evidence) for chunk in chunks)])
        columns = {
            name: np.concatenate([getattr(chunk.evidence, name) for chunk in chunks])
            for name in EvidenceTable.__dataclass_fields__
        }
        columns["tie"] = np.concatenate(
            [chunk.evidence.tie + base for chunk, base in zip(chunks, tie_base, strict=False)]
        ).astype(np.int32)
        pairs = zip(chunks, evidence_base, strict=False)
        return TieTable(
            n_members=n_members,
            first=np.concatenate([chunk.first for chunk in chunks]),
            second=np.concatenate([chunk.second for chunk in chunks]),
            strength=np.concatenate([chunk.strength for chunk in chunks]),
            evidence=EvidenceTable(**columns),
            grouping=np.concatenate(
                [chunk.grouping + base for chunk, base in zip(chunks, evidence_base, strict=False)]
            ).astype(np.int64),
            offsets=np.concatenate(
                [np.zeros(1, dtype=np.int64), *(chunk.offsets[1:] + base for chunk, base in pairs)]
            ).astype(np.int64),
        )

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


@dataclass(eq=False)
class EvidenceColumns:
    """Evidence rows for pairs ``first < second``, as columns, before assembly.

    Columns mean what the fields of :class:`Evidence` mean; :meth:`of` fills
    the ones a kind does not use. :func:`assemble` empties the columns it has
    copied, so the rows of each kind are freed as soon as possible.

    Examples
    --------
    >>> rows = EvidenceColumns.of(EvidenceKind.CONTACT, [0, 1], [2, 2], [0.5, 0.5],
    ...                           private_to=[0, 1])
    >>> len(rows), rows.private_to.tolist(), rows.school.tolist()
    (2, [0, 1], [-1, -1])
    >>> rows.take(rows.first == 1).keys(3).tolist()
    [5]
    """

    first: np.ndarray
    second: np.ndarray
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

    @classmethod
    def of(
        cls, kind: EvidenceKind, first: Any, second: Any, strength: Any, **columns: Any
    ) -> EvidenceColumns:
        """Rows of one ``kind``; columns not given take their "does not apply" value."""
        size = len(first)
        filled: dict[str, np.ndarray] = {}
        for name, (dtype, missing) in _EVIDENCE_DEFAULTS.items():
            if name in columns:
                filled[name] = np.asarray(columns[name], dtype=dtype)
            else:
                filled[name] = np.full(size, missing, dtype=dtype)
        return cls(
            first=np.asarray(first, dtype=np.int64),
            second=np.asarray(second, dtype=np.int64),
            kind=np.full(size, int(kind), dtype=np.int8),
            strength=np.asarray(strength, dtype=np.float64),
            **filled,
        )

    def __len__(self) -> int:
        return len(self.first)

    def keys(self, n_members: int) -> np.ndarray:
        """One integer per row naming its pair, ``first * n_members + second``."""
        return np.asarray(self.first * n_members + self.second)

    def take(self, rows: np.ndarray) -> EvidenceColumns:
        """The rows at ``rows`` (indices or a boolean mask)."""
        return EvidenceColumns(
            **{item.name: getattr(self, item.name)[rows] for item in fields(self)}
        )

    @classmethod
    def concatenate(cls, parts: Sequence[EvidenceColumns]) -> EvidenceColumns:
        """The rows of ``parts``, one after the other (``parts`` must not be empty)."""
        return cls(
            **{
                item.name: np.concatenate([getattr(part, item.name) for part in parts])
                for item in fields(cls)
            }
        )


def assemble(n_members: int, parts: list[EvidenceColumns]) -> TieTable:
    """Group evidence rows by pair into a :class:`TieTable`; ``parts`` are emptied."""
    # Column by column, so each kind's arrays are freed as soon as they are copied.
    columns: dict[str, np.ndarray] = {}
    for item in fields(EvidenceColumns):
        columns[item.name] = np.concatenate([getattr(part, item.name) for part in parts])
        for part in parts:
            setattr(part, item.name, np.empty(0, dtype=columns[item.name].dtype))
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
