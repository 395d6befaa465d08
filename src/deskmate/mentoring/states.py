"""The one place that says which state a mentorship may move to, and why not.

`TRANSITIONS[action][state]` is the state an allowed action leads to; every
other (state, action) pair is refused with the message `refusal` gives, which
names what the mentorship is and what can no longer happen.
"""

from django.core.exceptions import ValidationError
from django.db import models


class State(models.TextChoices):
    REQUESTED = "requested", "Requested"
    INFO_REQUESTED = "info_requested", "More information asked"
    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXPIRED = "expired", "Expired"
    ENDED_EARLY = "ended_early", "Ended early"


class Action(models.TextChoices):
    ACCEPT = "accept", "Accept"
    DECLINE = "decline", "Decline"
    ASK_INFO = "ask_info", "Ask for more information"
    ANSWER_INFO = "answer_info", "Answer"
    WITHDRAW = "withdraw", "Withdraw"
    EXPIRE = "expire", "Expire"
    COMPLETE = "complete", "Complete"
    END_EARLY = "end_early", "End early"


OPEN_STATES = frozenset({State.REQUESTED, State.INFO_REQUESTED})
CLOSED_STATES = frozenset(
    {State.COMPLETED, State.DECLINED, State.WITHDRAWN, State.EXPIRED, State.ENDED_EARLY}
)

TRANSITIONS: dict[str, dict[str, str]] = {
    Action.ACCEPT: {State.REQUESTED: State.ACTIVE, State.INFO_REQUESTED: State.ACTIVE},
    Action.DECLINE: {State.REQUESTED: State.DECLINED, State.INFO_REQUESTED: State.DECLINED},
    Action.ASK_INFO: {State.REQUESTED: State.INFO_REQUESTED},
    Action.ANSWER_INFO: {State.INFO_REQUESTED: State.REQUESTED},
    Action.WITHDRAW: {State.REQUESTED: State.WITHDRAWN, State.INFO_REQUESTED: State.WITHDRAWN},
    Action.EXPIRE: {State.REQUESTED: State.EXPIRED, State.INFO_REQUESTED: State.EXPIRED},
    Action.COMPLETE: {State.ACTIVE: State.COMPLETED},
    Action.END_EARLY: {State.ACTIVE: State.ENDED_EARLY},
}

WHAT_IT_IS = {
    State.REQUESTED: "This request is waiting for an answer",
    State.INFO_REQUESTED: "This request is waiting for more information from the person asking",
    State.ACTIVE: "This mentorship is already active",
    State.COMPLETED: "This mentorship is completed",
    State.DECLINED: "This request was declined",
    State.WITHDRAWN: "This request was withdrawn",
    State.EXPIRED: "This request expired without an answer",
    State.ENDED_EARLY: "This mentorship was ended early",
}
WHAT_CANNOT_HAPPEN = {
    Action.ACCEPT: "it can no longer be accepted",
    Action.DECLINE: "it can no longer be declined",
    Action.ASK_INFO: "it is too late to ask for more information",
    Action.ANSWER_INFO: "there is no open question to answer",
    Action.WITHDRAW: "it can no longer be withdrawn",
    Action.EXPIRE: "it can no longer expire",
    Action.COMPLETE: "only an active mentorship can be completed",
    Action.END_EARLY: "only an active mentorship can be ended early",
}
SPECIAL_REFUSALS = {
    (
        State.INFO_REQUESTED,
        Action.ASK_INFO,
    ): "You have already asked for more information; wait for the answer.",
}


def refusal(state: str, action: str) -> str:
    special = SPECIAL_REFUSALS.get((state, action))
    if special:
        return special
    return f"{WHAT_IT_IS[state]}; {WHAT_CANNOT_HAPPEN[action]}."


CANNOT_ACCEPT_DECLINED = refusal(State.DECLINED, Action.ACCEPT)
CANNOT_ACCEPT_ACTIVE = refusal(State.ACTIVE, Action.ACCEPT)
CANNOT_WITHDRAW_ACTIVE = refusal(State.ACTIVE, Action.WITHDRAW)
CANNOT_COMPLETE_REQUEST = refusal(State.REQUESTED, Action.COMPLETE)
ALREADY_ASKED_INFO = refusal(State.INFO_REQUESTED, Action.ASK_INFO)


class TransitionRefused(ValidationError):
    def __init__(self, state: str, action: str):
        super().__init__(refusal(state, action), code="transition_refused")
        self.state, self.action = state, action


def next_state(state: str, action: str) -> str:
    """The state `action` leads to from `state`; raises TransitionRefused when it is not allowed."""
    try:
        return TRANSITIONS[action][state]
    except KeyError:
        raise TransitionRefused(state, action) from None


def allowed_actions(state: str) -> list[str]:
    return [action for action, moves in TRANSITIONS.items() if state in moves]
