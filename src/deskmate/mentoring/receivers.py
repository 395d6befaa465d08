"""How mentoring reacts to what happens elsewhere (connected in ``MentoringConfig.ready``)."""

from django.http import HttpRequest

from deskmate.mentoring.services import member_came_back
from deskmate.people.models import User
from deskmate.people.selectors import member_for_user


def member_signed_in(sender: object, request: HttpRequest, user: User, **kwargs: object) -> None:
    """A mentor who signs in again is no longer silent."""
    member = member_for_user(user)
    if member is not None:
        member_came_back(member=member)
