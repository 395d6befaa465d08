"""Peer copilot pairing: one round of pairs among the members of a programme.

Copilots are peers, so there is a single group rather than mentees and
mentors: the best round is a maximum-weight matching on a general (not
bipartite) graph, each member paired at most once, and pairs made in earlier
rounds are not made again.

References
----------
.. [1] J. Edmonds, "Paths, trees, and flowers", *Canadian Journal of
   Mathematics* 17, 449–467, 1965 (maximum matching in general graphs).
.. [2] M. W. Padberg and M. R. Rao, "Odd minimum cut-sets and b-matchings",
   *Mathematics of Operations Research* 7(1), 67–80, 1982 (separating the
   odd-set inequalities that close the gap of the bipartite relaxation).
.. [3] M. L. Balinski, "Integer programming: methods, uses, computation",
   *Management Science* 12(3), 253–313, 1965 (the vertices of the
   fractional matching polytope are half-integral, their 1/2 pairs forming
   odd cycles: what the rounding of :func:`pair_peers` starts from).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import scipy as sp
import scipy.optimize
import scipy.sparse
import scipy.sparse.csgraph

__all__ = ["PeerPair", "PeerPairingResult", "pair_peers"]

ScoreMatrix: TypeAlias = "np.ndarray | sp.sparse.sparray | sp.sparse.spmatrix"

ERROR_SQUARE = "scores must be a square members × members matrix"
ERROR_SYMMETRIC = "a dense score matrix must be symmetric"
ERROR_INDEX = "member index out of range"
ERROR_METHOD = 'method must be "auto", "exact" or "rounded"'

EXACT_UP_TO = 3000
"""Largest group that ``method="auto"`` always proves optimal (see :func:`pair_peers`)."""

_METHODS = ("auto", "exact", "rounded")


@dataclass(frozen=True)
class PeerPair:
    """Two paired members (``first < second``) and their score."""

    first: int
    second: int
    score: float


@dataclass(frozen=True, eq=False)
class PeerPairingResult:
    """One round of copilot pairs.

    Attributes
    ----------
    partner_of : numpy.ndarray
        Read-only int array, the partner of each member or -1.
    pairs : tuple of PeerPair
        The pairs, by increasing first member.
    total_score : float
        Sum of the pairs' scores.
    number_paired : int
        Members who have a partner (twice the number of pairs).
    share_paired : float
        ``number_paired`` over all members.
    weakest_pair : PeerPair or None
        The pair with the lowest score (first in ``pairs`` among equals).
    solved_by : str
        ``"double cover"``, ``"odd-set cuts"`` or ``"0/1 programme"``: the
        step that proved the round optimal; ``"rounded odd cycles"`` when the
        round was rounded from the double cover (see :func:`pair_peers`).
    cut_rounds : int
        Linear programmes solved with odd-set cuts (0 when the double cover
        sufficed).
    bound : float
        An upper bound on the best possible total: ``total_score`` when the
        round is proved optimal, otherwise half the double cover's optimum.
    gap : float
        ``(bound - total_score) / bound``, the most the round can fall short
        of the optimum as a share of it; 0 when proved optimal.
    """

    partner_of: np.ndarray
    pairs: tuple[PeerPair, ...]
    total_score: float
    number_paired: int
    share_paired: float
    weakest_pair: PeerPair | None
    solved_by: str = "double cover"
    cut_rounds: int = 0
    bound: float = 0.0
    gap: float = 0.0


def pair_peers(
    scores: ScoreMatrix,
    *,
    previous_pairs: Iterable[tuple[int, int]] = (),
    forbids: Iterable[tuple[int, int]] = (),
    max_cardinality: bool = False,
    method: str = "auto",
) -> PeerPairingResult:
    """Pair members for one round, maximising the total score.

    Parameters
    ----------
    scores : array_like or scipy.sparse matrix, shape (n_members, n_members)
        How good each pair is; NaN or ``-inf`` forbids a pair and the diagonal
        is ignored. A dense matrix must be symmetric; of a sparse matrix only
        the stored entries above the diagonal are read.
    previous_pairs : iterable of (member, member)
        Pairs made in earlier rounds; they are not made again (either order).
    forbids : iterable of (member, member)
        Further pairs that must not be made (either order).
    max_cardinality : bool
        Pair as many members as possible first, then maximise the total
        score; pairs with a score of 0 or less are then used when they pair
        more people. Otherwise such pairs are never used, since they cannot
        raise the total.
    method : {"auto", "exact", "rounded"}
        ``"exact"`` always proves the round optimal; ``"rounded"`` rounds the
        odd cycles of the double cover and reports the gap to its bound;
        ``"auto"`` (default) is exact up to ``EXACT_UP_TO`` members or with
        ``max_cardinality``, rounded above. Whatever the method, a double
        cover without odd cycles gives an optimal round (gap 0).

    Returns
    -------
    PeerPairingResult

    Raises
    ------
    ValueError
        If the matrix is not square, a dense matrix is not symmetric, a
        pair names a member out of range, or the method is unknown.

    Notes
    -----
    The round is first solved on the bipartite double cover (every member
    once as "proposer" and once as "partner"), an assignment problem solved by
    :func:`scipy.sparse.csgraph.min_weight_full_bipartite_matching`. Its
    optimum is twice the optimum of the matching problem without odd-set
    constraints, an upper bound. When it contains no odd cycle it splits into
    a matching worth exactly half of it, which is therefore optimal; that is
    the usual case and takes about a second for ten thousand members.

    When odd cycles remain, each cycle's members ``S`` give an odd-set (blossom)
    inequality, at most ``(|S| - 1) / 2`` chosen pairs inside ``S``, which
    every matching obeys and the half-integral optimum violates. The linear
    programme "each member in at most one pair, plus these cuts" is solved by
    HiGHS's dual simplex (:func:`scipy.optimize.linprog`); a vertex optimum
    that is integral is an optimal matching, since the cuts remove no
    matching. Otherwise the odd components of the fractional pairs that break
    their own inequality are added and the programme solved again. If a round
    finds no such component (rare; Padberg and Rao's exact separation is not
    attempted), or after ``_MAX_CUT_ROUNDS`` rounds, the same programme with
    all cuts found so far is solved as a 0/1 programme by HiGHS
    (:func:`scipy.optimize.milp`, no optimality gap). These paths are exact,
    but on large coarse-scored groups the programmes take minutes.

    Above ``EXACT_UP_TO`` members (unless ``max_cardinality``, which is
    always exact) the odd cycles are rounded instead [3]_: the double
    cover's optimum is half-integral, its 1/2 pairs forming odd cycles; of
    each cycle of ``k`` members the one member whose absence costs least is
    left out and the other ``k - 1`` are paired alternately around it. Then
    unpaired members are paired greedily with each other, and a pass of
    short augmenting moves (an unpaired member takes a paired one's partner
    when that raises the total, and the left partner takes another unpaired
    member) improves the round. Half the double cover's optimum bounds
    every round from above, so ``gap`` bounds, with no exact solve, what the
    rounding may have given up. Each pair of a cycle is kept by
    ``(k - 1) / 2`` of the ``k`` choices of who is left out, so the best
    choice keeps at least ``(k - 1) / k`` of the cycle's share of the bound:
    ``gap`` is never above 1/3, and on random groups of ten thousand it is
    about 0.03 % (``docs/benchmarks.md``).

    Examples
    --------
    Four peers; 0 and 1 were paired last round.

    >>> import numpy as np
    >>> scores = np.array(
    ...     [
    ...         [0.0, 0.9, 0.5, 0.1],
    ...         [0.9, 0.0, 0.2, 0.6],
    ...         [0.5, 0.2, 0.0, 0.3],
    ...         [0.1, 0.6, 0.3, 0.0],
    ...     ]
    ... )
    >>> pair_peers(scores).partner_of.tolist()
    [1, 0, 3, 2]
    >>> result = pair_peers(scores, previous_pairs=[(0, 1)])
    >>> result.partner_of.tolist(), round(result.total_score, 2)
    ([2, 3, 0, 1], 1.1)
    >>> result.weakest_pair
    PeerPair(first=0, second=2, score=0.5)

    Three equally good peers: the double cover takes half of each pair, worth
    1.5; a rounded round pairs two of them and reports what it may have lost.

    >>> triangle = np.ones((3, 3)) - np.eye(3)
    >>> rounded = pair_peers(triangle, method="rounded")
    >>> rounded.solved_by, rounded.total_score, rounded.bound, round(rounded.gap, 3)
    ('rounded odd cycles', 1.0, 1.5, 0.333)
    """
    n_members, first, second, weights = _allowed_pairs(scores)
    excluded = _pair_keys(previous_pairs, n_members) | _pair_keys(forbids, n_members)
    keep = np.isfinite(weights) & (first != second)
    if not max_cardinality:
        keep &= weights > 0
    if excluded:
        keys = first * n_members + second
        keep &= ~np.isin(keys, np.fromiter(excluded, dtype=np.int64, count=len(excluded)))
    first, second, weights = first[keep], second[keep], weights[keep]
    key_order = np.argsort(first * n_members + second)
    first, second, weights = first[key_order], second[key_order], weights[key_order]

    if method not in _METHODS:
        raise ValueError(ERROR_METHOD)
    rounded = method == "rounded" or (method == "auto" and n_members > EXACT_UP_TO)
    bound: float | None = None
    if max_cardinality or not rounded:
        bonus = _cardinality_bonus(weights, n_members) if max_cardinality else 0.0
        matching, solved_by, cut_rounds = _exact_matching(n_members, first, second, weights + bonus)
    else:
        matching, solved_by, bound = _rounded_matching(n_members, first, second, weights)
        cut_rounds = 0

    partner_of = np.full(n_members, -1, dtype=np.int64)
    pairs = []
    pair_keys = first * n_members + second
    for one, other in sorted(matching):
        partner_of[one], partner_of[other] = other, one
        position = int(np.searchsorted(pair_keys, one * n_members + other))
        pairs.append(PeerPair(first=one, second=other, score=float(weights[position])))
    partner_of.setflags(write=False)
    number_paired = 2 * len(pairs)
    weakest = min(pairs, key=lambda pair: pair.score) if pairs else None
    total = float(sum(pair.score for pair in pairs))
    bound = total if bound is None or solved_by != "rounded odd cycles" else max(bound, total)
    return PeerPairingResult(
        partner_of=partner_of,
        pairs=tuple(pairs),
        total_score=total,
        number_paired=number_paired,
        share_paired=number_paired / n_members if n_members else 0.0,
        weakest_pair=weakest,
        solved_by=solved_by,
        cut_rounds=cut_rounds,
        bound=bound,
        gap=(bound - total) / bound if bound > 0 else 0.0,
    )


def _allowed_pairs(scores: ScoreMatrix) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """Members and the (first < second) pairs with their scores."""
    if sp.sparse.issparse(scores):
        if len(scores.shape) != 2 or scores.shape[0] != scores.shape[1]:
            raise ValueError(ERROR_SQUARE)
        coo = sp.sparse.coo_array(scores)
        coo.sum_duplicates()
        above = coo.row < coo.col
        return (
            int(scores.shape[0]),
            coo.row[above].astype(np.int64),
            coo.col[above].astype(np.int64),
            coo.data[above].astype(np.float64),
        )
    dense = np.asarray(scores, dtype=np.float64)
    if dense.ndim != 2 or dense.shape[0] != dense.shape[1]:
        raise ValueError(ERROR_SQUARE)
    if not np.array_equal(dense, dense.T, equal_nan=True):
        raise ValueError(ERROR_SYMMETRIC)
    first, second = np.triu_indices(dense.shape[0], k=1)
    return (
        int(dense.shape[0]),
        first.astype(np.int64),
        second.astype(np.int64),
        dense[first, second],
    )


def _pair_keys(pairs: Iterable[tuple[int, int]], n_members: int) -> set[int]:
    keys = set()
    for one, other in pairs:
        one, other = int(one), int(other)
        if not (0 <= one < n_members and 0 <= other < n_members):
            raise ValueError(ERROR_INDEX)
        keys.add(min(one, other) * n_members + max(one, other))
    return keys


def _cardinality_bonus(weights: np.ndarray, n_members: int) -> float:
    """A bonus per pair larger than any difference in total score."""
    if weights.size == 0:
        return 0.0
    highest, lowest = max(0.0, float(weights.max())), min(0.0, float(weights.min()))
    return (n_members // 2 + 1) * (highest - lowest) + abs(highest) + abs(lowest) + 1.0


_MAX_CUT_ROUNDS = 8
_INTEGRAL = 1e-6


def _exact_matching(
    n_members: int,
    first: np.ndarray,
    second: np.ndarray,
    weights: np.ndarray,
    *,
    odd_set_cuts: bool = True,
) -> tuple[list[tuple[int, int]], str, int]:
    """An optimal matching, the step that proved it, and the cut rounds used.

    ``first < second`` pairs sorted by ``first * n_members + second``. With
    ``odd_set_cuts=False`` odd cycles go straight to the plain 0/1 programme
    (the method before odd-set cuts, kept for the benchmark).
    """
    matching, odd_cycles, _ = _matching_from_relaxation(n_members, first, second, weights)
    if matching is not None:
        return matching, "double cover", 0
    if not odd_set_cuts:
        return _integer_matching(n_members, first, second, weights, []), "0/1 programme", 0
    return _cutting_plane_matching(n_members, first, second, weights, odd_cycles)


def _matching_from_relaxation(
    n_members: int, first: np.ndarray, second: np.ndarray, weights: np.ndarray
) -> tuple[list[tuple[int, int]] | None, list[np.ndarray], float]:
    """An optimal matching read off the double-cover optimum, or None and its odd cycles.

    Also half the double cover's optimum, an upper bound on every matching.

    In the optimum each member points to at most one partner and is pointed
    to by at most one, so the pointers form paths and cycles. Along a path or
    an even cycle the alternate pairs are worth exactly half of it (otherwise
    the double cover would have taken one alternate set twice); an odd cycle
    cannot be split, and None is returned with the members of every odd cycle.
    """
    matching, odd_cycles, relaxed_total = _double_cover(n_members, first, second, weights)
    if odd_cycles:
        return None, odd_cycles, relaxed_total / 2
    if not _worth_half(first * n_members + second, n_members, weights, matching, relaxed_total):
        return None, [], relaxed_total / 2
    return matching, [], relaxed_total / 2


def _worth_half(
    pair_keys: np.ndarray,
    n_members: int,
    weights: np.ndarray,
    matching: list[tuple[int, int]],
    relaxed_total: float,
) -> bool:
    """Whether the matching is worth half the double cover's optimum (so is optimal)."""
    matched_total = _total(pair_keys, n_members, weights, matching)
    return abs(2 * matched_total - relaxed_total) <= 1e-9 * max(1.0, abs(relaxed_total))


