"""Stable matching with each side's own preferences, against the `matching` library's answers.

The instances are the library's published ones: the stable marriage game of its
README (suitors A, B, C; reviewers D, E, F), the hospital/resident game of its
"hospital_resident" discussion page (residents Ada, Sam, Dani, Luc and Jo;
hospitals Mercy, City and General with two places each), and one seeded
random game with complete lists where the resident- and hospital-optimal
matchings differ.
"""

import numpy as np
import pytest
from matching.games import HospitalResident

from deskmate.engine.assignment import assign, evaluate_assignment
from deskmate.engine.stable import fair_keys, mentor_proposing, rank_matrix, strict_orders

README_SUITORS = {"A": ["D", "E", "F"], "B": ["D", "F", "E"], "C": ["F", "D", "E"]}
README_REVIEWERS = {"D": ["B", "C", "A"], "E": ["A", "C", "B"], "F": ["C", "B", "A"]}

HR_RESIDENTS = {
    "Ada": ["City"],
    "Sam": ["City", "Mercy"],
    "Dani": ["City", "Mercy", "General"],
    "Luc": ["Mercy", "City", "General"],
    "Jo": ["City", "General", "Mercy"],
}
HR_HOSPITALS = {
    "Mercy": ["Dani", "Luc", "Sam", "Jo"],
    "City": ["Dani", "Ada", "Sam", "Luc", "Jo"],
    "General": ["Dani", "Jo", "Luc"],
}
HR_CAPACITIES = {"Mercy": 2, "City": 2, "General": 2}


def random_game(seed=3, residents=12, capacities=(2, 3, 2, 3)):
    rng = np.random.default_rng(seed)
    people = [f"r{i}" for i in range(residents)]
    places = [f"h{j}" for j in range(len(capacities))]
    resident_prefs = {p: [places[k] for k in rng.permutation(len(places))] for p in people}
    hospital_prefs = {h: [people[k] for k in rng.permutation(residents)] for h in places}
    return resident_prefs, hospital_prefs, dict(zip(places, capacities, strict=True))


GAMES = {
    "readme": (README_SUITORS, README_REVIEWERS, dict.fromkeys(README_REVIEWERS, 1)),
    "hospital_resident": (HR_RESIDENTS, HR_HOSPITALS, HR_CAPACITIES),
    "random": random_game(),
}


def library_answer(residents, hospitals, capacities, optimal):
    game = HospitalResident.create_from_dictionaries(residents, hospitals, capacities)
    solved = game.solve(optimal=optimal)
    return {r.name: h.name for h, matched in solved.items() for r in matched}


def rank_matrices(residents, hospitals):
    """The two sides' lists as rank matrices; a pair unranked by either side is not allowed."""
    rows, cols = list(residents), list(hospitals)
    shape = (len(rows), len(cols))
    resident_ranks = rank_matrix(
        [[cols.index(h) for h in residents[r] if r in hospitals[h]] for r in rows], shape
    )
    hospital_ranks = rank_matrix(
        [[rows.index(r) for r in hospitals[h] if h in residents[r]] for h in cols], shape[::-1]
    ).T
    allowed = np.isfinite(resident_ranks) & np.isfinite(hospital_ranks)
    resident_ranks[~allowed] = np.nan
    hospital_ranks[~allowed] = np.nan
    return rows, cols, resident_ranks, hospital_ranks


def named(rows, cols, mentor_of):
    return {rows[r]: cols[c] for r, c in enumerate(mentor_of.tolist()) if c >= 0}


def blocking_pairs(residents, hospitals, capacities, answer):
    """Every (resident, hospital) pair that would both rather be together, counted by hand."""
    found = []
    for resident, ranked in residents.items():
        current = answer.get(resident)
        better = ranked if current is None else ranked[: ranked.index(current)]
        for hospital in better:
            taken = [r for r, h in answer.items() if h == hospital]
            order = hospitals[hospital]
            if resident not in order:
                continue
            if len(taken) < capacities[hospital] or any(
                order.index(resident) < order.index(r) for r in taken
            ):
                found.append((resident, hospital))
    return found


@pytest.mark.parametrize("game", sorted(GAMES))
def test_mentee_proposing_is_the_library_resident_optimal_matching(game):
    residents, hospitals, capacities = GAMES[game]
    rows, cols, resident_ranks, hospital_ranks = rank_matrices(residents, hospitals)
    result = assign(
        resident_ranks,
        [capacities[h] for h in cols],
        "stable",
        mentor_scores=hospital_ranks,
        compare_to_optimum=False,
    )
    answer = named(rows, cols, result.mentor_of)
    assert answer == library_answer(residents, hospitals, capacities, "resident")
    assert result.blocking_pairs == 0
    assert blocking_pairs(residents, hospitals, capacities, answer) == []


