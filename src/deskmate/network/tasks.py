"""Background work for the network, run by the task worker: imports and tie refreshes.

The receivers at the bottom queue this work when people's histories change or
an import is created; :class:`deskmate.network.apps.NetworkConfig` connects them.
"""

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from django_tasks import task

from deskmate.core.audit import AuditEvent, audit
from deskmate.core.background import NIGHTLY_QUEUE, batch_on_commit
from deskmate.core.models import AuditEntry
from deskmate.network import tie_store
from deskmate.network.importers import import_job_execute
from deskmate.network.models import ImportJob

#: The whole community's ties are recomputed at most this often by the scheduler.
FULL_REFRESH_EVERY = dt.timedelta(hours=24)


@task(queue_name="imports")
def import_job_run(job_id: int) -> str:
    job = ImportJob.objects.select_related("owner").filter(pk=job_id).first()
    if job is None or job.is_finished or job.waits_for_importer:
        # Already handled (a retried task must never import twice), or not mapped yet.
        return "skipped"
    return import_job_execute(job).status


@task()
def ties_refresh_members(member_ids: list[int]) -> int:
    """The ties touching members whose history, contacts or interactions changed."""
    return tie_store.ties_refresh_members(member_ids=member_ids)


@task(queue_name=NIGHTLY_QUEUE)
def ties_refresh_nightly() -> str:
    """Recompute every tie once a day (interactions age, current stints grow)."""
    last = (
        AuditEntry.objects.filter(action=AuditEvent.TIES_REFRESH_ALL)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    if last is not None and timezone.now() - last < FULL_REFRESH_EVERY:
        return "not due"
    count = tie_store.ties_refresh_all()
    audit(actor=None, action=AuditEvent.TIES_REFRESH_ALL, ties=count)
    return f"{count} ties"


def history_changed_received(
    sender: object, *, member_id: int | None, member_ids: Iterable[int] = (), **kwargs: object
) -> None:
    """One refresh task per transaction, for every member whose history it changed."""
    ids = {*member_ids, *([member_id] if member_id is not None else [])}
    batch_on_commit("ties_refresh_members", ids, ties_refresh_members.enqueue)


def import_job_queued_received(sender: object, *, job_id: int, **kwargs: object) -> None:
    import_job_run.enqueue(job_id)
