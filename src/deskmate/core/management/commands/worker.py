"""One process for small installations: the scheduler in a thread beside the task worker."""

import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from deskmate.core.management.commands.scheduler import DEFAULT_INTERVAL, run_scheduler


class Command(BaseCommand):
    help = "Run the task worker (all queues) with the periodic scheduler beside it."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=DEFAULT_INTERVAL,
            help="Seconds between scheduler runs (default: %(default)s).",
        )
        parser.add_argument(
            "--batch", action="store_true", help="Schedule once, run every queued task, then exit."
        )

    def handle(self, *args, interval: float, batch: bool, **options):
        stop = threading.Event()

        def schedule():
            try:
                run_scheduler(interval=interval, once=batch, should_stop=stop.is_set)
            finally:
                connection.close()

        scheduler = threading.Thread(target=schedule, name="deskmate-scheduler", daemon=True)
        scheduler.start()
        if batch:
            scheduler.join()
        worker_args = ["db_worker", "--queue-name", "*", "--no-reload"]
        if batch:
            worker_args += ["--batch", "--no-startup-delay", "--interval", "0"]
        try:
            call_command(*worker_args, verbosity=options["verbosity"])
        finally:
            stop.set()
            scheduler.join(timeout=5)
