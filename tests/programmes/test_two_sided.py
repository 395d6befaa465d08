"""Programmes whose mentors rank mentees too: stable runs follow both sides' own rankings.

Each game from the `matching` library's documentation is built through the
product: members apply (mentors first, then mentees ranking mentors, then the
mentors rank the mentees), a coordinator starts a stable run, and the
proposal is compared with the library's own answer.
"""

import numpy as np
import pytest

from deskmate.engine.assignment import assign
from deskmate.programmes import matching, services
from deskmate.programmes.models import MatchRun, Programme
from tests.conftest import make_member
from tests.engine.test_stable import GAMES, blocking_pairs, library_answer


def build_programme(coordinator, game, **settings):
    residents, hospitals, capacities = GAMES[game]
    programme = services.programme_create(
        actor=coordinator,
        name=f"Game {game}",
        capacity_per_mentor=max(capacities.values()),
        **settings,
    )
    members = {}
    for name in hospitals:
        members[name] = make_member(
            f"{name.lower()}@example.org",
            name,
            "Mentor",
            open_to_mentoring=True,
            mentee_capacity=capacities[name],
        )
    for name in residents:
        members[name] = make_member(f"{name.lower()}@example.org", name, "Mentee")

    def submit(name, role, **fields):
        services.application_submit(
            programme=programme, member=members[name], actor=members[name], role=role, **fields
        )

    for name in hospitals:
        submit(name, "mentor", capacity=capacities[name])
    for name, ranked in residents.items():
        submit(name, "mentee", mentor_preferences=[members[h].pk for h in ranked])
    for name, ranked in hospitals.items():
        submit(
            name,
            "mentor",
            capacity=capacities[name],
            mentee_preferences=[members[r].pk for r in ranked],
        )
    return programme, {member.pk: name for name, member in members.items()}


def proposal(run, names):
    return {names[pair.mentee_id]: names[pair.mentor_id] for pair in run.pairs.all()}


@pytest.mark.parametrize("game", sorted(GAMES))
def test_a_stable_run_gives_the_library_resident_optimal_matching(coordinator, game):
    programme, names = build_programme(coordinator, game)
    run = services.match_run_start(
        programme=programme, actor=coordinator, method="stable", background=False
    )
    assert run.status == MatchRun.Status.DONE
    assert proposal(run, names) == library_answer(*GAMES[game], "resident")
    assert run.parameters["proposing"] == "mentees"
    assert run.metrics["proposing"] == "mentees"
    assert run.metrics["blocking_pairs"] == 0
    assert blocking_pairs(*GAMES[game], proposal(run, names)) == []


@pytest.mark.parametrize("game", sorted(GAMES))
def test_mentors_propose_on_request_and_get_the_library_hospital_optimal_matching(
    coordinator, game
):
    programme, names = build_programme(coordinator, game)
    run = services.match_run_start(
        programme=programme,
        actor=coordinator,
        method="stable",
        proposing="mentors",
        background=False,
    )
    assert proposal(run, names) == library_answer(*GAMES[game], "hospital")
    assert (run.metrics["proposing"], run.metrics["blocking_pairs"]) == ("mentors", 0)


def test_the_programme_setting_makes_mentors_propose(coordinator):
    programme, names = build_programme(coordinator, "random", proposing="mentors")
    run = services.match_run_start(
        programme=programme, actor=coordinator, method="stable", background=False
    )
    assert run.parameters["proposing"] == "mentors"
    assert proposal(run, names) == library_answer(*GAMES["random"], "hospital")


def test_the_worker_runs_a_stable_match_with_both_sides_rankings(run_tasks, settings, coordinator):
    settings.PROGRAMMES_BACKGROUND_ABOVE = 3
    programme, names = build_programme(coordinator, "hospital_resident")
    run = services.match_run_start(programme=programme, actor=coordinator, method="stable")
    assert run.status == MatchRun.Status.QUEUED
    run_tasks()
    run.refresh_from_db()
    assert run.status == MatchRun.Status.DONE
    assert proposal(run, names) == library_answer(*GAMES["hospital_resident"], "resident")
    assert run.metrics["blocking_pairs"] == 0


def test_the_one_sided_answer_has_blocking_pairs_and_they_are_now_reported(coordinator):
    """Stable on the mentees' side alone (as it was) looks stable but is not, and it shows."""
    residents, hospitals, capacities = GAMES["random"]
    programme, names = build_programme(coordinator, "random")
    matrix = matching.build_matrix(programme)
    one_sided = assign(matrix.mentee_side, matrix.capacity, "stable", compare_to_optimum=False)
    assert one_sided.blocking_pairs == 0
    answer = {
        names[matrix.mentee_ids[row]]: names[matrix.mentor_ids[col]]
        for row, col in enumerate(one_sided.mentor_of.tolist())
        if col >= 0
    }
    by_hand = blocking_pairs(residents, hospitals, capacities, answer)
    assert len(by_hand) > 0
    counts = matching.blocking_counts(matrix, one_sided.mentor_of, seed=1)
    assert counts["blocking_pairs"] == len(by_hand)
    # Measured as if each side's ranking were both's, the mentees' view finds none.
    assert counts["blocking_pairs_mentee_side"] == 0


