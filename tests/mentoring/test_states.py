"""Every (state, action) pair: the allowed ones move the mentorship, the others are refused, word for word."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from deskmate.core.models import AuditEntry
from deskmate.mentoring import services, states
from deskmate.mentoring.models import Mentorship
from deskmate.mentoring.states import Action, State
from deskmate.people.models import Member
from tests.conftest import new_mentee, new_mentor, rows_shared_by_the_module
from tests.mentoring.conftest import in_state

ALLOWED = {
    ("requested", "accept"): "active",
    ("requested", "decline"): "declined",
    ("requested", "ask_info"): "info_requested",
    ("requested", "withdraw"): "withdrawn",
    ("requested", "expire"): "expired",
    ("info_requested", "accept"): "active",
    ("info_requested", "decline"): "declined",
    ("info_requested", "answer_info"): "requested",
    ("info_requested", "withdraw"): "withdrawn",
    ("info_requested", "expire"): "expired",
    ("active", "complete"): "completed",
    ("active", "end_early"): "ended_early",
}

REFUSED = {
    (
        "requested",
        "answer_info",
    ): "This request is waiting for an answer; there is no open question to answer.",
    (
        "requested",
        "complete",
    ): "This request is waiting for an answer; only an active mentorship can be completed.",
    (
        "requested",
        "end_early",
    ): "This request is waiting for an answer; only an active mentorship can be ended early.",
    (
        "info_requested",
        "ask_info",
    ): "You have already asked for more information; wait for the answer.",
    (
        "info_requested",
        "complete",
    ): "This request is waiting for more information from the person asking; only an active mentorship can be completed.",
    (
        "info_requested",
        "end_early",
    ): "This request is waiting for more information from the person asking; only an active mentorship can be ended early.",
    ("active", "accept"): "This mentorship is already active; it can no longer be accepted.",
    ("active", "decline"): "This mentorship is already active; it can no longer be declined.",
    (
        "active",
        "ask_info",
    ): "This mentorship is already active; it is too late to ask for more information.",
    (
        "active",
        "answer_info",
    ): "This mentorship is already active; there is no open question to answer.",
    ("active", "withdraw"): "This mentorship is already active; it can no longer be withdrawn.",
    ("active", "expire"): "This mentorship is already active; it can no longer expire.",
    ("completed", "accept"): "This mentorship is completed; it can no longer be accepted.",
    ("completed", "decline"): "This mentorship is completed; it can no longer be declined.",
    (
        "completed",
        "ask_info",
    ): "This mentorship is completed; it is too late to ask for more information.",
    (
        "completed",
        "answer_info",
    ): "This mentorship is completed; there is no open question to answer.",
    ("completed", "withdraw"): "This mentorship is completed; it can no longer be withdrawn.",
    ("completed", "expire"): "This mentorship is completed; it can no longer expire.",
    (
        "completed",
        "complete",
    ): "This mentorship is completed; only an active mentorship can be completed.",
    (
        "completed",
        "end_early",
    ): "This mentorship is completed; only an active mentorship can be ended early.",
    ("declined", "accept"): "This request was declined; it can no longer be accepted.",
    ("declined", "decline"): "This request was declined; it can no longer be declined.",
    (
        "declined",
        "ask_info",
    ): "This request was declined; it is too late to ask for more information.",
    ("declined", "answer_info"): "This request was declined; there is no open question to answer.",
    ("declined", "withdraw"): "This request was declined; it can no longer be withdrawn.",
    ("declined", "expire"): "This request was declined; it can no longer expire.",
    (
        "declined",
        "complete",
    ): "This request was declined; only an active mentorship can be completed.",
    (
        "declined",
        "end_early",
    ): "This request was declined; only an active mentorship can be ended early.",
    ("withdrawn", "accept"): "This request was withdrawn; it can no longer be accepted.",
    ("withdrawn", "decline"): "This request was withdrawn; it can no longer be declined.",
    (
        "withdrawn",
        "ask_info",
    ): "This request was withdrawn; it is too late to ask for more information.",
    (
        "withdrawn",
        "answer_info",
    ): "This request was withdrawn; there is no open question to answer.",
    ("withdrawn", "withdraw"): "This request was withdrawn; it can no longer be withdrawn.",
    ("withdrawn", "expire"): "This request was withdrawn; it can no longer expire.",
    (
        "withdrawn",
        "complete",
    ): "This request was withdrawn; only an active mentorship can be completed.",
    (
        "withdrawn",
        "end_early",
    ): "This request was withdrawn; only an active mentorship can be ended early.",
    ("expired", "accept"): "This request expired without an answer; it can no longer be accepted.",
    ("expired", "decline"): "This request expired without an answer; it can no longer be declined.",
    (
        "expired",
        "ask_info",
    ): "This request expired without an answer; it is too late to ask for more information.",
    (
        "expired",
        "answer_info",
    ): "This request expired without an answer; there is no open question to answer.",
    (
        "expired",
        "withdraw",
    ): "This request expired without an answer; it can no longer be withdrawn.",
    ("expired", "expire"): "This request expired without an answer; it can no longer expire.",
    (
        "expired",
        "complete",
    ): "This request expired without an answer; only an active mentorship can be completed.",
    (
        "expired",
        "end_early",
    ): "This request expired without an answer; only an active mentorship can be ended early.",
    ("ended_early", "accept"): "This mentorship was ended early; it can no longer be accepted.",
    ("ended_early", "decline"): "This mentorship was ended early; it can no longer be declined.",
    (
        "ended_early",
        "ask_info",
    ): "This mentorship was ended early; it is too late to ask for more information.",
    (
        "ended_early",
        "answer_info",
    ): "This mentorship was ended early; there is no open question to answer.",
    ("ended_early", "withdraw"): "This mentorship was ended early; it can no longer be withdrawn.",
    ("ended_early", "expire"): "This mentorship was ended early; it can no longer expire.",
    (
        "ended_early",
        "complete",
    ): "This mentorship was ended early; only an active mentorship can be completed.",
    (
        "ended_early",
        "end_early",
    ): "This mentorship was ended early; only an active mentorship can be ended early.",
}

EVERY_PAIR = [(state.value, action.value) for state in State for action in Action]


def test_the_table_covers_every_pair_exactly_once():
    assert set(ALLOWED) | set(REFUSED) == set(EVERY_PAIR)
    assert not set(ALLOWED) & set(REFUSED)
    assert len(EVERY_PAIR) == 64


@pytest.mark.parametrize("state, action", EVERY_PAIR)
def test_next_state(state, action):
    if (state, action) in ALLOWED:
        assert states.next_state(state, action) == ALLOWED[state, action]
    else:
        with pytest.raises(states.TransitionRefused) as refused:
            states.next_state(state, action)
        assert refused.value.messages == [REFUSED[state, action]]


def test_named_refusals():
    assert (
        states.CANNOT_ACCEPT_DECLINED == "This request was declined; it can no longer be accepted."
    )
    assert (
        states.ALREADY_ASKED_INFO
        == "You have already asked for more information; wait for the answer."
    )


def _act(action: str, mentorship: Mentorship, *, mentee, mentor) -> None:
    if action == Action.ACCEPT:
        services.mentorship_accept(mentorship=mentorship, actor=mentor)
    elif action == Action.DECLINE:
        services.mentorship_decline(mentorship=mentorship, actor=mentor, reason="Too busy")
    elif action == Action.ASK_INFO:
        services.mentorship_ask_info(mentorship=mentorship, actor=mentor, question="What team?")
    elif action == Action.ANSWER_INFO:
        services.mentorship_answer_info(mentorship=mentorship, actor=mentee, answer="Payments.")
    elif action == Action.WITHDRAW:
        services.mentorship_withdraw(mentorship=mentorship, actor=mentee)
    elif action == Action.COMPLETE:
        services.mentorship_complete(mentorship=mentorship, actor=mentor)
    elif action == Action.END_EARLY:
        services.mentorship_end_early(mentorship=mentorship, actor=mentee, reason="Moved team")
    else:
        raise AssertionError(action)


AUDIT_ACTION = {
    "accept": "mentorship_accept",
    "decline": "mentorship_decline",
    "ask_info": "mentorship_ask_info",
    "answer_info": "mentorship_answer_info",
    "withdraw": "mentorship_withdraw",
    "complete": "mentorship_complete",
    "end_early": "mentorship_end_early",
    "expire": "mentorship_expire",
}


@pytest.fixture(scope="module")
def maya_and_daniel(request, django_db_setup, django_db_blocker):
    """The suite's mentee and mentor, made once for the 130 (state, action) pairs."""

    def build():
        return new_mentee().pk, new_mentor().pk

    yield from rows_shared_by_the_module(request, django_db_blocker, build)


