"""Compute ties: every kind of evidence, assembled into a :class:`TieTable`.

Kinds of evidence and their raw strength (each is then multiplied by its
weight in :class:`TieParameters`):

worked together
    Same organisation *and* unit with overlapping dates.
    ``raw = (1 - exp(-months / overlap_months_scale)) * (log(3) / log(size + 1))
    ** group_size_exponent`` where ``months`` is the total overlap and
    ``size`` the unit's peak number of members present at the same time. Two
    people alone in a unit get the full size factor of 1; with the calibrated
    exponent 3.44 a team of 3 gets 0.45, a team of 8 0.092 and a department
    of 50 0.012, so that sharing a department is weaker evidence than a contact
    or a few mutual contacts (``bench/quality/calibrate.py`` fits the exponent
    to held-out links). Units larger than ``max_unit_size`` are not paired at
    all: their factor would be small, and their pairs many.
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
    Resource allocation (or Adamic–Adar [1]_) over the people both members
    imported themselves (a third member's import never counts), see
    :mod:`deskmate.engine.ties.mutual`. Each member keeps their contacts' and
    their best ``mutual_top_k`` other partners' evidence;
    :meth:`~deskmate.engine.ties.mutual.MutualContacts.tie_strengths` gives
    any other pair with a common contact its strength on demand.

A tie's strength is the noisy-or of its evidence strengths,
``1 - prod(1 - strength_e)``: each piece of evidence independently explains
the tie, more evidence never lowers it, and the result stays in ``[0, 1]``.

References
----------
.. [1] L. A. Adamic and E. Adar, "Friends and neighbors on the Web",
   Social Networks 25(3), 211–230, 2003.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from deskmate.engine.ties.arrays import (
    group_ranks,
    isin_rows,
    sorted_unique,
    touching,
    valid_members,
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
    as_day,
)
from deskmate.engine.ties.mutual import mutual_evidence
from deskmate.engine.ties.sweep import (
    DAYS_PER_MONTH,
    Overlaps,
    merged_stints,
    overlap_dates,
    overlap_strength,
    overlapping_pairs,
    peak_sizes,
)
from deskmate.engine.ties.tables import EvidenceColumns, EvidenceKind, TieTable, assemble

__all__ = ["compute_ties_touching"]


@dataclass(frozen=True, eq=False)
class _GroupEvidence:
    """Overlap evidence of one kind, with the overlaps and groups it came from.

    ``place`` and ``part`` give each dense group number its place and part
    ids (``part`` is ``-1`` when groups are whole places).
    """

    evidence: EvidenceColumns
    overlaps: Overlaps
    place: np.ndarray
    part: np.ndarray


def _group_evidence(
    kind: EvidenceKind,
    stints: StintTable,
    *,
    by_part: bool,
    max_size: int,
    weight: float,
    as_of: np.datetime64,
    parameters: TieParameters,
    touched: np.ndarray | None,
) -> _GroupEvidence:
    """Evidence for overlapping stints in the same place (and part, when ``by_part``)."""
    if by_part:
        stints = stints.take(stints.part >= 0)
    group = group_ranks(stints.place, stints.part) if by_part else group_ranks(stints.place)
    n_groups = int(group.max()) + 1 if len(group) else 0
    group_place = np.zeros(n_groups, dtype=np.int64)
    group_place[group] = stints.place
    group_part = np.full(n_groups, -1, dtype=np.int64)
    if by_part:
        group_part[group] = stints.part
    merged = merged_stints(
        group, stints.member, stints.start, stints.end, as_of, parameters.merge_gap_days
    )
    sizes = peak_sizes(merged, n_groups)
    overlaps = overlapping_pairs(merged, sizes <= max_size, touched)
    strength = overlap_strength(
        overlaps.days,
        sizes[overlaps.group],
        weight,
        parameters.overlap_months_scale,
        parameters.group_size_exponent,
    )
    overlap_start, overlap_end = overlap_dates(overlaps)
    columns = {
        stints.place_name: group_place[overlaps.group],
        "start": overlap_start,
        "end": overlap_end,
        "current": overlaps.current,
        "days": overlaps.days,
        "score": overlaps.days / DAYS_PER_MONTH,
    }
    if by_part:
        columns[stints.part_name] = group_part[overlaps.group]
    evidence = EvidenceColumns.of(kind, overlaps.first, overlaps.second, strength, **columns)
    return _GroupEvidence(evidence, overlaps, group_place, group_part)


def _work_evidence(
    positions: Positions,
    as_of: np.datetime64,
    parameters: TieParameters,
    touched: np.ndarray | None,
) -> list[EvidenceColumns]:
    worked = _group_evidence(
        EvidenceKind.WORKED_TOGETHER,
        positions,
        by_part=True,
        max_size=parameters.max_unit_size,
        weight=parameters.worked_together,
        as_of=as_of,
        parameters=parameters,
        touched=touched,
    )
    same = _group_evidence(
        EvidenceKind.SAME_ORGANISATION,
        positions,
        by_part=False,
        max_size=parameters.max_organisation_size_for_pairs,
        weight=parameters.same_organisation,
        as_of=as_of,
        parameters=parameters,
        touched=touched,
    ).evidence
    # Sharing a unit at an organisation says everything sharing the
    # organisation would; the weaker evidence is dropped for those pairs.
    overlaps = worked.overlaps
    shared_unit = isin_rows(
        [same.organisation, same.first, same.second],
        [worked.place[overlaps.group], overlaps.first, overlaps.second],
    )
    return [worked.evidence, same.take(~shared_unit)]


def _study_evidence(
    educations: Educations,
    as_of: np.datetime64,
    parameters: TieParameters,
    touched: np.ndarray | None,
) -> EvidenceColumns:
    return _group_evidence(
        EvidenceKind.STUDIED_TOGETHER,
        educations,
        by_part=True,
        max_size=parameters.max_programme_size,
        weight=parameters.studied_together,
        as_of=as_of,
        parameters=parameters,
        touched=touched,
    ).evidence


def _alumni_evidence(
    educations: Educations,
    first: np.ndarray,
    second: np.ndarray,
    studied: EvidenceColumns,
    parameters: TieParameters,
) -> EvidenceColumns:
    """Shared schools of pairs that already have other evidence."""
    if len(educations.member) == 0 or len(first) == 0:
        return EvidenceColumns.of(EvidenceKind.ALUMNI, first[:0], second[:0], np.zeros(0))
    school_ids, school_rank = np.unique(educations.school, return_inverse=True)
    member_schools = sorted_unique(educations.member * len(school_ids) + school_rank)
    member, school = member_schools // len(school_ids), school_ids[member_schools % len(school_ids)]
    bounds = np.searchsorted(member, np.arange(int(max(member.max(), first.max())) + 2))
    counts = bounds[first + 1] - bounds[first]
    pair = np.repeat(np.arange(len(first)), counts)
    rows = np.repeat(bounds[first] - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
    candidate_school = school[rows]
    pair_second = second[pair]
    shared = isin_rows([pair_second, candidate_school], [member, school])
    pair, candidate_school = pair[shared], candidate_school[shared]
    classmates = isin_rows(
        [candidate_school, first[pair], second[pair]],
        [studied.school, studied.first, studied.second],
    )
    pair, candidate_school = pair[~classmates], candidate_school[~classmates]
    return EvidenceColumns.of(
        EvidenceKind.ALUMNI,
        first[pair],
        second[pair],
        np.full(len(pair), parameters.alumni),
        school=candidate_school,
        score=np.ones(len(pair)),
    )


def _contact_evidence(
    contacts: Contacts, n_members: int, parameters: TieParameters, touched: np.ndarray | None
) -> EvidenceColumns:
    importer, contact = contacts.importer, contacts.contact
    valid = valid_members(n_members, importer, contact) & (importer != contact)
    valid &= touching(importer, contact, touched)
    keys = sorted_unique(importer[valid] * n_members + contact[valid])
    importer, contact = keys // n_members, keys % n_members
    size = len(keys)
    return EvidenceColumns.of(
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
) -> EvidenceColumns:
    logged_by, other, kind, day = (
        interactions.logged_by,
        interactions.other,
        interactions.kind,
        interactions.day,
    )
    valid = valid_members(n_members, logged_by, other) & (logged_by != other) & ~np.isnat(day)
    valid &= touching(logged_by, other, touched)
    logged_by, other, kind, day = (column[valid] for column in (logged_by, other, kind, day))
    if len(logged_by) == 0:
        return EvidenceColumns.of(EvidenceKind.INTERACTION, logged_by, other, np.zeros(0))
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
    return EvidenceColumns.of(
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
    positions = positions.take(valid_members(n_members, positions.member))
    educations = community.educations
    educations = educations.take(valid_members(n_members, educations.member))
    parts = _work_evidence(positions, day, parameters, touched)
    studied = _study_evidence(educations, day, parameters, touched)
    parts.append(studied)
    parts.append(_contact_evidence(community.contacts, n_members, parameters, touched))
    parts.append(_interaction_evidence(community.interactions, n_members, day, parameters, touched))
    parts.append(mutual_evidence(community.contacts, n_members, parameters, touched))
    return _assemble_with_alumni(n_members, parts, educations, studied, parameters)


def _assemble_with_alumni(
    n_members: int,
    parts: list[EvidenceColumns],
    educations: Educations,
    studied: EvidenceColumns,
    parameters: TieParameters,
) -> TieTable:
    """Add alumni evidence for the pairs the other evidence found, then assemble the table.

    ``parts`` starts with the two kinds of work evidence and the study evidence; alumni
    evidence goes after them, in :class:`EvidenceKind` order.
    """
    existing = sorted_unique(np.concatenate([part.keys(n_members) for part in parts]))
    parts.insert(
        3,
        _alumni_evidence(
            educations, existing // n_members, existing % n_members, studied, parameters
        ),
    )
    return assemble(n_members, parts)


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
