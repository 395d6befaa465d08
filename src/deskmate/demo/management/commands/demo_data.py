"""`deskmate demo-data`: fills an empty database with the demo community."""

import argparse
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from deskmate.demo.generator import DEMO_PASSWORD, MEMBERS_MINIMUM, generate_community
from deskmate.demo.loader import NOT_EMPTY, CommunityNotEmpty, SignInTaken, demo_community_load
from deskmate.people.models import Member

TOO_FEW_MEMBERS = "--members must be at least {minimum}."
REFUSED = (
    NOT_EMPTY
    + " Use --if-empty to skip it without an error, or a fresh DESKMATE_DATA_DIR to rebuild."
)


class Command(BaseCommand):
    help = (
        "Fill an empty database with the demo community: a university's students and alumni, "
        "their employers, careers, skills, goals, offers and imported contacts. The same --members "
        "and --seed give the same people. Four sign-ins are always there, with the password "
        f"{DEMO_PASSWORD!r}: mentee@, mentor@, coordinator@ and admin@deskmate.demo. "
        "The command refuses a database that already has members (it never deletes anything); "
        "with --if-empty it quietly does nothing there instead. To rebuild the demo, point "
        "DESKMATE_DATA_DIR at a fresh directory (or flush the database) and run it again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--members", type=int, default=2000, help="How many members to create (default 2000)."
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Seed of the generator (default 1)."
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing, without an error, when the database already has members.",
        )
        parser.add_argument(
            "--progress",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="Show a progress bar on stderr (default: when stderr is a terminal).",
        )

    def handle(
        self, *args, members: int, seed: int, if_empty: bool, progress: bool | None, **options
    ):
        if members < MEMBERS_MINIMUM:
            raise CommandError(TOO_FEW_MEMBERS.format(minimum=MEMBERS_MINIMUM))
        existing = Member.objects.count()
        if existing:
            if if_empty:
                if options["verbosity"] >= 2:
                    self.stdout.write(
                        f"{existing} members exist already; leaving the database as it is."
                    )
                return
            raise CommandError(REFUSED.format(count=existing))
        if progress is None:
            progress = sys.stderr.isatty()
        started = time.monotonic()
        community = generate_community(members=members, seed=seed, today=timezone.localdate())
        try:
            counts = demo_community_load(community, progress=progress)
        except CommunityNotEmpty as error:
            if if_empty:
                return
            raise CommandError(str(error)) from None
        except SignInTaken as error:
            raise CommandError(str(error)) from None
        elapsed = time.monotonic() - started
        summary = ", ".join(f"{count:,} {what.replace('_', ' ')}" for what, count in counts.items())
        self.stdout.write(
            self.style.SUCCESS(f"Created the demo community in {elapsed:.1f} s: {summary}.")
        )
        sign_ins = ", ".join(m.email for m in community.members if m.signs_in)
        self.stdout.write(f"Sign in as {sign_ins} with the password {DEMO_PASSWORD}.")
