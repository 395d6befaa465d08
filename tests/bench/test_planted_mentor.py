"""The planted-mentor benchmark plants what its docstring says and scores ranks as documented."""

import numpy as np
import pytest
from bench.quality.planted_mentor import TRACKS, generate, metrics, rank_by


@pytest.fixture(scope="module")
def data():
    return generate(200, 15, seed=3)


def test_each_mentor_has_made_the_move_the_mentee_wants(data):
    assert len(data.mentees) == 15 and len(set(data.mentors)) == 15
    for mentee, mentor in zip(data.mentees, data.mentors, strict=True):
        (goal,) = data.profiles[mentee].goals
        (first_title,) = [role.title for role in data.profiles[mentee].roles]
        track = next(track for track in TRACKS if track[0] == first_title)
        assert goal.target_role == track[2]
        assert [role.title for role in data.profiles[mentor].roles] == list(track)
        assert data.profiles[mentor].roles[-1].end_year is None


def test_metrics_are_hits_and_mean_reciprocal_rank():
    rankings = [[5, 7, 9], [7, 9, 5], [9, 8]]
    assert metrics(rankings, [5, 5, 5]) == pytest.approx((1 / 3, 2 / 3, (1 + 1 / 3 + 0) / 3))


def test_baseline_order_leaves_out_the_mentee_and_breaks_ties_by_hash():
    scores = [3.0, 1.0, 1.0, 1.0, 0.0]
    scores_array = np.array(scores)
    order = rank_by(scores_array, 0, "salt")
    assert order[-1] == 4 and 0 not in order and sorted(order[:3]) == [1, 2, 3]
    assert rank_by(scores_array, 0, "salt") == order
