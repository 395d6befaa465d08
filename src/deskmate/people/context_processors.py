from django.http import HttpRequest

from deskmate.people.models import Member
from deskmate.people.selectors import member_for_user


def current_member(request: HttpRequest) -> dict[str, Member | None]:
    return {"me": member_for_user(getattr(request, "user", None))}
