import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from deskmate.core.models import AuditEntry
from deskmate.mentoring import selectors, services
from deskmate.mentoring.models import Availability, Event, Mentorship
from deskmate.mentoring.states import State
from deskmate.notifications.models import EmailDelivery, Notification
from deskmate.people.services import goal_create
from tests.conftest import make_member

pytestmark = pytest.mark.django_db


def test_request_is_recorded_with_its_goals_audit_event_and_notification(
    asked, mentee, mentor, goal
):
    assert (asked.state, asked.kind, asked.requester, asked.recipient) == (
        State.REQUESTED,
        Mentorship.Kind.MENTORSHIP,
        mentee,
        mentor,
    )
    assert list(asked.goals.all()) == [goal]
    assert asked.expires_at - asked.created_at == dt.timedelta(days=14)
    audit = AuditEntry.objects.get(action="mentorship_request")
    assert (audit.actor, audit.subject_type, audit.subject_id, audit.details) == (
        mentee,
        "mentorship",
        asked.pk,
        {"recipient": str(mentor.pk), "kind": "mentorship"},
    )
    assert list(Event.objects.values_list("kind", "text")) == [
        ("requested", "Maya Patel asked Daniel Okafor for mentorship.")
    ]
    told = Notification.objects.get(recipient=mentor)
    assert (told.kind, told.title, told.url) == (
        "request_new",
        "Maya Patel asks you for mentorship",
        f"/mentorships/{asked.pk}/",
    )
    assert EmailDelivery.objects.filter(notification=told, status="pending").count() == 1


def _refused(message, **kwargs):
    with pytest.raises(ValidationError) as refused:
        services.mentorship_request(**kwargs)
    assert refused.value.messages == [message]


def test_cannot_ask_yourself(mentee):
    _refused(services.CANNOT_ASK_YOURSELF, requester=mentee, recipient=mentee)
    assert Mentorship.objects.count() == 0


@pytest.mark.parametrize(
    "why", ["not_open", "paused", "blocked_by_them", "blocked_by_me", "signed_out_for_good"]
)
def test_every_unavailable_person_reads_the_same(why, mentee, mentor):
    if why == "not_open":
        mentor.open_to_mentoring = False
        mentor.save()
    elif why == "paused":
        services.availability_update(member=mentor, unavailable=True, actor=mentor)
    elif why == "blocked_by_them":
        services.block_create(blocker=mentor, blocked=mentee)
    elif why == "blocked_by_me":
        services.block_create(blocker=mentee, blocked=mentor)
    else:
        mentor.user.is_active = False
        mentor.user.save()
    _refused(services.UNAVAILABLE, requester=mentee, recipient=mentor)
    assert Mentorship.objects.count() == 0
    assert Notification.objects.filter(recipient=mentor).count() == 0


def test_a_blocked_member_cannot_ask_the_blocker_either(mentee, mentor):
    services.block_create(blocker=mentee, blocked=mentor)
    _refused(services.UNAVAILABLE, requester=mentor, recipient=mentee, kind=Mentorship.Kind.COPILOT)


def test_copilots_need_not_be_open_to_mentoring(mentee, stranger):
    copilot = services.mentorship_request(
        requester=mentee, recipient=stranger, kind=Mentorship.Kind.COPILOT
    )
    assert copilot.state == State.REQUESTED


def test_one_open_request_per_person(asked, mentee, mentor):
    _refused(services.ALREADY_ASKED, requester=mentee, recipient=mentor)
    _refused(
        services.THEY_ASKED_YOU, requester=mentor, recipient=mentee, kind=Mentorship.Kind.COPILOT
    )
    assert Mentorship.objects.count() == 1


def test_the_database_keeps_one_open_request_per_pair(asked, mentee, mentor):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Mentorship.objects.create(requester=mentee, recipient=mentor)
    # A closed one does not count.
    services.mentorship_withdraw(mentorship=asked, actor=mentee)
    assert services.mentorship_request(requester=mentee, recipient=mentor).state == State.REQUESTED


def test_no_second_request_while_active(active, mentee, mentor):
    _refused(services.ALREADY_TOGETHER, requester=mentee, recipient=mentor)


def test_open_request_limit(mentee, settings):
    settings.MENTORING_MAX_OPEN_REQUESTS = 2
    mentors = [
        make_member(
            f"m{n}@example.org", f"Mentor{n}", "X", open_to_mentoring=True, mentee_capacity=1
        )
        for n in range(3)
    ]
    for mentor in mentors[:2]:
        services.mentorship_request(requester=mentee, recipient=mentor)
    _refused(
        "You have 2 open requests; wait for an answer or withdraw one before asking again.",
        requester=mentee,
        recipient=mentors[2],
    )
    assert selectors.open_request_count(mentee) == 2


def test_goals_must_be_the_requesters_own(mentee, mentor):
    theirs = goal_create(member=mentor, actor=mentor, text="Write a book")
    with pytest.raises(ValidationError) as refused:
        services.mentorship_request(requester=mentee, recipient=mentor, goals=[theirs])
    assert refused.value.message_dict == {"goals": [services.NOT_YOUR_GOAL]}


def test_duration_bounds(mentee, mentor):
    with pytest.raises(ValidationError) as refused:
        services.mentorship_request(requester=mentee, recipient=mentor, duration_weeks=60)
    assert "duration_weeks" in refused.value.message_dict
    assert Mentorship.objects.count() == 0


