"""Ties in partitions, streamed: by group for shared stints, by row block of members for the rest.

:func:`compute_tie_chunks` gives the same ties as the single pass
(:func:`~deskmate.engine.ties.compute.compute_ties` with ``partitions=None``),
as a sequence of :class:`TieTable` chunks: chunk ``b`` holds the ties whose
first member (the lower index) is in row block ``b``, in pair order, so the
chunks one after the other are the whole table. Memory is the inputs, the
evidence of shared stints and the kept mutual-contact pairs in compact form,
and one block's ties at a time, rather than every tie at once.

The work comes in two phases of independent tasks, which
:mod:`~deskmate.engine.ties.distributed` hands to Dask workers unchanged:

1. *Group tasks*: the positions (or education) of a batch of whole places
   (organisations, schools; a place is never split, since its units, its peak
   sizes and "worked together beats same organisation" are decided within it)
   give their overlap evidence, split by row block. *Mutual tasks*: the rows of
   a range of importers give their kept mutual-contact pairs (the sparse
   products of :mod:`~deskmate.engine.ties.mutual`), split by row block.
2. *Block tasks*: for one row block, the pieces of every phase-one task for
   that block, its own contacts and interactions (a pair's contacts and
   interactions all name it, so they are read by the pair's lower member), and
   the education of everyone (for alumni, read for pairs that already have
   evidence) give the block's :class:`TieTable`.

Exactly equal, not approximately: each piece of evidence is computed by the
same code from the same rows as in the single pass (an overlap only from its
group's stints, a mutual-contact pair from its two members' rows of the import
graph), and each block concatenates its pieces in the single pass's order
(kinds in :class:`EvidenceKind` order, places in id order, importers in
member order), so every tie has the same evidence in the same order and the
same noisy-or, summed in the same order. ``tests/engine/test_tie_partitions.py``
checks it on generated communities with several partition sizes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from deskmate.engine.ties.arrays import sorted_unique, valid_members
from deskmate.engine.ties.compute import (
    _assemble_with_alumni,
    _check_ids,
    _compute,
    _contact_evidence,
    _interaction_evidence,
    _study_evidence,
    _work_evidence,
)
from deskmate.engine.ties.inputs import (
    Community,
    Contacts,
    DateLike,
    Educations,
    Interactions,
    Positions,
    StintTable,
    TieParameters,
    TiePartitions,
    as_day,
)
from deskmate.engine.ties.mutual import _Graphs, _mutual_rows, kept_evidence
from deskmate.engine.ties.tables import EvidenceColumns, EvidenceKind, TieTable

__all__ = [
    "BlockInputs",
    "MutualPiece",
    "PartitionPlan",
    "TiePartitions",
    "block_ties",
    "compute_tie_chunks",
    "group_pieces",
    "mutual_pieces",
    "plan_partitions",
]

WORK, STUDY = "work", "study"


@dataclass(frozen=True, eq=False)
class MutualPiece:
    """Kept mutual-contact pairs ``first < second`` of one row block, compactly (16 bytes a row).

    The count and the single-precision score of the sparse product are kept
    as they are, so widening them again gives the single pass's values.
    """

    first: np.ndarray  # int32
    second: np.ndarray  # int32
    count: np.ndarray  # int32
    score: np.ndarray  # float32


@dataclass(frozen=True, eq=False)
class BlockInputs:
    """A row block's own rows: its members' range, and the contacts and interactions it reads."""

    low: int
    high: int
    contacts: Contacts
    interactions: Interactions


@dataclass(frozen=True, eq=False)
class PartitionPlan:
    """The tasks of one computation, and everything they read.

    ``work`` and ``study`` are the stints of each group task, ``importers``
    the members whose import rows each mutual task reads, ``blocks`` each
    block task's own rows; ``bounds`` are the row blocks' first members and
    ``n_members``.
    """

    n_members: int
    as_of: np.datetime64
    parameters: TieParameters
    bounds: np.ndarray
    work: list[Positions]
    study: list[Educations]
    importers: list[np.ndarray]
    blocks: list[BlockInputs]
    educations: Educations
    contacts: Contacts


def _place_batches(stints: StintTable, size: int) -> list[np.ndarray]:
    """Rows of ``stints`` by batches of whole places in id order, about ``size`` stints each."""
    if len(stints) == 0:
        return []
    order = np.argsort(stints.place, kind="stable")
    places = stints.place[order]
    starts = np.flatnonzero(np.r_[True, places[1:] != places[:-1]])
    batches: list[np.ndarray] = []
    begin = 0
    for start in starts[1:].tolist():
        if start - begin >= size:
            batches.append(order[begin:start])
            begin = start
    batches.append(order[begin:])
    # Rows keep their original order within a batch, as in the single pass.
    return [np.sort(rows) for rows in batches]


def _block_of(members: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Row block of each member index (``-1`` or ``len(bounds) - 1`` when outside)."""
    return np.searchsorted(bounds, members, side="right") - 1


