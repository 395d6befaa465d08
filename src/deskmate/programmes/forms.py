from typing import cast

from django import forms

from deskmate.people.forms import DateInput
from deskmate.people.models import Member
from deskmate.programmes import applications_file, attributes, selectors
from deskmate.programmes.models import (
    MAX_CAPACITY,
    Application,
    AttributeRule,
    MatchRun,
    PairRule,
    Programme,
    Quota,
)
from deskmate.programmes.services import PUBLISH_UNCONFIRMED, roles_for

TIE_WEIGHTS = [
    ("-1.0", "Strongly prefer strangers"),
    ("-0.5", "Prefer strangers"),
    ("0.0", "Ties do not matter"),
    ("0.5", "Prefer people who know each other"),
    ("1.0", "Strongly prefer people who know each other"),
]
MENTOR_WEIGHTS = [
    ("0.0", "Only the mentees' rankings count"),
    ("0.25", "Mostly the mentees' rankings"),
    ("0.5", "Both sides' rankings count alike"),
    ("0.75", "Mostly the mentors' rankings"),
    ("1.0", "Only the mentors' rankings count"),
]
#: How many mentees a mentor ranks on the application form; the ranking page offers more.
MENTEE_CHOICES_ON_FORM = 5
ORDINAL_LABELS = ["first", "second", "third", "fourth", "fifth"]
RANK_CHOICES = [
    ("", "—"),
    ("1", "First choice"),
    ("2", "Second choice"),
    ("3", "Third choice"),
    ("0", "Interested"),
]


