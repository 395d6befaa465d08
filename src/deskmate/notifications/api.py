"""API endpoints for a member's own notifications and how they are told."""

import datetime as dt

from ninja import Router, Schema

from deskmate.core.api_types import Id, Limit, Offset
from deskmate.notifications import selectors, services
from deskmate.notifications.models import Preference

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class UnreadOut(Schema):
    unread: int


class PreferenceIO(Schema):
    email: Preference.Email


@router.get(
    "/notifications", response=list[NotificationOut], summary="Your notifications, newest first"
)
def notification_list(request, unread_only: bool = False, offset: Offset = 0, limit: Limit = 50):
    found = selectors.notifications_of(request.auth)
    if unread_only:
        found = found.filter(read_at__isnull=True)
    offset, limit = max(offset, 0), min(max(limit, 1), 200)
    return list(found[offset : offset + limit])


@router.get("/notifications/unread-count", response=UnreadOut, summary="How many you have not read")
def notification_unread_count(request):
    return {"unread": selectors.unread_count(request.auth)}


@router.post("/notifications/{notification_id}/read", response=NotificationOut)
def notification_read(request, notification_id: Id):
    notification = selectors.access_notification(request.auth, notification_id)
    return services.notification_mark_read(notification=notification)


@router.post("/notifications/read-all", response=UnreadOut)
def notification_read_all(request):
    services.notifications_mark_all_read(member=request.auth)
    return {"unread": 0}


@router.get(
    "/notifications/preferences", response=PreferenceIO, summary="How you are told by e-mail"
)
def preference_get(request):
    return {"email": selectors.email_preference(request.auth)}


@router.put("/notifications/preferences", response=PreferenceIO)
def preference_put(request, payload: PreferenceIO):
    preference = services.preference_update(
        member=request.auth, email=payload.email, actor=request.auth
    )
    return {"email": preference.email}
