import time

from django.core.management.base import BaseCommand, CommandError

from deskmate.core.audit import AuditEvent, audit
from deskmate.network.tie_store import ties_refresh_all, ties_refresh_members
from deskmate.people.models import Member

DASK_WITH_EMAILS = (
    "--dask refreshes the whole community; a few members' ties are refreshed in this process."
)


class Command(BaseCommand):
    help = "Recompute the ties of the whole community (or of some members) and store them."

    def add_arguments(self, parser):
        parser.add_argument("emails", nargs="*", help="Only the ties of these members.")
        parser.add_argument(
            "--dask",
            metavar="ADDRESS",
            help="Compute on the Dask scheduler at ADDRESS (e.g. tcp://10.0.0.5:8786); "
            "needs the distributed extra. The whole community only.",
        )

    def handle(self, *args, emails, dask=None, **options):
        started = time.perf_counter()
        if emails and dask:
            raise CommandError(DASK_WITH_EMAILS)
        if emails:
            ids = list(
                Member.objects.filter(user__email__in=[e.lower() for e in emails]).values_list(
                    "pk", flat=True
                )
            )
            count = ties_refresh_members(member_ids=ids)
        else:
            count = ties_refresh_all(scheduler=dask)
            audit(actor=None, action=AuditEvent.TIES_REFRESH_ALL, ties=count)
        self.stdout.write(
            self.style.SUCCESS(f"{count} ties stored in {time.perf_counter() - started:.1f} s.")
        )
