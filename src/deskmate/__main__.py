"""The `deskmate` command: Django's management commands under the product's name."""

import os
import sys

from django.core.exceptions import ImproperlyConfigured
from django.core.management import execute_from_command_line


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deskmate.settings")

    args = list(sys.argv if argv is None else argv)
    args[0] = "deskmate"
    if len(args) > 1 and not args[1].startswith("-"):
        # `deskmate import-linkedin` reads better than Django's import_linkedin.
        args[1] = args[1].replace("-", "_")
    try:
        execute_from_command_line(args)
    except ImproperlyConfigured as error:
        sys.stderr.write(f"deskmate: configuration error: {error}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
