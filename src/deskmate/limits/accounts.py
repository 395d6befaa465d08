"""How django-axes names the account a sign-in is for."""

from django.conf import settings


def sign_in_account(request, credentials) -> str:
    """The e-mail address as typed, trimmed and lower-cased, so "Maya@X.org " counts as maya@x.org."""
    credentials = credentials or {}
    return (
        (credentials.get(getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")) or "")
        .strip()
        .lower()
    )
