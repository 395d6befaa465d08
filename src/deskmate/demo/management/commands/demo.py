"""Set up and serve the demo community: migrate, load it if empty, run a worker and the server."""

import os
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from deskmate.network.models import Tie

DEMO_SIGN_INS = [
    ("member (mentee)", "mentee@deskmate.demo"),
    ("mentor", "mentor@deskmate.demo"),
    ("coordinator", "coordinator@deskmate.demo"),
    ("admin", "admin@deskmate.demo"),
]
DEMO_PASSWORD = "deskmate-demo"


class Command(BaseCommand):
    help = "Migrate, load the demo community if the database is empty, and serve it with a task worker."

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=2000, help="Size of the demo community.")
        parser.add_argument("--seed", type=int, default=7, help="Seed of the demo community.")
        parser.add_argument("--addrport", default="127.0.0.1:8000", help="Where to serve.")
        parser.add_argument("--no-serve", action="store_true", help="Set up only; do not serve.")

    def handle(self, *args, members, seed, addrport, no_serve, **options):
        call_command("migrate", interactive=False, verbosity=0)
        call_command("demo_data", members=members, seed=seed, if_empty=True)
        if not Tie.objects.exists():
            call_command("refresh_ties")
        self.stdout.write(self.style.SUCCESS(f"\ndeskmate demo: http://{addrport}/"))
        self.stdout.write(f"Sign in with any of these, password {DEMO_PASSWORD!r}:")
        for role, email in DEMO_SIGN_INS:
            self.stdout.write(f"  {role:<16} {email}")
        self.stdout.write("")
        if no_serve:
            return
        worker = subprocess.Popen(
            [sys.executable, "-m", "deskmate", "worker"], env=os.environ.copy()
        )
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            worker.terminate()
            worker.wait(timeout=10)
