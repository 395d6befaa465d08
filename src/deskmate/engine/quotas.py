"""The optimal assignment under quotas over the matched mentees, as a 0/1 programme.

Without quotas the optimal assignment is a min-cost flow (``engine.assignment``).
A quota ("at most 5 matched mentees per university", "at least 40% of the
matched mentees from the evening cohort") couples mentees who share nothing
else, and the problem becomes an integer programme. It is solved exactly by
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

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

AT_MOST = "at_most"
AT_LEAST_SHARE = "at_least_share"
#: Equal totals within this are the same total.
TOLERANCE = 1e-7
INFEASIBLE = "The quotas cannot all hold together with the pins and the rules."


@dataclass(frozen=True)
class Quota:
    """One quota over the mentees' groups.

    Parameters
    ----------
    groups : array of int, shape (n_mentees,)
        Each mentee's group (a value of the attribute), -1 for none.
    kind : {"at_most", "at_least_share"}
        ``"at_most"``: at most ``limit`` matched mentees from each group.
        ``"at_least_share"``: at least ``share`` of the matched mentees from
        group ``group``.
    """

    groups: np.ndarray
    kind: str
    limit: int = 0
    group: int = -1
    share: float = 0.0


@dataclass
class QuotaOutcome:
    #: Groups at the quota's limit in the answer.
    binding_groups: list[int]
    #: Total score lost to this quota (the total without it minus the total with it).
    cost: float
    #: ``cost`` as a share of the total without it.
    cost_share: float


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
    scores: np.ndarray,
    capacity: Sequence[int] | np.ndarray,
    quotas: Sequence[Quota],
    *,
    pins: Sequence[tuple[int, int]] = (),
    time_limit: float = 60.0,
    measure_costs: bool = True,
) -> QuotaSolution:
    """The highest-total assignment within capacities that keeps every quota.

    Parameters
    ----------
    scores : array, shape (n_mentees, n_mentors)
        Higher is better; NaN forbids a pair. Pairs scoring 0 or less are
        never used (an unmatched mentee adds 0), pins excepted.
    capacity : array of int, shape (n_mentors,)
    quotas : sequence of Quota
    pins : pairs that must be made; they count toward the quotas.
    time_limit : seconds for each solve.
    measure_costs : also solve once without each quota to price it.

    Raises
    ------
    ValueError
        When no assignment keeps every quota (for instance, pins already over
        a limit).

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
    """
    scores = np.asarray(scores, dtype=float)
    capacity = np.asarray(capacity, dtype=np.int64)
    solution = _solve(scores, capacity, list(quotas), list(pins), time_limit)
    for index, quota in enumerate(quotas):
        cost = 0.0
        if measure_costs:
            others = [q for position, q in enumerate(quotas) if position != index]
            without = _solve(scores, capacity, others, list(pins), time_limit).total
            cost = max(0.0, without - solution.total)
            cost_share = cost / without if without > 0 else 0.0
        else:
            cost_share = 0.0
        solution.outcomes.append(
            QuotaOutcome(
                binding_groups=_binding_groups(quota, solution.mentor_of),
                cost=cost if cost > TOLERANCE else 0.0,
                cost_share=cost_share if cost > TOLERANCE else 0.0,
            )
        )
    return solution


def _edges(scores: np.ndarray, pins: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    allowed = np.isfinite(scores) & (np.nan_to_num(scores, nan=0.0) > 0)
    for row, col in pins:
        allowed[row, col] = True
    rows, cols = np.nonzero(allowed)
    return rows, cols


def _solve(
    scores: np.ndarray,
    capacity: np.ndarray,
    quotas: list[Quota],
    pins: list[tuple[int, int]],
    time_limit: float,
) -> QuotaSolution:
    n_mentees, n_mentors = scores.shape
    rows, cols = _edges(scores, pins)
    n_edges = len(rows)
    mentor_of = np.full(n_mentees, -1, dtype=np.int64)
    if n_edges == 0:
        return QuotaSolution(mentor_of, 0.0, 0.0, False)
    weights = np.nan_to_num(scores[rows, cols], nan=0.0)
    edge_ids = np.arange(n_edges)
    blocks = [
        sp.csr_matrix((np.ones(n_edges), (rows, edge_ids)), shape=(n_mentees, n_edges)),
        sp.csr_matrix((np.ones(n_edges), (cols, edge_ids)), shape=(n_mentors, n_edges)),
    ]
    upper = [np.ones(n_mentees), capacity.astype(float)]
    lower = [np.full(n_mentees, -np.inf), np.full(n_mentors, -np.inf)]
    for quota in quotas:
        matrix, low, high = _quota_rows(quota, rows, edge_ids, n_edges)
        blocks.append(matrix)
        lower.append(low)
        upper.append(high)
    constraint = LinearConstraint(
        sp.vstack(blocks).tocsr(), np.concatenate(lower), np.concatenate(upper)
    )
    pinned = np.zeros(n_edges)
    index = {
        (int(r), int(c)): e
        for e, (r, c) in enumerate(zip(rows.tolist(), cols.tolist(), strict=True))
    }
    for pin in pins:
        pinned[index[(int(pin[0]), int(pin[1]))]] = 1.0
    result = milp(
        -weights,
        integrality=np.ones(n_edges),
        bounds=Bounds(pinned, np.ones(n_edges)),
        constraints=constraint,
        options={"time_limit": time_limit, "mip_rel_gap": 1e-9},
    )
    if result.x is None:
        raise ValueError(INFEASIBLE)
    chosen = result.x > 0.5
    mentor_of[rows[chosen]] = cols[chosen]
    gap = float(getattr(result, "mip_gap", 0.0) or 0.0)
    return QuotaSolution(
        mentor_of=mentor_of,
        total=float(weights[chosen].sum()),
        gap=max(gap, 0.0),
        time_limited=result.status == 1,
    )


def _quota_rows(
    quota: Quota, rows: np.ndarray, edge_ids: np.ndarray, n_edges: int
) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    groups = np.asarray(quota.groups, dtype=np.int64)[rows]
    if quota.kind == AT_MOST:
        values = np.unique(groups[groups >= 0])
        if len(values) == 0:
            return sp.csr_matrix((0, n_edges)), np.zeros(0), np.zeros(0)
        position = np.searchsorted(values, groups)
        mine = groups >= 0
        matrix = sp.csr_matrix(
            (np.ones(int(mine.sum())), (position[mine], edge_ids[mine])),
            shape=(len(values), n_edges),
        )
        return matrix, np.full(len(values), -np.inf), np.full(len(values), float(quota.limit))
    if quota.kind == AT_LEAST_SHARE:
        # share of the matched from the group >= p  <=>  sum(in_group - p) x >= 0
        coefficients = (groups == quota.group).astype(float) - float(quota.share)
        return sp.csr_matrix(coefficients.reshape(1, -1)), np.zeros(1), np.full(1, np.inf)
    raise ValueError(f"Unknown quota kind {quota.kind!r}.")


def _binding_groups(quota: Quota, mentor_of: np.ndarray) -> list[int]:
    groups = np.asarray(quota.groups, dtype=np.int64)
    matched = mentor_of >= 0
    if quota.kind == AT_MOST:
        counts = np.bincount(
            groups[matched & (groups >= 0)], minlength=int(groups.max(initial=-1)) + 1
        )
        return [int(g) for g in np.flatnonzero(counts >= quota.limit)]
    total = int(matched.sum())
    inside = int((matched & (groups == quota.group)).sum())
    # At the limit when one mentee fewer from the group would break it.
    return [quota.group] if total and inside - 1 < quota.share * total - TOLERANCE else []
