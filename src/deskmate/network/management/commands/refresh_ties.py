import time

from django.core.management.base import BaseCommand

from deskmate.core.audit import AuditEvent, audit
from deskmate.network.tie_store import ties_refresh_all, ties_refresh_members
from deskmate.people.models import Member


class Command(BaseCommand):
    help = "Recompute the ties of the whole community (or of some members) and store them."

    def add_arguments(self, parser):
        parser.add_argument("emails", nargs="*", help="Only the ties of these members.")

    def handle(self, *args, emails, **options):
        started = time.perf_counter()
        if emails:
            ids = list(
                Member.objects.filter(user__email__in=[e.lower() for e in emails]).values_list(
                    "pk", flat=True
                )
            )
            count = ties_refresh_members(member_ids=ids)
        else:
            count = ties_refresh_all()
            audit(actor=None, action=AuditEvent.TIES_REFRESH_ALL, ties=count)
        self.stdout.write(
            self.style.SUCCESS(f"{count} ties stored in {time.perf_counter() - started:.1f} s.")
        )
