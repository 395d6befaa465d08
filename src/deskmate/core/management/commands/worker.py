"""One command for small installations: the task workers, with the scheduler in a thread beside them.

The nightly queue (the whole community's tie refresh, minutes at 100,000
members) has a worker process of its own, so that the refresh after one
member's history change, on the default queue, never waits behind it.
"""

import signal
import subprocess
import sys
import threading
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from deskmate.core.background import NIGHTLY_QUEUE
from deskmate.core.management.commands.scheduler import DEFAULT_INTERVAL, run_scheduler

#: Seconds between two looks at whether a worker process has ended.
SUPERVISE_EVERY = 0.5


def worker_arguments(*, nightly: bool, batch: bool, verbosity: int) -> list[str]:
    """``db_worker``'s arguments for the nightly queue, or for every other queue."""
    queues = ["--queue-name", NIGHTLY_QUEUE] if nightly else ["--queue-name", "*"]
    if not nightly:
        queues += ["--exclude-queues", NIGHTLY_QUEUE]
    arguments = ["db_worker", *queues, "--no-reload", "--verbosity", str(verbosity)]
    if batch:
        arguments += ["--batch", "--no-startup-delay", "--interval", "0"]
    return arguments


def worker_processes(verbosity: int) -> list[subprocess.Popen]:
    """Start the two worker processes, each in a session of its own.

    Their own sessions keep a terminal's Ctrl+C from reaching them directly:
    they get exactly the signals this process passes on, so one Ctrl+C is
    one graceful stop, not the second signal that aborts a running task.
    """
    return [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "deskmate",
                *worker_arguments(nightly=nightly, batch=False, verbosity=verbosity),
            ],
            start_new_session=True,
        )
        for nightly in (False, True)
    ]


def supervise(workers: list[subprocess.Popen]) -> int:
    """Pass SIGTERM and SIGINT on to the workers and wait for both; returns the exit code.

    A worker that ends on its own (a crash, a lost database) stops the other
    one too, so that a service manager restarts the whole, not half of it.
    """
    received: list[int] = []

    def pass_on(signum, frame):
        # Only a list append here: a lock taken in a signal handler can deadlock its own thread.
        received.append(signum)
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signum)

    previous = {name: signal.signal(name, pass_on) for name in (signal.SIGTERM, signal.SIGINT)}
    try:
        while not received and all(worker.poll() is None for worker in workers):
            time.sleep(SUPERVISE_EVERY)
        ended_alone = not received
        if ended_alone:
            for worker in workers:
                if worker.poll() is None:
                    worker.terminate()
        codes = [worker.wait() for worker in workers]
    finally:
        for name, handler in previous.items():
            signal.signal(name, handler)
    return 1 if ended_alone or any(codes) else 0


class Command(BaseCommand):
    help = (
        "Run the task workers (the nightly queue in a process of its own, every other queue "
        "in another) with the periodic scheduler beside them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=DEFAULT_INTERVAL,
            help="Seconds between scheduler runs (default: %(default)s).",
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Schedule once, run every queued task (the nightly queue last), then exit.",
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
        verbosity = options["verbosity"]
        if batch:
            # One pass in this process: nothing waits for a batch run but the batch itself.
            scheduler.join()
            for nightly in (False, True):
                call_command(*worker_arguments(nightly=nightly, batch=True, verbosity=verbosity))
            return
        try:
            code = supervise(worker_processes(verbosity))
        finally:
            stop.set()
            scheduler.join(timeout=5)
        if code:
            sys.exit(code)