class ProgrammeForm(forms.ModelForm):
    topics = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One topic per line; applicants rank the ones they care about.",
    )
    tie_weight = forms.TypedChoiceField(
        choices=TIE_WEIGHTS,
        coerce=float,
        initial="0.0",
        label="Existing ties",
        help_text="How much it counts that two people already know each other.",
    )
    mentor_weight = forms.TypedChoiceField(
        choices=MENTOR_WEIGHTS,
        coerce=float,
        initial="0.5",
        label="Mentees' and mentors' rankings",
        help_text="How the two sides' rankings of each other make a pair's score.",
    )

    class Meta:
        model = Programme
        fields = [
            "name",
            "kind",
            "description",
            "questions",
            "topics",
            "starts_on",
            "ends_on",
            "enrolment_opens_on",
            "enrolment_closes_on",
            "open_signup",
            "capacity_per_mentor",
            "avoid_reporting_line",
            "avoid_same_unit",
            "organisation_rule",
            "tie_weight",
            "mentor_weight",
            "proposing",
            "default_cadence",
            "milestone_template",
        ]
        widgets = {
            "milestone_template": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "questions": forms.Textarea(attrs={"rows": 3}),
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "enrolment_opens_on": DateInput(),
            "enrolment_closes_on": DateInput(),
        }
        labels = {
            "kind": "Type",
            "questions": "Questions to applicants",
            "starts_on": "Starts on",
            "ends_on": "Ends on",
            "enrolment_opens_on": "Enrolment opens on",
            "enrolment_closes_on": "Enrolment closes on",
            "open_signup": "Open sign-up (anyone may apply, not only those invited)",
            "capacity_per_mentor": "Mentees per mentor",
            "avoid_reporting_line": "Never pair people in the same reporting line",
            "avoid_same_unit": "Never pair people in the same unit",
            "organisation_rule": "Organisation",
            "proposing": "In a stable run",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_cadence"].required = False
        if self.instance.pk:
            self.initial["topics"] = "\n".join(self.instance.topics or [])
            self.initial["tie_weight"] = self._nearest_weight(self.instance.tie_weight)
            self.initial["mentor_weight"] = self._nearest_weight(
                self.instance.mentor_weight, MENTOR_WEIGHTS
            )

    @staticmethod
    def _nearest_weight(value: float, weights: list[tuple[str, str]] = TIE_WEIGHTS) -> str:
        return min((choice for choice, _ in weights), key=lambda choice: abs(float(choice) - value))

    def clean_default_cadence(self):
        # Left out of a post (an older form, a script): keep what the programme has.
        return self.cleaned_data["default_cadence"] or self.instance.default_cadence

    def clean_topics(self):
        return [line.strip() for line in self.cleaned_data["topics"].splitlines() if line.strip()]


class ApplicationForm(forms.Form):
    role = forms.ChoiceField(label="I join as")
    capacity = forms.IntegerField(
        min_value=1,
        max_value=MAX_CAPACITY,
        required=False,
        label="How many mentees I can take (mentors)",
    )
    goals = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=3000,
        label="What you want from the programme (mentors: what you can help with)",
    )

    def __init__(self, *args, programme: Programme, mentors=(), mentees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        labels = dict(Application.Role.choices)
        self.fields["role"].choices = [(role, labels[role]) for role in roles_for(programme)]
        if programme.is_peer:
            self.fields["role"].initial = Application.Role.PEER
            del self.fields["capacity"]
        self.question_fields = []
        for number, question in enumerate(programme.question_list):
            name = f"answer_{number}"
            self.fields[name] = forms.CharField(
                label=question,
                required=False,
                max_length=3000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.question_fields.append((name, question))
        self.topic_fields = []
        for number, topic in enumerate(programme.topics or []):
            name = f"topic_{number}"
            self.fields[name] = forms.ChoiceField(label=topic, choices=RANK_CHOICES, required=False)
            self.topic_fields.append((name, topic))
        self.preference_fields = []
        mentors = list(mentors)
        if mentors and not programme.is_peer:
            choices = [("", "—")] + [(str(m.pk), m.name) for m in mentors]
            for number, label in enumerate(
                ["Mentor you would like most", "Second choice of mentor", "Third choice of mentor"]
            ):
                name = f"mentor_{number}"
                self.fields[name] = forms.ChoiceField(label=label, choices=choices, required=False)
                self.preference_fields.append(name)
        self.mentee_fields = []
        mentees = list(mentees)
        if mentees and not programme.is_peer:
            choices = [("", "—")] + [(str(m.pk), m.name) for m in mentees]
            for number in range(min(len(mentees), MENTEE_CHOICES_ON_FORM)):
                name = f"mentee_{number}"
                self.fields[name] = forms.ChoiceField(
                    label=f"Mentee you would like {ORDINAL_LABELS[number]}",
                    choices=choices,
                    required=False,
                )
                self.mentee_fields.append(name)

    @classmethod
    def initial_from(cls, application: Application | None) -> dict:
        if application is None:
            return {}
        initial = {
            "role": application.role,
            "capacity": application.capacity,
            "goals": application.goals,
        }
        questions = application.programme.question_list
        for number, question in enumerate(questions):
            initial[f"answer_{number}"] = application.answers.get(question, "")
        for number, topic in enumerate(application.programme.topics or []):
            rank = application.topics.get(topic)
            initial[f"topic_{number}"] = "" if rank is None else str(rank)
        for number, member_id in enumerate(application.mentor_preferences[:3]):
            initial[f"mentor_{number}"] = str(member_id)
        for number, member_id in enumerate(application.mentee_preferences[:MENTEE_CHOICES_ON_FORM]):
            initial[f"mentee_{number}"] = str(member_id)
        return initial

    def clean(self):
        cleaned = super().clean() or {}
        ranked = [cleaned.get(name) for name in self.preference_fields if cleaned.get(name)]
        if len(ranked) != len(set(ranked)):
            self.add_error(None, "Rank each mentor once.")
        mentees = [cleaned.get(name) for name in self.mentee_fields if cleaned.get(name)]
        if len(mentees) != len(set(mentees)):
            self.add_error(None, "Rank each mentee once.")
        return cleaned

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "role": data["role"],
            "capacity": data.get("capacity"),
            "goals": data["goals"],
            "answers": {
                question: data[name] for name, question in self.question_fields if data.get(name)
            },
            "topics": {
                topic: int(data[name])
                for name, topic in self.topic_fields
                if data.get(name) not in (None, "")
            },
            "mentor_preferences": [
                int(data[name]) for name in self.preference_fields if data.get(name)
            ],
            # Without mentees to offer the form leaves a mentor's ranking as it is.
            "mentee_preferences": (
                [int(data[name]) for name in self.mentee_fields if data.get(name)]
                if self.mentee_fields
                else None
            ),
        }


class MenteeRankingForm(forms.Form):
    """A mentor's ranking of the programme's mentees, best first."""

    def __init__(self, *args, mentees, limit: int, **kwargs):
        super().__init__(*args, **kwargs)
        mentees = list(mentees)
        choices = [("", "—")] + [(str(m.pk), m.name) for m in mentees]
        self.rank_fields = []
        for number in range(min(len(mentees), limit)):
            name = f"rank_{number}"
            self.fields[name] = forms.ChoiceField(
                label=f"Choice {number + 1}", choices=choices, required=False
            )
            self.rank_fields.append(name)

    @classmethod
    def initial_from(cls, application: Application) -> dict:
        return {
            f"rank_{number}": str(member_id)
            for number, member_id in enumerate(application.mentee_preferences)
        }

    def clean(self):
        cleaned = super().clean()
        if len(self.mentee_ids()) != len(set(self.mentee_ids())):
            self.add_error(None, "Rank each mentee once.")
        return cleaned

    def mentee_ids(self) -> list[int]:
        data = self.cleaned_data
        return [int(data[name]) for name in self.rank_fields if data.get(name)]


class InviteForm(forms.Form):
    emails = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        label="E-mail addresses",
        help_text="One per line, or separated by commas.",
    )
    file = forms.FileField(required=False, label="Or a CSV file with an “email” column")


