"""Cohort assignment on hand-built programmes, and against independent solvers."""

import itertools
import re

import numpy as np
import pytest
import scipy as sp
import scipy.optimize
import scipy.sparse
from hypothesis import given, settings
from hypothesis import strategies as st

from deskmate.engine import assignment
from deskmate.engine.assignment import (
    ERROR_CAPACITY,
    ERROR_METHOD,
    ERROR_NOT_ALLOWED,
    ERROR_OVER_CAPACITY,
    ERROR_PIN_FORBIDDEN,
    ERROR_PIN_OVER_CAPACITY,
    ERROR_PIN_TWICE,
    ERROR_POSITIVE_INFINITY,
    WeakestPair,
    apply_rules,
    assign,
    evaluate_assignment,
)

NAN = np.nan

# Three mentees, two mentors; mentee 2 may not have mentor 0.
SMALL = np.array([[0.9, 0.8], [0.7, 0.1], [NAN, 0.5]])
# Everyone prefers mentor 0; mentor 0 gains most from mentees 0 and 1.
FOUR_BY_TWO = np.array([[0.9, 0.1], [0.8, 0.2], [0.7, 0.3], [0.6, 0.5]])
# Optimal leaves mentee 1 out; matching both needs the negative pair.
NEGATIVE = np.array([[1.0, -0.5], [0.9, NAN]])


def as_sparse(dense):
    rows, cols = np.nonzero(np.isfinite(dense))
    return sp.sparse.csr_array((dense[rows, cols], (rows, cols)), shape=dense.shape)


# ---------------------------------------------------------------------------
# Hand-built programmes with exact answers


def test_optimal_avoids_forbidden_pair_and_leaves_one_unmatched():
    result = assign(SMALL, 1, "optimal")
    assert result.mentor_of.tolist() == [1, 0, -1]
    assert result.total_score == pytest.approx(1.5)
    assert result.optimum_total == pytest.approx(1.5)
    assert result.ratio_to_optimum == pytest.approx(1.0)
    assert result.number_matched == 2
    assert result.share_matched == pytest.approx(2 / 3)
    assert result.blocking_pairs == 1
    assert result.weakest_pair == WeakestPair(mentee=1, mentor=0, score=0.7)


def test_stable_on_the_same_programme():
    result = assign(SMALL, 1, "stable")
    assert result.mentor_of.tolist() == [0, -1, 1]
    assert result.total_score == pytest.approx(1.4)
    assert result.ratio_to_optimum == pytest.approx(1.4 / 1.5)
    assert result.blocking_pairs == 0


def test_capacities_are_respected_by_every_method():
    for method in ("optimal", "stable", "participation"):
        result = assign(FOUR_BY_TWO, [2, 2], method)
        assert result.mentor_of.tolist() == [0, 0, 1, 1], method
        assert result.total_score == pytest.approx(2.5)
    one_each = assign(FOUR_BY_TWO, 1, "optimal")
    assert one_each.mentor_of.tolist() == [0, -1, -1, 1]
    assert one_each.total_score == pytest.approx(1.4)


def test_mentor_with_no_capacity_takes_nobody():
    result = assign(FOUR_BY_TWO, [0, 4], "stable")
    assert result.mentor_of.tolist() == [1, 1, 1, 1]
    assert result.blocking_pairs == 0


def test_optimal_never_takes_a_negative_pair_but_participation_does():
    optimal = assign(NEGATIVE, 1, "optimal")
    assert optimal.mentor_of.tolist() == [0, -1]
    participation = assign(NEGATIVE, 1, "participation")
    assert participation.mentor_of.tolist() == [1, 0]
    assert participation.total_score == pytest.approx(0.4)
    assert participation.ratio_to_optimum == pytest.approx(0.4)
    assert participation.blocking_pairs == 1
    assert participation.first_choice_share == 0.5
    assert participation.top_three_share == 1.0
    assert participation.weakest_pair == WeakestPair(mentee=0, mentor=1, score=-0.5)
    stable = assign(NEGATIVE, 1, "stable")
    assert stable.mentor_of.tolist() == [0, -1]


