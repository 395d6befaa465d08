from django.http import HttpRequest

from deskmate.mentoring.selectors import unread_message_count
from deskmate.people.selectors import member_for_user


def unread_messages(request: HttpRequest) -> dict[str, int]:
    """The unread message count shown in the navigation of every page."""
    member = member_for_user(getattr(request, "user", None))
    return {"unread_messages": unread_message_count(member) if member else 0}
