"""What the notifications app holds about a member, for their data download and their erasure.

The member's own notifications, e-mails and preference are deleted; other
people's notifications and e-mails that named the member say "a former member".
"""

from __future__ import annotations

from typing import Any

from deskmate.notifications.models import EmailDelivery, Notification, Preference
from deskmate.people.data_rights import (
    Erasure,
    Holding,
    Identity,
    register_holding,
    rows_as_dicts,
    scrub_text,
)
from deskmate.people.models import Member


def _notifications(member: Member) -> list[dict[str, Any]]:
    return [
        {
            "preference": rows_as_dicts(Preference.objects.filter(member=member)),
            "notifications": rows_as_dicts(Notification.objects.filter(recipient=member)),
            "emails": rows_as_dicts(EmailDelivery.objects.filter(recipient=member)),
        }
    ]


def _notifications_erase(identity: Identity, erasure: Erasure) -> None:
    member = identity.member
    for kind, model, field in (
        ("emails", EmailDelivery, "recipient"),
        ("notifications", Notification, "recipient"),
        ("preference", Preference, "member"),
    ):
        deleted, _ = model.objects.filter(**{field: member}).delete()
        erasure.count(kind, deleted=deleted)
    scrub_text(Notification, ["title", "body"], identity, erasure, kind="notifications")
    scrub_text(EmailDelivery, ["last_error"], identity, erasure, kind="emails")


def register() -> None:
    """The notifications app's kinds (called from its ``AppConfig.ready``)."""
    register_holding(
        Holding(
            "notifications",
            (
                "notifications.Notification",
                "notifications.EmailDelivery",
                "notifications.Preference",
            ),
            _notifications,
            _notifications_erase,
            order=40,
        )
    )