def test_a_lone_negative_pair():
    scores = np.array([[-0.3]])
    assert assign(scores, 1, "optimal").mentor_of.tolist() == [-1]
    assert assign(scores, 1, "participation").mentor_of.tolist() == [0]
    stable = assign(scores, 1, "stable")
    assert stable.mentor_of.tolist() == [0]
    assert stable.ratio_to_optimum is None
    assert stable.optimum_total == 0.0


def test_pin_is_honoured_and_uses_capacity():
    result = assign(SMALL, 1, "optimal", pins=[(2, 1)])
    assert result.mentor_of.tolist() == [0, -1, 1]
    assert result.total_score == pytest.approx(1.4)
    assert result.optimum_total == pytest.approx(1.4)
    pinned_to_weak_pair = assign(SMALL, 1, "stable", pins=[(1, 1)])
    assert pinned_to_weak_pair.mentor_of.tolist() == [0, 1, -1]
    # Mentee 2 wants mentor 1, whose only place is held by a pin.
    assert pinned_to_weak_pair.blocking_pairs == 0


def test_pinned_pair_is_kept_even_when_its_score_is_negative():
    result = assign(NEGATIVE, 1, "optimal", pins=[(0, 1)])
    assert result.mentor_of.tolist() == [1, 0]
    assert result.total_score == pytest.approx(0.4)


def test_forbid_changes_the_answer():
    result = assign(SMALL, 1, "optimal", forbids=[(1, 0)])
    assert result.mentor_of.tolist() == [0, -1, 1]
    mask = np.zeros((3, 2), dtype=bool)
    mask[1, 0] = True
    assert assign(SMALL, 1, "optimal", forbids=mask).mentor_of.tolist() == [0, -1, 1]
    sparse_mask = sp.sparse.csr_array(mask)
    assert assign(as_sparse(SMALL), 1, forbids=sparse_mask).mentor_of.tolist() == [0, -1, 1]


@pytest.mark.parametrize(
    ("pins", "message"),
    [
        ([(2, 0)], ERROR_PIN_FORBIDDEN),
        ([(0, 0), (0, 1)], ERROR_PIN_TWICE),
        ([(0, 0), (1, 0)], ERROR_PIN_OVER_CAPACITY),
    ],
)
def test_contradictory_pins_are_refused(pins, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        assign(SMALL, 1, pins=pins)


def test_pin_on_a_forbid_is_refused():
    with pytest.raises(ValueError, match=re.escape(ERROR_PIN_FORBIDDEN)):
        assign(SMALL, 1, pins=[(0, 0)], forbids=[(0, 0)])


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match=re.escape(ERROR_METHOD)):
        assign(SMALL, 1, "greedy")
    with pytest.raises(ValueError, match=re.escape(ERROR_POSITIVE_INFINITY)):
        assign(np.array([[np.inf]]), 1)
    with pytest.raises(ValueError, match=re.escape(ERROR_CAPACITY)):
        assign(SMALL, -1)
    with pytest.raises(ValueError, match=re.escape(ERROR_CAPACITY)):
        assign(SMALL, [1.5, 1])
    with pytest.raises(ValueError, match=re.escape(ERROR_CAPACITY)):
        assign(SMALL, [1, 1, 1])


def test_ties_go_to_the_lower_index_on_both_sides():
    result = assign(np.ones((3, 2)), 1, "stable")
    assert result.mentor_of.tolist() == [0, 1, -1]
    assert result.blocking_pairs == 0
    optimal = assign(np.ones((3, 2)), 1, "optimal")
    again = assign(np.ones((3, 2)), 1, "optimal")
    assert optimal.total_score == 2.0
    assert optimal.mentor_of.tolist() == again.mentor_of.tolist()


