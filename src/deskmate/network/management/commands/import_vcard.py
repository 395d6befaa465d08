from deskmate.network.management.commands._import_command import ImportCommand
from deskmate.network.models import ImportJob


class Command(ImportCommand):
    help = "Import a .vcf file (vCard 3.0 or 4.0) as a member's contacts."
    kind = ImportJob.Kind.VCARD
