"""Cohort assignment: give each mentee at most one mentor, within mentor capacities.

A programme's coordinator supplies a mentee × mentor score matrix. A pair whose
score is NaN or ``-inf`` is forbidden (hard rules such as "not in the same
reporting line" are expressed that way); every other pair is allowed. With a
``scipy.sparse`` matrix only the stored entries are allowed, so a programme
where each mentee has a few dozen candidates never materialises the full
matrix.

Three methods are offered, all deterministic:

``"optimal"``
    Maximum total score. Leaving a mentee unmatched adds 0 to the total, so a
    pair whose score is not positive never raises the total and is never taken.
``"stable"``
    Mentee-proposing deferred acceptance: no mentee and mentor would both rather
    be together than keep what they were given.
``"participation"``
    As many mentees matched as the rules and capacities allow, and among those
    assignments the one with the highest total score.

Every run is reported with the same measures (total against the optimum,
blocking pairs, share matched, matched within a tie, first choices, the
weakest pair) so that a coordinator can compare methods on one programme.

References
----------
.. [1] D. Gale and L. S. Shapley, "College admissions and the stability of
   marriage", *The American Mathematical Monthly* 69(1), 9–15, 1962.
.. [2] A. E. Roth and M. A. O. Sotomayor, *Two-Sided Matching: A Study in
   Game-Theoretic Modeling and Analysis*, Cambridge University Press, 1990
   (the many-to-one case, capacities and blocking pairs).
.. [3] R. K. Ahuja, T. L. Magnanti and J. B. Orlin, *Network Flows: Theory,
   Algorithms, and Applications*, Prentice Hall, 1993, ch. 9–10 (min-cost flow).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

import numpy as np
import scipy as sp
import scipy.sparse
import scipy.sparse.csgraph

__all__ = [
    "AssignmentResult",
    "RuledScores",
    "WeakestPair",
    "apply_rules",
    "assign",
    "evaluate_assignment",
]

Method: TypeAlias = Literal["optimal", "stable", "participation"]
ScoreMatrix: TypeAlias = "np.ndarray | sp.sparse.sparray | sp.sparse.spmatrix"
PairMask: TypeAlias = "np.ndarray | sp.sparse.sparray | sp.sparse.spmatrix"
Pairs: TypeAlias = "Iterable[tuple[int, int]]"

METHODS: tuple[str, ...] = ("optimal", "stable", "participation")

# The exact solver first looks at each mentee's best few mentors only and then
# proves, with dual potentials over every allowed pair, that nothing outside
# that short list would raise the total; pairs that would are added and the
# solve repeated. Eight is enough for random instances with capacity 5.
# Sparse programmes with up to 32 allowed mentors per mentee are solved whole:
# proving a short list optimal costs more than solving the long one.
_CANDIDATES_PER_MENTEE = 8
_SOLVE_WHOLE_UP_TO_PER_MENTEE = 32
# Deferred acceptance ranks each mentee's best mentors up front and sorts the
# whole row only for the rare mentee who is turned down by all of them.
_RANKED_UP_FRONT = 16
# Dense matrices are scanned in row blocks of about this many entries.
_BLOCK_ENTRIES = 2_000_000

ERROR_SHAPE = "scores must be a two-dimensional mentees × mentors matrix"
ERROR_POSITIVE_INFINITY = "scores must not contain +inf"
ERROR_CAPACITY = "capacity must be a non-negative integer or one per mentor"
ERROR_METHOD = "method must be one of 'optimal', 'stable', 'participation'"
ERROR_PIN_FORBIDDEN = "a pinned pair is forbidden"
ERROR_PIN_TWICE = "a mentee is pinned more than once"
ERROR_PIN_OVER_CAPACITY = "pins exceed a mentor's capacity"
ERROR_INDEX = "mentee or mentor index out of range"
ERROR_NOT_ALLOWED = "the assignment uses a forbidden pair"
ERROR_OVER_CAPACITY = "the assignment exceeds a mentor's capacity"


@dataclass(frozen=True)
class WeakestPair:
    """The matched pair with the lowest score."""

    mentee: int
    mentor: int
    score: float


@dataclass(frozen=True, eq=False)
class AssignmentResult:
    """An assignment of mentees to mentors and how good it is.

    Attributes
    ----------
    method : str
        ``"optimal"``, ``"stable"``, ``"participation"``, or ``"given"`` for an
        assignment passed to :func:`evaluate_assignment`.
    mentor_of : numpy.ndarray
        Read-only int array, the mentor index of each mentee or -1.
    total_score : float
        Sum of the scores of the matched pairs.
    optimum_total : float or None
        Highest total any assignment obeying the same rules reaches, or None
        when the comparison was not asked for.
    ratio_to_optimum : float or None
        ``total_score / optimum_total``; None when there is no optimum to
        compare with or it is not positive.
    number_matched : int
        Mentees who have a mentor.
    share_matched : float
        ``number_matched`` over all mentees.
    matched_within_tie : int or None
        Matched pairs that already share a tie; None when no tie matrix was
        given.
    share_matched_within_tie : float or None
        ``matched_within_tie`` over ``number_matched`` (0.0 when nobody is
        matched).
    blocking_pairs : int
        Allowed pairs (mentee, mentor) not matched together where the mentee
        prefers the mentor to its own (any mentor to none) and the mentor has
        a free place or prefers the mentee to its weakest current mentee.
        Preferences follow the scores, mentor-side scores for mentors, equal
        scores ranked by lower index first. Pinned mentees are held in place by
        a rule, so they neither block nor can be displaced.
    first_choice_share : float
        Share of all mentees matched to their first choice.
    top_three_share : float
        Share of all mentees matched to one of their first three choices.
    weakest_pair : WeakestPair or None
        The matched pair with the lowest score (lowest mentee index among
        equals), None when nobody is matched.
    """

    method: str
    mentor_of: np.ndarray
    total_score: float
    optimum_total: float | None
    ratio_to_optimum: float | None
    number_matched: int
    share_matched: float
    matched_within_tie: int | None
    share_matched_within_tie: float | None
    blocking_pairs: int
    first_choice_share: float
    top_three_share: float
    weakest_pair: WeakestPair | None

    def mentees_of(self, mentor: int) -> np.ndarray:
        """Indices of the mentees assigned to ``mentor``, in increasing order."""
        return np.flatnonzero(self.mentor_of == mentor)


@dataclass(frozen=True, eq=False)
class RuledScores:
    """A programme's scores once pins and forbids have been applied.

    Attributes
    ----------
    scores : numpy.ndarray or scipy.sparse.csr_array
        The scores with forbidden pairs removed (NaN when dense, not stored
        when sparse) and every pinned mentee's row entirely forbidden, so that
        any solver leaves pinned mentees to the pins.
    capacity : numpy.ndarray
        What is left of each mentor's capacity after the pins.
    pinned_mentor_of : numpy.ndarray
        The pinned mentor of each mentee, -1 where the mentee is not pinned.
    """

    scores: np.ndarray | sp.sparse.csr_array
    capacity: np.ndarray
    pinned_mentor_of: np.ndarray


def assign(
    scores: ScoreMatrix,
    capacity: int | Sequence[int] | np.ndarray,
    method: Method = "optimal",
    *,
    mentor_scores: ScoreMatrix | None = None,
    pins: Pairs = (),
    forbids: Pairs | PairMask = (),
    tie: PairMask | None = None,
    preferences: Sequence[Sequence[int]] | None = None,
    compare_to_optimum: bool = True,
) -> AssignmentResult:
    """Assign mentees to mentors within capacities.

    Parameters
    ----------
    scores : array_like or scipy.sparse matrix, shape (n_mentees, n_mentors)
        How good each pair is; higher is better. NaN or ``-inf`` forbids a
        pair. In a sparse matrix only stored entries are allowed.
    capacity : int or array_like of int
        How many mentees each mentor can take, one number for all or one per
        mentor.
    method : {"optimal", "stable", "participation"}
        ``"optimal"`` maximises the total score (pairs with a score of 0 or
        less are never used, since an unmatched mentee adds 0).
        ``"stable"`` runs mentee-proposing deferred acceptance; every allowed
        pair is acceptable to both sides whatever its sign, and equal scores
        are ranked by lower index first. ``"participation"`` matches as many
        mentees as possible, then maximises the total score among those
        assignments; it uses negative-score pairs when that matches one more
        mentee.
    mentor_scores : array_like or scipy.sparse matrix, optional
        How mentors rank mentees, for ``"stable"`` and for counting blocking
        pairs. Defaults to ``scores``. A pair forbidden here is forbidden.
    pins : iterable of (mentee, mentor)
        Pairs that must be made. Pinned pairs use up the mentor's capacity and
        are kept whatever the method.
    forbids : iterable of (mentee, mentor), or boolean matrix
        Pairs that must not be made, on top of those already forbidden in
        ``scores``.
    tie : boolean array_like or scipy.sparse matrix, optional
        True where a mentee and a mentor already share a tie; used to report
        how many matches stay within existing ties.
    preferences : sequence of sequences of int, optional
        Each mentee's ranked list of mentor indices, used for the first-choice
        and top-three shares. Without it each mentee's ranking is derived from
        ``scores`` (allowed mentors by decreasing score, lower index first
        among equals).
    compare_to_optimum : bool
        Also solve the optimal assignment under the same rules and report the
        ratio of this total to it. Always true in effect for ``"optimal"``.

    Returns
    -------
    AssignmentResult

    Raises
    ------
    ValueError
        On a malformed matrix or capacity, an unknown method, or pins that
        contradict the rules (a forbidden pair, a mentee pinned twice, more
        pins than a mentor's capacity).

    Notes
    -----
    ``"optimal"`` and ``"participation"`` solve a min-cost flow exactly (to
    floating-point rounding): each mentor is split into as many unit places as
    its capacity, the resulting assignment problem is solved with
    :func:`scipy.sparse.csgraph.min_weight_full_bipartite_matching` on each
    mentee's best few mentors, and dual potentials computed over the residual
    graph prove that no other allowed pair improves the total; pairs that would
    are added and the solve repeated. ``"participation"`` adds to every pair a
    bonus larger than any difference in total score, so that one more match
    always outweighs any gain in score.

    ``"stable"`` uses per-mentee ranked lists and per-mentor heaps, so it runs
    in time close to linear in the number of proposals made.

    Examples
    --------
    Three mentees, two mentors who can each take one mentee; mentee 2 may not
    be paired with mentor 0.

    >>> import numpy as np
    >>> scores = np.array([[0.9, 0.8], [0.7, 0.1], [np.nan, 0.5]])
    >>> result = assign(scores, capacity=1, method="optimal")
    >>> result.mentor_of.tolist()
    [1, 0, -1]
    >>> round(result.total_score, 2), result.number_matched, result.blocking_pairs
    (1.5, 2, 1)
    >>> stable = assign(scores, capacity=1, method="stable")
    >>> stable.mentor_of.tolist(), stable.blocking_pairs
    ([0, -1, 1], 0)
    >>> round(stable.ratio_to_optimum, 4)
    0.9333
    >>> assign(scores, capacity=[2, 1], pins=[(2, 1)]).mentor_of.tolist()
    [0, 0, 1]
    """
    if method not in METHODS:
        raise ValueError(ERROR_METHOD)
    problem = _Problem.from_inputs(scores, mentor_scores, forbids)
    capacity_array = _capacity_array(capacity, problem.n_mentors)
    pinned_mentor_of = _pinned_mentor_of(problem, capacity_array, pins)
    free_capacity = capacity_array - np.bincount(
        pinned_mentor_of[pinned_mentor_of >= 0], minlength=problem.n_mentors
    )
    free = pinned_mentor_of < 0

    def solve(solve_method: str) -> np.ndarray:
        if solve_method == "stable":
            solved = _deferred_acceptance(problem, free_capacity, free)
        else:
            solved = _max_weight_assignment(
                problem, free_capacity, free, participation=solve_method == "participation"
            )
        return np.where(free, solved, pinned_mentor_of)

    mentor_of = solve(method)
    optimum_total: float | None = None
    if method == "optimal":
        optimum_total = problem.total(mentor_of)
    elif compare_to_optimum:
        optimum_total = problem.total(solve("optimal"))
    return _evaluate(
        problem,
        capacity_array,
        mentor_of,
        pinned=~free,
        method=method,
        optimum_total=optimum_total,
        tie=tie,
        preferences=preferences,
    )


def evaluate_assignment(
    scores: ScoreMatrix,
    capacity: int | Sequence[int] | np.ndarray,
    mentor_of: Sequence[int] | np.ndarray,
    *,
    mentor_scores: ScoreMatrix | None = None,
    pins: Pairs = (),
    tie: PairMask | None = None,
    preferences: Sequence[Sequence[int]] | None = None,
    compare_to_optimum: bool = True,
) -> AssignmentResult:
    """Measure an assignment made elsewhere with the same yardstick as :func:`assign`.

    Parameters
    ----------
    scores, capacity, mentor_scores, tie, preferences, compare_to_optimum
        As for :func:`assign`.
    pins : iterable of (mentee, mentor)
        Pairs that were pinned: their mentees are never counted in a blocking
        pair, and a mentor does not give up a pinned mentee.
    mentor_of : array_like of int
        Mentor index of each mentee, -1 for unmatched.

    Returns
    -------
    AssignmentResult
        With ``method="given"``.

    Raises
    ------
    ValueError
        If the assignment uses a forbidden pair or exceeds a capacity.

    Examples
    --------
    >>> import numpy as np
    >>> scores = np.array([[0.9, 0.8], [0.7, 0.1]])
    >>> result = evaluate_assignment(scores, 1, [0, 1])
    >>> round(result.total_score, 2), round(result.ratio_to_optimum, 4)
    (1.0, 0.6667)
    >>> result.blocking_pairs, result.first_choice_share
    (0, 0.5)
    """
    problem = _Problem.from_inputs(scores, mentor_scores, ())
    capacity_array = _capacity_array(capacity, problem.n_mentors)
    mentor_of_array = np.asarray(mentor_of, dtype=np.int64).copy()
    if mentor_of_array.shape != (problem.n_mentees,):
        raise ValueError(ERROR_INDEX)
    pinned = np.zeros(problem.n_mentees, dtype=bool)
    pinned_rows, _ = _pair_arrays(pins, (problem.n_mentees, problem.n_mentors))
    pinned[pinned_rows] = True
    optimum_total = None
    if compare_to_optimum:
        everyone = np.ones(problem.n_mentees, dtype=bool)
        optimum_total = problem.total(
            _max_weight_assignment(problem, capacity_array, everyone, participation=False)
        )
    return _evaluate(
        problem,
        capacity_array,
        mentor_of_array,
        pinned=pinned,
        method="given",
        optimum_total=optimum_total,
        tie=tie,
        preferences=preferences,
    )


def apply_rules(
    scores: ScoreMatrix,
    capacity: int | Sequence[int] | np.ndarray,
    *,
    pins: Pairs = (),
    forbids: Pairs | PairMask = (),
) -> RuledScores:
    """Apply pins and forbids to a score matrix before solving.

    :func:`assign` does this itself when given ``pins`` and ``forbids``; this
    helper is for callers who solve the rest of the programme another way.

    Parameters
    ----------
    scores : array_like or scipy.sparse matrix, shape (n_mentees, n_mentors)
        As for :func:`assign`.
    capacity : int or array_like of int
        As for :func:`assign`.
    pins : iterable of (mentee, mentor)
        Pairs that must be made.
    forbids : iterable of (mentee, mentor), or boolean matrix
        Pairs that must not be made.

    Returns
    -------
    RuledScores
        The scores left to solve (forbidden pairs and pinned mentees' rows
        removed), the capacity left, and the pinned mentor of each mentee.

    Raises
    ------
    ValueError
        If a pin is forbidden, a mentee is pinned twice, or pins exceed a
        mentor's capacity.

    Examples
    --------
    >>> import numpy as np
    >>> ruled = apply_rules(np.ones((3, 2)), 2, pins=[(0, 1)], forbids=[(1, 0)])
    >>> ruled.scores
    array([[nan, nan],
           [nan,  1.],
           [ 1.,  1.]])
    >>> ruled.capacity.tolist(), ruled.pinned_mentor_of.tolist()
    ([2, 1], [1, -1, -1])
    """
    problem = _Problem.from_inputs(scores, None, forbids)
    capacity_array = _capacity_array(capacity, problem.n_mentors)
    pinned_mentor_of = _pinned_mentor_of(problem, capacity_array, pins)
    pinned = pinned_mentor_of >= 0
    remaining = capacity_array - np.bincount(pinned_mentor_of[pinned], minlength=problem.n_mentors)
    if problem.dense_scores is not None:
        ruled: np.ndarray | sp.sparse.csr_array = problem.dense_scores.copy()
        ruled[pinned] = np.nan
    else:
        keep = ~pinned[problem.edge_rows]
        ruled = sp.sparse.csr_array(
            (
                problem.edge_scores[keep],
                (problem.edge_rows[keep], problem.edge_cols[keep]),
            ),
            shape=(problem.n_mentees, problem.n_mentors),
        )
    return RuledScores(scores=ruled, capacity=remaining, pinned_mentor_of=pinned_mentor_of)


# ---------------------------------------------------------------------------
# The problem, dense or sparse, behind one interface


class _Problem:
    """Scores of allowed pairs, dense (NaN = forbidden) or as sorted edge lists."""

    def __init__(
        self,
        n_mentees: int,
        n_mentors: int,
        *,
        dense_scores: np.ndarray | None = None,
        dense_mentor_scores: np.ndarray | None = None,
        edge_rows: np.ndarray | None = None,
        edge_cols: np.ndarray | None = None,
        edge_scores: np.ndarray | None = None,
        edge_mentor_scores: np.ndarray | None = None,
    ) -> None:
        self.n_mentees = n_mentees
        self.n_mentors = n_mentors
        self.dense_scores = dense_scores
        self.dense_mentor_scores = dense_mentor_scores
        empty_int = np.zeros(0, dtype=np.int64)
        empty_float = np.zeros(0)
        self.edge_rows = empty_int if edge_rows is None else edge_rows
        self.edge_cols = empty_int if edge_cols is None else edge_cols
        self.edge_scores = empty_float if edge_scores is None else edge_scores
        self.edge_mentor_scores = empty_float if edge_mentor_scores is None else edge_mentor_scores
        if dense_scores is None:
            self.edge_keys = self.edge_rows * n_mentors + self.edge_cols
            self.indptr = np.searchsorted(self.edge_rows, np.arange(n_mentees + 1))

    @classmethod
    def from_inputs(
        cls,
        scores: ScoreMatrix,
        mentor_scores: ScoreMatrix | None,
        forbids: Pairs | PairMask,
    ) -> _Problem:
        if sp.sparse.issparse(scores):
            return cls._from_sparse(scores, mentor_scores, forbids)
        dense = np.asarray(scores, dtype=np.float64)
        if dense.ndim != 2:
            raise ValueError(ERROR_SHAPE)
        if np.isposinf(dense).any():
            raise ValueError(ERROR_POSITIVE_INFINITY)
        n_mentees, n_mentors = dense.shape
        forbidden = _forbidden_mask(forbids, dense.shape)
        mentor_dense = None
        if mentor_scores is not None:
            mentor_dense = _dense_like(mentor_scores, dense.shape)
            forbidden = forbidden | ~np.isfinite(mentor_dense)
        if forbidden.any() or np.isneginf(dense).any():
            dense = dense.copy()
            dense[forbidden | np.isneginf(dense)] = np.nan
        if mentor_dense is None:
            mentor_dense = dense
        return cls(n_mentees, n_mentors, dense_scores=dense, dense_mentor_scores=mentor_dense)

    @classmethod
    def _from_sparse(
        cls,
        scores: sp.sparse.sparray | sp.sparse.spmatrix,
        mentor_scores: ScoreMatrix | None,
        forbids: Pairs | PairMask,
    ) -> _Problem:
        if len(scores.shape) != 2:
            raise ValueError(ERROR_SHAPE)
        n_mentees, n_mentors = scores.shape
        csr = sp.sparse.csr_array(scores)
        if not csr.has_canonical_format:
            csr = csr.copy()
            csr.sum_duplicates()
        rows = np.repeat(np.arange(n_mentees, dtype=np.int64), np.diff(csr.indptr))
        cols = csr.indices.astype(np.int64)
        values = csr.data.astype(np.float64)
        if np.isposinf(values).any():
            raise ValueError(ERROR_POSITIVE_INFINITY)
        keep = np.isfinite(values)
        keys = rows * n_mentors + cols
        forbidden = _forbidden_keys(forbids, (n_mentees, n_mentors))
        if forbidden.size:
            keep &= ~np.isin(keys, forbidden)
        if mentor_scores is None:
            mentor_values = values
        else:
            mentor_values = _values_at(mentor_scores, rows, cols, (n_mentees, n_mentors))
            keep &= np.isfinite(mentor_values)
        return cls(
            n_mentees,
            n_mentors,
            edge_rows=rows[keep],
            edge_cols=cols[keep],
            edge_scores=values[keep],
            edge_mentor_scores=mentor_values[keep],
        )

    def blocks(
        self, row_mask: np.ndarray | None = None
    ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
        """Yield ``(rows, cols, scores, mentor_scores)`` that broadcast together.

        Dense problems come in row blocks of shape (b, 1), (1, m), (b, m),
        (b, m) with NaN marking forbidden pairs; sparse ones as one block of
        allowed edges. ``row_mask`` keeps only those rows.
        """
        if self.dense_scores is not None:
            assert self.dense_mentor_scores is not None
            step = max(1, _BLOCK_ENTRIES // max(1, self.n_mentors))
            all_cols = np.arange(self.n_mentors)[None, :]
            for start in range(0, self.n_mentees, step):
                rows = np.arange(start, min(start + step, self.n_mentees))
                if row_mask is not None:
                    rows = rows[row_mask[rows]]
                    if rows.size == 0:
                        continue
                    yield (
                        rows[:, None],
                        all_cols,
                        self.dense_scores[rows],
                        self.dense_mentor_scores[rows],
                    )
                else:
                    stop = min(start + step, self.n_mentees)
                    yield (
                        rows[:, None],
                        all_cols,
                        self.dense_scores[start:stop],
                        self.dense_mentor_scores[start:stop],
                    )
        else:
            if row_mask is None:
                yield self.edge_rows, self.edge_cols, self.edge_scores, self.edge_mentor_scores
            else:
                keep = row_mask[self.edge_rows]
                yield (
                    self.edge_rows[keep],
                    self.edge_cols[keep],
                    self.edge_scores[keep],
                    self.edge_mentor_scores[keep],
                )

    def edge_index(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Position of each (row, col) among the sparse edges, -1 if not allowed."""
        keys = np.asarray(rows, dtype=np.int64) * self.n_mentors + cols
        if self.edge_keys.size == 0:
            return np.full(keys.shape, -1, dtype=np.int64)
        positions = np.minimum(np.searchsorted(self.edge_keys, keys), self.edge_keys.size - 1)
        return np.where(self.edge_keys[positions] == keys, positions, -1)

    def scores_at(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Scores of the given pairs, NaN where forbidden."""
        if self.dense_scores is not None:
            return np.asarray(self.dense_scores[rows, cols])
        positions = self.edge_index(rows, cols)
        return np.where(positions >= 0, self.edge_scores[np.maximum(positions, 0)], np.nan)

    def mentor_scores_at(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Mentor-side scores of the given pairs, NaN where forbidden."""
        if self.dense_mentor_scores is not None:
            return np.asarray(self.dense_mentor_scores[rows, cols])
        positions = self.edge_index(rows, cols)
        return np.where(positions >= 0, self.edge_mentor_scores[np.maximum(positions, 0)], np.nan)

    def total(self, mentor_of: np.ndarray) -> float:
        matched = np.flatnonzero(mentor_of >= 0)
        return float(self.scores_at(matched, mentor_of[matched]).sum())

    def best_edges(
        self, per_mentee: int, row_mask: np.ndarray, positive_only: bool
    ) -> tuple[np.ndarray, np.ndarray, bool]:
        """Each kept mentee's ``per_mentee`` highest-scoring allowed pairs.

        Returns rows, cols and whether no kept pair was left out.
        """
        found_rows: list[np.ndarray] = []
        found_cols: list[np.ndarray] = []
        complete = True
        for rows, cols, scores, _ in self.blocks(row_mask):
            usable = scores > 0 if positive_only else np.isfinite(scores)
            if scores.ndim == 2:
                count = min(per_mentee, self.n_mentors)
                values = np.where(usable, scores, -np.inf)
                if count < self.n_mentors:
                    best = np.argpartition(-values, count - 1, axis=1)[:, :count]
                    complete &= bool((usable.sum(axis=1) <= count).all())
                else:
                    best = np.broadcast_to(np.arange(self.n_mentors), values.shape)
                take = np.take_along_axis(usable, best, axis=1)
                found_rows.append(np.broadcast_to(rows, best.shape)[take])
                found_cols.append(best[take])
            else:
                rows, cols, scores = rows[usable], cols[usable], scores[usable]
                order = np.lexsort((cols, -scores, rows))
                rows, cols = rows[order], cols[order]
                starts = np.searchsorted(rows, rows, side="left")
                rank = np.arange(rows.size) - starts
                chosen = rank < per_mentee
                complete &= bool(chosen.all())
                found_rows.append(rows[chosen])
                found_cols.append(cols[chosen])
        return _concat_int(found_rows), _concat_int(found_cols), complete


def _concat_int(parts: list[np.ndarray]) -> np.ndarray:
    if not parts:
        return np.zeros(0, dtype=np.int64)
    return np.concatenate(parts).astype(np.int64, copy=False)


def _dense_like(matrix: ScoreMatrix, shape: tuple[int, int]) -> np.ndarray:
    if sp.sparse.issparse(matrix):
        dense = np.full(shape, np.nan)
        coo = sp.sparse.coo_array(matrix)
        dense[coo.row, coo.col] = coo.data
    else:
        dense = np.asarray(matrix, dtype=np.float64)
    if dense.shape != shape:
        raise ValueError(ERROR_SHAPE)
    return dense


def _values_at(
    matrix: ScoreMatrix, rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int]
) -> np.ndarray:
    """Entries of ``matrix`` at the pairs; NaN where a sparse matrix stores nothing."""
    if tuple(matrix.shape) != shape:
        raise ValueError(ERROR_SHAPE)
    if not sp.sparse.issparse(matrix):
        return np.asarray(np.asarray(matrix, dtype=np.float64)[rows, cols])
    coo = sp.sparse.coo_array(matrix)
    coo.sum_duplicates()
    keys = coo.row.astype(np.int64) * shape[1] + coo.col
    order = np.argsort(keys)
    keys, data = keys[order], coo.data[order].astype(np.float64)
    wanted = rows * shape[1] + cols
    positions = np.minimum(np.searchsorted(keys, wanted), max(0, keys.size - 1))
    if keys.size == 0:
        return np.full(rows.shape, np.nan)
    return np.where(keys[positions] == wanted, data[positions], np.nan)


def _pair_arrays(pairs: Pairs, shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    array = np.asarray(list(pairs), dtype=np.int64).reshape(-1, 2)
    rows, cols = array[:, 0], array[:, 1]
    if ((rows < 0) | (rows >= shape[0]) | (cols < 0) | (cols >= shape[1])).any():
        raise ValueError(ERROR_INDEX)
    return rows, cols


def _forbidden_mask(forbids: Pairs | PairMask, shape: tuple[int, int]) -> np.ndarray:
    if sp.sparse.issparse(forbids):
        return _dense_like(forbids, shape) > 0
    if isinstance(forbids, np.ndarray) and forbids.ndim == 2:
        if forbids.shape != shape:
            raise ValueError(ERROR_SHAPE)
        return forbids.astype(bool)
    mask = np.zeros(shape, dtype=bool)
    rows, cols = _pair_arrays(forbids, shape)
    mask[rows, cols] = True
    return mask


def _forbidden_keys(forbids: Pairs | PairMask, shape: tuple[int, int]) -> np.ndarray:
    if sp.sparse.issparse(forbids):
        coo = sp.sparse.coo_array(forbids)
        chosen = coo.data != 0
        return np.asarray(coo.row[chosen].astype(np.int64) * shape[1] + coo.col[chosen])
    if isinstance(forbids, np.ndarray) and forbids.ndim == 2:
        if forbids.shape != shape:
            raise ValueError(ERROR_SHAPE)
        rows, cols = np.nonzero(forbids)
        return rows.astype(np.int64) * shape[1] + cols
    rows, cols = _pair_arrays(forbids, shape)
    return rows * shape[1] + cols


def _capacity_array(capacity: int | Sequence[int] | np.ndarray, n_mentors: int) -> np.ndarray:
    array = np.asarray(capacity)
    if array.ndim == 0:
        array = np.full(n_mentors, array)
    if array.shape != (n_mentors,) or not np.issubdtype(array.dtype, np.integer):
        raise ValueError(ERROR_CAPACITY)
    if (array < 0).any():
        raise ValueError(ERROR_CAPACITY)
    return array.astype(np.int64)


def _pinned_mentor_of(problem: _Problem, capacity: np.ndarray, pins: Pairs) -> np.ndarray:
    pinned_mentor_of = np.full(problem.n_mentees, -1, dtype=np.int64)
    rows, cols = _pair_arrays(pins, (problem.n_mentees, problem.n_mentors))
    if rows.size == 0:
        return pinned_mentor_of
    if np.unique(rows).size != rows.size:
        raise ValueError(ERROR_PIN_TWICE)
    if not np.isfinite(problem.scores_at(rows, cols)).all():
        raise ValueError(ERROR_PIN_FORBIDDEN)
    if (np.bincount(cols, minlength=problem.n_mentors) > capacity).any():
        raise ValueError(ERROR_PIN_OVER_CAPACITY)
    pinned_mentor_of[rows] = cols
    return pinned_mentor_of


# ---------------------------------------------------------------------------
# Optimal and participation: exact min-cost flow


def _max_weight_assignment(
    problem: _Problem, capacity: np.ndarray, row_mask: np.ndarray, *, participation: bool
) -> np.ndarray:
    """Mentor of each mentee in ``row_mask`` maximising the total weight.

    The weight of a pair is its score, plus a constant bonus with
    ``participation``. Pairs outside each mentee's short list are priced
    against the dual potentials of the short-list optimum and added while any
    of them could still raise the total.
    """
    n_mentees = problem.n_mentees
    bonus = _participation_bonus(problem, capacity, row_mask) if participation else 0.0
    per_mentee = _CANDIDATES_PER_MENTEE
    n_free = int(row_mask.sum())
    if problem.dense_scores is None and problem.edge_rows.size <= (
        _SOLVE_WHOLE_UP_TO_PER_MENTEE * n_free
    ):
        per_mentee = problem.n_mentors
    while True:
        rows, cols, complete = problem.best_edges(per_mentee, row_mask, not participation)
        while True:
            weights = problem.scores_at(rows, cols) + bonus
            mentor_of = _solve_candidate_pairs(
                n_mentees, problem.n_mentors, capacity, rows, cols, weights
            )
            if complete:
                return mentor_of
            potentials = _dual_potentials(
                n_mentees, problem.n_mentors, capacity, rows, cols, weights, mentor_of
            )
            if potentials is None:
                break
            extra_rows, extra_cols = _improving_pairs(
                problem, row_mask, mentor_of, potentials, bonus, not participation
            )
            known = np.isin(
                extra_rows * problem.n_mentors + extra_cols, rows * problem.n_mentors + cols
            )
            extra_rows, extra_cols = extra_rows[~known], extra_cols[~known]
            if extra_rows.size == 0:
                return mentor_of
            rows = np.concatenate([rows, extra_rows])
            cols = np.concatenate([cols, extra_cols])
        # Rounding made the potentials inconsistent: widen the short lists.
        per_mentee *= 4


def _participation_bonus(problem: _Problem, capacity: np.ndarray, row_mask: np.ndarray) -> float:
    """A bonus per match larger than any difference in total score."""
    highest, lowest = 0.0, 0.0
    for _, _, scores, _ in problem.blocks(row_mask):
        finite = scores[np.isfinite(scores)]
        if finite.size:
            highest = max(highest, float(finite.max()))
            lowest = min(lowest, float(finite.min()))
    most_matches = min(int(row_mask.sum()), int(capacity.sum()))
    return most_matches * (highest - lowest) + abs(highest) + abs(lowest) + 1.0


def _solve_candidate_pairs(
    n_mentees: int,
    n_mentors: int,
    capacity: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    weights: np.ndarray,
) -> np.ndarray:
    """Exact maximum-weight assignment on the given pairs (weights > 0).

    Each mentor becomes ``min(capacity, degree)`` unit places and each mentee
    gets a private "unmatched" place of (almost) zero weight, so that a full
    matching of the mentees always exists.
    """
    mentor_of = np.full(n_mentees, -1, dtype=np.int64)
    if rows.size == 0:
        return mentor_of
    mentees, local_rows = np.unique(rows, return_inverse=True)
    degree = np.bincount(cols, minlength=n_mentors)
    places = np.minimum(capacity, degree)
    first_place = np.concatenate([[0], np.cumsum(places)])
    n_places = int(first_place[-1])
    place_owner = np.repeat(np.arange(n_mentors), places)
    repeats = places[cols]
    edge_of_entry = np.repeat(np.arange(rows.size), repeats)
    offset_in_mentor = np.arange(edge_of_entry.size) - np.repeat(
        np.cumsum(repeats) - repeats, repeats
    )
    n_rows = mentees.size
    # The solver needs non-zero weights; the smallest normal float stands in
    # for "unmatched adds nothing" without rounding any score.
    graph = sp.sparse.csr_array(
        (
            np.concatenate([-weights[edge_of_entry], np.full(n_rows, np.finfo(float).tiny)]),
            (
                np.concatenate([local_rows[edge_of_entry], np.arange(n_rows)]),
                np.concatenate(
                    [
                        first_place[cols[edge_of_entry]] + offset_in_mentor,
                        n_places + np.arange(n_rows),
                    ]
                ),
            ),
        ),
        shape=(n_rows, n_places + n_rows),
    )
    matched_rows, matched_cols = sp.sparse.csgraph.min_weight_full_bipartite_matching(graph)
    real = matched_cols < n_places
    mentor_of[mentees[matched_rows[real]]] = place_owner[matched_cols[real]]
    return mentor_of


def _dual_potentials(
    n_mentees: int,
    n_mentors: int,
    capacity: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    weights: np.ndarray,
    mentor_of: np.ndarray,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Potentials proving the candidate optimum, or None if rounding spoils them.

    In the residual network of the optimum (costs are negated weights) every
    mentee has a single way in: from its mentor when matched, from the
    source/sink hub otherwise. Folding mentees into those arcs leaves a graph
    on the mentors and the hub, where Bellman–Ford shortest distances give
    feasible potentials. A pair (i, j) can then improve the total only if
    ``weight(i, j) > potential(i) - potential(j)``.
    """
    hub, root = n_mentors, n_mentors + 1
    is_matched = mentor_of >= 0
    load = np.bincount(mentor_of[is_matched], minlength=n_mentors)
    matched_weight = np.zeros(n_mentees)
    on_match = mentor_of[rows] == cols
    matched_weight[rows[on_match]] = weights[on_match]
    off_rows, off_cols, off_weights = rows[~on_match], cols[~on_match], weights[~on_match]
    off_from = np.where(is_matched[off_rows], mentor_of[off_rows], hub)
    off_cost = np.where(is_matched[off_rows], matched_weight[off_rows], 0.0) - off_weights
    not_full = np.flatnonzero(load < capacity)
    in_use = np.flatnonzero(load > 0)
    matched_mentees = np.flatnonzero(is_matched)
    sources = np.concatenate(
        [
            off_from,
            mentor_of[matched_mentees],
            not_full,
            np.full(in_use.size, hub),
            np.full(n_mentors + 1, root),
        ]
    )
    targets = np.concatenate(
        [
            off_cols,
            np.full(matched_mentees.size, hub),
            np.full(not_full.size, hub),
            in_use,
            np.arange(n_mentors + 1),
        ]
    )
    costs = np.concatenate(
        [
            off_cost,
            matched_weight[matched_mentees],
            np.zeros(not_full.size + in_use.size + n_mentors + 1),
        ]
    )
    size = n_mentors + 2
    keys = sources * size + targets
    order = np.lexsort((costs, keys))
    keys, costs = keys[order], costs[order]
    cheapest = np.concatenate([[True], keys[1:] != keys[:-1]])
    graph = sp.sparse.csr_array(
        (costs[cheapest], (keys[cheapest] // size, keys[cheapest] % size)), shape=(size, size)
    )
    try:
        distance = sp.sparse.csgraph.bellman_ford(graph, directed=True, indices=root)
    except sp.sparse.csgraph.NegativeCycleError:
        return None
    mentee_potential = np.where(
        is_matched, distance[np.maximum(mentor_of, 0)] + matched_weight, distance[hub]
    )
    return mentee_potential, distance[:n_mentors]


def _improving_pairs(
    problem: _Problem,
    row_mask: np.ndarray,
    mentor_of: np.ndarray,
    potentials: tuple[np.ndarray, np.ndarray],
    bonus: float,
    positive_only: bool,
) -> tuple[np.ndarray, np.ndarray]:
    mentee_potential, mentor_potential = potentials
    tolerance = 1e-10 * max(1.0, float(np.abs(mentee_potential).max(initial=0.0)), abs(bonus))
    found_rows: list[np.ndarray] = []
    found_cols: list[np.ndarray] = []
    for rows, cols, scores, _ in problem.blocks(row_mask):
        usable = scores > 0 if positive_only else np.isfinite(scores)
        with np.errstate(invalid="ignore"):
            improving = (
                usable
                & (scores + bonus > mentee_potential[rows] - mentor_potential[cols] + tolerance)
                & (mentor_of[rows] != cols)
            )
        found_rows.append(np.broadcast_to(rows, improving.shape)[improving])
        found_cols.append(np.broadcast_to(cols, improving.shape)[improving])
    return _concat_int(found_rows), _concat_int(found_cols)


# ---------------------------------------------------------------------------
# Stable: mentee-proposing deferred acceptance with capacities


class _RankedMentors:
    """Each mentee's allowed mentors, best first, lower index first among equals.

    Dense rows are ranked only as deep as needed: the best few up front, the
    whole row when a mentee has been turned down by all of those.
    """

    def __init__(self, problem: _Problem, row_mask: np.ndarray) -> None:
        self.problem = problem
        self.ranked: list[list[int]] = [[] for _ in range(problem.n_mentees)]
        # Sparse problems keep each ranked mentor's score for the mentee
        # alongside, so that proposals need no lookup.
        self.mentor_side: list[list[float]] = [[] for _ in range(problem.n_mentees)]
        self.complete = np.ones(problem.n_mentees, dtype=bool)
        if problem.dense_scores is None:
            self._rank_sparse(row_mask)
        else:
            self._rank_dense_prefix(row_mask)

    def _rank_sparse(self, row_mask: np.ndarray) -> None:
        problem = self.problem
        keep = row_mask[problem.edge_rows]
        rows, cols = problem.edge_rows[keep], problem.edge_cols[keep]
        mentor_side = problem.edge_mentor_scores[keep]
        order = np.lexsort((cols, -problem.edge_scores[keep], rows))
        rows, cols, mentor_side = rows[order], cols[order], mentor_side[order]
        bounds = np.searchsorted(rows, np.arange(problem.n_mentees + 1)).tolist()
        cols_list, mentor_side_list = cols.tolist(), mentor_side.tolist()
        for mentee in np.flatnonzero(row_mask).tolist():
            start, stop = bounds[mentee], bounds[mentee + 1]
            self.ranked[mentee] = cols_list[start:stop]
            self.mentor_side[mentee] = mentor_side_list[start:stop]

    def _rank_dense_prefix(self, row_mask: np.ndarray) -> None:
        n_mentors = self.problem.n_mentors
        depth = min(_RANKED_UP_FRONT, n_mentors)
        for rows, _, scores, _ in self.problem.blocks(row_mask):
            values = np.where(np.isfinite(scores), scores, -np.inf)
            if depth < n_mentors:
                best = np.argpartition(-values, depth - 1, axis=1)[:, :depth]
            else:
                best = np.broadcast_to(np.arange(n_mentors), values.shape).copy()
            best_values = np.take_along_axis(values, best, axis=1)
            order = np.lexsort((best, -best_values), axis=-1)
            best = np.take_along_axis(best, order, axis=1)
            best_values = np.take_along_axis(best_values, order, axis=1)
            threshold = best_values[:, -1:]
            whole_row = np.isfinite(values).sum(axis=1) <= depth
            # Mentors tied with the last one ranked may be missing from the
            # prefix, so only those strictly above it are known to be in order.
            trusted = np.isfinite(best_values) & ((best_values > threshold) | whole_row[:, None])
            for mentee, ranked, known, is_whole in zip(
                rows[:, 0].tolist(),
                best.tolist(),
                trusted.tolist(),
                whole_row.tolist(),
                strict=True,
            ):
                self.ranked[mentee] = [
                    mentor for mentor, ok in zip(ranked, known, strict=True) if ok
                ]
                self.complete[mentee] = is_whole

    def mentor_at(self, mentee: int, position: int) -> int | None:
        """The mentee's ``position``-th choice, or None past the last one."""
        ranked = self.ranked[mentee]
        if position < len(ranked):
            return ranked[position]
        if self.complete[mentee]:
            return None
        scores = self.problem.dense_scores
        assert scores is not None
        row = scores[mentee]
        allowed = np.flatnonzero(np.isfinite(row))
        self.ranked[mentee] = allowed[np.lexsort((allowed, -row[allowed]))].tolist()
        self.complete[mentee] = True
        return self.mentor_at(mentee, position)


def _deferred_acceptance(
    problem: _Problem, capacity: np.ndarray, row_mask: np.ndarray
) -> np.ndarray:
    """Mentee-optimal stable assignment (equal scores: lower index preferred)."""
    ranked = _RankedMentors(problem, row_mask)
    next_position = [0] * problem.n_mentees
    capacity_list = capacity.tolist()
    # Each mentor keeps a min-heap of (mentor-side score, -mentee): its weakest
    # current mentee, the one to displace, is always on top.
    held: list[list[tuple[float, int]]] = [[] for _ in range(problem.n_mentors)]
    dense_mentor_scores = problem.dense_mentor_scores
    waiting = np.flatnonzero(row_mask)[::-1].tolist()
    while waiting:
        mentee = waiting.pop()
        while True:
            position = next_position[mentee]
            mentor = ranked.mentor_at(mentee, position)
            if mentor is None:
                break
            next_position[mentee] = position + 1
            if capacity_list[mentor] == 0:
                continue
            if dense_mentor_scores is not None:
                mentor_side = float(dense_mentor_scores[mentee, mentor])
            else:
                mentor_side = ranked.mentor_side[mentee][position]
            offer = (mentor_side, -mentee)
            heap = held[mentor]
            if len(heap) < capacity_list[mentor]:
                heapq.heappush(heap, offer)
                break
            if offer > heap[0]:
                displaced = heapq.heapreplace(heap, offer)
                mentee = -displaced[1]
    mentor_of = np.full(problem.n_mentees, -1, dtype=np.int64)
    for mentor, heap in enumerate(held):
        for _, negative_mentee in heap:
            mentor_of[-negative_mentee] = mentor
    return mentor_of


# ---------------------------------------------------------------------------
# Measures


def _evaluate(
    problem: _Problem,
    capacity: np.ndarray,
    mentor_of: np.ndarray,
    *,
    pinned: np.ndarray,
    method: str,
    optimum_total: float | None,
    tie: PairMask | None,
    preferences: Sequence[Sequence[int]] | None,
) -> AssignmentResult:
    n_mentees, n_mentors = problem.n_mentees, problem.n_mentors
    if ((mentor_of < -1) | (mentor_of >= n_mentors)).any():
        raise ValueError(ERROR_INDEX)
    matched = np.flatnonzero(mentor_of >= 0)
    matched_mentors = mentor_of[matched]
    matched_scores = problem.scores_at(matched, matched_mentors)
    if not np.isfinite(matched_scores).all():
        raise ValueError(ERROR_NOT_ALLOWED)
    load = np.bincount(matched_mentors, minlength=n_mentors)
    if (load > capacity).any():
        raise ValueError(ERROR_OVER_CAPACITY)

    total = float(matched_scores.sum())
    number_matched = int(matched.size)
    weakest = None
    if number_matched:
        position = int(np.argmin(matched_scores))
        weakest = WeakestPair(
            mentee=int(matched[position]),
            mentor=int(matched_mentors[position]),
            score=float(matched_scores[position]),
        )

    blocking, better_count = _blocking_and_ranks(problem, capacity, mentor_of, pinned, load)
    if preferences is None:
        is_matched = mentor_of >= 0
        first = int((is_matched & (better_count == 0)).sum())
        top_three = int((is_matched & (better_count < 3)).sum())
    else:
        first, top_three = _choices_from_preferences(preferences, mentor_of)

    within_tie = share_within_tie = None
    if tie is not None:
        within_tie = int(np.count_nonzero(_values_at_mask(tie, matched, matched_mentors)))
        share_within_tie = within_tie / number_matched if number_matched else 0.0

    ratio = None
    if optimum_total is not None and optimum_total > 0:
        ratio = total / optimum_total
    frozen_mentor_of = mentor_of.astype(np.int64, copy=True)
    frozen_mentor_of.setflags(write=False)
    return AssignmentResult(
        method=method,
        mentor_of=frozen_mentor_of,
        total_score=total,
        optimum_total=optimum_total,
        ratio_to_optimum=ratio,
        number_matched=number_matched,
        share_matched=number_matched / n_mentees if n_mentees else 0.0,
        matched_within_tie=within_tie,
        share_matched_within_tie=share_within_tie,
        blocking_pairs=blocking,
        first_choice_share=first / n_mentees if n_mentees else 0.0,
        top_three_share=top_three / n_mentees if n_mentees else 0.0,
        weakest_pair=weakest,
    )


def _blocking_and_ranks(
    problem: _Problem,
    capacity: np.ndarray,
    mentor_of: np.ndarray,
    pinned: np.ndarray,
    load: np.ndarray,
) -> tuple[int, np.ndarray]:
    """Blocking pairs, and for each mentee how many allowed mentors it ranks above its own."""
    n_mentees, n_mentors = problem.n_mentees, problem.n_mentors
    is_matched = mentor_of >= 0
    current_score = np.full(n_mentees, -np.inf)
    current_score[is_matched] = problem.scores_at(np.flatnonzero(is_matched), mentor_of[is_matched])
    # An unmatched mentee ranks every allowed mentor above "nobody".
    current_mentor = np.where(is_matched, mentor_of, n_mentors)

    # A full mentor gives way only for someone it prefers to its weakest
    # mentee who is not pinned; with only pinned mentees it gives way to none.
    weakest_score = np.full(n_mentors, np.inf)
    weakest_mentee = np.full(n_mentors, -1, dtype=np.int64)
    movable = np.flatnonzero(is_matched & ~pinned)
    if movable.size:
        movable_mentor = mentor_of[movable]
        movable_score = problem.mentor_scores_at(movable, movable_mentor)
        order = np.lexsort((-movable, movable_score, movable_mentor))
        movable_mentor = movable_mentor[order]
        first_of_mentor = np.concatenate([[True], movable_mentor[1:] != movable_mentor[:-1]])
        weakest_score[movable_mentor[first_of_mentor]] = movable_score[order][first_of_mentor]
        weakest_mentee[movable_mentor[first_of_mentor]] = movable[order][first_of_mentor]
    has_room = load < capacity

    blocking = 0
    better_count = np.zeros(n_mentees, dtype=np.int64)
    for rows, cols, scores, mentor_scores in problem.blocks():
        with np.errstate(invalid="ignore"):
            mentee_prefers = np.isfinite(scores) & (
                (scores > current_score[rows])
                | ((scores == current_score[rows]) & (cols < current_mentor[rows]))
            )
            mentor_accepts = (
                has_room[cols]
                | (mentor_scores > weakest_score[cols])
                | ((mentor_scores == weakest_score[cols]) & (rows < weakest_mentee[cols]))
            )
        blocking += int(np.count_nonzero(mentee_prefers & mentor_accepts & ~pinned[rows]))
        better_count += np.bincount(
            np.broadcast_to(rows, mentee_prefers.shape)[mentee_prefers], minlength=n_mentees
        )
    return blocking, better_count


def _choices_from_preferences(
    preferences: Sequence[Sequence[int]], mentor_of: np.ndarray
) -> tuple[int, int]:
    first = top_three = 0
    for mentee, ranked in enumerate(preferences):
        mentor = int(mentor_of[mentee]) if mentee < mentor_of.size else -1
        if mentor < 0:
            continue
        head = [int(choice) for choice in list(ranked)[:3]]
        first += bool(head) and head[0] == mentor
        top_three += mentor in head
    return first, top_three


def _values_at_mask(mask: PairMask, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    if sp.sparse.issparse(mask):
        values = _values_at(mask, rows, cols, tuple(mask.shape))
        return np.asarray(np.nan_to_num(values, nan=0.0) != 0)
    return np.asarray(np.asarray(mask)[rows, cols], dtype=bool)