def test_mentors_rank_by_their_own_scores_when_given():
    scores = np.array([[0.9, 0.8], [0.9, 0.8]])
    assert assign(scores, 1, "stable").mentor_of.tolist() == [0, 1]
    mentor_side = np.array([[0.2, 0.2], [0.7, 0.7]])
    result = assign(scores, 1, "stable", mentor_scores=mentor_side)
    assert result.mentor_of.tolist() == [1, 0]
    assert result.blocking_pairs == 0


def test_forbidden_on_the_mentor_side_is_forbidden():
    mentor_side = np.array([[NAN, 1.0], [1.0, 1.0], [1.0, 1.0]])
    result = assign(SMALL, 1, "stable", mentor_scores=mentor_side)
    assert result.mentor_of.tolist() == [1, 0, -1]


def test_sparse_input_gives_the_same_answers_as_dense():
    for method in ("optimal", "stable", "participation"):
        for dense in (SMALL, FOUR_BY_TWO, NEGATIVE):
            from_dense = assign(dense, 1, method)
            from_sparse = assign(as_sparse(dense), 1, method)
            assert from_sparse.mentor_of.tolist() == from_dense.mentor_of.tolist()
            assert from_sparse.total_score == pytest.approx(from_dense.total_score)
            assert from_sparse.blocking_pairs == from_dense.blocking_pairs


def test_stored_nan_in_a_sparse_matrix_is_forbidden():
    stored = sp.sparse.csr_array(
        (np.array([NAN, 0.5]), (np.array([0, 0]), np.array([0, 1]))), shape=(1, 2)
    )
    assert assign(stored, 1, "stable").mentor_of.tolist() == [1]


def test_measures_with_ties_and_stated_preferences():
    tie = np.zeros((4, 2), dtype=bool)
    tie[0, 0] = tie[3, 1] = tie[2, 0] = True
    preferences = [[1, 0], [0], [0, 1], [1]]
    result = assign(FOUR_BY_TWO, 2, "optimal", tie=tie, preferences=preferences)
    assert result.mentor_of.tolist() == [0, 0, 1, 1]
    assert result.matched_within_tie == 2
    assert result.share_matched_within_tie == 0.5
    assert result.first_choice_share == 0.5
    assert result.top_three_share == 1.0
    assert result.weakest_pair == WeakestPair(mentee=2, mentor=1, score=0.3)
    derived = assign(FOUR_BY_TWO, 2, "optimal", tie=sp.sparse.csr_array(tie))
    assert derived.matched_within_tie == 2
    assert derived.first_choice_share == 0.5
    assert derived.top_three_share == 1.0
    assert assign(FOUR_BY_TWO, 2).matched_within_tie is None


def test_blocking_pairs_of_a_given_assignment():
    swapped = evaluate_assignment(FOUR_BY_TWO, 2, [1, 1, 0, 0])
    assert swapped.method == "given"
    assert swapped.blocking_pairs == 2
    assert swapped.total_score == pytest.approx(1.6)
    assert swapped.ratio_to_optimum == pytest.approx(1.6 / 2.5)
    with_room = evaluate_assignment(FOUR_BY_TWO, 2, [1, -1, 0, 0])
    assert with_room.blocking_pairs == 3


def test_given_assignment_must_obey_the_rules():
    with pytest.raises(ValueError, match=re.escape(ERROR_NOT_ALLOWED)):
        evaluate_assignment(SMALL, 1, [1, -1, 0])
    with pytest.raises(ValueError, match=re.escape(ERROR_OVER_CAPACITY)):
        evaluate_assignment(SMALL, 1, [0, 0, -1])


def test_apply_rules_dense_and_sparse():
    ruled = apply_rules(SMALL, [1, 2], pins=[(2, 1)], forbids=[(1, 0)])
    np.testing.assert_array_equal(ruled.scores, [[0.9, 0.8], [NAN, 0.1], [NAN, NAN]])
    assert ruled.capacity.tolist() == [1, 1]
    assert ruled.pinned_mentor_of.tolist() == [-1, -1, 1]
    ruled_sparse = apply_rules(as_sparse(SMALL), [1, 2], pins=[(2, 1)], forbids=[(1, 0)])
    assert sorted(zip(*ruled_sparse.scores.nonzero(), strict=True)) == [(0, 0), (0, 1), (1, 1)]
    assert ruled_sparse.capacity.tolist() == [1, 1]


