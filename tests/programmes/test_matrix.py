"""The score matrix: hard rules become forbidden pairs, pins are kept, ties count only when public."""

import datetime as dt

import numpy as np
import pytest
from django.core.exceptions import ValidationError

from deskmate.mentoring.services import block_create
from deskmate.network.models import Tie
from deskmate.people.services import position_create
from deskmate.programmes import matching, services
from deskmate.programmes.matching import RULE_WORDS, build_matrix, for_coordinator, solve
from deskmate.programmes.models import PairRule, Programme
from tests.conftest import make_member
from tests.programmes.conftest import apply

pytestmark = pytest.mark.django_db

START = dt.date(2020, 1, 1)


def allowed(matrix, mentee, mentor) -> bool:
    return bool(
        np.isfinite(
            matrix.scores[matrix.mentee_ids.index(mentee.pk), matrix.mentor_ids.index(mentor.pk)]
        )
    )


def rules_on(matrix, mentee, mentor) -> set[str]:
    row, col = matrix.mentee_ids.index(mentee.pk), matrix.mentor_ids.index(mentor.pk)
    return {name for name, mask in matrix.rules.items() if mask[row, col]}


def work(member, organisation, unit=""):
    position_create(
        member=member,
        actor=member,
        organisation=organisation,
        unit=unit,
        title="Engineer",
        start=START,
    )


def test_everyone_allowed_without_rules(cohort, mentee, mentor, second_mentee, second_mentor):
    matrix = build_matrix(cohort)
    assert matrix.mentee_ids == sorted([mentee.pk, second_mentee.pk])
    assert matrix.mentor_ids == sorted([mentor.pk, second_mentor.pk])
    assert np.isfinite(matrix.scores).all()
    assert (matrix.scores > 0).all()
    assert matrix.capacity.tolist() == [1, 1]


def test_reporting_line_is_forbidden_up_the_chain(
    cohort, mentee, mentor, second_mentee, second_mentor
):
    boss = make_member("boss@example.org", "Bea", "Boss")
    mentee.manager = boss
    mentee.save()
    boss.manager = mentor  # Daniel manages Maya's manager: same reporting line, two levels up.
    boss.save()
    matrix = build_matrix(cohort)
    assert not allowed(matrix, mentee, mentor)
    assert rules_on(matrix, mentee, mentor) == {"reporting_line"}
    assert allowed(matrix, mentee, second_mentor)
    assert allowed(matrix, second_mentee, mentor)

    cohort.avoid_reporting_line = False
    cohort.save()
    assert allowed(build_matrix(cohort), mentee, mentor)


def test_same_unit_is_forbidden_only_when_asked(
    cohort, mentee, mentor, second_mentee, second_mentor
):
    work(mentee, "Acme", "Payments")
    work(mentor, "Acme", "Payments")
    work(second_mentor, "Acme", "Search")
    assert allowed(build_matrix(cohort), mentee, mentor)
    cohort.avoid_same_unit = True
    cohort.save()
    matrix = build_matrix(cohort)
    assert rules_on(matrix, mentee, mentor) == {"unit"}
    assert allowed(matrix, mentee, second_mentor)


def test_organisation_must_and_must_not_be_shared(
    cohort, mentee, mentor, second_mentee, second_mentor
):
    work(mentee, "Acme")
    work(mentor, "ACME Inc.")
    work(second_mentor, "Globex")
    cohort.organisation_rule = Programme.OrganisationRule.SAME
    cohort.save()
    matrix = build_matrix(cohort)
    assert allowed(matrix, mentee, mentor)
    assert rules_on(matrix, mentee, second_mentor) == {"organisation_same"}
    # Nina works nowhere: she shares no organisation with anyone.
    assert not allowed(matrix, second_mentee, mentor)

    cohort.organisation_rule = Programme.OrganisationRule.DIFFERENT
    cohort.save()
    matrix = build_matrix(cohort)
    assert rules_on(matrix, mentee, mentor) == {"organisation_different"}
    assert allowed(matrix, mentee, second_mentor)
    assert allowed(matrix, second_mentee, mentor)


def test_blocked_pairs_are_forbidden_either_way(
    cohort, mentee, mentor, second_mentee, second_mentor
):
    block_create(blocker=mentor, blocked=mentee)
    block_create(blocker=second_mentee, blocked=second_mentor)
    matrix = build_matrix(cohort)
    assert rules_on(matrix, mentee, mentor) == {"blocked"}
    assert rules_on(matrix, second_mentee, second_mentor) == {"blocked"}
    assert allowed(matrix, mentee, second_mentor)


