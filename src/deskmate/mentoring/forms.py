from django import forms

from deskmate.mentoring import rules
from deskmate.mentoring.models import Cadence, Mentorship
from deskmate.people.forms import DateInput
from deskmate.people.models import time_zone_names


def _text(
    label: str, rows: int = 4, max_length: int = 3000, required: bool = True, **extra
) -> forms.CharField:
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": rows}),
        max_length=max_length,
        required=required,
        **extra,
    )


class RequestForm(forms.Form):
    kind = forms.ChoiceField(
        choices=Mentorship.Kind.choices,
        widget=forms.RadioSelect,
        initial=Mentorship.Kind.MENTORSHIP,
        label="What are you asking for?",
        help_text="A copilot is a peer at a similar stage who talks your daily work through with you.",
    )
    message = _text(
        "Your message", rows=5, help_text="Why them, and what you hope to get out of it."
    )
    goals = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Goals this is about",
    )
    cadence = forms.ChoiceField(
        choices=Cadence.choices, initial=Cadence.FORTNIGHTLY, label="How often to meet"
    )
    duration_weeks = forms.TypedChoiceField(
        choices=rules.DURATION_CHOICES, coerce=int, initial=26, label="For how long"
    )

    def __init__(self, *args, goals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goals"].queryset = goals
        self.fields["goals"].label_from_instance = lambda goal: goal.text


class ReasonForm(forms.Form):
    reason = _text("Reason (optional)", rows=3, max_length=2000, required=False)


class QuestionForm(forms.Form):
    question = _text("What would you like to know?", max_length=2000)


class AnswerForm(forms.Form):
    answer = _text("Your answer")


class AgreementForm(forms.Form):
    goals = _text(
        "Goals we work on", rows=5, max_length=5000, required=False, help_text="One per line."
    )
    cadence = forms.ChoiceField(choices=Cadence.choices, label="How often we meet")
    duration_weeks = forms.TypedChoiceField(
        choices=rules.DURATION_CHOICES, coerce=int, label="For how long"
    )
    meeting = forms.CharField(
        max_length=300,
        required=False,
        label="How we meet",
        help_text="For example: video call, Tuesday lunchtime",
    )
    confidentiality = _text("Confidentiality", rows=3, max_length=2000, required=False)


class MilestoneForm(forms.Form):
    title = forms.CharField(max_length=200, label="Milestone")
    due_on = forms.DateField(widget=DateInput(), required=False, label="Due on")


class CheckInForm(forms.Form):
    held_on = forms.DateField(widget=DateInput(), label="Held on")
    topics = forms.CharField(max_length=500, required=False, label="Topics")
    notes = _text(
        "Notes (only the two of you can read them)", rows=5, max_length=10000, required=False
    )
    next_steps = _text("Next steps", rows=3, required=False)
    next_checkin_on = forms.DateField(widget=DateInput(), required=False, label="Next check-in on")


class GroupCheckInForm(CheckInForm):
    notes = _text("Notes (only the group can read them)", rows=5, max_length=10000, required=False)


class FeedbackForm(forms.Form):
    text = _text("Your feedback", rows=5, max_length=5000)
    topic = forms.CharField(max_length=200, required=False, label="Topic")
    unplanned = forms.BooleanField(
        required=False, label="About something neither of us planned to discuss"
    )


class SurveyForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        label="How satisfied are you with how it is going? (1 = not at all, 5 = very)",
    )
    comment = _text("Anything to add? (optional)", rows=3, required=False)


class AvailabilityForm(forms.Form):
    unavailable = forms.BooleanField(required=False, label="I am not taking new requests for now")


class ReportForm(forms.Form):
    text = _text("What concerns you?", rows=6, max_length=5000)


class ResolveForm(forms.Form):
    outcome = _text("Outcome, as the reporter will read it", rows=4, max_length=2000)
    dismissed = forms.BooleanField(required=False, label="No action needed (dismiss)")


class MessageForm(forms.Form):
    text = _text("Your message", rows=3, max_length=5000)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


def _time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in time_zone_names()]


class CheckInTimeForm(forms.Form):
    """A check-in's date, time and time zone (the member's own zone unless they choose another)."""

    day = forms.DateField(widget=DateInput(), label="Date")
    time = forms.TimeField(widget=TimeInput(), label="Time")
    time_zone = forms.ChoiceField(label="Time zone", choices=_time_zone_choices)

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].initial = member.zone.key