def _rows_by_block(lower: np.ndarray, bounds: np.ndarray) -> list[np.ndarray]:
    """For each row block, the rows whose ``lower`` member is in it, in their order."""
    block = _block_of(lower, bounds)
    n_blocks = len(bounds) - 1
    inside = np.flatnonzero((block >= 0) & (block < n_blocks))
    order = inside[np.argsort(block[inside], kind="stable")]
    cuts = np.searchsorted(block[order], np.arange(n_blocks + 1))
    return [order[cuts[b] : cuts[b + 1]] for b in range(n_blocks)]


def plan_partitions(
    community: Community,
    *,
    as_of: DateLike,
    parameters: TieParameters = TieParameters(),
    partitions: TiePartitions = TiePartitions(),
) -> PartitionPlan:
    """Cut a community's computation into group, mutual and block tasks."""
    _check_ids(community)
    n_members = community.n_members
    positions = community.positions.take(valid_members(n_members, community.positions.member))
    educations = community.educations.take(valid_members(n_members, community.educations.member))
    edges = np.arange(0, n_members, partitions.block_members, dtype=np.int64)
    bounds = np.append(edges if len(edges) else np.zeros(1, np.int64), n_members)
    contacts, interactions = community.contacts, community.interactions
    contact_rows = _rows_by_block(np.minimum(contacts.importer, contacts.contact), bounds)
    interaction_rows = _rows_by_block(
        np.minimum(interactions.logged_by, interactions.other), bounds
    )
    blocks = [
        BlockInputs(
            low=int(bounds[b]),
            high=int(bounds[b + 1]),
            contacts=Contacts(importer=contacts.importer[rows], contact=contacts.contact[rows]),
            interactions=Interactions(
                logged_by=interactions.logged_by[irows],
                other=interactions.other[irows],
                kind=interactions.kind[irows],
                day=interactions.day[irows],
            ),
        )
        for b, (rows, irows) in enumerate(zip(contact_rows, interaction_rows, strict=True))
    ]
    # The members with a row in the import graph, as mutual_evidence reads them.
    valid = valid_members(n_members, contacts.importer, contacts.contact)
    importers = sorted_unique(contacts.importer[valid & (contacts.importer != contacts.contact)])
    step = max(
        parameters.mutual_block_rows,
        partitions.mutual_members // parameters.mutual_block_rows * parameters.mutual_block_rows,
    )
    return PartitionPlan(
        n_members=n_members,
        as_of=as_day(as_of),
        parameters=parameters,
        bounds=bounds,
        work=[positions.take(rows) for rows in _place_batches(positions, partitions.group_stints)],
        study=[
            educations.take(rows) for rows in _place_batches(educations, partitions.group_stints)
        ],
        importers=[importers[start : start + step] for start in range(0, len(importers), step)],
        blocks=blocks,
        educations=educations,
        contacts=contacts,
    )


def _split(columns: EvidenceColumns, bounds: np.ndarray) -> list[EvidenceColumns]:
    return [columns.take(rows) for rows in _rows_by_block(columns.first, bounds)]


def group_pieces(
    kind: str,
    stints: StintTable,
    as_of: np.datetime64,
    parameters: TieParameters,
    bounds: np.ndarray,
) -> list[list[EvidenceColumns]]:
    """A group task: overlap evidence of ``stints`` (whole places), for each row block.

    ``kind`` is ``"work"`` (worked together, then same organisation) or
    ``"study"`` (studied together); each block gets one part per kind.
    """
    if kind == WORK:
        assert isinstance(stints, Positions)
        parts = _work_evidence(stints, as_of, parameters, None)
    elif kind == STUDY:
        assert isinstance(stints, Educations)
        parts = [_study_evidence(stints, as_of, parameters, None)]
    else:
        raise ValueError(f"unknown group kind {kind!r}")
    split = [_split(part, bounds) for part in parts]
    return [list(by_kind) for by_kind in zip(*split, strict=True)]


def mutual_pieces(
    contacts: Contacts,
    n_members: int,
    parameters: TieParameters,
    importers: np.ndarray,
    bounds: np.ndarray,
    graphs: _Graphs | None = None,
) -> list[MutualPiece]:
    """A mutual task: the kept mutual-contact pairs of ``importers``' rows, for each row block.

    ``graphs`` are built from ``contacts`` when not given (a worker builds
    them once per task; a single process shares one).
    """
    if graphs is None:
        graphs = _Graphs.of(contacts, n_members, parameters)
    kept = _mutual_rows(graphs, importers, parameters)
    first = np.minimum(kept.member, kept.partner)
    second = np.maximum(kept.member, kept.partner)
    return [
        MutualPiece(
            first=first[rows].astype(np.int32),
            second=second[rows].astype(np.int32),
            count=kept.count[rows].astype(np.int32),
            score=kept.score[rows].astype(np.float32),
        )
        for rows in _rows_by_block(first, bounds)
    ]


