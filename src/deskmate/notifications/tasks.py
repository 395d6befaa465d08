"""Background work for notifications: e-mails and daily digests, run by the task worker."""

import datetime as dt

from django.utils import timezone
from django_tasks import task


@task()
def email_delivery_send(delivery_id: int) -> str:
    from deskmate.notifications.services import email_delivery_attempt

    return email_delivery_attempt(delivery_id)


@task()
def digests_send() -> int:
    """Queue yesterday's digests; safe to run any number of times a day."""
    from deskmate.notifications.services import digests_schedule

    return digests_schedule(day=timezone.localdate() - dt.timedelta(days=1))