def test_coordinator_forbid(cohort, coordinator, mentee, mentor, second_mentor):
    services.pair_rule_set(
        programme=cohort, actor=coordinator, mentee=mentee, mentor=mentor, kind=PairRule.Kind.FORBID
    )
    matrix = build_matrix(cohort)
    assert rules_on(matrix, mentee, mentor) == {"forbidden"}
    result = solve(matrix, "optimal")
    assert (
        matrix.mentee_ids.index(mentee.pk),
        matrix.mentor_ids.index(mentor.pk),
    ) not in result.pairs


def test_pin_is_kept_whatever_the_scores(
    cohort, coordinator, mentee, mentor, second_mentee, second_mentor
):
    services.pair_rule_set(
        programme=cohort,
        actor=coordinator,
        mentee=second_mentee,
        mentor=mentor,
        kind=PairRule.Kind.PIN,
    )
    matrix = build_matrix(cohort)
    pin = (matrix.mentee_ids.index(second_mentee.pk), matrix.mentor_ids.index(mentor.pk))
    assert matrix.pins == [pin]
    for method in ("optimal", "stable", "participation"):
        assert pin in solve(matrix, method).pairs
    assert "Pinned by a coordinator" in matching.reasons_for(matrix, *pin)


def test_pin_refused_when_a_rule_forbids_it(cohort, coordinator, mentee, mentor):
    mentee.manager = mentor
    mentee.save()
    with pytest.raises(ValidationError) as refused:
        services.pair_rule_set(
            programme=cohort,
            actor=coordinator,
            mentee=mentee,
            mentor=mentor,
            kind=PairRule.Kind.PIN,
        )
    assert refused.value.messages == [
        services.PAIR_NOT_ALLOWED.format(
            first="Maya Patel", second="Daniel Okafor", reasons=RULE_WORDS["reporting_line"]
        )
    ]
    assert PairRule.objects.count() == 0


def test_a_mentee_is_pinned_once_and_a_mentor_within_capacity(
    cohort, coordinator, mentee, mentor, second_mentee, second_mentor
):
    services.pair_rule_set(
        programme=cohort, actor=coordinator, mentee=mentee, mentor=mentor, kind=PairRule.Kind.PIN
    )
    with pytest.raises(ValidationError) as twice:
        services.pair_rule_set(
            programme=cohort,
            actor=coordinator,
            mentee=mentee,
            mentor=second_mentor,
            kind=PairRule.Kind.PIN,
        )
    assert twice.value.messages == [
        services.ALREADY_PINNED.format(name="Maya Patel", other="Daniel Okafor")
    ]
    with pytest.raises(ValidationError) as full:
        services.pair_rule_set(
            programme=cohort,
            actor=coordinator,
            mentee=second_mentee,
            mentor=mentor,
            kind=PairRule.Kind.PIN,
        )
    assert full.value.messages == [services.MENTOR_PINS_FULL.format(name="Daniel Okafor")]
    # Forbidding a pinned pair replaces the pin.
    services.pair_rule_set(
        programme=cohort, actor=coordinator, mentee=mentee, mentor=mentor, kind=PairRule.Kind.FORBID
    )
    assert list(PairRule.objects.values_list("kind", flat=True)) == ["forbid"]


def test_pins_need_a_mentee_and_a_mentor_of_the_programme(
    cohort, coordinator, mentee, mentor, second_mentee, stranger
):
    with pytest.raises(ValidationError) as roles:
        services.pair_rule_set(
            programme=cohort,
            actor=coordinator,
            mentee=mentor,
            mentor=mentee,
            kind=PairRule.Kind.PIN,
        )
    assert roles.value.messages == [services.WRONG_ROLES]
    with pytest.raises(ValidationError) as outsider:
        services.pair_rule_set(
            programme=cohort,
            actor=coordinator,
            mentee=stranger,
            mentor=mentor,
            kind=PairRule.Kind.PIN,
        )
    assert outsider.value.messages == [services.NOT_APPLICANTS.format(who="Sam Stranger")]


def _tie(first, second, evidence):
    low, high = sorted([first, second], key=lambda member: member.pk)
    Tie.objects.create(member_low=low, member_high=high, strength=0.9, evidence=evidence)


