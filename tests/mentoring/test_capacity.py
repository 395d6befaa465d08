"""A mentor's capacity is never exceeded: in sequence on any database, under real concurrency on PostgreSQL."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from deskmate.mentoring import selectors, services
from deskmate.mentoring.models import Mentorship
from deskmate.mentoring.states import State
from tests.conftest import make_member


def _mentees(count):
    return [make_member(f"mentee{n}@example.org", f"Mentee{n}", "Z") for n in range(count)]


@pytest.mark.django_db
def test_capacity_holds_in_sequence(mentor):
    mentor.mentee_capacity = 2
    mentor.save()
    requests = [services.mentorship_request(requester=m, recipient=mentor) for m in _mentees(3)]
    services.mentorship_accept(mentorship=requests[0], actor=mentor)
    services.mentorship_accept(mentorship=requests[1], actor=mentor)
    with pytest.raises(ValidationError) as refused:
        services.mentorship_accept(mentorship=requests[2], actor=mentor)
    assert refused.value.messages == [services.MENTOR_FULL]
    requests[2].refresh_from_db()
    assert requests[2].state == State.REQUESTED
    assert selectors.active_mentee_count(mentor) == 2


@pytest.mark.django_db
def test_a_full_mentor_takes_no_new_requests_but_copilots_are_not_counted(mentor, mentee, stranger):
    mentor.mentee_capacity = 1
    mentor.save()
    services.mentorship_accept(
        mentorship=services.mentorship_request(requester=mentee, recipient=mentor), actor=mentor
    )
    with pytest.raises(ValidationError) as refused:
        services.mentorship_request(requester=stranger, recipient=mentor)
    assert refused.value.messages == [services.MENTOR_FULL]
    copilot = services.mentorship_request(
        requester=stranger, recipient=mentor, kind=Mentorship.Kind.COPILOT
    )
    services.mentorship_accept(mentorship=copilot, actor=mentor)
    assert selectors.active_mentee_count(mentor) == 1


@pytest.mark.django_db
def test_a_finished_mentorship_frees_the_place(active, mentor, stranger):
    mentor.mentee_capacity = 1
    mentor.save()
    services.mentorship_complete(mentorship=active, actor=mentor)
    later = services.mentorship_request(requester=stranger, recipient=mentor)
    assert services.mentorship_accept(mentorship=later, actor=mentor).state == State.ACTIVE


@pytest.mark.django_db
def test_programme_match_creates_an_active_mentorship_within_capacity(
    mentor, mentee, stranger, coordinator
):
    mentor.mentee_capacity = 1
    mentor.save()
    matched = services.mentorship_create_from_match(
        mentor=mentor,
        mentee=mentee,
        kind=Mentorship.Kind.MENTORSHIP,
        programme=42,
        actor=coordinator,
    )
    assert (
        matched.state,
        matched.origin,
        matched.programme_id,
        matched.requester,
        matched.recipient,
    ) == (
        State.ACTIVE,
        "programme",
        42,
        mentee,
        mentor,
    )
    assert selectors.current_agreement(matched).version == 1
    with pytest.raises(ValidationError) as refused:
        services.mentorship_create_from_match(
            mentor=mentor, mentee=stranger, kind="mentorship", actor=coordinator
        )
    assert refused.value.messages == [services.MENTOR_FULL]
    services.block_create(blocker=stranger, blocked=mentee)
    with pytest.raises(ValidationError) as refused:
        services.mentorship_create_from_match(
            mentor=stranger, mentee=mentee, kind="copilot", actor=coordinator
        )
    assert refused.value.messages == [services.UNAVAILABLE]


def _race(targets):
    """Run each target in its own thread, all released together; return what each returned or raised."""
    barrier = threading.Barrier(len(targets))
    outcomes = [None] * len(targets)

    def run(index, target):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = target()
        except Exception as error:  # the refusal is the outcome under test
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_acceptances_of_the_last_place_make_one_mentorship(mentor):
    if connection.vendor != "postgresql":
        pytest.skip(
            "Row locks under real concurrency need PostgreSQL; SQLite serialises writers anyway."
        )
    mentor.mentee_capacity = 1
    mentor.save()
    first, second = (
        services.mentorship_request(requester=m, recipient=mentor) for m in _mentees(2)
    )
    outcomes = _race(
        [
            lambda: services.mentorship_accept(mentorship=first, actor=mentor),
            lambda: services.mentorship_accept(mentorship=second, actor=mentor),
        ]
    )
    accepted = [o for o in outcomes if isinstance(o, Mentorship)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert (len(accepted), len(refused)) == (1, 1), outcomes
    assert refused[0].messages == [services.MENTOR_FULL]
    assert Mentorship.objects.filter(state=State.ACTIVE, recipient=mentor).count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_match_and_an_acceptance_race_for_the_last_place(mentor, coordinator):
    if connection.vendor != "postgresql":
        pytest.skip(
            "Row locks under real concurrency need PostgreSQL; SQLite serialises writers anyway."
        )
    mentor.mentee_capacity = 1
    mentor.save()
    asker, matched = _mentees(2)
    request = services.mentorship_request(requester=asker, recipient=mentor)
    outcomes = _race(
        [
            lambda: services.mentorship_accept(mentorship=request, actor=mentor),
            lambda: services.mentorship_create_from_match(
                mentor=mentor, mentee=matched, kind="mentorship", actor=coordinator
            ),
        ]
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["Mentorship", "ValidationError"], outcomes
    assert Mentorship.objects.filter(state=State.ACTIVE, recipient=mentor).count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_same_request_sent_twice_at_once_is_kept_once(mentee, mentor):
    if connection.vendor != "postgresql":
        pytest.skip(
            "Row locks under real concurrency need PostgreSQL; SQLite serialises writers anyway."
        )
    outcomes = _race([lambda: services.mentorship_request(requester=mentee, recipient=mentor)] * 3)
    assert sorted(type(o).__name__ for o in outcomes) == [
        "Mentorship",
        "ValidationError",
        "ValidationError",
    ]
    assert Mentorship.objects.filter(requester=mentee, recipient=mentor).count() == 1
