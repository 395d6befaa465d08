from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.utils import timezone

from deskmate.people.models import Member, time_zone_names


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = [
            "first_name",
            "last_name",
            "pronouns",
            "headline",
            "location",
            "industry",
            "time_zone",
            "about",
            "visibility",
            "open_to_mentoring",
            "mentee_capacity",
            "wants_copilot",
        ]
        widgets = {"about": forms.Textarea(attrs={"rows": 5})}
        labels = {
            "open_to_mentoring": "I am open to mentoring",
            "mentee_capacity": "How many mentees I can take",
            "wants_copilot": "I would like a copilot (a peer at my stage)",
            "visibility": "Who can see my profile",
            "time_zone": "My time zone",
        }
        help_texts = {"time_zone": "Check-in times and reminders are shown in it."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        site = settings.TIME_ZONE
        self.fields["time_zone"].widget = forms.Select(
            choices=[("", f"The site's time zone ({site})")]
            + [(name, name.replace("_", " ")) for name in time_zone_names()]
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("open_to_mentoring") and not cleaned.get("mentee_capacity"):
            self.add_error(
                "mentee_capacity",
                "Say how many mentees you can take (at least 1) when open to mentoring.",
            )
        return cleaned


class StintForm(forms.Form):
    start = forms.DateField(widget=DateInput(), label="Started")
    end = forms.DateField(
        widget=DateInput(), required=False, label="Ended", help_text="Leave empty if it goes on."
    )

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and start > today:
            self.add_error("start", "The start date is in the future.")
        if end and end > today:
            self.add_error("end", "The end date is in the future; leave it empty if it goes on.")
        if start and end and end < start:
            self.add_error("end", "The end date is before the start date.")
        return cleaned


class PositionForm(StintForm):
    organisation = forms.CharField(max_length=200)
    unit = forms.CharField(
        max_length=200,
        required=False,
        label="Team or department",
        help_text="For example: Payments",
    )
    title = forms.CharField(max_length=200)
    location = forms.CharField(max_length=120, required=False)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )

    field_order = ["organisation", "unit", "title", "start", "end", "location", "description"]

    def clean_organisation(self):
        value = " ".join(self.cleaned_data["organisation"].split())
        if not value:
            raise forms.ValidationError("Name the organisation.")
        return value


class EducationForm(StintForm):
    school = forms.CharField(max_length=200)
    start = forms.DateField(widget=DateInput(), label="Started", required=False)
    degree = forms.CharField(max_length=120, required=False)
    field = forms.CharField(max_length=120, required=False, label="Field of study")

    field_order = ["school", "degree", "field", "start", "end"]

    def clean_school(self):
        value = " ".join(self.cleaned_data["school"].split())
        if not value:
            raise forms.ValidationError("Name the school.")
        return value


class SkillForm(forms.Form):
    name = forms.CharField(max_length=100, label="Skill")


class GoalForm(forms.Form):
    text = forms.CharField(max_length=300, label="What do you want to grow into?")
    target_role = forms.CharField(
        max_length=200,
        required=False,
        label="Target role",
        help_text="For example: engineering manager",
    )
    target_skill = forms.CharField(max_length=100, required=False, label="Target skill")


class OfferForm(forms.Form):
    text = forms.CharField(max_length=300, label="What are you glad to help others with?")


class TokenForm(forms.Form):
    EXPIRY_CHOICES = [
        ("30", "In 30 days"),
        ("90", "In 90 days"),
        ("365", "In a year"),
        ("", "Never"),
    ]

    name = forms.CharField(max_length=100, label="Token name")
    expires_in_days = forms.TypedChoiceField(
        label="Expires",
        choices=EXPIRY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        initial="90",
    )


class LinkedInUploadForm(forms.Form):
    archive = forms.FileField(label="LinkedIn data archive (.zip)")
    use_vouches = forms.BooleanField(
        required=False,
        label="Use recommendations and endorsements as evidence",
        help_text=(
            "A recommendation or endorsement from a member you know here is shown to both of"
            " you and counts towards your tie."
        ),
    )


class VCardUploadForm(forms.Form):
    vcard = forms.FileField(label="Contacts (.vcf)")


class PeopleUploadForm(forms.Form):
    people = forms.FileField(label="People file (.csv or .xlsx)")


class PasswordLinkForm(PasswordResetForm):
    """Asks for a link to set a password, also for people whose account was made for them.

    Members created by an import or a programme invitation have no usable
    password yet; Django's own form would silently skip them, and they could
    never sign in. Inactive accounts still get nothing, and the page says the
    same whether or not the address is known.
    """

    def get_users(self, email):
        return get_user_model()._default_manager.filter(email__iexact=email, is_active=True)


class JoinForm(forms.Form):
    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100, required=False)
    password = forms.CharField(widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password_again = forms.CharField(
        label="The same password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("password_again"):
            self.add_error("password_again", "The two passwords differ.")
        return cleaned


class AccountDeleteForm(forms.Form):
    """Deleting an account asks for the password and for the word DELETE."""

    CONFIRMATION = "DELETE"

    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        label="Your password",
    )
    confirm = forms.CharField(
        max_length=20, label="Type DELETE to confirm", help_text="This cannot be undone."
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if self.user is None or not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password

    def clean_confirm(self):
        confirm = self.cleaned_data["confirm"].strip()
        if confirm != self.CONFIRMATION:
            raise forms.ValidationError("Type DELETE, in capitals, to delete your account.")
        return confirm


class DirectoryForm(forms.Form):
    """The People page's search: every field optional, each narrowing the list."""

    q = forms.CharField(required=False, max_length=100, label="Name")
    skill = forms.CharField(required=False, max_length=100, label="Skill")
    organisation = forms.CharField(required=False, max_length=100, label="Organisation")
    unit = forms.CharField(required=False, max_length=100, label="Team or department")
    school = forms.CharField(required=False, max_length=100, label="School")
    graduation_year = forms.IntegerField(
        required=False, min_value=1900, max_value=2100, label="Graduation year"
    )
    open_to_mentoring = forms.BooleanField(required=False, label="Open to mentoring")
    wants_copilot = forms.BooleanField(required=False, label="Looking for a copilot")
