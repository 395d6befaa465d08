"""Background work for the network: imports run here, in the task worker."""

import datetime as dt

from django_tasks import task

from deskmate.network.models import ImportJob


@task(queue_name="imports")
def import_job_run(job_id: int) -> str:
    job = ImportJob.objects.select_related("owner").filter(pk=job_id).first()
    if job is None or job.is_finished:
        # Already handled (a retried task must never import twice).
        return "skipped"
    from deskmate.network.services import import_job_execute

    return import_job_execute(job).status


@task()
def ties_refresh_members(member_ids: list[int]) -> int:
    """The ties touching members whose history, contacts or interactions changed."""
    from deskmate.network.tie_store import ties_refresh_members as refresh

    return refresh(member_ids=member_ids)


#: The whole community's ties are recomputed at most this often by the scheduler.
FULL_REFRESH_EVERY = dt.timedelta(hours=24)


@task()
def ties_refresh_nightly() -> str:
    """Recompute every tie once a day (interactions age, current stints grow)."""
    from django.utils import timezone

    from deskmate.network.tie_store import ties_refresh_all
    from deskmate.people.models import AuditEntry
    from deskmate.people.services import audit

    last = (
        AuditEntry.objects.filter(action="ties_refresh_all")
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    if last is not None and timezone.now() - last < FULL_REFRESH_EVERY:
        return "not due"
    count = ties_refresh_all()
    audit(actor=None, action="ties_refresh_all", ties=count)
    return f"{count} ties"
