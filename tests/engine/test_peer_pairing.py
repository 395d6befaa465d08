"""Copilot pairing rounds on hand-built groups, and against networkx's blossom."""

import re

import networkx as nx
import numpy as np
import pytest
import scipy as sp
import scipy.sparse
from hypothesis import given, settings
from hypothesis import strategies as st

from deskmate.engine import peer_pairing
from deskmate.engine.peer_pairing import (
    ERROR_SQUARE,
    ERROR_SYMMETRIC,
    PeerPair,
    pair_peers,
)

NAN = np.nan

FOUR = np.array(
    [
        [0.0, 0.9, 0.5, 0.1],
        [0.9, 0.0, 0.2, 0.6],
        [0.5, 0.2, 0.0, 0.3],
        [0.1, 0.6, 0.3, 0.0],
    ]
)


def test_best_round_pairs_the_strongest_pairs():
    result = pair_peers(FOUR)
    assert result.partner_of.tolist() == [1, 0, 3, 2]
    assert result.pairs == (PeerPair(0, 1, 0.9), PeerPair(2, 3, 0.3))
    assert result.total_score == pytest.approx(1.2)
    assert result.number_paired == 4
    assert result.share_paired == 1.0
    assert result.weakest_pair == PeerPair(2, 3, 0.3)


def test_previous_pairs_are_not_repeated_in_either_order():
    first_round = pair_peers(FOUR)
    second_round = pair_peers(FOUR, previous_pairs=[(1, 0), (3, 2)])
    assert second_round.partner_of.tolist() == [2, 3, 0, 1]
    third_round = pair_peers(FOUR, previous_pairs=[(0, 1), (2, 3), (0, 2), (1, 3)])
    assert third_round.partner_of.tolist() == [3, 2, 1, 0]
    assert third_round.total_score == pytest.approx(0.3)
    for round_result in (second_round, third_round):
        for pair in first_round.pairs:
            assert round_result.partner_of[pair.first] != pair.second


def test_forbidden_pairs_and_odd_group():
    scores = np.array([[0.0, 1.0, NAN], [1.0, 0.0, 0.8], [NAN, 0.8, 0.0]])
    result = pair_peers(scores, forbids=[(0, 1)])
    assert result.partner_of.tolist() == [-1, 2, 1]
    assert result.share_paired == pytest.approx(2 / 3)


def test_triangle_needs_the_blossom_and_leaves_one_out():
    # The relaxation would take the whole triangle at one half each.
    triangle = np.ones((3, 3)) - np.eye(3)
    result = pair_peers(triangle)
    assert result.number_paired == 2
    assert result.total_score == 1.0


def test_non_positive_pairs_only_with_max_cardinality():
    scores = np.array(
        [[0.0, 1.0, NAN, 0.0], [1.0, 0.0, -0.5, 0.0], [NAN, -0.5, 0.0, NAN], [0.0, 0.0, NAN, 0.0]]
    )
    assert pair_peers(scores).partner_of.tolist() == [1, 0, -1, -1]
    everyone = pair_peers(scores, max_cardinality=True)
    assert everyone.partner_of.tolist() == [3, 2, 1, 0]
    assert everyone.total_score == pytest.approx(-0.5)


def test_sparse_reads_the_upper_triangle():
    upper = sp.sparse.csr_array(np.triu(FOUR, 1))
    assert pair_peers(upper).partner_of.tolist() == [1, 0, 3, 2]


def test_bad_matrices_are_refused():
    with pytest.raises(ValueError, match=re.escape(ERROR_SQUARE)):
        pair_peers(np.ones((2, 3)))
    with pytest.raises(ValueError, match=re.escape(ERROR_SYMMETRIC)):
        pair_peers(np.array([[0.0, 1.0], [0.5, 0.0]]))


@st.composite
def groups(draw):
    size = draw(st.integers(1, 9))
    cells = st.one_of(st.just(NAN), st.integers(-20, 100).map(lambda cents: cents / 100))
    upper = np.array(draw(st.lists(cells, min_size=size * size, max_size=size * size)))
    upper = np.triu(upper.reshape(size, size), 1)
    previous = draw(
        st.lists(st.tuples(st.integers(0, size - 1), st.integers(0, size - 1)), max_size=4)
    )
    return upper + upper.T, previous


