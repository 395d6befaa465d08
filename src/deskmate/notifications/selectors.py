"""Reads about notifications; each member sees only their own."""

from django.db.models import QuerySet
from django.http import Http404

from deskmate.notifications.models import Notification, Preference
from deskmate.people.models import Member

NOTIFICATION_NOT_FOUND = "No such notification, or it is not yours."


def notifications_of(member: Member) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=member)


def unread_count(member: Member | None) -> int:
    if member is None:
        return 0
    return notifications_of(member).filter(read_at__isnull=True).count()


def access_notification(viewer: Member, notification_id: int) -> Notification:
    try:
        return notifications_of(viewer).get(pk=notification_id)
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise Http404(NOTIFICATION_NOT_FOUND) from None


def email_preference(member: Member) -> str:
    found = Preference.objects.filter(member=member).values_list("email", flat=True).first()
    return found or Preference.Email.IMMEDIATE