def test_result_is_read_only():
    result = assign(SMALL, 1)
    with pytest.raises(ValueError):
        result.mentor_of[0] = 0
    assert result.mentees_of(1).tolist() == [0]


# ---------------------------------------------------------------------------
# Independent references


def reference_optimum(scores, capacity):
    """Linear sum assignment on the capacity-expanded matrix, one "unmatched" column per mentee."""
    n_mentees = scores.shape[0]
    places = np.repeat(np.arange(scores.shape[1]), capacity)
    cost = np.where(np.isfinite(scores), -scores, np.inf)[:, places]
    cost = np.hstack([cost, np.where(np.eye(n_mentees, dtype=bool), 0.0, np.inf)])
    rows, cols = sp.optimize.linear_sum_assignment(cost)
    return -float(cost[rows, cols].sum())


def reference_participation(scores, capacity):
    """Two linear programmes with HiGHS: most matches, then best total among them."""
    rows, cols = np.nonzero(np.isfinite(scores))
    if rows.size == 0:
        return 0, 0.0
    n_mentees, n_mentors = scores.shape
    incidence = sp.sparse.vstack(
        [
            sp.sparse.csr_array(
                (np.ones(rows.size), (rows, np.arange(rows.size))), shape=(n_mentees, rows.size)
            ),
            sp.sparse.csr_array(
                (np.ones(rows.size), (cols, np.arange(rows.size))), shape=(n_mentors, rows.size)
            ),
        ]
    )
    limits = sp.optimize.LinearConstraint(
        incidence, 0, np.concatenate([np.ones(n_mentees), capacity])
    )
    integral = np.ones(rows.size)
    bounds = sp.optimize.Bounds(0, 1)
    most = sp.optimize.milp(
        -np.ones(rows.size), constraints=[limits], integrality=integral, bounds=bounds
    )
    count = round(-most.fun)
    exactly = sp.optimize.LinearConstraint(np.ones((1, rows.size)), count, count)
    best = sp.optimize.milp(
        -scores[rows, cols], constraints=[limits, exactly], integrality=integral, bounds=bounds
    )
    return count, -best.fun


def brute_force_blocking_pairs(scores, mentor_scores, capacity, mentor_of):
    n_mentees, n_mentors = scores.shape
    blocking = 0
    for mentee, mentor in itertools.product(range(n_mentees), range(n_mentors)):
        if not (np.isfinite(scores[mentee, mentor]) and np.isfinite(mentor_scores[mentee, mentor])):
            continue
        current = mentor_of[mentee]
        if current == mentor:
            continue
        if current >= 0 and (scores[mentee, current], -current) > (scores[mentee, mentor], -mentor):
            continue
        held = [other for other in range(n_mentees) if mentor_of[other] == mentor]
        if len(held) < capacity[mentor]:
            blocking += 1
            continue
        if capacity[mentor] == 0:
            continue
        weakest = min(held, key=lambda other: (mentor_scores[other, mentor], -other))
        if (mentor_scores[mentee, mentor], -mentee) > (mentor_scores[weakest, mentor], -weakest):
            blocking += 1
    return blocking


@st.composite
def programmes(draw, max_mentees=6, max_mentors=4):
    n_mentees = draw(st.integers(1, max_mentees))
    n_mentors = draw(st.integers(1, max_mentors))
    # Two decimals make equal scores common, so tie-breaking is exercised.
    cells = st.one_of(st.just(NAN), st.integers(-20, 100).map(lambda cents: cents / 100))
    scores = np.array(
        draw(st.lists(cells, min_size=n_mentees * n_mentors, max_size=n_mentees * n_mentors))
    ).reshape(n_mentees, n_mentors)
    capacity = np.array(draw(st.lists(st.integers(0, 3), min_size=n_mentors, max_size=n_mentors)))
    return scores, capacity


