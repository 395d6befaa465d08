"""Vectorised helpers on integer columns shared by the tie computation's steps."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["group_ranks", "isin_rows", "sorted_unique", "touching", "valid_members"]


def sorted_unique(keys: np.ndarray) -> np.ndarray:
    """Sorted distinct values of an integer array, like ``np.unique``.

    ``np.unique`` hashes large integer arrays first, which is several times
    slower here than sorting alone.
    """
    keys = np.sort(keys)
    if len(keys) == 0:
        return keys
    return np.asarray(keys[np.concatenate([[True], keys[1:] != keys[:-1]])])


def touching(first: np.ndarray, second: np.ndarray, touched: np.ndarray | None) -> np.ndarray:
    """Mask of the pairs with an end in ``touched`` (a member mask); all pairs when ``None``."""
    if touched is None:
        return np.ones(len(first), dtype=bool)
    return np.asarray(touched[first] | touched[second])


def _row_keys(
    query: Sequence[np.ndarray], reference: Sequence[np.ndarray]
) -> tuple[np.ndarray, np.ndarray] | None:
    """One int64 key per row for both tables, or ``None`` if the keys would overflow."""
    query_keys = np.zeros(len(query[0]), dtype=np.int64)
    reference_keys = np.zeros(len(reference[0]), dtype=np.int64)
    capacity = 1
    for qry, ref in zip(query, reference, strict=True):
        low = min(int(qry.min()), int(ref.min()))
        width = max(int(qry.max()), int(ref.max())) - low + 1
        capacity *= width
        if capacity >= 2**62:
            return None
        query_keys = query_keys * width + (qry - low)
        reference_keys = reference_keys * width + (ref - low)
    return query_keys, reference_keys


def isin_rows(query: Sequence[np.ndarray], reference: Sequence[np.ndarray]) -> np.ndarray:
    """Mask of the rows of the ``query`` columns that occur among ``reference`` rows.

    Examples
    --------
    >>> isin_rows([np.array([1, 1, 2]), np.array([5, 6, 5])],
    ...           [np.array([1, 2]), np.array([6, 5])]).tolist()
    [False, True, True]
    """
    size = len(query[0])
    if size == 0 or len(reference[0]) == 0:
        return np.zeros(size, dtype=bool)
    keys = _row_keys(query, reference)
    if keys is not None:
        query_keys, reference_keys = keys
        reference_keys = sorted_unique(reference_keys)
        found_at = np.minimum(np.searchsorted(reference_keys, query_keys), len(reference_keys) - 1)
        return np.asarray(reference_keys[found_at] == query_keys)
    # Keys too wide for one integer: sort both tables together instead.
    columns = [np.concatenate([ref, qry]) for qry, ref in zip(query, reference, strict=True)]
    is_query = np.concatenate([np.zeros(len(reference[0]), bool), np.ones(size, bool)])
    # Reference rows sort before equal query rows, so a query row is found when
    # the first row of its run of equal rows comes from the reference.
    order = np.lexsort([is_query, *reversed(columns)])
    sorted_columns = [column[order] for column in columns]
    new_run = np.ones(len(order), dtype=bool)
    new_run[1:] = np.any([column[1:] != column[:-1] for column in sorted_columns], axis=0)
    run_start = np.maximum.accumulate(np.where(new_run, np.arange(len(order)), 0))
    found = np.zeros(len(order), dtype=bool)
    found[order] = ~is_query[order][run_start]
    return found[len(reference[0]) :]


def group_ranks(*keys: np.ndarray) -> np.ndarray:
    """Dense ranks of the rows of the ``keys`` columns (equal rows, equal rank).

    Examples
    --------
    >>> group_ranks(np.array([3, 1, 3, 3]), np.array([0, 9, 0, 1])).tolist()
    [1, 0, 1, 2]
    """
    if len(keys[0]) == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort(keys[::-1])
    new = np.ones(len(order), dtype=bool)
    new[1:] = np.any([key[order][1:] != key[order][:-1] for key in keys], axis=0)
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = np.cumsum(new) - 1
    return ranks


def valid_members(n_members: int, *columns: np.ndarray) -> np.ndarray:
    """Mask of the rows whose every column is a member index in ``0 .. n_members - 1``."""
    valid = np.ones(len(columns[0]), dtype=bool)
    for column in columns:
        valid &= (column >= 0) & (column < n_members)
    return valid
