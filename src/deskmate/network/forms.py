from django import forms

from deskmate.network.models import Interaction


class SuggestionFilterForm(forms.Form):
    goal = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Goal")
    current_colleagues = forms.BooleanField(required=False, label="Current colleagues")
    former_colleagues = forms.BooleanField(required=False, label="Former colleagues")
    alumni = forms.BooleanField(required=False, label="Alumni of my schools")
    contacts = forms.BooleanField(required=False, label="My contacts")
    open_now = forms.BooleanField(required=False, label="Open to mentoring now")

    def __init__(self, *args, goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].choices = [("", "All my goals")] + [
            (goal.pk, goal.text) for goal in goals
        ]


class InteractionForm(forms.Form):
    kind = forms.ChoiceField(
        choices=Interaction.Kind.choices, widget=forms.RadioSelect, label="What happened"
    )
    happened_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        label="When",
        help_text="Today if empty.",
    )
    note = forms.CharField(max_length=500, required=False, label="Note (only you see it)")


class IntroductionForm(forms.Form):
    introducer = forms.TypedChoiceField(coerce=int, label="Who should introduce you")
    message = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        label="Why you would like to meet",
        help_text="The introducer sees this first; it is passed on only if they agree.",
    )

    def __init__(self, *args, introducers=(), **kwargs):
        """``introducers`` are ranked (``acquaintance.introducers_ranked``): best first, with a reason."""
        super().__init__(*args, **kwargs)
        self.fields["introducer"].choices = [
            (item.member.pk, f"{item.member.name} — {item.reason}") for item in introducers
        ]


class IntroductionAnswerForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        label="A word for the person introduced to (optional)",
    )