def _total(
    pair_keys: np.ndarray, n_members: int, weights: np.ndarray, matching: list[tuple[int, int]]
) -> float:
    """The total score of ``(first, second)`` pairs, looked up by their sorted keys."""
    if not matching:
        return 0.0
    chosen = np.array([one * n_members + other for one, other in matching], dtype=np.int64)
    return float(weights[np.searchsorted(pair_keys, chosen)].sum())


def _double_cover(
    n_members: int, first: np.ndarray, second: np.ndarray, weights: np.ndarray
) -> tuple[list[tuple[int, int]], list[np.ndarray], float]:
    """The double cover's optimum: pairs from its paths and even cycles, its odd cycles, its value.

    Odd cycles are listed in the order the pointers run around them.
    """
    if first.size == 0:
        return [], [], 0.0
    members = np.arange(n_members)
    graph = sp.sparse.csr_array(
        (
            np.concatenate([-weights, -weights, np.full(n_members, np.finfo(float).tiny)]),
            (
                np.concatenate([first, second, members]),
                np.concatenate([second, first, n_members + members]),
            ),
        ),
        shape=(n_members, 2 * n_members),
    )
    rows, cols = sp.sparse.csgraph.min_weight_full_bipartite_matching(graph)
    points_to = np.full(n_members, -1, dtype=np.int64)
    real = cols < n_members
    points_to[rows[real]] = cols[real]
    pointed_at = np.zeros(n_members, dtype=bool)
    pointed_at[points_to[points_to >= 0]] = True

    pointer = points_to.tolist()
    visited = [False] * n_members
    matching: list[tuple[int, int]] = []
    odd_cycles: list[np.ndarray] = []

    def take_alternate(chain: list[int]) -> None:
        for position in range(0, len(chain) - 1, 2):
            one, other = chain[position], chain[position + 1]
            matching.append((min(one, other), max(one, other)))

    # Paths start at members nobody points to.
    for start in np.flatnonzero(~pointed_at).tolist():
        chain = []
        member = start
        while member >= 0 and not visited[member]:
            visited[member] = True
            chain.append(member)
            member = pointer[member]
        take_alternate(chain)
    for start in range(n_members):
        if visited[start] or pointer[start] < 0:
            continue
        chain = []
        member = start
        while not visited[member]:
            visited[member] = True
            chain.append(member)
            member = pointer[member]
        if len(chain) % 2 == 1:
            odd_cycles.append(np.array(chain, dtype=np.int64))
        else:
            take_alternate(chain)
    relaxed_total = -float(graph[rows[real], cols[real]].sum())
    return matching, odd_cycles, relaxed_total


