"""Queue deskmate's periodic tasks every few seconds, for the worker to run."""

import logging
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from deskmate.core.periodic import periodic_tasks

DEFAULT_INTERVAL = 300
logger = logging.getLogger(__name__)


def enqueue_periodic() -> list[str]:
    """Queue each periodic task unless one is already waiting; returns the names queued."""
    queued = []
    for periodic in periodic_tasks():
        waiting = DBTaskResult.objects.filter(
            task_path=periodic.module_path, status=TaskResultStatus.READY
        )
        if waiting.exists():
            continue  # the worker is behind; one waiting run is enough
        periodic.enqueue()
        queued.append(periodic.name)
    return queued


def run_scheduler(
    *, interval: float, once: bool = False, write=None, should_stop=lambda: False
) -> None:
    while True:
        close_old_connections()
        try:
            queued = enqueue_periodic()
        except Exception:  # a database hiccup must not stop the schedule; the next tick retries
            if once:
                raise
            logger.exception("Could not queue the periodic tasks; trying again in %s s.", interval)
        else:
            if write is not None:
                write(f"Queued: {', '.join(queued) or 'nothing (already waiting)'}")
        if once:
            break
        slept = 0.0
        while slept < interval and not should_stop():
            time.sleep(min(1.0, interval))
            slept += 1.0
        if should_stop():
            break
    close_old_connections()


class Command(BaseCommand):
    help = "Queue the periodic tasks (reminders, expiries, digests) every --interval seconds."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=DEFAULT_INTERVAL,
            help="Seconds between runs (default: %(default)s).",
        )
        parser.add_argument("--once", action="store_true", help="Queue them once and exit.")

    def handle(self, *args, interval: float, once: bool, **options):
        write = self.stdout.write if options["verbosity"] > 0 else None
        run_scheduler(interval=interval, once=once, write=write)
