"""Background work for programmes: match runs over large programmes and large applications files."""

from django_tasks import task

from deskmate.programmes.models import ApplicationImport, MatchRun, Publication
from deskmate.programmes.services import (
    application_import_execute,
    match_run_execute,
    publication_execute,
)


@task()
def match_run_run(run_id: int) -> str:
    run = MatchRun.objects.select_related("programme").filter(pk=run_id).first()
    if run is None or run.status != MatchRun.Status.QUEUED:
        # Already handled: a retried task must never solve (or overwrite) a run twice.
        return "skipped"
    return match_run_execute(run).status


def match_run_queued_received(sender: object, *, run_id: int, **kwargs: object) -> None:
    match_run_run.enqueue(run_id)


@task()
def publication_run(publication_id: int) -> str:
    publication = (
        Publication.objects.select_related("run__programme", "run__published_by")
        .filter(pk=publication_id)
        .first()
    )
    if publication is None or publication.status != Publication.Status.QUEUED:
        # Already handled: a retried task must never publish twice.
        return "skipped"
    publication = publication_execute(publication)
    publication.refresh_from_db()
    return publication.status


def publication_queued_received(sender: object, *, publication_id: int, **kwargs: object) -> None:
    publication_run.enqueue(publication_id)


@task(queue_name="imports")
def application_import_run(import_id: int) -> str:
    upload = ApplicationImport.objects.filter(pk=import_id).first()
    if upload is None or upload.status != ApplicationImport.Status.QUEUED:
        # Already handled: a retried task must never import a file twice.
        return "skipped"
    return application_import_execute(upload).status


def application_import_queued_received(sender: object, *, import_id: int, **kwargs: object) -> None:
    application_import_run.enqueue(import_id)