class ImportUploadForm(forms.Form):
    file = forms.FileField(label="Applications file (.csv or .xlsx)")


class MappingForm(forms.Form):
    file_role = forms.ChoiceField(
        choices=list(applications_file.FILE_ROLES.items()),
        required=False,
        label="Who is in this file",
        help_text="A file of mentors only, or of mentees only, needs no role column.",
    )

    def __init__(
        self,
        *args,
        columns: list[str],
        initial_mapping: dict[str, str],
        names: list[str] | None = None,
        samples: list[list[str]] | None = None,
        file_role: str = "",
        peer: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if peer:
            del self.fields["file_role"]
        else:
            self.fields["file_role"].initial = file_role
        self.columns = []
        self.rows = []
        for number, label in enumerate(columns):
            name = f"column_{number}"
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=list(applications_file.FIELDS.items()),
                initial=initial_mapping.get(label, applications_file.IGNORE),
            )
            self.columns.append((name, label))
            about = names[number] if names and number < len(names) else label
            self.rows.append(
                {
                    "field": self[name],
                    "about": about if about != label else "",
                    "samples": samples[number] if samples and number < len(samples) else [],
                }
            )

    def mapping(self) -> dict[str, str]:
        return {label: self.cleaned_data[name] for name, label in self.columns}

    def file_role_choice(self) -> str | None:
        return self.cleaned_data.get("file_role", "") if "file_role" in self.fields else ""


class PendingEmailForm(forms.Form):
    email = forms.EmailField(label="E-mail address", max_length=254)


class PendingFileForm(forms.Form):
    file = forms.FileField(
        label="Or a file of addresses (.csv or .xlsx)",
        help_text="An identifier or name column, as in the applications file, and an e-mail column.",
    )


class PairRuleForm(forms.Form):
    mentee = forms.TypedChoiceField(coerce=int, label="Mentee")
    mentor = forms.TypedChoiceField(coerce=int, label="Mentor")
    kind = forms.ChoiceField(choices=PairRule.Kind.choices, label="Rule")
    reason = forms.CharField(
        max_length=300,
        required=False,
        label="Why (optional)",
        help_text="For a forbid: the coordinators see it before anyone pins this pair.",
    )
    # Set by the question a pin over a forbid asks first.
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, programme: Programme, applicants: dict, **kwargs):
        super().__init__(*args, **kwargs)
        if programme.is_peer:
            people = [(m.pk, m.name) for m in applicants.get(Application.Role.PEER, [])]
            self.fields["mentee"].choices = self.fields["mentor"].choices = people
            self.fields["mentee"].label, self.fields["mentor"].label = "One peer", "The other peer"
        else:
            self.fields["mentee"].choices = [
                (m.pk, m.name) for m in applicants.get(Application.Role.MENTEE, [])
            ]
            self.fields["mentor"].choices = [
                (m.pk, m.name) for m in applicants.get(Application.Role.MENTOR, [])
            ]


