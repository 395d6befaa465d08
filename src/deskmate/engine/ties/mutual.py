"""Mutual contacts: Adamic–Adar over the contact graph, by sparse products in row blocks.

Each common contact ``k`` of two members adds ``1 / log(degree(k))`` to
their score [1]_; one complex-valued product gives the count of common
contacts (real part) and the score (imaginary part) at once. Rows are
computed in blocks of :attr:`TieParameters.mutual_block_rows`, in parallel
threads (sparse products release the GIL), and only each member's best
partners are kept, so memory is bounded by the blocks in flight.

References
----------
.. [1] L. A. Adamic and E. Adar, "Friends and neighbors on the Web",
   Social Networks 25(3), 211–230, 2003.
.. [2] D. Liben-Nowell and J. Kleinberg, "The link-prediction problem for
   social networks", Journal of the American Society for Information
   Science and Technology 58(7), 1019–1031, 2007.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import scipy as sp

from deskmate.engine.ties.arrays import touching, valid_members
from deskmate.engine.ties.inputs import Contacts, TieParameters
from deskmate.engine.ties.tables import EvidenceColumns, EvidenceKind

__all__ = ["MutualPairs", "contact_graph", "mutual_evidence"]


@dataclass(frozen=True, eq=False)
class MutualPairs:
    """Kept mutual-contact partners: ``member`` ranks ``partner`` among its best.

    ``count`` is the number of common contacts, ``score`` their Adamic–Adar
    sum.
    """

    member: np.ndarray
    partner: np.ndarray
    count: np.ndarray
    score: np.ndarray

    @classmethod
    def empty(cls) -> MutualPairs:
        """No pairs."""
        none = np.zeros(0, dtype=np.int64)
        return cls(none, none, none, np.zeros(0))

    @classmethod
    def concatenate(cls, parts: list[MutualPairs]) -> MutualPairs:
        """The rows of ``parts``, one after the other."""
        return cls(
            member=np.concatenate([part.member for part in parts]),
            partner=np.concatenate([part.partner for part in parts]),
            count=np.concatenate([part.count for part in parts]),
            score=np.concatenate([part.score for part in parts]),
        )


def contact_graph(contacts: Contacts, n_members: int) -> sp.sparse.csr_array:
    """Symmetric 0/1 contact graph with sorted indices."""
    valid = valid_members(n_members, contacts.importer, contacts.contact)
    valid &= contacts.importer != contacts.contact
    rows = np.concatenate([contacts.importer[valid], contacts.contact[valid]])
    cols = np.concatenate([contacts.contact[valid], contacts.importer[valid]])
    graph = sp.sparse.csr_array(
        (np.ones(len(rows), dtype=np.complex64), (rows, cols)), shape=(n_members, n_members)
    )
    graph.sum_duplicates()
    graph.data[:] = 1
    graph.sort_indices()
    return graph


_SCORE_BINS = 512
_BINS_PER_UNIT = 8


def _top_k_per_row(
    rows: np.ndarray, cols: np.ndarray, score: np.ndarray, n_rows: int, k: int
) -> np.ndarray:
    """Indices of each row's ``k`` best entries by (score desc, column asc), row by row.

    A per-row histogram of coarse score bins finds, in linear time, a
    threshold that keeps a small superset of each row's top ``k``; only that
    superset is sorted exactly.
    """
    bins = (score * _BINS_PER_UNIT).astype(np.int32)
    np.minimum(bins, _SCORE_BINS - 1, out=bins)
    bins += rows * _SCORE_BINS
    histogram = np.bincount(bins, minlength=n_rows * _SCORE_BINS).reshape(n_rows, _SCORE_BINS)
    at_or_above = np.cumsum(histogram[:, ::-1], axis=1)[:, ::-1]
    threshold = np.maximum((at_or_above >= k).sum(axis=1) - 1, 0)
    threshold += np.arange(n_rows) * _SCORE_BINS
    candidates = np.flatnonzero(bins >= threshold[rows])
    order = candidates[np.lexsort((cols[candidates], -score[candidates], rows[candidates]))]
    return order[_rank_within_rows(rows[order]) < k]


def _rank_within_rows(sorted_rows: np.ndarray) -> np.ndarray:
    return np.arange(len(sorted_rows)) - np.searchsorted(sorted_rows, sorted_rows, side="left")


def _mutual_block(
    graph: sp.sparse.csr_array, weighted: sp.sparse.csr_array, block: np.ndarray, k: int
) -> MutualPairs:
    product = graph[block] @ weighted
    rows = np.repeat(np.arange(len(block), dtype=np.int32), np.diff(product.indptr))
    cols = product.indices
    score = product.data.imag
    # Each member is their own best match (all their contacts are common);
    # take one more and drop them.
    best = _top_k_per_row(rows, cols, score, len(block), k + 1)
    best = best[cols[best] != block[rows[best]]]
    best = best[_rank_within_rows(rows[best]) < k]
    return MutualPairs(
        member=block[rows[best]],
        partner=cols[best].astype(np.int64),
        count=np.rint(product.data.real[best]).astype(np.int64),
        score=score[best].astype(np.float64),
    )


def _mutual_rows(
    graph: sp.sparse.csr_array,
    weighted: sp.sparse.csr_array,
    members: np.ndarray,
    parameters: TieParameters,
) -> MutualPairs:
    """Each of ``members``' top partners by Adamic–Adar."""
    size = parameters.mutual_block_rows
    blocks = [members[start : start + size] for start in range(0, len(members), size)]
    if not blocks:
        return MutualPairs.empty()
    k = parameters.mutual_top_k
    if parameters.threads > 1 and len(blocks) > 1:
        # Sparse products release the GIL, so blocks run in parallel threads.
        with ThreadPoolExecutor(max_workers=parameters.threads) as pool:
            found = list(pool.map(lambda block: _mutual_block(graph, weighted, block, k), blocks))
    else:
        found = [_mutual_block(graph, weighted, block, k) for block in blocks]
    return MutualPairs.concatenate(found)