def _rounded_matching(
    n_members: int, first: np.ndarray, second: np.ndarray, weights: np.ndarray
) -> tuple[list[tuple[int, int]], str, float]:
    """A matching rounded from the double cover, how it was found, and the upper bound.

    See :func:`pair_peers`: each odd cycle loses its cheapest member, then
    unpaired members are paired greedily and improved by short augmenting moves.
    """
    matching, odd_cycles, relaxed_total = _double_cover(n_members, first, second, weights)
    pair_keys = first * n_members + second
    if not odd_cycles and _worth_half(pair_keys, n_members, weights, matching, relaxed_total):
        return matching, "double cover", relaxed_total / 2
    for cycle in odd_cycles:
        matching.extend(_round_cycle(cycle, pair_keys, n_members, weights))
    partner = [-1] * n_members
    for one, other in matching:
        partner[one], partner[other] = other, one
    neighbours = _neighbours(n_members, first, second, weights)
    _pair_unpaired(partner, first, second, weights)
    _augment(partner, neighbours)
    improved = sorted((one, other) for one, other in enumerate(partner) if one < other)
    return improved, "rounded odd cycles", relaxed_total / 2


def _round_cycle(
    cycle: np.ndarray, pair_keys: np.ndarray, n_members: int, weights: np.ndarray
) -> list[tuple[int, int]]:
    """The best ``(k - 1) / 2`` alternate pairs of an odd cycle of ``k`` members.

    With the cycle ``c_0 → … → c_{k-1} → c_0`` and ``w_i`` the score of
    ``(c_i, c_{i+1})``, leaving ``c_j`` out keeps ``w_{j+1}, w_{j+3}, …,
    w_{j+k-2}``; prefix sums over every other pair of the doubled cycle give
    all ``k`` choices at once.

    >>> keys = np.array([0 * 3 + 1, 0 * 3 + 2, 1 * 3 + 2])
    >>> _round_cycle(np.array([0, 1, 2]), keys, 3, np.array([0.5, 0.9, 0.2]))
    [(0, 2)]
    """
    size = cycle.size
    following = np.roll(cycle, -1)
    keys = np.minimum(cycle, following) * n_members + np.maximum(cycle, following)
    around = np.tile(weights[np.searchsorted(pair_keys, keys)], 2)
    every_other = np.empty_like(around)
    every_other[0::2] = np.cumsum(around[0::2])
    every_other[1::2] = np.cumsum(around[1::2])
    before = np.concatenate([[0.0], every_other[: size - 1]])
    kept = every_other[np.arange(size) + size - 2] - before
    left_out = int(np.argmax(kept))
    pairs = []
    for step in range(1, size - 1, 2):
        one, other = int(cycle[(left_out + step) % size]), int(cycle[(left_out + step + 1) % size])
        pairs.append((min(one, other), max(one, other)))
    return pairs