@pytest.mark.parametrize("game", sorted(GAMES))
def test_mentor_proposing_is_the_library_hospital_optimal_matching(game):
    residents, hospitals, capacities = GAMES[game]
    rows, cols, resident_ranks, hospital_ranks = rank_matrices(residents, hospitals)
    capacity = np.array([capacities[h] for h in cols])
    mentor_of = mentor_proposing(
        resident_ranks, hospital_ranks, capacity, np.ones(len(rows), dtype=bool)
    )
    answer = named(rows, cols, mentor_of)
    assert answer == library_answer(residents, hospitals, capacities, "hospital")
    measured = evaluate_assignment(
        resident_ranks, capacity, mentor_of, mentor_scores=hospital_ranks, compare_to_optimum=False
    )
    assert measured.blocking_pairs == 0


def test_the_random_game_has_two_different_stable_matchings():
    residents, hospitals, capacities = GAMES["random"]
    resident_optimal = library_answer(residents, hospitals, capacities, "resident")
    hospital_optimal = library_answer(residents, hospitals, capacities, "hospital")
    assert resident_optimal != hospital_optimal


def test_one_sided_stable_matching_has_blocking_pairs_against_the_mentors_rankings():
    residents, hospitals, capacities = GAMES["random"]
    rows, cols, resident_ranks, hospital_ranks = rank_matrices(residents, hospitals)
    capacity = [capacities[h] for h in cols]
    one_sided = assign(resident_ranks, capacity, "stable", compare_to_optimum=False)
    assert one_sided.blocking_pairs == 0
    measured = evaluate_assignment(
        resident_ranks,
        capacity,
        one_sided.mentor_of,
        mentor_scores=hospital_ranks,
        compare_to_optimum=False,
    )
    by_hand = blocking_pairs(
        residents, hospitals, capacities, named(rows, cols, one_sided.mentor_of)
    )
    assert measured.blocking_pairs == len(by_hand) > 0


def test_pinned_mentees_are_left_out_of_mentor_proposing_and_of_blocking_pairs():
    mentees = np.array([[2.0, 1.0], [2.0, 1.0]])
    mentors = np.array([[1.0, 2.0], [2.0, 1.0]])
    free = np.array([True, False])
    assert mentor_proposing(mentees, mentors, np.array([0, 1]), free).tolist() == [1, -1]
    # Mentee 1 pinned to mentor 1; mentee 0 alone at mentor 0 would block with nobody.
    pinned = evaluate_assignment(mentees, 1, [0, 1], mentor_scores=mentors, pins=[(1, 1)])
    unpinned = evaluate_assignment(mentees, 1, [0, 1], mentor_scores=mentors)
    assert (pinned.blocking_pairs, unpinned.blocking_pairs) == (0, 1)


def test_fair_keys_depend_on_the_seed_and_the_pair_not_on_positions():
    keys = fair_keys(11, [5, 9], [2, 4])
    swapped = fair_keys(11, [9, 5], [4, 2])
    assert keys[0, 0] == swapped[1, 1] and keys[1, 0] == swapped[0, 1]
    assert (fair_keys(12, [5, 9], [2, 4]) != keys).all()


def test_equal_scores_are_ordered_by_the_fair_keys_after_the_ranked_list():
    scores = np.array([[0.3, 0.3, 0.3, np.nan, 0.8]])
    keys = np.array([[30, 10, 20, 0, 99]], dtype=np.uint64)
    assert strict_orders(scores, [[2, 3]], keys) == [[2, 4, 1, 0]]


def test_ties_are_broken_by_the_keys_whichever_index_comes_first():
    """Equal scores everywhere: the order follows the keys, not the column numbers."""
    scores = np.zeros((3, 4))
    for seed in range(5):
        keys = fair_keys(seed, [101, 102, 103], [7, 8, 9, 10])
        orders = strict_orders(scores, [[], [], []], keys)
        assert orders == [np.argsort(keys[row], kind="stable").tolist() for row in range(3)]
    firsts = {
        strict_orders(scores[:1], [[]], fair_keys(seed, [101], [7, 8, 9, 10]))[0][0]
        for seed in range(40)
    }
    assert firsts == {0, 1, 2, 3}
