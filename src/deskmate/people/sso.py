"""Single sign-on through the organisation's OpenID Connect provider (mozilla-django-oidc).

Configured by environment variables (``DESKMATE_OIDC_*``, see the README). A
person the provider vouches for is signed in as the member with that e-mail
address; someone new becomes a member on the spot (just in time), with the
names the provider gives, when their address is in one of the allowed domains.
What a member typed in deskmate is never overwritten by the provider's claims.
An erased or deactivated member stays signed out.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from deskmate.people.models import User
from deskmate.people.services import member_create

NO_EMAIL = "Your organisation's sign-in did not share a verified e-mail address."
WRONG_DOMAIN = (
    "Only addresses at {domains} can sign in here; your organisation's sign-in gave {email}."
)
#: Where the reason for a refused sign-on waits for the sign-in page.
REFUSAL_KEY = "deskmate_sso_refusal"


class SignOnRefused(Exception):
    """The provider signed the person in, but deskmate will not: the message says why."""


def enabled() -> bool:
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


def allowed_domains() -> list[str]:
    return [domain.lower().lstrip("@") for domain in getattr(settings, "SSO_ALLOWED_DOMAINS", [])]


def claimed_email(claims: dict[str, Any]) -> str:
    """The verified address the provider gives, lower-cased; refuses an unverified one."""
    email = str(claims.get("email") or "").strip().lower()
    if not email or claims.get("email_verified") is False:
        raise SignOnRefused(NO_EMAIL)
    domains = allowed_domains()
    if domains and email.rpartition("@")[2] not in domains:
        raise SignOnRefused(WRONG_DOMAIN.format(domains=", ".join(domains), email=email))
    return email


def claimed_names(claims: dict[str, Any], email: str) -> tuple[str, str]:
    """First and last name from the claims, or from the address when the provider has none."""
    first = str(claims.get("given_name") or "").strip()
    last = str(claims.get("family_name") or "").strip()
    if not first:
        whole = str(claims.get("name") or "").strip() or email.partition("@")[0]
        first, _, rest = whole.partition(" ")
        last = last or rest.strip()
    return first[:100], last[:100]


class MemberSignOn(OIDCAuthenticationBackend):
    """Signs a provider's user in as the member with their verified e-mail address."""

    def authenticate(self, request: HttpRequest | None, **credentials: Any) -> User | None:
        try:
            return super().authenticate(request, **credentials)
        except SignOnRefused as refusal:
            if request is not None:
                request.session[REFUSAL_KEY] = str(refusal)
            return None

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        claimed_email(claims)
        return True

    def filter_users_by_claims(self, claims: dict[str, Any]):
        return User.objects.filter(email__iexact=claimed_email(claims))

    def create_user(self, claims: dict[str, Any]) -> User:
        email = claimed_email(claims)
        first_name, last_name = claimed_names(claims, email)
        member = member_create(
            email=email, password=None, first_name=first_name, last_name=last_name
        )
        return member.user

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        # The member's own profile wins: the provider's claims only find the account.
        return user


class SignOnStart(OIDCAuthenticationRequestView):
    """Send the browser to the provider (404 while single sign-on is not configured)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if not enabled():
            raise Http404("Single sign-on is not configured.")
        super().__init__(*args, **kwargs)


class SignOnCallback(OIDCAuthenticationCallbackView):
    """The provider sends the browser back here with a code to exchange."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any):
        if not enabled():
            raise Http404("Single sign-on is not configured.")
        return super().dispatch(request, *args, **kwargs)
