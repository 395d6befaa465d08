from django.utils import timezone
from django_tasks import task

from deskmate.serving.models import WorkerHeartbeat

WORKER = "worker"


@task()
def worker_heartbeat() -> str:
    """Run by the worker itself, so a fresh heartbeat shows the queue is being worked."""
    WorkerHeartbeat.objects.update_or_create(name=WORKER, defaults={"at": timezone.now()})
    return "alive"