def _neighbours(
    n_members: int, first: np.ndarray, second: np.ndarray, weights: np.ndarray
) -> list[list[tuple[int, float]]]:
    """Each member's allowed partners with the pair's score."""
    neighbours: list[list[tuple[int, float]]] = [[] for _ in range(n_members)]
    for one, other, weight in zip(first.tolist(), second.tolist(), weights.tolist(), strict=True):
        neighbours[one].append((other, weight))
        neighbours[other].append((one, weight))
    return neighbours


def _pair_unpaired(
    partner: list[int], first: np.ndarray, second: np.ndarray, weights: np.ndarray
) -> None:
    """Pair unpaired members with each other, best pairs first."""
    unpaired = np.array(partner) < 0
    open_pairs = np.flatnonzero(unpaired[first] & unpaired[second])
    open_pairs = open_pairs[np.argsort(-weights[open_pairs], kind="stable")]
    for one, other in zip(first[open_pairs].tolist(), second[open_pairs].tolist(), strict=True):
        if partner[one] < 0 and partner[other] < 0:
            partner[one], partner[other] = other, one


def _augment(partner: list[int], neighbours: list[list[tuple[int, float]]]) -> None:
    """Improve by short moves from each unpaired member, until none gains.

    An unpaired ``u`` takes ``v`` from its partner ``x`` when ``w(u, v)``
    exceeds ``w(v, x)``, or when ``x`` can then pair with an unpaired ``y``
    and ``w(u, v) + w(x, y)`` exceeds ``w(v, x)``.
    """
    score = [dict(row) for row in neighbours]
    waiting = [member for member, other in enumerate(partner) if other < 0]
    while waiting:
        member = waiting.pop()
        if partner[member] >= 0:
            continue
        move = _best_move(member, partner, neighbours, score)
        if move is None:
            continue
        taken, left, joined = move
        partner[member], partner[taken] = taken, member
        if joined >= 0:
            partner[left], partner[joined] = joined, left
        elif left >= 0:
            partner[left] = -1
            waiting.append(left)


