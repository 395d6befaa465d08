"""Mentorships in every state, built through the services as a member would."""

import datetime as dt

import pytest
from django.utils import timezone

from deskmate.mentoring import services
from deskmate.mentoring.models import Mentorship
from deskmate.mentoring.states import State
from deskmate.people.services import goal_create


@pytest.fixture
def goal(mentee):
    return goal_create(member=mentee, actor=mentee, text="Lead a team")


@pytest.fixture
def asked(mentee, mentor, goal) -> Mentorship:
    """Maya's open request to Daniel."""
    return services.mentorship_request(
        requester=mentee, recipient=mentor, message="You ran the team I want to lead.", goals=[goal]
    )


@pytest.fixture
def active(asked, mentor) -> Mentorship:
    return services.mentorship_accept(mentorship=asked, actor=mentor)


def in_state(state: str, *, mentee, mentor) -> Mentorship:
    """A mentorship between Maya and Daniel, taken to `state` the way members would."""
    mentorship = services.mentorship_request(requester=mentee, recipient=mentor, message="Please?")
    if state == State.REQUESTED:
        return mentorship
    if state == State.INFO_REQUESTED:
        return services.mentorship_ask_info(mentorship=mentorship, actor=mentor, question="Why me?")
    if state == State.DECLINED:
        return services.mentorship_decline(mentorship=mentorship, actor=mentor)
    if state == State.WITHDRAWN:
        return services.mentorship_withdraw(mentorship=mentorship, actor=mentee)
    if state == State.EXPIRED:
        services.mentorship_expire_due(now=timezone.now() + dt.timedelta(days=15))
        return Mentorship.objects.get(pk=mentorship.pk)
    mentorship = services.mentorship_accept(mentorship=mentorship, actor=mentor)
    if state == State.ACTIVE:
        return mentorship
    if state == State.COMPLETED:
        return services.mentorship_complete(mentorship=mentorship, actor=mentor)
    if state == State.ENDED_EARLY:
        return services.mentorship_end_early(mentorship=mentorship, actor=mentee)
    raise AssertionError(state)
