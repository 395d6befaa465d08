from collections.abc import Sequence

from django import forms

from deskmate.importing import people_mapping
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
        choices=[(kind.value, kind.label) for kind in Interaction.LOGGABLE],
        widget=forms.RadioSelect,
        label="What happened",
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


class PeopleMappingForm(forms.Form):
    """Each column of a people file, its sample values and the field it holds; and the file's options.

    ``columns`` are the file's labels; ``samples`` the first rows, as long as the header.
    """

    organisation = forms.CharField(
        max_length=200,
        required=False,
        label="Everyone in this file works at",
        help_text="For a file without an organisation column, such as an HR export of one company.",
    )
    school = forms.CharField(
        max_length=200,
        required=False,
        label="Everyone in this file studied at",
        help_text="For an alumni export without a school column.",
    )
    date_order = forms.ChoiceField(
        choices=list(people_mapping.DATE_ORDERS.items()),
        required=False,
        label="Dates such as 03/04/2024 are written",
    )

    def __init__(
        self,
        *args,
        columns: list[str],
        samples: Sequence[Sequence[str]] = (),
        initial_mapping: dict[str, str],
        name_field: str = "save_as",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.columns: list[tuple[str, str]] = []
        self.samples = {}
        for number, label in enumerate(columns):
            name = f"column_{number}"
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=list(people_mapping.FIELDS.items()),
                initial=initial_mapping.get(label, people_mapping.IGNORE),
            )
            self.columns.append((name, label))
            self.samples[name] = [row[number] for row in samples if number < len(row)]
        self.name_field = name_field
        if name_field == "save_as":
            self.fields["save_as"] = forms.CharField(
                max_length=100,
                required=False,
                label="Keep this mapping for next time, named",
                help_text="The next file with the same columns then imports without questions.",
            )
        else:
            self.fields["name"] = forms.CharField(max_length=100, label="Name")
            self.order_fields(["name"])

    def column_rows(self):
        """(field, samples) per column, for the table of the mapping page."""
        return [(self[name], self.samples[name]) for name, _ in self.columns]

    def option_fields(self):
        names = ["organisation", "school", "date_order"]
        if self.name_field == "save_as":
            names.append("save_as")
        return [self[name] for name in names]

    def mapping(self) -> people_mapping.PeopleMapping:
        data = self.cleaned_data
        return people_mapping.PeopleMapping(
            columns={label: data[name] for name, label in self.columns},
            organisation=data.get("organisation", ""),
            school=data.get("school", ""),
            date_order=data.get("date_order", ""),
        )

    def add_service_errors(self, error) -> None:
        """A service's refusal, keyed by column label or option, on the matching field."""
        by_label = {label: name for name, label in self.columns}
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for key, messages in error.message_dict.items():
            name = by_label.get(key) or ({"name": self.name_field}.get(key, key))
            self.add_error(name if name in self.fields else None, messages)