def _best_move(
    member: int,
    partner: list[int],
    neighbours: list[list[tuple[int, float]]],
    score: list[dict[int, float]],
) -> tuple[int, int, int] | None:
    """The best gaining move for an unpaired member: (taken, its former partner, who joins it).

    -1 for a former partner or a joiner that there is not.
    """
    best, best_gain = None, 1e-12
    for taken, weight in neighbours[member]:
        left = partner[taken]
        if left < 0:
            if weight > best_gain:
                best, best_gain = (taken, -1, -1), weight
            continue
        base = weight - score[taken][left]
        if base > best_gain:
            best, best_gain = (taken, left, -1), base
        for joined, other_weight in neighbours[left]:
            if joined != member and partner[joined] < 0 and base + other_weight > best_gain:
                best, best_gain = (taken, left, joined), base + other_weight
    return best


def _cutting_plane_matching(
    n_members: int,
    first: np.ndarray,
    second: np.ndarray,
    weights: np.ndarray,
    odd_sets: list[np.ndarray],
) -> tuple[list[tuple[int, int]], str, int]:
    """An optimal matching from linear programmes with odd-set cuts (see :func:`pair_peers`)."""
    incidence = _incidence(n_members, first, second)
    cuts = list(odd_sets)
    for cut_round in range(1, _MAX_CUT_ROUNDS + 1):
        cut_rows, cut_bounds = _odd_set_rows(n_members, first, second, cuts)
        result = sp.optimize.linprog(
            -weights,
            A_ub=sp.sparse.vstack([incidence, cut_rows], format="csr"),
            b_ub=np.concatenate([np.ones(n_members), cut_bounds]),
            bounds=(0.0, 1.0),
            method="highs-ds",
        )
        if result.status != 0:
            raise RuntimeError(f"the pairing programme was not solved: {result.message}")
        chosen = result.x
        fractional = np.flatnonzero((chosen > _INTEGRAL) & (chosen < 1.0 - _INTEGRAL))
        if fractional.size == 0:
            picked = np.flatnonzero(chosen > 0.5)
            matching = list(zip(first[picked].tolist(), second[picked].tolist(), strict=True))
            return matching, "odd-set cuts", cut_round
        violated = _violated_odd_components(n_members, first, second, chosen, fractional)
        if not violated:
            break
        cuts.extend(violated)
    return _integer_matching(n_members, first, second, weights, cuts), "0/1 programme", cut_round


