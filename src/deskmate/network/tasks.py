"""Background work for the network: imports run here, in the task worker."""

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
