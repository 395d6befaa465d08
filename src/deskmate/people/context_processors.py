from django.conf import settings
from django.http import HttpRequest

from deskmate.people import sso
from deskmate.people.models import Member
from deskmate.people.selectors import member_for_user


def current_member(request: HttpRequest) -> dict[str, Member | None]:
    return {"me": member_for_user(getattr(request, "user", None))}


def sign_on(request: HttpRequest) -> dict[str, object]:
    """Whether single sign-on is offered, under which name, and why the last one was refused."""
    if not sso.enabled():
        return {"sso_name": None}
    session = getattr(request, "session", None)
    refusal = session.pop(sso.REFUSAL_KEY, None) if session is not None else None
    return {"sso_name": settings.SSO_NAME, "sso_refusal": refusal}