def _violated_odd_components(
    n_members: int,
    first: np.ndarray,
    second: np.ndarray,
    chosen: np.ndarray,
    fractional: np.ndarray,
) -> list[np.ndarray]:
    """Odd connected components of the fractional pairs whose odd-set inequality fails."""
    support = sp.sparse.coo_array(
        (np.ones(fractional.size), (first[fractional], second[fractional])),
        shape=(n_members, n_members),
    )
    _, component_of = sp.sparse.csgraph.connected_components(support, directed=False)
    touched = np.zeros(n_members, dtype=bool)
    touched[first[fractional]] = True
    touched[second[fractional]] = True
    violated = []
    for component in np.unique(component_of[touched]).tolist():
        members = np.flatnonzero(component_of == component)
        if members.size % 2 == 0:
            continue
        inside = np.zeros(n_members, dtype=bool)
        inside[members] = True
        within = inside[first] & inside[second]
        if chosen[within].sum() > (members.size - 1) / 2 + _INTEGRAL:
            violated.append(members)
    return violated


def _incidence(n_members: int, first: np.ndarray, second: np.ndarray) -> sp.sparse.csr_array:
    """Members × pairs, 1 where the member is in the pair."""
    n_pairs = first.size
    return sp.sparse.csr_array(
        (
            np.ones(2 * n_pairs),
            (
                np.concatenate([first, second]),
                np.concatenate([np.arange(n_pairs), np.arange(n_pairs)]),
            ),
        ),
        shape=(n_members, n_pairs),
    )