@pytest.fixture
def mentee(db, maya_and_daniel):
    return Member.objects.select_related("user").get(pk=maya_and_daniel[0])


@pytest.fixture
def mentor(db, maya_and_daniel):
    return Member.objects.select_related("user").get(pk=maya_and_daniel[1])


@pytest.mark.django_db
@pytest.mark.parametrize("state, action", EVERY_PAIR)
def test_services_follow_the_table(state, action, mentee, mentor):
    mentorship = in_state(state, mentee=mentee, mentor=mentor)
    assert mentorship.state == state
    audits = AuditEntry.objects.filter(action=AUDIT_ACTION[action], subject_id=mentorship.pk)
    before = audits.count()
    if action == Action.EXPIRE:
        expired = services.mentorship_expire_due(now=timezone.now() + dt.timedelta(days=60))
        assert expired == (1 if (state, action) in ALLOWED else 0)
    elif (state, action) in ALLOWED:
        _act(action, mentorship, mentee=mentee, mentor=mentor)
    else:
        with pytest.raises(ValidationError) as refused:
            _act(action, mentorship, mentee=mentee, mentor=mentor)
        assert refused.value.messages == [REFUSED[state, action]]
    mentorship.refresh_from_db()
    if (state, action) in ALLOWED:
        assert mentorship.state == ALLOWED[state, action]
        assert audits.count() == before + 1
    else:
        assert mentorship.state == state
        assert audits.count() == before
