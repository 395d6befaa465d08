from deskmate.network.management.commands._import_command import ImportCommand
from deskmate.network.models import ImportJob


class Command(ImportCommand):
    help = "Import a member's LinkedIn data archive (the .zip): positions, education, skills, connections."
    kind = ImportJob.Kind.LINKEDIN
