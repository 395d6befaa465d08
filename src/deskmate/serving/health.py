"""What /health/ reports: can we reach the database, and is the task worker working the queue."""

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from deskmate.serving.models import WorkerHeartbeat
from deskmate.serving.tasks import WORKER


def database_status() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return {"status": "down", "error": error.__class__.__name__}
    return {"status": "ok", "vendor": connection.vendor}


def worker_status() -> dict:
    backend = str(settings.TASKS["default"]["BACKEND"])
    if backend.endswith("ImmediateBackend"):
        return {"status": "ok", "detail": "tasks run inside the web process"}
    now = timezone.now()
    waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    beat = WorkerHeartbeat.objects.filter(name=WORKER).values_list("at", flat=True).first()
    report = {
        "last_heartbeat": beat.isoformat() if beat else None,
        "waiting_tasks": waiting.count(),
        "oldest_waiting_seconds": int((now - oldest).total_seconds()) if oldest else 0,
    }
    if beat is None:
        report["status"] = "never seen"
    elif (now - beat).total_seconds() > settings.WORKER_STALE_AFTER:
        report["status"] = "stale"
    else:
        report["status"] = "ok"
    return report