@pytest.mark.parametrize(
    "service, actor_is",
    [
        ("mentorship_accept", "requester"),
        ("mentorship_decline", "requester"),
        ("mentorship_ask_info", "requester"),
        ("mentorship_withdraw", "recipient"),
    ],
)
def test_only_the_right_side_answers(asked, mentee, mentor, service, actor_is):
    actor = mentee if actor_is == "requester" else mentor
    kwargs = {"question": "?"} if service == "mentorship_ask_info" else {}
    with pytest.raises(PermissionDenied) as refused:
        getattr(services, service)(mentorship=asked, actor=actor, **kwargs)
    expected = services.ONLY_RECIPIENT if actor_is == "requester" else services.ONLY_REQUESTER
    assert str(refused.value) == expected
    asked.refresh_from_db()
    assert asked.state == State.REQUESTED


def test_a_stranger_cannot_act_through_the_service(asked, stranger):
    with pytest.raises(PermissionDenied):
        services.mentorship_accept(mentorship=asked, actor=stranger)
    with pytest.raises(PermissionDenied):
        services.milestone_create(mentorship=asked, actor=stranger, title="x")


def test_accept_starts_the_mentorship_with_a_first_agreement(asked, mentee, mentor):
    active = services.mentorship_accept(mentorship=asked, actor=mentor)
    today = timezone.localdate()
    assert (active.state, active.started_on, active.ends_on, active.next_checkin_on) == (
        State.ACTIVE,
        today,
        today + dt.timedelta(weeks=26),
        today + dt.timedelta(days=14),
    )
    agreement = selectors.current_agreement(active)
    assert (agreement.version, agreement.goals, agreement.cadence, agreement.updated_by) == (
        1,
        "Lead a team",
        "fortnightly",
        mentor,
    )
    told = Notification.objects.get(recipient=mentee)
    assert told.title == "Daniel Okafor accepted your request"


def test_ask_and_answer_for_more_information(asked, mentee, mentor):
    services.mentorship_ask_info(mentorship=asked, actor=mentor, question="Which team are you on?")
    services.mentorship_answer_info(mentorship=asked, actor=mentee, answer="Payments.")
    asked.refresh_from_db()
    assert asked.state == State.REQUESTED
    assert list(asked.info_requests.values_list("question", "answer")) == [
        ("Which team are you on?", "Payments.")
    ]
    assert [n.title for n in Notification.objects.filter(recipient=mentee)] == [
        "Daniel Okafor would like to know more before answering"
    ]


def test_decline_reason_is_kept_but_not_told(asked, mentee, mentor):
    services.mentorship_decline(mentorship=asked, actor=mentor, reason="Too close to my own team")
    asked.refresh_from_db()
    assert asked.decline_reason == "Too close to my own team"
    told = Notification.objects.get(recipient=mentee)
    assert (told.title, told.body) == ("Daniel Okafor cannot take your request", "")


def test_expiry_marks_the_silent_mentor_inactive_until_they_answer(asked, mentee, mentor):
    later = timezone.now() + dt.timedelta(days=14, minutes=1)
    assert services.mentorship_expire_due(now=later) == 1
    assert services.mentorship_expire_due(now=later) == 0
    asked.refresh_from_db()
    assert asked.state == State.EXPIRED
    assert selectors.inactive_mentor_ids() == {mentor.pk}
    assert Notification.objects.get(recipient=mentee, kind="request_expired").title == (
        "Your request to Daniel Okafor expired without an answer"
    )
    other = make_member("ola@example.org", "Ola", "N")
    request = services.mentorship_request(requester=other, recipient=mentor)
    services.mentorship_decline(mentorship=request, actor=mentor)
    assert selectors.inactive_mentor_ids() == set()


def test_expiry_while_waiting_on_the_requester_leaves_the_mentor_active(asked, mentee, mentor):
    services.mentorship_ask_info(mentorship=asked, actor=mentor, question="Why?")
    services.mentorship_expire_due(now=timezone.now() + dt.timedelta(days=15))
    asked.refresh_from_db()
    assert asked.state == State.EXPIRED
    assert selectors.inactive_mentor_ids() == set()


def test_long_silence_marks_inactive_and_signing_in_brings_them_back(
    asked, mentor, settings, client
):
    settings.MENTORING_INACTIVE_AFTER_DAYS = 3
    assert services.mentors_mark_inactive(now=timezone.now() + dt.timedelta(days=2)) == 0
    assert services.mentors_mark_inactive(now=timezone.now() + dt.timedelta(days=4)) == 1
    assert services.mentors_mark_inactive(now=timezone.now() + dt.timedelta(days=5)) == 0
    assert selectors.inactive_mentor_ids() == {mentor.pk}
    client.force_login(mentor.user)
    assert selectors.inactive_mentor_ids() == set()
    assert Availability.objects.get(member=mentor).inactive_since is None


def test_answering_gives_a_fresh_window(asked, mentee, mentor):
    services.mentorship_ask_info(mentorship=asked, actor=mentor, question="Why?")
    before = timezone.now()
    services.mentorship_answer_info(mentorship=asked, actor=mentee, answer="Because.")
    asked.refresh_from_db()
    assert asked.expires_at >= before + dt.timedelta(days=14)


def test_expiry_days_come_from_settings(mentee, mentor, settings):
    settings.MENTORING_REQUEST_EXPIRY_DAYS = 3
    request = services.mentorship_request(requester=mentee, recipient=mentor)
    assert request.expires_at - request.created_at == dt.timedelta(days=3)
