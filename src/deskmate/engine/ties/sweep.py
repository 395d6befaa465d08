"""The interval sweep: who was in the same group at the same time, and for how long.

Stints are merged per (group, member), the peak headcount of each group is
found by one cumulative sum over start and end events, and overlapping pairs
are enumerated by sorting stints by (group, start) and binary-searching, for
each stint, the later stints of its group that start before it ends. The work
is ``O(S log S + P)`` for ``S`` stints and ``P`` overlapping pairs: no pair
that does not overlap is ever looked at.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from deskmate.engine.ties.arrays import touching
from deskmate.engine.ties.inputs import NAT, DateLike, as_day

__all__ = [
    "DAYS_PER_MONTH",
    "MergedStints",
    "Overlaps",
    "StintSpans",
    "merged_stints",
    "overlap_dates",
    "overlap_strength",
    "overlapping_pairs",
    "peak_sizes",
    "stint_spans",
]

DAYS_PER_MONTH = 365.25 / 12


class StintSpans(NamedTuple):
    """Stints as integer day spans (see :func:`stint_spans`)."""

    start: np.ndarray
    end: np.ndarray
    current: np.ndarray
    valid: np.ndarray


@dataclass(frozen=True, eq=False)
class MergedStints:
    """Merged stints: per group, each member's non-overlapping presence."""

    group: np.ndarray  # dense group rank
    member: np.ndarray
    start: np.ndarray  # int days since the epoch
    end: np.ndarray  # int days, exclusive; ``as_of`` while current
    current: np.ndarray


def stint_spans(start: np.ndarray, end: np.ndarray, *, as_of: DateLike) -> StintSpans:
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
    return StintSpans(start_days, end_days, current, valid)


def merged_stints(
    group: np.ndarray,
    member: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    as_of: np.datetime64,
    merge_gap_days: int,
) -> MergedStints:
    """Each member's stints in each group, overlapping or near ones merged.

    Stints of one member separated by at most ``merge_gap_days`` become one
    (a promotion is not leaving and coming back). Invalid stints (see
    :func:`stint_spans`) are dropped.
    """
    start_days, end_days, current, valid = stint_spans(start, end, as_of=as_of)
    group, member, start_days, end_days, current = (
        column[valid] for column in (group, member, start_days, end_days, current)
    )
    if len(group) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return MergedStints(empty, empty, empty, empty, np.zeros(0, dtype=bool))
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
    return MergedStints(
        group=group[run_starts],
        member=member[run_starts],
        start=start_days[run_starts],
        end=np.maximum.reduceat(end_days, run_starts),
        current=np.logical_or.reduceat(current, run_starts),
    )


def peak_sizes(stints: MergedStints, n_groups: int) -> np.ndarray:
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
class Overlaps:
    """Overlapping pairs per group: ``first < second`` were both in ``group``.

    ``start`` is the first shared day and ``end`` the exclusive end of the
    last overlap (int days since 1970-01-01); ``days`` the total shared days,
    which differ from ``end - start`` when a member left and came back;
    ``current`` whether both are there now.
    """

    group: np.ndarray
    first: np.ndarray
    second: np.ndarray
    start: np.ndarray  # int days
    end: np.ndarray  # int days, exclusive
    days: np.ndarray
    current: np.ndarray


def overlapping_pairs(
    stints: MergedStints, allowed_groups: np.ndarray, touched: np.ndarray | None
) -> Overlaps:
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
        return Overlaps(empty, empty, empty, empty, empty, empty, np.zeros(0, dtype=bool))
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
    keep = (first != second) & touching(first, second, touched)
    pair_group = group[left][keep]
    first, second, overlap_start, overlap_end, both_current = (
        column[keep] for column in (first, second, overlap_start, overlap_end, both_current)
    )
    if len(first) == 0:
        return Overlaps(empty, empty, empty, empty, empty, empty, np.zeros(0, dtype=bool))
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
    return Overlaps(
        group=pair_group[starts],
        first=first[starts],
        second=second[starts],
        start=overlap_start[starts],
        end=np.maximum.reduceat(overlap_end, starts),
        days=np.add.reduceat(overlap_end - overlap_start, starts),
        current=np.logical_or.reduceat(both_current, starts),
    )


def overlap_strength(
    days: np.ndarray,
    sizes: np.ndarray,
    weight: float,
    months_scale: float,
    size_exponent: float = 1.0,
) -> np.ndarray:
    """``weight * (1 - exp(-months / months_scale)) * (log(3) / log(size + 1)) ** size_exponent``.

    The size factor is 1 for two people; a larger ``size_exponent`` makes a
    big group's pairs weaker, so that sharing a department says less than
    sharing a team.

    Examples
    --------
    >>> overlap_strength(np.array([730.5]), np.array([8]), 1.0, 12.0).round(3).tolist()
    [0.432]
    >>> overlap_strength(np.array([730.5]), np.array([8]), 1.0, 12.0, 2.0).round(3).tolist()
    [0.216]
    """
    time = -np.expm1(-days / DAYS_PER_MONTH / months_scale)
    size_factor = (np.log(3.0) / np.log(np.maximum(sizes, 2) + 1.0)) ** size_exponent
    return np.asarray(weight * time * size_factor)


def overlap_dates(overlaps: Overlaps) -> tuple[np.ndarray, np.ndarray]:
    """First and last shared day of each overlap as dates; the last is NaT while current."""
    start = overlaps.start.astype("datetime64[D]")
    # Back from exclusive ends to last days; NaT while both are still there.
    end = np.where(overlaps.current, NAT, (overlaps.end - 1).astype("datetime64[D]"))
    return start, end
