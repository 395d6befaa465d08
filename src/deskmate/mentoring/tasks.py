"""Background work for mentoring, run by the task worker; the scheduler queues the periodic ones."""

from django_tasks import task


@task()
def mentoring_periodic() -> dict:
    """Expire overdue requests, mark silent mentors inactive, and send every reminder now due.

    Each step is idempotent, so running this twice, or late, tells no one twice.
    """
    from deskmate.mentoring import services

    return {
        "expired": services.mentorship_expire_due(),
        "inactive": services.mentors_mark_inactive(),
        "reminders": services.reminders_send(),
    }


def periodic_tasks() -> list:
    """Every task the scheduler queues on each tick."""
    from deskmate.network.tasks import ties_refresh_nightly
    from deskmate.notifications.tasks import digests_send

    return [mentoring_periodic, digests_send, ties_refresh_nightly]
