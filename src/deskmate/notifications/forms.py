from django import forms

from deskmate.notifications.models import Preference


class PreferenceForm(forms.Form):
    email = forms.ChoiceField(
        choices=Preference.Email.choices,
        widget=forms.RadioSelect,
        label="E-mail me about notifications",
    )
