"""Run, review, publish: exactly the proposed mentorships, once; latecomers later without disturbing them."""

import pytest
from django.core.exceptions import ValidationError

from deskmate.mentoring.models import Mentorship
from deskmate.mentoring.states import State
from deskmate.notifications.models import Notification
from deskmate.programmes import services
from deskmate.programmes.models import MatchRun, PairRule, Programme, ProposedPair
from tests.conftest import make_member
from tests.programmes.conftest import apply

pytestmark = pytest.mark.django_db


def pairs_of(run) -> set[tuple[int, int]]:
    return set(run.pairs.values_list("mentee_id", "mentor_id"))


def mentorships_of(programme) -> set[tuple[int, int]]:
    return set(
        Mentorship.objects.filter(programme_id=programme.pk).values_list(
            "requester_id", "recipient_id"
        )
    )


@pytest.mark.parametrize("method", ["optimal", "stable", "participation"])
def test_a_run_proposes_pairs_with_reasons_and_metrics(cohort, coordinator, method):
    run = services.match_run_start(programme=cohort, actor=coordinator, method=method)
    assert run.status == MatchRun.Status.DONE
    assert run.pairs.count() == 2
    assert all(pair.reasons for pair in run.pairs.all())
    metrics = run.metrics
    assert (
        metrics["mentees"],
        metrics["mentors"],
        metrics["number_matched"],
        metrics["share_matched"],
    ) == (2, 2, 2, 1.0)
    assert metrics["unmatched"] == []
    for key in (
        "total_score",
        "ratio_to_optimum",
        "matched_within_tie",
        "blocking_pairs",
        "first_choice_share",
        "top_three_share",
        "weakest_pair",
    ):
        assert key in metrics
    assert metrics["matched_within_tie"] == 0
    assert Mentorship.objects.count() == 0


def test_publishing_creates_exactly_the_proposed_mentorships(cohort, coordinator):
    run = services.match_run_start(programme=cohort, actor=coordinator)
    proposed = pairs_of(run)
    services.match_run_publish(run=run, actor=coordinator)
    assert mentorships_of(cohort) == proposed
    made = Mentorship.objects.filter(programme_id=cohort.pk)
    assert {(m.state, m.origin, m.kind) for m in made} == {
        (State.ACTIVE, "programme", "mentorship")
    }
    assert set(ProposedPair.objects.filter(run=run).values_list("mentorship_id", flat=True)) == set(
        made.values_list("pk", flat=True)
    )
    run.refresh_from_db()
    assert (run.status, run.published_by) == (MatchRun.Status.PUBLISHED, coordinator)
    assert Notification.objects.filter(kind="mentorship_matched").count() == 4


def test_publishing_twice_creates_nothing_more(cohort, coordinator):
    run = services.match_run_start(programme=cohort, actor=coordinator)
    services.match_run_publish(run=run, actor=coordinator)
    with pytest.raises(ValidationError) as twice:
        services.match_run_publish(run=run, actor=coordinator)
    assert twice.value.messages == [services.RUN_ALREADY_PUBLISHED]
    assert Mentorship.objects.count() == 2


def test_an_older_proposal_cannot_be_published_after_a_newer_one(cohort, coordinator):
    older = services.match_run_start(programme=cohort, actor=coordinator)
    newer = services.match_run_start(programme=cohort, actor=coordinator, method="stable")
    services.match_run_publish(run=newer, actor=coordinator)
    with pytest.raises(ValidationError) as stale:
        services.match_run_publish(run=older, actor=coordinator)
    assert stale.value.messages == [services.RUN_OUT_OF_DATE]
    assert Mentorship.objects.count() == 2


def test_a_pin_changes_the_next_run(cohort, coordinator, mentee, mentor):
    first = services.match_run_start(programme=cohort, actor=coordinator)
    pinned = (mentee.pk, mentor.pk)
    if pinned in pairs_of(first):
        services.pair_rule_set(
            programme=cohort,
            actor=coordinator,
            mentee=mentee,
            mentor=mentor,
            kind=PairRule.Kind.FORBID,
        )
        second = services.match_run_start(programme=cohort, actor=coordinator)
        assert pinned not in pairs_of(second)
    else:
        services.pair_rule_set(
            programme=cohort,
            actor=coordinator,
            mentee=mentee,
            mentor=mentor,
            kind=PairRule.Kind.PIN,
        )
        second = services.match_run_start(programme=cohort, actor=coordinator)
        assert pinned in pairs_of(second)
        assert second.pairs.get(mentee=mentee).pinned