def test_an_optimal_run_reports_its_blocking_pairs_against_both_sides(coordinator):
    residents, hospitals, capacities = GAMES["random"]
    programme, names = build_programme(coordinator, "random", mentor_weight=0.0)
    run = services.match_run_start(
        programme=programme, actor=coordinator, method="optimal", background=False
    )
    by_hand = blocking_pairs(residents, hospitals, capacities, proposal(run, names))
    assert run.metrics["blocking_pairs"] == len(by_hand)
    assert run.metrics["mentor_weight"] == 0.0
    assert "proposing" not in run.metrics


def test_the_mentor_weight_sets_how_the_two_rankings_make_the_optimal_score(coordinator):
    programme, _ = build_programme(coordinator, "readme", mentor_weight=0.25)
    matrix = matching.build_matrix(programme)
    first = matching.PREFERENCE_WEIGHT
    mentee_first = matrix.preference_rank == 1
    mentor_first = matrix.mentor_preference_rank == 1
    base = matrix.scores - first * (
        0.75 * np.where(matrix.preference_rank > 0, 1.0 / np.maximum(matrix.preference_rank, 1), 0)
        + 0.25
        * np.where(
            matrix.mentor_preference_rank > 0, 1.0 / np.maximum(matrix.mentor_preference_rank, 1), 0
        )
    )
    assert np.allclose(base, matching.SCORE_FLOOR)
    both = mentee_first & mentor_first
    assert np.allclose(matrix.scores[both], matching.SCORE_FLOOR + first)
    assert np.allclose(matrix.mentee_side[mentee_first], matching.SCORE_FLOOR + first)
    assert np.allclose(matrix.mentor_side[mentor_first], matching.SCORE_FLOOR + first)


def test_ties_follow_the_run_not_the_member_ids(coordinator):
    """With no rankings and no other difference, runs differ in who gets the one place."""
    programme = services.programme_create(actor=coordinator, name="Ties", capacity_per_mentor=1)
    mentor = make_member(
        "tm@example.org", "Tess", "Mentor", open_to_mentoring=True, mentee_capacity=1
    )
    mentees = [make_member(f"t{i}@example.org", f"T{i}", "Mentee") for i in range(4)]
    services.application_submit(
        programme=programme, member=mentor, actor=mentor, role="mentor", capacity=1
    )
    for member in mentees:
        services.application_submit(programme=programme, member=member, actor=member, role="mentee")
    matrix = matching.build_matrix(programme)
    chosen = {matching.solve(matrix, "stable", seed=seed).pairs[0][0] for seed in range(24)}
    assert chosen == {0, 1, 2, 3}
    again = matching.solve(matrix, "stable", seed=5).pairs
    assert matching.solve(matrix, "stable", seed=5).pairs == again


def test_an_unknown_proposing_side_is_refused(coordinator):
    programme, _ = build_programme(coordinator, "readme")
    with pytest.raises(services.ValidationError) as error:
        services.match_run_start(
            programme=programme, actor=coordinator, method="stable", proposing="hospitals"
        )
    assert error.value.message_dict == {"proposing": [services.UNKNOWN_PROPOSING]}
    assert MatchRun.objects.count() == 0


def test_a_mentor_ranks_only_mentees_of_the_programme(coordinator, stranger):
    programme, names = build_programme(coordinator, "readme")
    mentor_id = next(pk for pk, name in names.items() if name == "D")
    mentor = services.Member.objects.get(pk=mentor_id)
    before = list(
        programme.applications.filter(member=mentor).values_list("mentee_preferences", flat=True)
    )
    with pytest.raises(services.ValidationError) as error:
        services.application_submit(
            programme=programme,
            member=mentor,
            actor=mentor,
            role="mentor",
            mentee_preferences=[stranger.pk],
        )
    assert error.value.message_dict == {"mentee_preferences": [services.NOT_A_MENTEE_HERE]}
    after = list(
        programme.applications.filter(member=mentor).values_list("mentee_preferences", flat=True)
    )
    assert after == before and len(before[0]) == 3


def test_peer_programmes_keep_their_symmetric_preferences(coordinator, mentee, mentor):
    programme = services.programme_create(actor=coordinator, name="Peers", kind=Programme.Kind.PEER)
    for member in (mentee, mentor):
        services.application_submit(
            programme=programme, member=member, actor=member, role="peer", mentee_preferences=[1]
        )
    assert list(programme.applications.values_list("mentee_preferences", flat=True)) == [[], []]