def test_only_public_tie_evidence_counts(cohort, mentee, mentor, second_mentee, second_mentor):
    _tie(
        mentee,
        mentor,
        [
            {"kind": 7, "strength": 0.3, "count": 3},
            {"kind": 5, "strength": 0.5, "private_to": mentee.pk},
        ],
    )
    _tie(
        second_mentee, second_mentor, [{"kind": 5, "strength": 0.5, "private_to": second_mentor.pk}]
    )
    matrix = build_matrix(cohort)
    row, col = matrix.mentee_ids.index(mentee.pk), matrix.mentor_ids.index(mentor.pk)
    assert matrix.tie[row, col] == pytest.approx(0.3)
    private_only = (
        matrix.mentee_ids.index(second_mentee.pk),
        matrix.mentor_ids.index(second_mentor.pk),
    )
    assert matrix.tie[private_only] == 0.0
    reasons = matching.reasons_for(matrix, row, col)
    assert "3 mutual contacts" in reasons
    assert not any("contacts" in reason and "mutual" not in reason for reason in reasons)


def test_the_tie_weight_is_signed(cohort, mentee, mentor, second_mentor):
    _tie(mentee, mentor, [{"kind": 7, "strength": 0.4, "count": 4}])

    def gap():
        matrix = build_matrix(cohort)
        row = matrix.mentee_ids.index(mentee.pk)
        known, unknown = (
            matrix.mentor_ids.index(mentor.pk),
            matrix.mentor_ids.index(second_mentor.pk),
        )
        return matrix.scores[row, known] - matrix.scores[row, unknown]

    cohort.tie_weight = 0.0
    cohort.save()
    neutral = gap()
    cohort.tie_weight = 1.0
    cohort.save()
    assert gap() == pytest.approx(neutral + 0.4)
    cohort.tie_weight = -1.0
    cohort.save()
    assert gap() == pytest.approx(neutral - 0.4)


def test_topic_ranks_and_mentor_preferences_add_to_the_score(
    programme, mentee, mentor, second_mentor
):
    apply(programme, mentor, "mentor", topics={"Leadership": 1})
    apply(programme, second_mentor, "mentor", topics={"Public speaking": 1})
    apply(
        programme,
        mentee,
        "mentee",
        topics={"Leadership": 1, "Career change": 2},
        mentor_preferences=[second_mentor.pk],
    )
    matrix = build_matrix(programme)
    daniel, olivia = matrix.mentor_ids.index(mentor.pk), matrix.mentor_ids.index(second_mentor.pk)
    assert matrix.topics[0, daniel] == pytest.approx(1 / np.sqrt(1.25))
    assert matrix.topics[0, olivia] == 0.0
    assert matrix.preference_rank[0].tolist() == ([0, 1] if daniel == 0 else [1, 0])
    assert matrix.preferences == [[olivia]]
    assert "Both put Leadership first" in matching.reasons_for(matrix, 0, daniel)
    assert "Maya's first choice of mentor" in matching.reasons_for(matrix, 0, olivia)


def test_reasons_are_reworded_for_the_coordinator():
    assert for_coordinator("You overlapped on the Payments team at Acme, 2019–2021") == (
        "They overlapped on the Payments team at Acme, 2019–2021"
    )
    assert for_coordinator("You both work at Acme since 2020") == "Both work at Acme since 2020"
    assert for_coordinator(
        "Moved from engineer to engineering manager in 2018 — one of your goals"
    ) == ("Moved from engineer to engineering manager in 2018 — one of the mentee's goals")
    assert (
        for_coordinator("Knows Python — skills you want")
        == "Knows Python — skills the mentee wants"
    )


def test_peer_programme_is_square_and_avoids_earlier_rounds(
    coordinator, mentee, mentor, second_mentee, second_mentor
):
    peers = services.programme_create(actor=coordinator, name="Copilots", kind=Programme.Kind.PEER)
    for member in (mentee, mentor, second_mentee, second_mentor):
        apply(peers, member, "peer")
    matrix = build_matrix(peers)
    assert matrix.mentee_ids == matrix.mentor_ids
    assert np.isnan(np.diag(matrix.scores)).all()
    result = solve(matrix, "optimal")
    assert len(result.pairs) == 2
    assert result.metrics["number_matched"] == 4