def mutual_evidence(
    contacts: Contacts, n_members: int, parameters: TieParameters, touched: np.ndarray | None
) -> EvidenceColumns:
    """Mutual-contact evidence for each member's best partners (of ``touched`` ones if given).

    A pair is kept when either end keeps the other; ``raw = 1 - exp(-score /
    mutual_scale)``.

    Examples
    --------
    >>> contacts = Contacts.from_rows([(0, 1), (1, 2), (2, 3), (3, 0)])
    >>> rows = mutual_evidence(contacts, 4, TieParameters(), None)
    >>> list(zip(rows.first.tolist(), rows.second.tolist())), rows.count.tolist()
    ([(0, 2), (1, 3)], [2, 2])
    >>> round(float(rows.score[0]), 4)  # 2 / log(2): both common contacts have two
    2.8854
    """
    graph = contact_graph(contacts, n_members)
    degree = np.diff(graph.indptr)
    # One product gives both numbers: through each common contact k the real
    # part adds 1 (the count) and the imaginary part adds 1 / log(degree k).
    usable = (degree >= 2) & (degree <= parameters.max_common_contact_degree)
    weight = np.where(usable, 1 + 1j / np.log(np.maximum(degree, 2)), 0).astype(np.complex64)
    weighted = sp.sparse.csr_array(
        (np.repeat(weight, degree), graph.indices, graph.indptr), shape=graph.shape
    )
    weighted.eliminate_zeros()
    if touched is None:
        members = np.flatnonzero(degree > 0)
    else:
        # A pair (t, j) is kept when either end ranks the other in its top k,
        # so the rows of every member two steps from t are needed too.
        reach = graph[np.flatnonzero(touched)] @ weighted
        members = np.union1d(np.flatnonzero(touched & (degree > 0)), reach.tocoo().coords[1])
    kept = _mutual_rows(graph, weighted, members, parameters)
    first, second = np.minimum(kept.member, kept.partner), np.maximum(kept.member, kept.partner)
    count, score = kept.count, kept.score
    keep = touching(first, second, touched)
    first, second, count, score = first[keep], second[keep], count[keep], score[keep]
    # Kept from both ends: same pair, same sum of the same terms in the same order.
    order = np.argsort(first * n_members + second, kind="stable")
    first, second, count, score = (column[order] for column in (first, second, count, score))
    new_pair = np.ones(len(first), dtype=bool)
    new_pair[1:] = (first[1:] != first[:-1]) | (second[1:] != second[:-1])
    first, second, count, score = (column[new_pair] for column in (first, second, count, score))
    strength = parameters.mutual_contacts * -np.expm1(-score / parameters.mutual_scale)
    return EvidenceColumns.of(
        EvidenceKind.MUTUAL_CONTACTS, first, second, strength, count=count, score=score
    )
