"""`deskmate serve`: the production web server (gunicorn) in front of deskmate's WSGI app.

gunicorn because it is the pre-fork WSGI server Django documents, pure Python with nothing to
compile, and its worker processes use every core; a faster server would not matter while the
time of a request is spent in Django and the database.
"""

import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


def gunicorn_argv(
    *, bind: str, workers: int, threads: int, timeout: int, behind_proxy: bool
) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "deskmate.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--timeout",
        str(timeout),
        "--access-logfile",
        "-",
        "--error-logfile",
        "-",
        "--forwarded-allow-ips",
        "*" if behind_proxy else "127.0.0.1",
    ]


def settings_argv(bind: str | None, workers: int | None) -> list[str]:
    return gunicorn_argv(
        bind=bind or settings.SERVE_BIND,
        workers=workers or settings.WEB_WORKERS,
        threads=settings.WEB_THREADS,
        timeout=settings.WEB_TIMEOUT,
        behind_proxy=settings.BEHIND_PROXY,
    )


class Command(BaseCommand):
    help = (
        "Collect the static files and serve deskmate with gunicorn "
        "(DESKMATE_BIND, DESKMATE_WEB_WORKERS, DESKMATE_WEB_THREADS, DESKMATE_WEB_TIMEOUT)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bind", help="Address:port to listen on (default: DESKMATE_BIND).")
        parser.add_argument(
            "--workers", type=int, help="Web processes (default: DESKMATE_WEB_WORKERS, 2)."
        )
        parser.add_argument(
            "--migrate", action="store_true", help="Apply database migrations first."
        )

    def handle(self, *args, bind, workers, migrate, **options):
        if migrate:
            call_command("migrate", interactive=False, verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        argv = settings_argv(bind, workers)
        self.stdout.write(f"deskmate: serving on http://{argv[argv.index('--bind') + 1]}/")
        self.stdout.flush()
        # gunicorn takes this process's place, so a process manager's signals reach it directly.
        os.execv(sys.executable, argv)
