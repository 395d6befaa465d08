"""Reading import files into plain records: no Django, no database.

Parsers take the uploaded bytes (or a binary file object), check them for
safety, and return frozen dataclasses, or raise :class:`ImportFileError`
(an :class:`ImportFileErrors` when several rows are wrong).  The services in
the Django apps write those records.  Formats are documented in docs/imports.md.
"""

from deskmate.importing.dates import InvalidDate, PartialDate, Precision, parse_partial_date
from deskmate.importing.errors import ImportFileError, ImportFileErrors
from deskmate.importing.linkedin import (
    Connection,
    Education,
    LinkedInArchive,
    Position,
    Profile,
    Skill,
    parse_linkedin_archive,
)
from deskmate.importing.names import (
    normalise_organisation_name,
    normalise_school_name,
    normalise_skill_name,
)
from deskmate.importing.people_csv import (
    PeopleImport,
    Person,
    PersonEducation,
    PersonPosition,
    parse_people_csv,
    parse_people_file,
    parse_people_xlsx,
)
from deskmate.importing.vcard import Contact, parse_vcards

__all__ = [
    "Connection",
    "Contact",
    "Education",
    "ImportFileError",
    "ImportFileErrors",
    "InvalidDate",
    "LinkedInArchive",
    "PartialDate",
    "PeopleImport",
    "Person",
    "PersonEducation",
    "PersonPosition",
    "Position",
    "Precision",
    "Profile",
    "Skill",
    "normalise_organisation_name",
    "normalise_school_name",
    "normalise_skill_name",
    "parse_linkedin_archive",
    "parse_partial_date",
    "parse_people_csv",
    "parse_people_file",
    "parse_people_xlsx",
    "parse_vcards",
]
