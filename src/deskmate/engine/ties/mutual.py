"""Mutual contacts: people two members both imported, by sparse products in row blocks.

A mutual contact of two members is someone each of them has among the
contacts they imported themselves. Only the two members' own imports count:
a third member's address book that names both of them (or names one of them
and is named by the other) never makes them mutual contacts, so no one can
change what two other members see of each other by uploading a file. With
``D`` the import graph (``D[i, k] = 1`` when ``i`` imported ``k``), the
common contacts of ``a`` and ``b`` are ``(D W Dᵀ)[a, b]``.

Each common contact ``k`` adds ``1 / degree(k)`` to the pair's score
(resource allocation [2]_), ``1 / log(degree(k))`` (Adamic–Adar [1]_) or
``degree(k) ** -beta`` (``"degree_power"``, between a plain count of common
contacts [3]_ at ``beta = 0`` and resource allocation at 1), ``degree(k)``
being how many members imported ``k``: a contact everyone has says little
about any one pair. The degree only weighs a mutual contact; it never adds
one. The score may also be divided by ``(n_a n_b) ** gamma``, ``n`` being
how many contacts each of the two imported (:func:`endpoint_weights`), so
that someone who imported everyone is not everyone's best partner. Which
index and exponents are the defaults is fitted to held-out links
(``bench/quality/calibrate.py``). One complex-valued product gives the count of common contacts (real
part) and the score (imaginary part) at once. Rows are
computed in blocks of :attr:`TieParameters.mutual_block_rows`, in parallel
threads (sparse products release the GIL), and only each member's best
partners are kept, so memory is bounded by the blocks in flight.

References
----------
.. [1] L. A. Adamic and E. Adar, "Friends and neighbors on the Web",
   Social Networks 25(3), 211–230, 2003.
.. [2] T. Zhou, L. Lü and Y.-C. Zhang, "Predicting missing links via local
   information", The European Physical Journal B 71(4), 623–630, 2009.
.. [3] D. Liben-Nowell and J. Kleinberg, "The link-prediction problem for
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
from deskmate.engine.ties.tables import EvidenceColumns, EvidenceKind, TieTable

__all__ = [
    "MutualContacts",
    "MutualPairs",
    "contact_graph",
    "endpoint_weights",
    "import_graph",
    "intermediary_weights",
    "kept_evidence",
    "mutual_evidence",
    "mutual_strength",
    "pair_hash",
]


@dataclass(frozen=True, eq=False)
class MutualPairs:
    """Kept mutual-contact partners: ``member`` ranks ``partner`` among its best.

    ``count`` is the number of common contacts, ``score`` their sum
    (resource allocation or Adamic–Adar, as ``mutual_index`` says).
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


def import_graph(contacts: Contacts, n_members: int) -> sp.sparse.csr_array:
    """Directed 0/1 import graph, ``[importer, contact]``, with sorted indices.

    Examples
    --------
    >>> import_graph(Contacts.from_rows([(0, 2), (1, 2), (1, 2), (2, 2)]), 3).toarray().real
    array([[0., 0., 1.],
           [0., 0., 1.],
           [0., 0., 0.]], dtype=float32)
    """
    valid = valid_members(n_members, contacts.importer, contacts.contact)
    valid &= contacts.importer != contacts.contact
    graph = sp.sparse.csr_array(
        (
            np.ones(int(valid.sum()), dtype=np.complex64),
            (contacts.importer[valid], contacts.contact[valid]),
        ),
        shape=(n_members, n_members),
    )
    graph.sum_duplicates()
    graph.data[:] = 1
    graph.sort_indices()
    return graph


_SCORE_BINS = 512


