"""What the import commands share: read a bounded file, show progress, report clearly."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from deskmate.importing.errors import ImportFileError
from deskmate.importing.safety import format_size
from deskmate.network import importers
from deskmate.network.identities import MatchesToConfirm
from deskmate.network.services import UPLOAD_TOO_LARGE
from deskmate.people.models import Member


class ImportCommand(BaseCommand):
    kind: str = ""
    needs_owner = True

    def add_arguments(self, parser):
        if self.needs_owner:
            parser.add_argument("email", help="E-mail address of the member who owns the data.")
        parser.add_argument("path", type=Path, help="The file to import.")
        parser.add_argument(
            "--no-progress", action="store_true", help="Do not show a progress bar."
        )

    def owner(self, options) -> Member:
        email = options["email"].strip().lower()
        member = Member.objects.filter(user__email__iexact=email).first()
        if member is None:
            raise CommandError(f"No member has the e-mail address {email}.")
        return member

    def mapping(self, payload: bytes, file_name: str):
        """The column mapping the file is read through; None for the file's own documented shape."""
        return None

    def handle(self, *args, **options):
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if path.stat().st_size > limit:
            raise CommandError(UPLOAD_TOO_LARGE.format(name=path, limit=format_size(limit)))
        owner = self.owner(options)
        bar = tqdm(
            total=0, unit="rows", disable=options["no_progress"], desc=path.name, leave=False
        )

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        payload = path.read_bytes()
        try:
            summary = importers.run(
                self.kind,
                owner=owner,
                payload=payload,
                file_name=path.name,
                progress=progress,
                mapping=self.mapping(payload, path.name),
            )
        except MatchesToConfirm as waiting:
            details = [
                f"{item['incoming']} may be {item['stored']}: " + "; ".join(item["evidence"])
                for item in waiting.summary.possible
            ]
            raise CommandError(NEEDS_ANSWERS + "\n  " + "\n  ".join(details)) from None
        except ImportFileError as error:
            details = [str(item) for item in getattr(error, "errors", [])] or [str(error)]
            raise CommandError("Nothing was imported:\n  " + "\n  ".join(details)) from None
        finally:
            bar.close()
        parts = summary.lines()
        self.stdout.write(
            self.style.SUCCESS(f"Imported {path.name}: " + (", ".join(parts) or "nothing new"))
        )


NEEDS_ANSWERS = (
    "Nothing was imported: some people in the file may already be members. Upload the file "
    "on the imports page to answer for each (or give them the external id or e-mail "
    "deskmate has):"
)