@settings(max_examples=80, deadline=None)
@given(groups(), st.booleans())
def test_total_equals_networkx_blossom(group, max_cardinality):
    scores, previous = group
    result = pair_peers(scores, previous_pairs=previous, max_cardinality=max_cardinality)
    excluded = {frozenset(pair) for pair in previous}
    graph = nx.Graph()
    for first, second in zip(*np.triu_indices(len(scores), 1), strict=True):
        weight = scores[first, second]
        usable = np.isfinite(weight) and (max_cardinality or weight > 0)
        if usable and frozenset((first, second)) not in excluded:
            graph.add_edge(int(first), int(second), weight=float(weight))
    expected = nx.max_weight_matching(graph, maxcardinality=max_cardinality)
    expected_total = sum(graph[a][b]["weight"] for a, b in expected)
    assert result.number_paired == 2 * len(expected) or not max_cardinality
    assert result.total_score == pytest.approx(expected_total, abs=1e-9)
    for pair in result.pairs:
        assert frozenset((pair.first, pair.second)) not in excluded
        assert result.partner_of[pair.second] == pair.first


def test_solved_by_names_the_step_that_proved_the_round():
    assert pair_peers(FOUR).solved_by == "double cover"
    triangle = pair_peers(np.ones((3, 3)) - np.eye(3))
    assert (triangle.solved_by, triangle.cut_rounds) == ("odd-set cuts", 1)


def test_odd_set_cuts_agree_with_the_plain_programme_and_networkx():
    # Coarse scores on a sparse group leave odd cycles in the double cover.
    rng = np.random.default_rng(7)
    size = 300
    rows = np.repeat(np.arange(size), 6)
    cols = rng.integers(0, size, size=rows.size)
    keep = rows != cols
    upper = sp.sparse.coo_array(
        (
            np.round(rng.random(rows.size), 1)[keep] + 0.1,
            (np.minimum(rows, cols)[keep], np.maximum(rows, cols)[keep]),
        ),
        shape=(size, size),
    ).tocsr()
    upper.sum_duplicates()
    result = pair_peers(upper)
    assert result.solved_by != "double cover"
    n_members, first, second, weights = peer_pairing._allowed_pairs(upper)
    order = np.argsort(first * n_members + second)
    first, second, weights = first[order], second[order], weights[order]
    plain, plain_by, _ = peer_pairing._exact_matching(
        n_members, first, second, weights, odd_set_cuts=False
    )
    keys = first * n_members + second
    plain_total = sum(float(weights[np.searchsorted(keys, a * n_members + b)]) for a, b in plain)
    coo = upper.tocoo()
    graph = nx.Graph()
    graph.add_weighted_edges_from(
        zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True)
    )
    expected = nx.max_weight_matching(graph)
    expected_total = sum(graph[a][b]["weight"] for a, b in expected)
    assert plain_by == "0/1 programme"
    assert result.total_score == pytest.approx(expected_total, abs=1e-9)
    assert plain_total == pytest.approx(expected_total, abs=1e-9)


def _networkx_total(scores, excluded=frozenset()):
    graph = nx.Graph()
    for first, second in zip(*np.triu_indices(len(scores), 1), strict=True):
        weight = scores[first, second]
        if np.isfinite(weight) and weight > 0 and frozenset((first, second)) not in excluded:
            graph.add_edge(int(first), int(second), weight=float(weight))
    found = nx.max_weight_matching(graph)
    return sum(graph[a][b]["weight"] for a, b in found)


@settings(max_examples=120, deadline=None)
@given(groups())
def test_rounded_round_is_within_its_reported_gap_of_networkx(group):
    scores, previous = group
    result = pair_peers(scores, previous_pairs=previous, method="rounded")
    excluded = {frozenset(pair) for pair in previous}
    optimum = _networkx_total(scores, excluded)
    assert result.bound >= optimum - 1e-9
    assert result.total_score >= (1 - result.gap) * optimum - 1e-9
    assert result.total_score <= optimum + 1e-9
    assert result.gap <= 1 / 3 + 1e-9
    members = [member for pair in result.pairs for member in (pair.first, pair.second)]
    assert len(members) == len(set(members))
    for pair in result.pairs:
        assert frozenset((pair.first, pair.second)) not in excluded
        assert pair.score == scores[pair.first, pair.second]
        assert result.partner_of[pair.first] == pair.second
    if result.solved_by == "double cover":
        assert result.gap == 0.0
        assert result.total_score == pytest.approx(optimum, abs=1e-9)