class RunForm(forms.Form):
    method = forms.ChoiceField(
        choices=[
            (value, label)
            for value, label in MatchRun.Method.choices
            if value != MatchRun.Method.PEER
        ],
        initial=MatchRun.Method.OPTIMAL,
        label="Method",
    )
    proposing = forms.ChoiceField(
        choices=Programme.Proposing.choices,
        label="In a stable run",
        required=False,
    )
    new_round = forms.BooleanField(
        required=False,
        label="Start a new round (everyone is paired again; nobody twice with the same peer)",
    )

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        if programme.is_peer:
            del self.fields["method"]
            del self.fields["proposing"]
        else:
            del self.fields["new_round"]
            self.fields["proposing"].initial = programme.proposing


class PublishForm(forms.Form):
    confirm = forms.BooleanField(
        required=True,
        label="I have read the counts and the sample e-mails; publish and tell everyone.",
        error_messages={"required": PUBLISH_UNCONFIRMED},
    )


class AttributeForm(forms.Form):
    """Declare an attribute: a column applications carry, or a field of the members' profiles."""

    name = forms.CharField(max_length=attributes.MAX_NAME, label="Name")
    kind = forms.ChoiceField(choices=list(attributes.KINDS.items()), label="Kind")
    source = forms.ChoiceField(
        choices=list(attributes.SOURCES.items()), label="Where it comes from"
    )

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)


def _attribute_choices(programme: Programme) -> list[tuple[str, str]]:
    return [(name, name) for name in attributes.declared(programme)]


class AttributeRuleForm(forms.Form):
    """A hard rule or a weighted preference on one attribute."""

    attribute = forms.ChoiceField(label="Attribute")
    kind = forms.ChoiceField(choices=AttributeRule.Kind.choices, label="Rule")
    threshold = forms.FloatField(
        required=False, label="Minimum", help_text="Only for a minimum: the lowest value let in."
    )
    weight = forms.FloatField(
        required=False,
        min_value=0.0,
        max_value=1.0,
        label="Weight",
        help_text="Only for a preference: from 0 to 1, added to a pair's score.",
    )

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["attribute"]).choices = _attribute_choices(programme)

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)


class QuotaForm(forms.Form):
    """A quota over the matched mentees of optimal runs."""

    attribute = forms.ChoiceField(label="Attribute")
    kind = forms.ChoiceField(choices=Quota.Kind.choices, label="Quota")
    limit = forms.IntegerField(
        required=False,
        min_value=1,
        label="Number",
        help_text="At most N: the most matched mentees per value. Different values: K, 2 or more.",
    )
    value = forms.CharField(
        required=False,
        max_length=attributes.MAX_VALUE,
        label="Group",
        help_text="At least a share: the value the group's mentees have.",
    )
    share = forms.FloatField(
        required=False,
        min_value=0.0,
        max_value=100.0,
        label="Share (%)",
        help_text="At least a share: the least share of matched mentees from the group.",
    )

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["attribute"]).choices = _attribute_choices(programme)

    def service_fields(self) -> dict:
        fields = dict(self.cleaned_data)
        if fields["share"] is not None:
            fields["share"] = fields["share"] / 100
        return fields


class MemberNameChoiceField(forms.ModelChoiceField):
    """A choice of members, each shown by name."""

    def label_from_instance(self, obj) -> str:
        return obj.name


class CoordinatorForm(forms.Form):
    """Add a coordinator to a programme, or remove one (``action``)."""

    member = MemberNameChoiceField(queryset=Member.objects.none(), label="Coordinator")
    action = forms.ChoiceField(
        choices=[("add", "Add"), ("remove", "Remove")], initial="add", widget=forms.HiddenInput
    )

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["member"])
        removing = self.data.get("action") == "remove"
        field.queryset = (
            programme.coordinators.all()
            if removing
            else selectors.coordinator_candidates(programme)
        )
        field.help_text = "Coordinators and admins who do not run this programme yet."