def pair_hash(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """A stable pseudo-random number per ordered pair, for breaking equal scores.

    Equal scores are never broken by member number, which would favour
    whoever joined first; a mixing hash of the pair spreads them evenly.

    Examples
    --------
    >>> h = pair_hash(np.array([1, 2]), np.array([2, 1]))
    >>> bool(h[0] != h[1]), pair_hash(np.array([1]), np.array([2]))[0] == h[0]
    (True, np.True_)
    """
    with np.errstate(over="ignore"):
        x = np.asarray(a, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        x ^= np.asarray(b, dtype=np.uint64) + np.uint64(0x632BE59BD9B4E019)
        x ^= x >> np.uint64(31)
        x *= np.uint64(0xBF58476D1CE4E5B9)
        x ^= x >> np.uint64(29)
    return x


def _top_k_per_row(
    rows: np.ndarray, members: np.ndarray, cols: np.ndarray, score: np.ndarray, n_rows: int, k: int
) -> np.ndarray:
    """Indices of each row's ``k`` best entries by score, equal scores in hashed order.

    A per-row histogram of coarse score bins finds, in linear time, a
    threshold that keeps a small superset of each row's top ``k``; only that
    superset is sorted exactly.
    """
    if len(score) == 0:
        return np.zeros(0, dtype=np.int64)
    top = float(score.max())
    scale = (_SCORE_BINS - 1) / top if top > 0 else 0.0
    bins = (score * scale).astype(np.int32)
    np.clip(bins, 0, _SCORE_BINS - 1, out=bins)
    bins += rows * _SCORE_BINS
    histogram = np.bincount(bins, minlength=n_rows * _SCORE_BINS).reshape(n_rows, _SCORE_BINS)
    at_or_above = np.cumsum(histogram[:, ::-1], axis=1)[:, ::-1]
    threshold = np.maximum((at_or_above >= k).sum(axis=1) - 1, 0)
    threshold += np.arange(n_rows) * _SCORE_BINS
    candidates = np.flatnonzero(bins >= threshold[rows])
    tie_break = pair_hash(members[rows[candidates]], cols[candidates])
    order = candidates[np.lexsort((tie_break, -score[candidates], rows[candidates]))]
    return order[_rank_within_rows(rows[order]) < k]


def _rank_within_rows(sorted_rows: np.ndarray) -> np.ndarray:
    return np.arange(len(sorted_rows)) - np.searchsorted(sorted_rows, sorted_rows, side="left")


def _pairs_of(block: np.ndarray, product: sp.sparse.csr_array, entries: np.ndarray) -> MutualPairs:
    rows = np.repeat(np.arange(len(block), dtype=np.int32), np.diff(product.indptr))[entries]
    return MutualPairs(
        member=block[rows],
        partner=product.indices[entries].astype(np.int64),
        count=np.rint(product.data.real[entries]).astype(np.int64),
        score=product.data.imag[entries].astype(np.float64),
    )


def _mutual_block(graphs: _Graphs, block: np.ndarray, k: int) -> MutualPairs:
    """Mutual contacts of ``block``'s members: with every contact, and the ``k`` best others."""
    direct = graphs.contacts[block]
    product = graphs.imports[block] @ graphs.weighted
    if graphs.endpoint is not None:
        rows = np.repeat(np.arange(len(block)), np.diff(product.indptr))
        factor = graphs.endpoint[block][rows] * graphs.endpoint[product.indices]
        product.data = (product.data.real + 1j * (product.data.imag * factor)).astype(np.complex64)
    # Contacts are tied already: they keep their mutual evidence whatever its
    # rank, and the top-k budget goes to people who are not contacts yet.
    with_contacts = product.multiply(direct).tocsr()
    with_contacts.eliminate_zeros()
    itself = sp.sparse.csr_array(
        (np.ones(len(block), dtype=np.complex64), (np.arange(len(block)), block)),
        shape=product.shape,
    )
    # Tied entries (and each member itself) sink below zero; the others keep
    # their exact values because nothing is added to them.
    others = (product - (direct + itself) * np.complex64(1e9j)).tocsr()
    others.sort_indices()
    rows = np.repeat(np.arange(len(block), dtype=np.int32), np.diff(others.indptr))
    untied = np.flatnonzero(others.data.imag > 0)
    best = untied[
        _top_k_per_row(
            rows[untied], block, others.indices[untied], others.data.imag[untied], len(block), k
        )
    ]
    return MutualPairs.concatenate(
        [
            _pairs_of(block, with_contacts, np.arange(with_contacts.nnz)),
            _pairs_of(block, others, np.sort(best)),
        ]
    )


def _mutual_rows(graphs: _Graphs, members: np.ndarray, parameters: TieParameters) -> MutualPairs:
    """Each of ``members``' kept mutual-contact partners."""
    size = parameters.mutual_block_rows
    blocks = [members[start : start + size] for start in range(0, len(members), size)]
    if not blocks:
        return MutualPairs.empty()
    k = parameters.mutual_top_k
    if parameters.threads > 1 and len(blocks) > 1:
        # Sparse products release the GIL, so blocks run in parallel threads.
        with ThreadPoolExecutor(max_workers=parameters.threads) as pool:
            found = list(pool.map(lambda block: _mutual_block(graphs, block, k), blocks))
    else:
        found = [_mutual_block(graphs, block, k) for block in blocks]
    return MutualPairs.concatenate(found)


def intermediary_weights(imports: sp.sparse.csr_array, parameters: TieParameters) -> np.ndarray:
    """What each member adds, as a common contact, to the pairs of members who imported them.

    ``1 + 1j * w``: the real part counts common contacts, the imaginary part
    is the score, ``w = 1 / degree`` for resource allocation [2]_,
    ``1 / log(degree)`` for Adamic–Adar [1]_ or ``degree ** -beta`` for
    ``"degree_power"`` (``beta`` is ``mutual_degree_exponent``: 0 counts
    common contacts [3]_, 1 is resource allocation), ``degree`` being how
    many members imported them. Members imported by fewer than two or more than
    ``max_common_contact_degree`` members add nothing.
    """
    degree = np.bincount(imports.indices, minlength=imports.shape[1])
    usable = (degree >= 2) & (degree <= parameters.max_common_contact_degree)
    safe = np.maximum(degree, 2)
    if parameters.mutual_index == "adamic_adar":
        score = 1 / np.log(safe)
    elif parameters.mutual_index == "resource_allocation":
        score = 1 / safe
    elif parameters.mutual_index == "degree_power":
        score = safe.astype(np.float64) ** -parameters.mutual_degree_exponent
    else:
        raise ValueError(f"unknown mutual_index {parameters.mutual_index!r}")
    return np.where(usable, 1 + 1j * score, 0).astype(np.complex64)


def endpoint_weights(imports: sp.sparse.csr_array, parameters: TieParameters) -> np.ndarray | None:
    """What each member's own number of imports multiplies their pairs' scores by.

    ``n ** -mutual_endpoint_exponent``, ``n`` being how many contacts the
    member imported (at least 1), or ``None`` when the exponent is 0 and
    scores are left as they are. A pair's score is multiplied by both ends'
    factors, so ``(n_a n_b) ** -mutual_endpoint_exponent``: 1/2 gives a
    weighted Salton (cosine) index [4]_. Only the two members' own imports
    count, so a third member's file never changes it.

    References
    ----------
    .. [4] L. Lü and T. Zhou, "Link prediction in complex networks: a
       survey", Physica A 390(6), 1150–1170, 2011.

    Examples
    --------
    >>> graph = import_graph(Contacts.from_rows([(0, 1), (0, 2), (0, 3), (0, 4), (1, 2)]), 5)
    >>> endpoint_weights(graph, TieParameters(mutual_endpoint_exponent=0.5)).tolist()
    [0.5, 1.0, 1.0, 1.0, 1.0]
    >>> endpoint_weights(graph, TieParameters(mutual_endpoint_exponent=0)) is None
    True
    """
    exponent = parameters.mutual_endpoint_exponent
    if exponent == 0:
        return None
    imported = np.maximum(np.diff(imports.indptr), 1).astype(np.float64)
    weights: np.ndarray = np.power(imported, -exponent).astype(np.float32)
    return weights


@dataclass(frozen=True, eq=False)
class _Graphs:
    """The contact graph (either direction), the import graph, and ``W Dᵀ`` to multiply by."""

    contacts: sp.sparse.csr_array
    imports: sp.sparse.csr_array
    weighted: sp.sparse.csr_array
    endpoint: np.ndarray | None

    @classmethod
    def of(cls, contacts: Contacts, n_members: int, parameters: TieParameters) -> _Graphs:
        imports = import_graph(contacts, n_members)
        weight = intermediary_weights(imports, parameters)
        # weighted[k, j] = w_k when j imported k; a copy, so that eliminate_zeros
        # never rewrites the import graph's own index arrays.
        weighted = imports.T.tocsr().copy()
        weighted.data *= np.repeat(weight, np.diff(weighted.indptr))
        weighted.eliminate_zeros()
        weighted.sort_indices()
        return cls(
            contact_graph(contacts, n_members),
            imports,
            weighted,
            endpoint_weights(imports, parameters),
        )


class MutualContacts:
    """Mutual contacts of any pairs, read on demand from the import graph.

    :func:`mutual_evidence` keeps, for each member, the evidence with their
    contacts and with their best ``mutual_top_k`` other partners. Every
    other pair with a common contact still has a strength, which this index
    gives exactly, for the few pairs a caller asks about (the candidates of
    one suggestion list, the pairs a benchmark scores).

    Examples
    --------
    >>> contacts = Contacts.from_rows([(0, 2), (1, 2), (0, 3), (1, 3), (4, 0), (4, 1)])
    >>> parameters = TieParameters(mutual_index="adamic_adar", mutual_endpoint_exponent=0)
    >>> index = MutualContacts(contacts, 5, parameters)
    >>> count, score = index.scores(np.array([0, 2]), np.array([1, 3]))
    >>> count.tolist(), score.round(4).tolist()  # 4 imported 2 and 3: not theirs
    ([2, 0], [2.8854, 0.0])
    """

    def __init__(self, contacts: Contacts, n_members: int, parameters: TieParameters) -> None:
        self.parameters = parameters
        self.imports = import_graph(contacts, n_members)
        self.weight = intermediary_weights(self.imports, parameters)
        self.endpoint = endpoint_weights(self.imports, parameters)

    def scores(
        self, first: np.ndarray, second: np.ndarray, *, chunk: int = 65536
    ) -> tuple[np.ndarray, np.ndarray]:
        """Number of common contacts and the score of each pair ``(first[i], second[i])``."""
        first, second = np.asarray(first, np.int64), np.asarray(second, np.int64)
        count, score = np.zeros(len(first), np.int64), np.zeros(len(first))
        for start in range(0, len(first), chunk):
            rows = slice(start, start + chunk)
            common = self.imports[first[rows]].multiply(self.imports[second[rows]])
            total = common @ self.weight
            count[rows] = np.rint(total.real).astype(np.int64)
            score[rows] = total.imag
        if self.endpoint is not None:
            score *= self.endpoint[first] * self.endpoint[second]
        return count, score

    def strengths(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """Mutual-contact strength of each pair, as :func:`mutual_evidence` would give it."""
        _, score = self.scores(first, second)
        return mutual_strength(score, self.parameters)

    def tie_strengths(self, ties: TieTable, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """Tie strength of any pairs: their stored evidence, and mutual contacts where not kept.

        A pair's strength is the noisy-or of the evidence ``ties`` holds for
        it (none if it is not a tie) and, when that evidence has no mutual
        contacts because neither member kept the other among their best
        ``mutual_top_k``, of the mutual-contact strength this index gives, so
        that every pair with a common contact is scored, not only the kept
        ones. ``ties`` must be computed from the same contacts and parameters.

        Examples
        --------
        Members 0 and 2 both imported 1; member 3 imported 0 and 2, which adds
        nothing to them.

        >>> from deskmate.engine.ties import Community, compute_ties
        >>> contacts = Contacts.from_rows([(0, 1), (2, 1), (0, 4), (3, 0), (3, 2)])
        >>> parameters = TieParameters(mutual_top_k=0)
        >>> ties = compute_ties(Community(5, contacts=contacts), as_of="2024-01-01",
        ...                     parameters=parameters)
        >>> ties.find(0, 2) is None  # no one keeps a non-contact
        True
        >>> index = MutualContacts(contacts, 5, parameters)
        >>> index.tie_strengths(ties, np.array([0, 0, 2]), np.array([2, 1, 4])).round(3).tolist()
        [0.124, 0.5, 0.0]
        """
        first, second = np.asarray(first, np.int64), np.asarray(second, np.int64)
        rows = ties.rows(first, second)
        stored = np.where(rows >= 0, ties.strength[np.maximum(rows, 0)], 0.0)
        has_mutual = np.zeros(len(ties) + 1, dtype=bool)
        has_mutual[ties.evidence.tie[ties.evidence.kind == EvidenceKind.MUTUAL_CONTACTS]] = True
        missing = ~has_mutual[rows]  # row -1 reads the spare last entry, False
        missing[rows < 0] = True
        strength = stored.copy()
        added = self.strengths(first[missing], second[missing])
        strength[missing] = 1 - (1 - stored[missing]) * (1 - added)
        return strength


def mutual_strength(score: np.ndarray, parameters: TieParameters) -> np.ndarray:
    """``mutual_contacts * (1 - exp(-score / mutual_scale))``."""
    return parameters.mutual_contacts * -np.expm1(-np.asarray(score) / parameters.mutual_scale)


def mutual_evidence(
    contacts: Contacts, n_members: int, parameters: TieParameters, touched: np.ndarray | None
) -> EvidenceColumns:
    """Mutual-contact evidence of each member (of ``touched`` ones if given).

    Each member keeps the evidence with every contact (either way) they
    share an imported contact with, and with their ``mutual_top_k`` best
    partners among everyone else; a pair is kept when either end keeps it.
    ``raw = 1 - exp(-score / mutual_scale)``.

    Examples
    --------
    Members 0 and 1 both imported 2 and 3; member 4 imported 0 and 1, which
    makes 4 their contact but not a mutual contact of theirs.

    >>> contacts = Contacts.from_rows([(0, 2), (1, 2), (0, 3), (1, 3), (4, 0), (4, 1)])
    >>> parameters = TieParameters(mutual_index="adamic_adar", mutual_endpoint_exponent=0)
    >>> rows = mutual_evidence(contacts, 5, parameters, None)
    >>> list(zip(rows.first.tolist(), rows.second.tolist())), rows.count.tolist()
    ([(0, 1)], [2])
    >>> round(float(rows.score[0]), 4)  # 2 / log(2): both common contacts were imported twice
    2.8854
    """
    graphs = _Graphs.of(contacts, n_members, parameters)
    # One product gives both numbers: through each common contact the real
    # part adds 1 (the count) and the imaginary part adds its weight.
    importers = np.diff(graphs.imports.indptr) > 0
    if touched is None:
        members = np.flatnonzero(importers)
    else:
        # A pair (t, j) is kept when either end keeps the other, so the rows
        # of every member two steps from t are needed too.
        reach = graphs.imports[np.flatnonzero(touched)] @ graphs.weighted
        members = np.union1d(np.flatnonzero(touched & importers), reach.tocoo().coords[1])
    kept = _mutual_rows(graphs, members, parameters)
    first, second = np.minimum(kept.member, kept.partner), np.maximum(kept.member, kept.partner)
    keep = touching(first, second, touched)
    return kept_evidence(
        first[keep], second[keep], kept.count[keep], kept.score[keep], n_members, parameters
    )


def kept_evidence(
    first: np.ndarray,
    second: np.ndarray,
    count: np.ndarray,
    score: np.ndarray,
    n_members: int,
    parameters: TieParameters,
) -> EvidenceColumns:
    """Mutual-contact evidence of kept pairs ``first < second``, one row per pair.

    A pair kept from both ends appears twice, with the same count and score;
    the first of its rows is kept.
    """
    first, second = first.astype(np.int64), second.astype(np.int64)
    # Kept from both ends: same pair, same sum of the same terms in the same order.
    order = np.argsort(first * n_members + second, kind="stable")
    first, second, count, score = (column[order] for column in (first, second, count, score))
    new_pair = np.ones(len(first), dtype=bool)
    new_pair[1:] = (first[1:] != first[:-1]) | (second[1:] != second[:-1])
    first, second, count, score = (column[new_pair] for column in (first, second, count, score))
    score = score.astype(np.float64)
    return EvidenceColumns.of(
        EvidenceKind.MUTUAL_CONTACTS,
        first,
        second,
        mutual_strength(score, parameters),
        count=count,
        score=score,
    )
