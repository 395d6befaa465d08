"""Background work for notifications: e-mails and daily digests, run by the task worker."""

import datetime as dt

from django_tasks import task

from deskmate.notifications.services import digests_schedule, email_delivery_attempt


def _retry_later(delivery_id: int, when: dt.datetime) -> None:
    email_delivery_send.using(run_after=when).enqueue(delivery_id)


@task()
def email_delivery_send(delivery_id: int) -> str:
    return email_delivery_attempt(delivery_id, retry=_retry_later)


@task()
def digests_send() -> int:
    """Queue each member's digest of their yesterday; safe to run any number of times a day."""
    return digests_schedule()


def email_queued_received(sender: object, *, delivery_id: int, **kwargs: object) -> None:
    email_delivery_send.enqueue(delivery_id)