def _odd_set_rows(
    n_members: int, first: np.ndarray, second: np.ndarray, odd_sets: list[np.ndarray]
) -> tuple[sp.sparse.csr_array, np.ndarray]:
    """One row per odd set: its pairs inside the set, at most (|S| - 1) / 2 of them."""
    row_parts, col_parts = [], []
    for row, members in enumerate(odd_sets):
        inside = np.zeros(n_members, dtype=bool)
        inside[members] = True
        within = np.flatnonzero(inside[first] & inside[second])
        row_parts.append(np.full(within.size, row, dtype=np.int64))
        col_parts.append(within)
    rows = np.concatenate(row_parts) if row_parts else np.zeros(0, dtype=np.int64)
    cols = np.concatenate(col_parts) if col_parts else np.zeros(0, dtype=np.int64)
    matrix = sp.sparse.csr_array(
        (np.ones(rows.size), (rows, cols)), shape=(len(odd_sets), first.size)
    )
    bounds = np.array([(members.size - 1) // 2 for members in odd_sets], dtype=np.float64)
    return matrix, bounds


def _integer_matching(
    n_members: int,
    first: np.ndarray,
    second: np.ndarray,
    weights: np.ndarray,
    odd_sets: list[np.ndarray],
) -> list[tuple[int, int]]:
    """An optimal matching as a 0/1 programme: each member in at most one chosen pair.

    Solved by HiGHS through :func:`scipy.optimize.milp` with no optimality
    gap, with the odd-set cuts found so far as extra rows (valid for every
    matching, they only tighten the relaxation).
    """
    if first.size == 0:
        return []
    constraints = [sp.optimize.LinearConstraint(_incidence(n_members, first, second), -np.inf, 1.0)]
    if odd_sets:
        cut_rows, cut_bounds = _odd_set_rows(n_members, first, second, odd_sets)
        constraints.append(sp.optimize.LinearConstraint(cut_rows, -np.inf, cut_bounds))
    result = sp.optimize.milp(
        -weights,
        constraints=constraints,
        integrality=np.ones(first.size),
        bounds=sp.optimize.Bounds(0.0, 1.0),
        options={"mip_rel_gap": 0.0},
    )
    if not result.success:
        raise RuntimeError(f"the pairing programme was not solved: {result.message}")
    chosen = np.flatnonzero(result.x > 0.5)
    return list(zip(first[chosen].tolist(), second[chosen].tolist(), strict=True))
