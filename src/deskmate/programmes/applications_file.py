"""The applications file reader now lives in :mod:`deskmate.importing.applications`.

Kept so that ``from deskmate.programmes.applications_file import ...`` still works.
"""

from deskmate.importing.applications import *  # noqa: F403
from deskmate.importing.applications import __all__  # noqa: F401
