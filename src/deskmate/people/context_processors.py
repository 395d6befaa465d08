from deskmate.notifications.selectors import unread_count
from deskmate.people.selectors import member_for_user


def current_member(request):
    member = member_for_user(getattr(request, "user", None))
    return {"me": member, "unread_notifications": unread_count(member) if member else 0}
