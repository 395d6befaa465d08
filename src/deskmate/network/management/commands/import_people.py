from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from deskmate.network import services
from deskmate.network.management.commands._import_command import ImportCommand
from deskmate.network.models import ImportJob
from deskmate.people.models import Member


class Command(ImportCommand):
    help = (
        "Import an organisation's people file (HR or alumni export, CSV or XLSX, one row per "
        "position or education stint; columns in docs/imports.md). Creates or updates members. "
        "A file in its source's own columns is read through the saved mapping for its headers."
    )
    kind = ImportJob.Kind.PEOPLE
    needs_owner = False

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--as",
            dest="actor",
            default="",
            help="E-mail of the admin recorded as doing the import.",
        )

    def owner(self, options) -> Member | None:
        if not options["actor"]:
            return None
        admin = Member.objects.filter(
            role=Member.Role.ADMIN, user__email__iexact=options["actor"].strip()
        ).first()
        if admin is None:
            raise CommandError(f"No admin member has the e-mail address {options['actor']}.")
        return admin

    def mapping(self, payload: bytes, file_name: str):
        try:
            routed = services.people_file_route(payload, file_name)
        except ValidationError as error:
            raise CommandError("Nothing was imported:\n  " + "\n  ".join(error.messages)) from None
        if routed["status"] == ImportJob.Status.MAPPING:
            raise CommandError(NEEDS_MAPPING.format(name=file_name))
        return (
            services.ColumnMapping.from_dict(routed["mapping"]) if routed.get("mapping") else None
        )


NEEDS_MAPPING = (
    "{name}: no saved mapping knows these columns. Upload the file once on the imports page, "
    "map its columns and keep the mapping; this command then uses it."
)
