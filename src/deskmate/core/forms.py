"""Helpers for the forms of every app."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Render forms with the project's templates: one field group for every form."""

    field_template_name = "forms/field.html"


def form_errors_from(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form's fields where it names one."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
