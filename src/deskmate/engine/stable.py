"""Both sides' own rankings for stable matching: strict orders, fair ties, mentor-proposing.

:func:`deskmate.engine.assignment.assign` runs mentee-proposing deferred
acceptance on two score matrices, one per side. This module turns each side's
preferences into strict rank matrices for it (a ranked list first, the rest by
score) and breaks every tie with a stable hash of a seed and the pair, so no
one is favoured for being listed, or created, first. It also runs the
mentor-proposing variant, which gives the stable matching best for every
mentor.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

__all__ = ["fair_keys", "mentor_proposing", "rank_matrix", "strict_orders"]


def fair_keys(seed: int | str, row_ids: Sequence[int], col_ids: Sequence[int]) -> np.ndarray:
    """A stable pseudo-random number per pair, the same for the same seed and ids.

    Parameters
    ----------
    seed : int or str
        Changes every key at once (a match run uses its own number).
    row_ids, col_ids : sequences of int
        Identifiers of the rows and columns (member ids), not their positions.

    Returns
    -------
    numpy.ndarray
        ``uint64`` array of shape ``(len(row_ids), len(col_ids))``.

    Examples
    --------
    >>> keys = fair_keys(7, [1, 2], [3])
    >>> keys.shape, bool((fair_keys(7, [1, 2], [3]) == keys).all())
    ((2, 1), True)
    >>> bool(fair_keys(8, [1], [3])[0, 0] == keys[0, 0])
    False
    """
    keys = np.zeros((len(row_ids), len(col_ids)), dtype=np.uint64)
    for row, row_id in enumerate(row_ids):
        for col, col_id in enumerate(col_ids):
            digest = hashlib.blake2b(f"{seed}:{row_id}:{col_id}".encode(), digest_size=8)
            keys[row, col] = int.from_bytes(digest.digest(), "big")
    return keys


def strict_orders(
    scores: np.ndarray, ranked: Sequence[Sequence[int]], keys: np.ndarray
) -> list[list[int]]:
    """Each row's strict order of columns: its ranked list, then the other allowed ones.

    Parameters
    ----------
    scores : numpy.ndarray, shape (n_rows, n_cols)
        Higher is better; NaN or ``-inf`` is not allowed and never ordered.
    ranked : sequence of sequences of int
        Each row's own ranking, best first (unallowed entries are skipped).
    keys : numpy.ndarray, shape (n_rows, n_cols)
        Tie-breakers (see :func:`fair_keys`): among equal scores the lower key
        comes first.

    Examples
    --------
    >>> scores = np.array([[0.5, 0.5, 0.9, np.nan]])
    >>> keys = np.array([[3, 1, 2, 0]], dtype=np.uint64)
    >>> strict_orders(scores, [[0]], keys)
    [[0, 2, 1]]
    """
    orders = []
    for row in range(scores.shape[0]):
        values = scores[row]
        allowed = np.isfinite(values)
        head = [int(col) for col in dict.fromkeys(ranked[row]) if allowed[col]]
        rest = np.flatnonzero(allowed)
        rest = rest[~np.isin(rest, head)]
        rest = rest[np.lexsort((keys[row, rest], -values[rest]))]
        orders.append(head + rest.tolist())
    return orders


def rank_matrix(orders: Sequence[Sequence[int]], shape: tuple[int, int]) -> np.ndarray:
    """Scores that say the orders: higher for earlier, NaN for a column not in a row's order.

    Examples
    --------
    >>> rank_matrix([[1, 0], []], (2, 3)).tolist()
    [[2.0, 3.0, nan], [nan, nan, nan]]
    """
    ranks = np.full(shape, np.nan)
    for row, order in enumerate(orders):
        for position, col in enumerate(order):
            ranks[row, col] = shape[1] - position
    return ranks


def mentor_proposing(
    mentee_ranks: np.ndarray,
    mentor_ranks: np.ndarray,
    capacity: np.ndarray,
    free: np.ndarray,
) -> np.ndarray:
    """Mentor-proposing deferred acceptance: the stable matching best for every mentor.

    Parameters
    ----------
    mentee_ranks : numpy.ndarray, shape (n_mentees, n_mentors)
        How each mentee ranks the mentors, higher is better; NaN is not acceptable.
    mentor_ranks : numpy.ndarray, shape (n_mentees, n_mentors)
        How each mentor ranks the mentees, higher is better; NaN is not acceptable.
    capacity : numpy.ndarray of int
        Free places of each mentor.
    free : numpy.ndarray of bool
        Mentees who take part (a pinned mentee is left out).

    Returns
    -------
    numpy.ndarray
        The mentor of each mentee, -1 for none (and for mentees not free).

    Examples
    --------
    Two mentees who both prefer mentor 0; mentor 0 prefers mentee 1, mentor 1
    prefers mentee 0.

    >>> mentees = np.array([[2.0, 1.0], [2.0, 1.0]])
    >>> mentors = np.array([[1.0, 2.0], [2.0, 1.0]])
    >>> mentor_proposing(mentees, mentors, np.array([1, 1]), np.array([True, True])).tolist()
    [1, 0]
    """
    n_mentees, n_mentors = mentee_ranks.shape
    acceptable = np.isfinite(mentee_ranks) & np.isfinite(mentor_ranks) & free[:, None]
    lists = []
    for col in range(n_mentors):
        rows = np.flatnonzero(acceptable[:, col])
        lists.append(rows[np.argsort(-mentor_ranks[rows, col], kind="stable")].tolist())
    mentor_of = np.full(n_mentees, -1, dtype=np.int64)
    load = np.zeros(n_mentors, dtype=np.int64)
    next_choice = [0] * n_mentors
    waiting = [col for col in range(n_mentors) if capacity[col] > 0]
    while waiting:
        col = waiting.pop()
        while load[col] < capacity[col] and next_choice[col] < len(lists[col]):
            row = lists[col][next_choice[col]]
            next_choice[col] += 1
            held = int(mentor_of[row])
            if held >= 0 and mentee_ranks[row, held] >= mentee_ranks[row, col]:
                continue
            mentor_of[row] = col
            load[col] += 1
            if held >= 0:
                load[held] -= 1
                waiting.append(held)
    return mentor_of