def _concatenated(parts: Sequence[EvidenceColumns], kind: EvidenceKind) -> EvidenceColumns:
    if not parts:
        return EvidenceColumns.of(kind, np.zeros(0), np.zeros(0), np.zeros(0))
    return EvidenceColumns.concatenate(parts)


def block_ties(
    block: BlockInputs,
    n_members: int,
    as_of: np.datetime64,
    parameters: TieParameters,
    work: Sequence[Sequence[EvidenceColumns]],
    study: Sequence[Sequence[EvidenceColumns]],
    mutual: Sequence[MutualPiece],
    educations: Educations,
) -> TieTable:
    """A block task: the ties whose lower member is in ``block``, from the phase-one pieces.

    ``work`` and ``study`` are this block's pieces of every group task, and
    ``mutual`` of every mutual task, each in task order.
    """
    worked = _concatenated([piece[0] for piece in work], EvidenceKind.WORKED_TOGETHER)
    same = _concatenated([piece[1] for piece in work], EvidenceKind.SAME_ORGANISATION)
    studied = _concatenated([piece[0] for piece in study], EvidenceKind.STUDIED_TOGETHER)
    mutual_columns = kept_evidence(
        np.concatenate([np.zeros(0, np.int32), *(piece.first for piece in mutual)]),
        np.concatenate([np.zeros(0, np.int32), *(piece.second for piece in mutual)]),
        np.concatenate([np.zeros(0, np.int32), *(piece.count for piece in mutual)]),
        np.concatenate([np.zeros(0, np.float32), *(piece.score for piece in mutual)]),
        n_members,
        parameters,
    )
    parts = [
        worked,
        same,
        studied,
        _contact_evidence(block.contacts, n_members, parameters, None),
        _interaction_evidence(block.interactions, n_members, as_of, parameters, None),
        mutual_columns,
    ]
    return _assemble_with_alumni(n_members, parts, educations, studied, parameters)


def compute_tie_chunks(
    community: Community,
    *,
    as_of: DateLike,
    parameters: TieParameters = TieParameters(),
    partitions: TiePartitions = TiePartitions(),
) -> Iterator[TieTable]:
    """The ties of a community, one row block at a time, in this process.

    Yields one :class:`TieTable` per row block, in order; together they are
    :func:`~deskmate.engine.ties.compute.compute_ties`' table. Each chunk's
    pieces are freed once it is yielded.

    Examples
    --------
    >>> community = Community(4, contacts=Contacts.from_rows([(0, 1), (2, 3), (3, 1)]))
    >>> chunks = list(compute_tie_chunks(community, as_of="2024-01-01",
    ...                                  partitions=TiePartitions(block_members=2)))
    >>> [list(zip(chunk.first.tolist(), chunk.second.tolist())) for chunk in chunks]
    [[(0, 1), (0, 3), (1, 3)], [(2, 3)]]
    """
    plan = plan_partitions(community, as_of=as_of, parameters=parameters, partitions=partitions)
    day, bounds = plan.as_of, plan.bounds
    work = [group_pieces(WORK, stints, day, parameters, bounds) for stints in plan.work]
    study = [group_pieces(STUDY, stints, day, parameters, bounds) for stints in plan.study]
    graphs = _Graphs.of(plan.contacts, plan.n_members, parameters)
    mutual = [
        mutual_pieces(plan.contacts, plan.n_members, parameters, members, bounds, graphs)
        for members in plan.importers
    ]
    del graphs
    for b, block in enumerate(plan.blocks):
        chunk = block_ties(
            block,
            plan.n_members,
            day,
            parameters,
            [task[b] for task in work],
            [task[b] for task in study],
            [task[b] for task in mutual],
            plan.educations,
        )
        for tasks in (work, study, mutual):
            for task in tasks:
                task[b] = None  # type: ignore[call-overload]
        yield chunk


def compute_ties(
    community: Community,
    *,
    as_of: DateLike,
    parameters: TieParameters = TieParameters(),
    partitions: TiePartitions | None = TiePartitions(),
) -> TieTable:
    """All ties of a community.

    The table is the chunks of
    :func:`compute_tie_chunks` put together;
    ``partitions=None`` computes it in one pass instead, with the same result
    and memory for every tie at once.

    Parameters
    ----------
    community : Community
        Positions, education, contacts and interactions as arrays.
    as_of : date
        "Today": open stints run until this day and interactions age from it.
    parameters : TieParameters
        Weights, scales and size caps.
    partitions : TiePartitions or None
        Row blocks and group tasks; ``None`` for a single pass.

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
    if partitions is None:
        return _compute(community, as_of, parameters, None)
    chunks = list(
        compute_tie_chunks(community, as_of=as_of, parameters=parameters, partitions=partitions)
    )
    return TieTable.concatenate(community.n_members, chunks)