def test_a_rerun_for_latecomers_keeps_published_pairs(
    cohort, coordinator, mentee, mentor, second_mentee, second_mentor
):
    first = services.match_run_start(programme=cohort, actor=coordinator)
    services.match_run_publish(run=first, actor=coordinator)
    published = {(m.requester_id, m.recipient_id): m.pk for m in Mentorship.objects.all()}

    late_mentee = make_member("leo@example.org", "Leo", "Late")
    apply(cohort, late_mentee, "mentee", goals="Lead a team")
    # Both mentors took one mentee each: their places are used, so Leo waits.
    waiting = services.match_run_start(programme=cohort, actor=coordinator)
    assert {(p.mentee_id, p.mentor_id) for p in waiting.pairs.filter(carried=True)} == set(
        published
    )
    assert waiting.metrics["unmatched"] == [late_mentee.pk]

    late_mentor = make_member(
        "lara@example.org", "Lara", "Late", open_to_mentoring=True, mentee_capacity=1
    )
    apply(cohort, late_mentor, "mentor")
    rerun = services.match_run_start(programme=cohort, actor=coordinator, method="stable")
    assert pairs_of(rerun) == set(published) | {(late_mentee.pk, late_mentor.pk)}
    carried = rerun.pairs.filter(carried=True).values_list(
        "mentee_id", "mentor_id", "mentorship_id"
    )
    assert {
        (mentee_id, mentor_id): mentorship_id for mentee_id, mentor_id, mentorship_id in carried
    } == published
    assert "Published earlier; kept as it is" in rerun.pairs.get(mentee=mentee).reasons
    services.match_run_publish(run=rerun, actor=coordinator)
    after = {(m.requester_id, m.recipient_id): m.pk for m in Mentorship.objects.all()}
    assert len(after) == 3
    assert {pair: after[pair] for pair in published} == published


def test_publishing_is_all_or_nothing(cohort, coordinator, mentor, second_mentor):
    run = services.match_run_start(programme=cohort, actor=coordinator)
    # Olivia's last place goes elsewhere before the coordinator publishes.
    outsider = make_member("out@example.org", "Otto", "Side")
    from deskmate.mentoring.services import mentorship_accept, mentorship_request

    second_mentor.mentee_capacity = 1
    second_mentor.save()
    request = mentorship_request(requester=outsider, recipient=second_mentor, message="Hello")
    mentorship_accept(mentorship=request, actor=second_mentor)
    with pytest.raises(ValidationError) as refused:
        services.match_run_publish(run=run, actor=coordinator)
    assert "no free place" in refused.value.messages[0]
    assert Mentorship.objects.filter(programme_id=cohort.pk).count() == 0
    run.refresh_from_db()
    assert run.status == MatchRun.Status.DONE


def test_unmatched_applicants_are_told(programme, coordinator, mentee, second_mentee, mentor):
    apply(programme, mentee, "mentee")
    apply(programme, second_mentee, "mentee")
    apply(programme, mentor, "mentor", capacity=1)
    run = services.match_run_start(programme=programme, actor=coordinator)
    services.match_run_publish(run=run, actor=coordinator)
    told = Notification.objects.filter(kind="programme_unmatched")
    assert told.count() == 1
    assert told.get().recipient_id in {mentee.pk, second_mentee.pk}
    assert told.get().recipient_id == run.metrics["unmatched"][0]


def test_peer_rounds_never_repeat_a_pair(coordinator, mentee, mentor, second_mentee, second_mentor):
    peers = services.programme_create(actor=coordinator, name="Copilots", kind=Programme.Kind.PEER)
    for member in (mentee, mentor, second_mentee, second_mentor):
        apply(peers, member, "peer")
    first = services.match_run_start(programme=peers, actor=coordinator)
    assert (first.method, first.round, first.pairs.count()) == ("peer", 1, 2)
    services.match_run_publish(run=first, actor=coordinator)
    assert (
        Mentorship.objects.filter(kind=Mentorship.Kind.COPILOT, programme_id=peers.pk).count() == 2
    )
    round_one = {frozenset(pair) for pair in pairs_of(first)}

    same_round = services.match_run_start(programme=peers, actor=coordinator)
    assert same_round.round == 1
    assert {
        frozenset(pair)
        for pair in same_round.pairs.filter(carried=True).values_list("mentee_id", "mentor_id")
    } == round_one

    second = services.match_run_start(programme=peers, actor=coordinator, new_round=True)
    assert second.round == 2
    round_two = {frozenset(pair) for pair in pairs_of(second)}
    assert len(round_two) == 2
    assert not round_one & round_two
    services.match_run_publish(run=second, actor=coordinator)
    assert (
        Mentorship.objects.filter(kind=Mentorship.Kind.COPILOT, programme_id=peers.pk).count() == 4
    )


def test_only_coordinators_run_or_publish(cohort, mentee, coordinator):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.match_run_start(programme=cohort, actor=mentee)
    run = services.match_run_start(programme=cohort, actor=coordinator)
    with pytest.raises(PermissionDenied):
        services.match_run_publish(run=run, actor=mentee)
    assert Mentorship.objects.count() == 0