def test_rounded_triangle_reports_the_share_it_may_have_given_up():
    triangle = np.ones((3, 3)) - np.eye(3)
    result = pair_peers(triangle, method="rounded")
    assert result.solved_by == "rounded odd cycles"
    assert result.number_paired == 2
    assert (result.total_score, result.bound) == pytest.approx((1.0, 1.5))
    assert result.gap == pytest.approx(1 / 3)
    exact = pair_peers(triangle)
    assert (exact.bound, exact.gap) == (exact.total_score, 0.0)


def test_rounding_pairs_the_member_left_out_of_an_odd_cycle():
    # The triangle 0-1-2 is the double cover's odd cycle; 3 only likes 0.
    scores = np.array(
        [
            [0.0, 1.0, 1.0, 0.4],
            [1.0, 0.0, 1.0, NAN],
            [1.0, 1.0, 0.0, NAN],
            [0.4, NAN, NAN, 0.0],
        ]
    )
    result = pair_peers(scores, method="rounded")
    assert result.solved_by == "rounded odd cycles"
    assert result.partner_of.tolist() == [3, 2, 1, 0]
    assert result.total_score == pytest.approx(_networkx_total(scores))
    assert result.bound == pytest.approx(1.5)
    assert result.gap == pytest.approx(0.1 / 1.5)


def test_odd_cycle_loses_the_member_whose_absence_costs_least():
    # The 5-cycle 0-1-2-3-4-0; leaving 2 out keeps 3-4 and 0-1, the heaviest alternate pairs.
    weights = {(0, 1): 0.9, (1, 2): 0.2, (2, 3): 0.3, (3, 4): 0.8, (0, 4): 0.1}
    n_members = 5
    first = np.array([a for a, _ in weights])
    second = np.array([b for _, b in weights])
    keys = first * n_members + second
    order = np.argsort(keys)
    scores = np.array(list(weights.values()))[order]
    pairs = peer_pairing._round_cycle(np.array([0, 1, 2, 3, 4]), keys[order], n_members, scores)
    assert sorted(pairs) == [(0, 1), (3, 4)]


def test_rounded_matches_networkx_closely_on_a_coarse_sparse_group():
    rng = np.random.default_rng(7)
    size = 300
    rows = np.repeat(np.arange(size), 6)
    cols = rng.integers(0, size, size=rows.size)
    keep = rows != cols
    upper = sp.sparse.coo_array(
        (
            np.round(rng.random(rows.size), 1)[keep] + 0.1,
            (np.minimum(rows, cols)[keep], np.maximum(rows, cols)[keep]),
        ),
        shape=(size, size),
    ).tocsr()
    upper.sum_duplicates()
    result = pair_peers(upper, method="rounded")
    optimum = pair_peers(upper, method="exact").total_score
    assert result.solved_by == "rounded odd cycles"
    assert 0 < result.gap < 0.01
    assert optimum - 1e-9 <= result.bound
    assert (1 - result.gap) * optimum - 1e-9 <= result.total_score <= optimum + 1e-9


def test_auto_is_exact_up_to_the_documented_size(monkeypatch):
    triangle = np.ones((3, 3)) - np.eye(3)
    assert pair_peers(triangle).solved_by == "odd-set cuts"
    monkeypatch.setattr(peer_pairing, "EXACT_UP_TO", 2)
    assert pair_peers(triangle).solved_by == "rounded odd cycles"
    assert pair_peers(triangle, method="exact").solved_by == "odd-set cuts"
    assert pair_peers(triangle, max_cardinality=True).solved_by == "odd-set cuts"


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match=re.escape(peer_pairing.ERROR_METHOD)):
        pair_peers(FOUR, method="greedy")
