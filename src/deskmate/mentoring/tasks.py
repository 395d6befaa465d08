"""Background work for mentoring, run by the task worker; the scheduler queues the periodic ones."""

from django_tasks import task

from deskmate.mentoring import services


@task()
def mentoring_periodic() -> dict[str, int]:
    """Expire overdue requests, mark silent mentors inactive, and send every reminder now due.

    Each step is idempotent, so running this twice, or late, tells no one twice.
    """
    return {
        "expired": services.mentorship_expire_due(),
        "inactive": services.mentors_mark_inactive(),
        "reminders": services.reminders_send(),
    }
