"""The optimal assignment under quotas over the matched mentees, as a 0/1 programme.

Without quotas the optimal assignment is a min-cost flow (``engine.assignment``).
A quota ("at most 5 matched mentees per university", "at least 40% of the
matched mentees from the evening cohort", "each mentor's mentees from at least
2 universities") couples mentees who share nothing else, and the problem
becomes an integer programme. It is solved exactly by
HiGHS through :func:`scipy.optimize.milp`, within a time limit; the solver's
optimality gap says how far from proven optimal an answer cut short by the
limit may be.

What a quota costs is measured by solving again without it (all other quotas
kept): the difference of the two totals. The LP dual of an integer programme
is not a price one can trust (the relaxation's duals ignore integrality), so
a re-solve is the honest measure, at the price of one more solve per quota.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TypeAlias

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, OptimizeResult, milp

Scores: TypeAlias = np.ndarray | sp.csr_array | sp.csr_matrix

AT_MOST = "at_most"
AT_LEAST_SHARE = "at_least_share"
MIN_DISTINCT = "min_distinct"
KINDS = (AT_MOST, AT_LEAST_SHARE, MIN_DISTINCT)
#: Equal totals within this are the same total.
TOLERANCE = 1e-7
#: The relative gap at which HiGHS may call an answer optimal.
GAP = 1e-9
INFEASIBLE = "The quotas cannot all hold together with the pins and the rules."
NO_ANSWER_IN_TIME = (
    "The solver found no assignment that keeps every quota within {seconds:g} s; "
    "allow it more time or loosen a quota."
)


@dataclass(frozen=True)
class Quota:
    """One quota over the mentees' groups.

    Parameters
    ----------
    groups : array of int, shape (n_mentees,)
        Each mentee's group (a value of the attribute), -1 for none.
    kind : {"at_most", "at_least_share", "min_distinct"}
        ``"at_most"``: at most ``limit`` matched mentees from each group.
        ``"at_least_share"``: at least ``share`` of the matched mentees from
        group ``group``.
        ``"min_distinct"``: each mentor's mentees come from at least ``limit``
        distinct groups, or all from different groups when the mentor has
        ``limit`` or fewer. Mentees without a group (-1) are left out of the
        count: they neither add a group nor need one.
    """

    groups: np.ndarray
    kind: str
    limit: int = 0
    group: int = -1
    share: float = 0.0


@dataclass
class QuotaOutcome:
    #: Groups at the quota's limit in the answer; for ``"min_distinct"``, mentors.
    binding_groups: list[int]
    #: Total score lost to this quota (the total without it minus the total with it).
    cost: float
    #: ``cost`` as a share of the total without it.
    cost_share: float
    #: False when the time limit stopped either solve, so the cost compares answers not proven best.
    cost_exact: bool = True


@dataclass
class QuotaSolution:
    mentor_of: np.ndarray
    total: float
    #: HiGHS's relative optimality gap (0 when proven optimal).
    gap: float
    #: True when the time limit stopped the solver before it proved optimality.
    time_limited: bool
    outcomes: list[QuotaOutcome] = field(default_factory=list)


def assign_with_quotas(
    scores: Scores,
    capacity: Sequence[int] | np.ndarray,
    quotas: Sequence[Quota],
    *,
    pins: Sequence[tuple[int, int]] = (),
    time_limit: float = 60.0,
    gap: float = GAP,
    measure_costs: bool = True,
) -> QuotaSolution:
    """The highest-total assignment within capacities that keeps every quota.

    Parameters
    ----------
    scores : array or scipy.sparse matrix, shape (n_mentees, n_mentors)
        Higher is better; NaN forbids a pair (in a sparse matrix, only stored
        entries are allowed). Pairs scoring 0 or less are never used (an
        unmatched mentee adds 0), pins excepted.
    capacity : array of int, shape (n_mentors,)
    quotas : sequence of Quota
    pins : pairs that must be made; they count toward the quotas.
    time_limit : seconds for each solve.
    gap : the relative optimality gap at which a solve may stop.
    measure_costs : also solve once without each quota to price it.

    Raises
    ------
    ValueError
        When no assignment keeps every quota (for instance, pins already over
        a limit), or the time limit passed before any was found.

    Examples
    --------
    Two mentees from university 0, one from university 1; at most one matched
    mentee per university.

    >>> scores = np.array([[0.9, 0.8], [0.7, 0.5], [0.3, 0.1]])
    >>> quota = Quota(groups=np.array([0, 0, 1]), kind="at_most", limit=1)
    >>> solution = assign_with_quotas(scores, [1, 1], [quota])
    >>> solution.mentor_of.tolist(), round(solution.total, 2)
    ([1, -1, 0], 1.1)
    >>> outcome = solution.outcomes[0]
    >>> outcome.binding_groups, round(outcome.cost, 2)
    ([0, 1], 0.4)

    One mentor with two places whose two best mentees share a university;
    each mentor's mentees from at least two universities.

    >>> scores = np.array([[0.9], [0.8], [0.2]])
    >>> quota = Quota(groups=np.array([0, 0, 1]), kind="min_distinct", limit=2)
    >>> solution = assign_with_quotas(scores, [2], [quota])
    >>> solution.mentor_of.tolist(), round(solution.total, 2)
    ([0, -1, 0], 1.1)
    >>> outcome = solution.outcomes[0]
    >>> outcome.binding_groups, round(outcome.cost, 2), round(outcome.cost_share, 3)
    ([0], 0.6, 0.353)
    """
    capacity = np.asarray(capacity, dtype=np.int64)
    edges = _edges(scores, list(pins))
    solution = _solve(edges, capacity, list(quotas), list(pins), time_limit, gap)
    for index, quota in enumerate(quotas):
        cost, cost_share, exact = 0.0, 0.0, not solution.time_limited
        if measure_costs:
            others = [q for position, q in enumerate(quotas) if position != index]
            without = _solve(edges, capacity, others, list(pins), time_limit, gap)
            cost = max(0.0, without.total - solution.total)
            cost_share = cost / without.total if without.total > 0 else 0.0
            exact = exact and not without.time_limited
        solution.outcomes.append(
            QuotaOutcome(
                binding_groups=_binding_groups(quota, solution.mentor_of, capacity),
                cost=cost if cost > TOLERANCE else 0.0,
                cost_share=cost_share if cost > TOLERANCE else 0.0,
                cost_exact=exact,
            )
        )
    return solution


@dataclass(frozen=True)
class _Edges:
    """The pairs a solve may use: their mentee, mentor and score."""

    rows: np.ndarray
    cols: np.ndarray
    weights: np.ndarray
    shape: tuple[int, int]


def _edges(scores: Scores, pins: list[tuple[int, int]]) -> _Edges:
    if sp.issparse(scores):
        coo = sp.coo_array(scores)
        rows, cols = coo.row.astype(np.int64), coo.col.astype(np.int64)
        values = coo.data.astype(float)
        keep = np.isfinite(values) & (values > 0)
        pinned = {(int(r), int(c)) for r, c in pins}
        if pinned:
            keep |= np.array(
                [(r, c) in pinned for r, c in zip(rows.tolist(), cols.tolist(), strict=True)],
                dtype=bool,
            )
        order = np.lexsort((cols[keep], rows[keep]))
        rows, cols, values = rows[keep][order], cols[keep][order], values[keep][order]
        return _Edges(rows, cols, np.nan_to_num(values, nan=0.0), tuple(scores.shape))
    dense = np.asarray(scores, dtype=float)
    allowed = np.isfinite(dense) & (np.nan_to_num(dense, nan=0.0) > 0)
    for row, col in pins:
        allowed[row, col] = True
    rows, cols = np.nonzero(allowed)
    weights = np.nan_to_num(dense[rows, cols], nan=0.0)
    return _Edges(rows.astype(np.int64), cols.astype(np.int64), weights, dense.shape)


@dataclass
class _Block:
    """Rows of the constraint matrix over the edges and ``n_extra`` variables after them."""

    matrix: sp.csr_array
    lower: np.ndarray
    upper: np.ndarray
    n_extra: int = 0


def _solve(
    edges: _Edges,
    capacity: np.ndarray,
    quotas: list[Quota],
    pins: list[tuple[int, int]],
    time_limit: float,
    gap: float,
) -> QuotaSolution:
    n_mentees, n_mentors = edges.shape
    rows, cols = edges.rows, edges.cols
    n_edges = len(rows)
    mentor_of = np.full(n_mentees, -1, dtype=np.int64)
    if n_edges == 0:
        return QuotaSolution(mentor_of, 0.0, 0.0, False)
    edge_ids = np.arange(n_edges)
    blocks = [
        _Block(
            sp.csr_array((np.ones(n_edges), (rows, edge_ids)), shape=(n_mentees, n_edges)),
            np.full(n_mentees, -np.inf),
            np.ones(n_mentees),
        ),
        _Block(
            sp.csr_array((np.ones(n_edges), (cols, edge_ids)), shape=(n_mentors, n_edges)),
            np.full(n_mentors, -np.inf),
            capacity.astype(float),
        ),
    ]
    n_vars = n_edges
    for quota in quotas:
        block = _quota_rows(quota, edges, capacity, n_vars)
        blocks.append(block)
        n_vars += block.n_extra
    constraint = LinearConstraint(
        sp.vstack([_widened(block.matrix, n_vars) for block in blocks]).tocsr(),
        np.concatenate([block.lower for block in blocks]),
        np.concatenate([block.upper for block in blocks]),
    )
    low = np.zeros(n_vars)
    index = {
        (int(r), int(c)): e
        for e, (r, c) in enumerate(zip(rows.tolist(), cols.tolist(), strict=True))
    }
    for pin in pins:
        low[index[(int(pin[0]), int(pin[1]))]] = 1.0
    result = _highs(
        -np.concatenate([edges.weights, np.zeros(n_vars - n_edges)]),
        Bounds(low, np.ones(n_vars)),
        constraint,
        time_limit=time_limit,
        gap=gap,
    )
    if result.x is None:
        if result.status == 1:
            raise ValueError(NO_ANSWER_IN_TIME.format(seconds=time_limit))
        raise ValueError(INFEASIBLE)
    chosen = result.x[:n_edges] > 0.5
    mentor_of[rows[chosen]] = cols[chosen]
    found_gap = float(getattr(result, "mip_gap", 0.0) or 0.0)
    return QuotaSolution(
        mentor_of=mentor_of,
        total=float(edges.weights[chosen].sum()),
        gap=max(found_gap, 0.0),
        time_limited=result.status == 1,
    )


def _highs(
    cost: np.ndarray,
    bounds: Bounds,
    constraint: LinearConstraint,
    *,
    time_limit: float,
    gap: float,
) -> OptimizeResult:
    """HiGHS on the linear relaxation first: when its answer is already 0/1 it is optimal.

    Without a quota coupling each mentor's mentees the relaxation is often
    integral (capacities alone make it a flow), and solving it is several times
    faster than HiGHS's integer presolve. Otherwise the integer programme is
    solved with presolve off, which measured faster on these programmes.
    """
    relaxed = milp(
        cost,
        integrality=np.zeros(len(cost)),
        bounds=bounds,
        constraints=constraint,
        options={"time_limit": time_limit},
    )
    if relaxed.status == 0 and relaxed.x is not None:
        values = relaxed.x
        if np.all(np.minimum(np.abs(values), np.abs(values - 1.0)) < 1e-9):
            relaxed.x = np.round(values)
            relaxed.mip_gap = 0.0
            return relaxed
    elif relaxed.status == 2:
        return relaxed
    return milp(
        cost,
        integrality=np.ones(len(cost)),
        bounds=bounds,
        constraints=constraint,
        options={"time_limit": time_limit, "mip_rel_gap": gap, "presolve": False},
    )


def _widened(matrix: sp.csr_array, n_vars: int) -> sp.csr_array:
    """The block with columns for every variable (those it does not name are zero)."""
    if matrix.shape[1] == n_vars:
        return matrix
    coo = sp.coo_array(matrix)
    return sp.csr_array((coo.data, (coo.row, coo.col)), shape=(matrix.shape[0], n_vars))


def _quota_rows(quota: Quota, edges: _Edges, capacity: np.ndarray, first_extra: int) -> _Block:
    n_edges = len(edges.rows)
    edge_ids = np.arange(n_edges)
    groups = np.asarray(quota.groups, dtype=np.int64)[edges.rows]
    if quota.kind == AT_MOST:
        values = np.unique(groups[groups >= 0])
        if len(values) == 0:
            return _Block(sp.csr_array((0, n_edges)), np.zeros(0), np.zeros(0))
        position = np.searchsorted(values, groups)
        mine = groups >= 0
        matrix = sp.csr_array(
            (np.ones(int(mine.sum())), (position[mine], edge_ids[mine])),
            shape=(len(values), n_edges),
        )
        return _Block(
            matrix, np.full(len(values), -np.inf), np.full(len(values), float(quota.limit))
        )
    if quota.kind == AT_LEAST_SHARE:
        # share of the matched from the group >= p  <=>  sum(in_group - p) x >= 0
        coefficients = (groups == quota.group).astype(float) - float(quota.share)
        return _Block(sp.csr_array(coefficients.reshape(1, -1)), np.zeros(1), np.full(1, np.inf))
    if quota.kind == MIN_DISTINCT:
        return _distinct_rows(quota, edges, groups, capacity, first_extra)
    raise ValueError(f"Unknown quota kind {quota.kind!r}.")


def _distinct_rows(
    quota: Quota, edges: _Edges, groups: np.ndarray, capacity: np.ndarray, first_extra: int
) -> _Block:
    """Each mentor's valued mentees from at least min(K, how many there are) groups.

    For mentor j with capacity c, ``y[j, g]`` may be 1 only when j has a mentee
    from group g, and ``w[j]`` says which half of "K distinct groups, or every
    mentee from a different one" holds (``n[j, g]`` counts j's mentees from g,
    ``n[j]`` all of j's valued mentees):

        y[j, g] - n[j, g]                  <= 0
        sum_g y[j, g] - K w[j]             >= 0
        n[j, g] - (c - 1) w[j]             <= 1      (w = 0: all different)
        n[j] - (c - K + 1) w[j]            <= K - 1  (w = 0: fewer than K; when c >= K)

    The last two, one per group rather than one per mentor, keep the linear
    relaxation close to the integer answer, which is what lets HiGHS finish.
    Mentors who take one mentee at most cannot break the quota and get no rows.
    """
    limit = int(quota.limit)
    valued = (groups >= 0) & (capacity[edges.cols] >= 2)
    edge_ids = np.flatnonzero(valued)
    cols, values = edges.cols[valued], groups[valued]
    if limit <= 1 or len(edge_ids) == 0:
        return _Block(sp.csr_array((0, len(edges.rows))), np.zeros(0), np.zeros(0))
    pairs, pair_of_edge = np.unique(np.stack([cols, values], axis=1), axis=0, return_inverse=True)
    pair_of_edge = pair_of_edge.ravel()
    mentors, mentor_of_pair = np.unique(pairs[:, 0], return_inverse=True)
    mentor_of_pair = mentor_of_pair.ravel()
    mentor_of_edge = np.searchsorted(mentors, cols)
    n_pairs, n_mentors = len(pairs), len(mentors)
    y = first_extra + np.arange(n_pairs)
    w = first_extra + n_pairs + np.arange(n_mentors)
    room = capacity[mentors].astype(float)
    full = np.flatnonzero(room >= limit)
    builder = _Rows()
    builder.add(  # y - n[j, g] <= 0
        [np.arange(n_pairs), pair_of_edge],
        [y, edge_ids],
        [np.ones(n_pairs), -np.ones(len(edge_ids))],
        n_pairs,
        -np.inf,
        0.0,
    )
    builder.add(  # sum y - K w >= 0
        [mentor_of_pair, np.arange(n_mentors)],
        [y, w],
        [np.ones(n_pairs), np.full(n_mentors, -float(limit))],
        n_mentors,
        0.0,
        np.inf,
    )
    builder.add(  # n[j, g] - (c - 1) w <= 1
        [pair_of_edge, np.arange(n_pairs)],
        [edge_ids, w[mentor_of_pair]],
        [np.ones(len(edge_ids)), -(room[mentor_of_pair] - 1)],
        n_pairs,
        -np.inf,
        1.0,
    )
    row_of_full = np.full(n_mentors, -1)
    row_of_full[full] = np.arange(len(full))
    counted = row_of_full[mentor_of_edge] >= 0
    builder.add(  # n[j] - (c - K + 1) w <= K - 1
        [row_of_full[mentor_of_edge][counted], np.arange(len(full))],
        [edge_ids[counted], w[full]],
        [np.ones(int(counted.sum())), -(room[full] - limit + 1)],
        len(full),
        -np.inf,
        float(limit - 1),
    )
    return builder.block(first_extra + n_pairs + n_mentors, n_extra=n_pairs + n_mentors)


class _Rows:
    """Constraint rows gathered a group at a time, as coordinates."""

    def __init__(self) -> None:
        self.rows: list[np.ndarray] = []
        self.cols: list[np.ndarray] = []
        self.data: list[np.ndarray] = []
        self.lower: list[np.ndarray] = []
        self.upper: list[np.ndarray] = []
        self.count = 0

    def add(
        self,
        rows: list[np.ndarray],
        cols: list[np.ndarray],
        data: list[np.ndarray],
        n_rows: int,
        lower: float,
        upper: float,
    ) -> None:
        self.rows.append(self.count + np.concatenate(rows))
        self.cols.append(np.concatenate(cols))
        self.data.append(np.concatenate(data))
        self.lower.append(np.full(n_rows, lower))
        self.upper.append(np.full(n_rows, upper))
        self.count += n_rows

    def block(self, n_vars: int, *, n_extra: int) -> _Block:
        matrix = sp.csr_array(
            (
                np.concatenate(self.data),
                (np.concatenate(self.rows), np.concatenate(self.cols)),
            ),
            shape=(self.count, n_vars),
        )
        return _Block(matrix, np.concatenate(self.lower), np.concatenate(self.upper), n_extra)


def distinct_counts(
    groups: np.ndarray, mentor_of: np.ndarray, n_mentors: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each mentor's number of mentees with a group, and of distinct groups among them.

    >>> distinct_counts(np.array([0, 0, 1, -1]), np.array([0, 0, 0, 1]), 2)
    (array([3, 0]), array([2, 0]))
    """
    groups = np.asarray(groups, dtype=np.int64)
    counted = (mentor_of >= 0) & (groups >= 0)
    mentees = np.bincount(mentor_of[counted], minlength=n_mentors)
    distinct = np.zeros(n_mentors, dtype=np.int64)
    unique = np.unique(np.stack([mentor_of[counted], groups[counted]], axis=1), axis=0)
    if len(unique):
        distinct = np.bincount(unique[:, 0], minlength=n_mentors)
    return mentees, distinct


def _binding_groups(quota: Quota, mentor_of: np.ndarray, capacity: np.ndarray) -> list[int]:
    groups = np.asarray(quota.groups, dtype=np.int64)
    matched = mentor_of >= 0
    if quota.kind == AT_MOST:
        counts = np.bincount(
            groups[matched & (groups >= 0)], minlength=int(groups.max(initial=-1)) + 1
        )
        return [int(g) for g in np.flatnonzero(counts >= quota.limit)]
    if quota.kind == MIN_DISTINCT:
        # A mentor with room for two is at the limit when one more mentee from a
        # group they already have, or one distinct group fewer, would break it.
        mentees, distinct = distinct_counts(groups, mentor_of, len(capacity))
        tight = (
            (capacity >= 2) & (mentees >= 1) & (distinct <= np.minimum(int(quota.limit), mentees))
        )
        return [int(j) for j in np.flatnonzero(tight)]
    total = int(matched.sum())
    inside = int((matched & (groups == quota.group)).sum())
    # At the limit when one mentee fewer from the group would break it.
    return [quota.group] if total and inside - 1 < quota.share * total - TOLERANCE else []
