"""The quota programme against brute force over every assignment of tiny instances."""

import itertools

import numpy as np
import pytest
import scipy.sparse as sp

from deskmate.engine.quotas import (
    AT_LEAST_SHARE,
    AT_MOST,
    INFEASIBLE,
    MIN_DISTINCT,
    Quota,
    assign_with_quotas,
    distinct_counts,
)


def keeps(quota: Quota, mentor_of: tuple[int, ...], n_mentors: int) -> bool:
    groups = np.asarray(quota.groups)
    chosen = np.array(mentor_of)
    matched = chosen >= 0
    if quota.kind == AT_MOST:
        values = groups[matched & (groups >= 0)]
        return all((values == g).sum() <= quota.limit for g in set(values.tolist()))
    if quota.kind == AT_LEAST_SHARE:
        return (matched & (groups == quota.group)).sum() >= quota.share * matched.sum() - 1e-9
    for mentor in range(n_mentors):
        mine = groups[(chosen == mentor) & (groups >= 0)]
        if len(set(mine.tolist())) < min(quota.limit, len(mine)):
            return False
    return True


def brute_force(scores, capacity, quotas, pins=()):
    """The best total over every assignment (each mentee: a mentor or nobody)."""
    n_mentees, n_mentors = scores.shape
    best = None
    for mentor_of in itertools.product(range(-1, n_mentors), repeat=n_mentees):
        if any(mentor_of[row] != col for row, col in pins):
            continue
        if any(mentor_of.count(col) > capacity[col] for col in range(n_mentors)):
            continue
        pairs = [(row, col) for row, col in enumerate(mentor_of) if col >= 0]
        if any(not np.isfinite(scores[row, col]) for row, col in pairs):
            continue
        if not all(keeps(quota, mentor_of, n_mentors) for quota in quotas):
            continue
        total = sum(scores[row, col] for row, col in pairs)
        if best is None or total > best:
            best = total
    return best


def random_instance(seed: int):
    rng = np.random.default_rng(seed)
    scores = rng.random((6, 3)).round(3)
    scores[rng.random(scores.shape) < 0.2] = np.nan
    capacity = rng.integers(1, 4, size=3)
    groups = rng.integers(-1, 3, size=6)
    return scores, capacity, groups


@pytest.mark.parametrize("seed", range(12))
def test_each_kind_of_quota_gives_the_brute_force_optimum(seed):
    scores, capacity, groups = random_instance(seed)
    kinds = [
        Quota(groups=groups, kind=AT_MOST, limit=1),
        Quota(groups=groups, kind=AT_LEAST_SHARE, group=0, share=0.5),
        Quota(groups=groups, kind=MIN_DISTINCT, limit=2),
    ]
    for quotas in ([kinds[0]], [kinds[1]], [kinds[2]], kinds):
        expected = brute_force(scores, capacity, quotas)
        solution = assign_with_quotas(scores, capacity, quotas)
        assert solution.total == pytest.approx(expected, abs=1e-9)
        assert all(keeps(q, tuple(solution.mentor_of.tolist()), 3) for q in quotas)
        assert solution.gap <= 1e-6 and not solution.time_limited
        for quota, outcome in zip(quotas, solution.outcomes, strict=True):
            others = [q for q in quotas if q is not quota]
            without = brute_force(scores, capacity, others)
            assert outcome.cost == pytest.approx(without - expected, abs=1e-7)


def test_a_sparse_matrix_is_the_same_programme_as_a_dense_one():
    scores, capacity, groups = random_instance(3)
    quota = Quota(groups=groups, kind=MIN_DISTINCT, limit=2)
    stored = np.isfinite(scores)
    sparse = sp.csr_array((scores[stored], np.nonzero(stored)), shape=scores.shape)
    dense = assign_with_quotas(scores, capacity, [quota])
    assert assign_with_quotas(sparse, capacity, [quota]).total == pytest.approx(dense.total)


def test_pins_count_toward_a_quota_and_can_make_it_impossible():
    scores = np.array([[0.9, 0.1], [0.8, 0.7], [0.1, 0.6]])
    groups = np.array([0, 0, 1])
    quota = Quota(groups=groups, kind=AT_MOST, limit=1)
    solution = assign_with_quotas(scores, [1, 1], [quota], pins=[(1, 1)])
    assert solution.mentor_of.tolist() == [-1, 1, 0]
    assert solution.total == pytest.approx(brute_force(scores, [1, 1], [quota], pins=[(1, 1)]))
    with pytest.raises(ValueError, match=INFEASIBLE):
        assign_with_quotas(scores, [1, 1], [quota], pins=[(0, 0), (1, 1)])


def test_min_distinct_binds_for_a_mentor_it_holds_back():
    # Olivia (two places) is both mentees' best, but they share a university.
    scores = np.array([[0.1, 0.9], [0.1, 0.8]])
    quota = Quota(groups=np.array([0, 0]), kind=MIN_DISTINCT, limit=2)
    solution = assign_with_quotas(scores, [1, 2], [quota])
    assert solution.mentor_of.tolist() == [1, 0]
    assert solution.outcomes[0].binding_groups == [1]
    assert solution.outcomes[0].cost == pytest.approx(0.7)
    assert solution.outcomes[0].cost_share == pytest.approx(0.7 / 1.7)


def test_distinct_counts_leave_out_mentees_without_a_group():
    mentees, distinct = distinct_counts(np.array([2, 2, -1, 1]), np.array([1, 1, 1, 0]), 3)
    assert (mentees.tolist(), distinct.tolist()) == ([1, 2, 0], [1, 1, 0])