@settings(max_examples=40, deadline=None)
@given(programmes())
def test_optimal_total_equals_linear_sum_assignment(programme):
    scores, capacity = programme
    expected = reference_optimum(scores, capacity)
    for matrix in (scores, as_sparse(scores)):
        result = assign(matrix, capacity, "optimal")
        assert result.total_score == pytest.approx(expected, abs=1e-9)
        assert result.blocking_pairs == brute_force_blocking_pairs(
            scores, scores, capacity, result.mentor_of
        )


@settings(max_examples=25, deadline=None)
@given(programmes(max_mentees=8, max_mentors=5))
def test_short_lists_proved_by_potentials_reach_the_optimum(programme):
    scores, capacity = programme
    expected = reference_optimum(scores, capacity)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(assignment, "_CANDIDATES_PER_MENTEE", 1)
        patch.setattr(assignment, "_SOLVE_WHOLE_UP_TO_PER_MENTEE", 0)
        for matrix in (scores, as_sparse(scores)):
            result = assign(matrix, capacity, "optimal", compare_to_optimum=False)
            assert result.total_score == pytest.approx(expected, abs=1e-9)
            count, best = reference_participation(scores, capacity)
            participation = assign(matrix, capacity, "participation", compare_to_optimum=False)
            assert participation.number_matched == count
            assert participation.total_score == pytest.approx(best, abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(programmes())
def test_participation_matches_most_then_scores_best(programme):
    scores, capacity = programme
    count, best = reference_participation(scores, capacity)
    result = assign(scores, capacity, "participation")
    assert result.number_matched == count
    assert result.total_score == pytest.approx(best, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(programmes(), st.data())
def test_stable_has_no_blocking_pair(programme, data):
    scores, capacity = programme
    mentor_scores = scores
    if data.draw(st.booleans()):
        mentor_scores = np.round(
            np.array(
                data.draw(st.lists(st.floats(0, 1), min_size=scores.size, max_size=scores.size))
            ).reshape(scores.shape),
            1,
        )
    result = assign(scores, capacity, "stable", mentor_scores=mentor_scores)
    assert result.blocking_pairs == 0
    assert brute_force_blocking_pairs(scores, mentor_scores, capacity, result.mentor_of) == 0
    sparse = assign(as_sparse(scores), capacity, "stable", mentor_scores=mentor_scores)
    assert sparse.mentor_of.tolist() == result.mentor_of.tolist()


@settings(max_examples=40, deadline=None)
@given(programmes(max_mentees=4, max_mentors=3))
def test_stable_is_the_best_stable_assignment_for_every_mentee(programme):
    scores, capacity = programme
    result = assign(scores, capacity, "stable")
    n_mentees, n_mentors = scores.shape

    def rank(mentee, mentor):
        return (1, 0.0, 0) if mentor < 0 else (0, -scores[mentee, mentor], mentor)

    for candidate in itertools.product(range(-1, n_mentors), repeat=n_mentees):
        if any(m >= 0 and not np.isfinite(scores[i, m]) for i, m in enumerate(candidate)):
            continue
        if any(candidate.count(m) > capacity[m] for m in range(n_mentors)):
            continue
        if brute_force_blocking_pairs(scores, scores, capacity, np.array(candidate)):
            continue
        for mentee in range(n_mentees):
            assert rank(mentee, result.mentor_of[mentee]) <= rank(mentee, candidate[mentee])


def test_dense_mentee_turned_down_past_the_ranked_prefix():
    # Every mentee ranks all 20 mentors alike, so most are refused by more
    # mentors than were ranked up front.
    scores = np.tile(np.linspace(1.0, 0.05, 20), (40, 1))
    result = assign(scores, 2, "stable")
    assert result.blocking_pairs == 0
    assert np.bincount(result.mentor_of, minlength=20).tolist() == [2] * 20
    assert result.mentor_of[:2].tolist() == [0, 0]
    assert result.mentor_of[38:].tolist() == [19, 19]
