from django.http import HttpRequest

from deskmate.notifications.selectors import unread_count
from deskmate.people.selectors import member_for_user


def unread_notifications(request: HttpRequest) -> dict[str, int]:
    """The unread count shown in the navigation of every page."""
    member = member_for_user(getattr(request, "user", None))
    return {"unread_notifications": unread_count(member) if member else 0}
