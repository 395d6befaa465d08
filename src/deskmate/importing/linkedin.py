"""A member's LinkedIn data archive: the zip of CSV files LinkedIn lets one download.

Read: ``Profile.csv``, ``Positions.csv``, ``Education.csv``, ``Skills.csv``,
``Connections.csv``, ``Recommendations_Received.csv`` and
``Endorsement_Received_Info.csv``, at the root of the archive or inside one top-level folder,
names compared without regard to case, spaces, ``_`` or ``-`` (older archives
name them "Recommendations Received.csv" and "Endorsement Received Info.csv"),
each file comma- or tab-separated (older archives write some with tabs).  Any
of them may be missing; every other file is ignored.  See docs/imports.md for
the columns.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import BinaryIO

from deskmate.importing.dates import InvalidDate, PartialDate, ends_before, parse_partial_date
from deskmate.importing.errors import (
    END_BEFORE_START,
    INVALID_EMAIL,
    NOT_A_DATE,
    REQUIRED,
    ErrorCollector,
    ImportFileError,
    ImportFileErrors,
)
from deskmate.importing.names import is_email_address
from deskmate.importing.safety import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_MEMBERS,
    DEFAULT_MAX_RATIO,
    DEFAULT_MAX_UNCOMPRESSED,
    SafeZip,
    ZipLimits,
    decode_text,
    open_zip,
)
from deskmate.importing.tables import Column, Row, Table, csv_records, read_table, sniff_delimiter

__all__ = [
    "Connection",
    "Education",
    "Endorsement",
    "LinkedInArchive",
    "Position",
    "Profile",
    "Recommendation",
    "Skill",
    "parse_linkedin_archive",
]

DUPLICATE_MEMBER = 'the archive holds more than one "{name}" ("{first}" and "{second}")'

DEFAULT_FILENAME = "LinkedIn archive"
PROFILE = "Profile.csv"
POSITIONS = "Positions.csv"
EDUCATION = "Education.csv"
SKILLS = "Skills.csv"
CONNECTIONS = "Connections.csv"
RECOMMENDATIONS = "Recommendations_Received.csv"
ENDORSEMENTS = "Endorsement_Received_Info.csv"
#: LinkedIn's "Status" / "Endorsement Status" of a vouch the member shows on their profile
#: (recommendations: VISIBLE or HIDDEN; endorsements: ACCEPTED, or VISIBLE, or HIDDEN);
#: empty in older archives without the column, which wrote "Shown" or "Hidden".
SHOWN_STATUSES = frozenset({"", "VISIBLE", "ACCEPTED", "SHOWN"})
#: Rows read at most from Connections.csv: as many as cards from one vCard file.
DEFAULT_MAX_CONNECTIONS = 50_000
#: Rows read at most from each of the other files (LinkedIn itself shows 100 skills).
DEFAULT_MAX_ROWS = 1_000


def _file_key(name: str) -> str:
    """A file name as compared: "Recommendations Received.csv" is Recommendations_Received.csv."""
    return re.sub(r"[\s_\-]+", "", name).lower()


_KNOWN = {
    _file_key(name): name
    for name in (
        PROFILE,
        POSITIONS,
        EDUCATION,
        SKILLS,
        CONNECTIONS,
        RECOMMENDATIONS,
        ENDORSEMENTS,
    )
}
_IGNORED_FOLDERS = frozenset({"__macosx"})


@dataclass(frozen=True, slots=True)
class Profile:
    first_name: str
    last_name: str
    headline: str
    summary: str
    industry: str
    #: LinkedIn's "Geo Location", e.g. "Lisbon, Portugal".
    location: str


@dataclass(frozen=True, slots=True)
class Position:
    company: str
    title: str
    description: str
    location: str
    started_on: PartialDate
    #: ``None`` for a current role.
    finished_on: PartialDate | None
    row: int


@dataclass(frozen=True, slots=True)
class Education:
    school: str
    #: "Degree Name" up to its first comma: "BSc" from "BSc, Computer Science".
    degree: str
    #: "Degree Name" after its first comma; LinkedIn exports no field of study.
    field: str
    notes: str
    activities: str
    started_on: PartialDate | None
    finished_on: PartialDate | None
    row: int


@dataclass(frozen=True, slots=True)
class Skill:
    name: str
    row: int


@dataclass(frozen=True, slots=True)
class Connection:
    first_name: str
    last_name: str
    url: str
    email: str
    company: str
    position: str
    connected_on: PartialDate | None
    row: int


@dataclass(frozen=True, slots=True)
class Recommendation:
    """A recommendation the member received, from Recommendations_Received.csv."""

    first_name: str
    last_name: str
    company: str
    title: str
    text: str
    #: From "Creation Date" ("09/27/19, 03:56 PM"); ``None`` when unreadable.
    created_on: dt.date | None
    #: LinkedIn's "Status": ``VISIBLE`` when shown on the member's profile.
    status: str
    row: int


@dataclass(frozen=True, slots=True)
class Endorsement:
    """A skill endorsement the member received, from Endorsement_Received_Info.csv."""

    skill: str
    first_name: str
    last_name: str
    url: str
    #: From "Endorsement Date" ("2019/05/30 07:25:24 UTC"); ``None`` when unreadable.
    endorsed_on: dt.date | None
    #: LinkedIn's "Endorsement Status": ``VISIBLE`` when shown on the member's profile.
    status: str
    row: int


@dataclass(frozen=True, slots=True)
class LinkedInArchive:
    profile: Profile | None
    positions: tuple[Position, ...]
    educations: tuple[Education, ...]
    skills: tuple[Skill, ...]
    connections: tuple[Connection, ...]
    #: Connection rows with no name, email address or URL: nothing to link them to.
    skipped_connections: int
    #: The recognised files found, as named in the archive (without folder).
    files: tuple[str, ...]
    recommendations: tuple[Recommendation, ...] = ()
    endorsements: tuple[Endorsement, ...] = ()


_PROFILE_COLUMNS = (
    Column("First Name", required=True),
    Column("Last Name"),
    Column("Headline"),
    Column("Summary"),
    Column("Industry"),
    Column("Geo Location", aliases=("Location",)),
)
_POSITION_COLUMNS = (
    Column("Company Name", aliases=("Company",), required=True),
    Column("Title", required=True),
    Column("Description"),
    Column("Location"),
    Column("Started On", aliases=("Start Date",), required=True),
    Column("Finished On", aliases=("End Date",)),
)
_EDUCATION_COLUMNS = (
    Column("School Name", aliases=("School",), required=True),
    Column("Start Date", aliases=("Started On",)),
    Column("End Date", aliases=("Finished On",)),
    Column("Notes"),
    Column("Degree Name", aliases=("Degree",)),
    Column("Activities"),
)
_SKILL_COLUMNS = (Column("Name", aliases=("Skill",), required=True),)
_CONNECTION_COLUMNS = (
    Column("First Name", required=True),
    Column("Last Name", required=True),
    Column("URL", aliases=("Profile URL",)),
    Column("Email Address", aliases=("Email",)),
    Column("Company"),
    Column("Position"),
    Column("Connected On"),
)
_RECOMMENDATION_COLUMNS = (
    Column("First Name", required=True),
    Column("Last Name"),
    Column("Company"),
    Column("Job Title", aliases=("Title",)),
    Column("Text", aliases=("Recommendation",)),
    Column("Creation Date", aliases=("Date",)),
    Column("Status"),
)
_ENDORSEMENT_COLUMNS = (
    Column("Skill Name", aliases=("Skill",), required=True),
    Column("Endorser First Name", required=True),
    Column("Endorser Last Name"),
    Column("Endorser Public Url", aliases=("Endorser Profile Url",)),
    Column("Endorsement Date", aliases=("Date",)),
    Column("Endorsement Status", aliases=("Status",)),
)


def parse_linkedin_archive(
    data: bytes | BinaryIO,
    *,
    filename: str = DEFAULT_FILENAME,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED,
    max_members: int = DEFAULT_MAX_MEMBERS,
    max_ratio: int = DEFAULT_MAX_RATIO,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_connections: int = DEFAULT_MAX_CONNECTIONS,
) -> LinkedInArchive:
    """Read a LinkedIn data archive into plain records.

    ``filename`` names the upload in errors about the archive as a whole;
    errors about a row name the CSV file inside it.  Raises
    :class:`~deskmate.importing.errors.ImportFileError` for an unsafe or
    unreadable archive, and :class:`~deskmate.importing.errors.ImportFileErrors`
    listing every bad row found (up to ``MAX_ERRORS``).  A file with more
    rows than its cap (``max_connections`` for Connections.csv, ``max_rows``
    for the others) is refused at the first row past it.
    """
    limits = ZipLimits(max_bytes, max_uncompressed, max_members, max_ratio)
    archive = open_zip(data, file=filename, limits=limits)
    texts = _read_known_members(archive)
    collector = ErrorCollector()

    profile = None
    positions: tuple[Position, ...] = ()
    educations: tuple[Education, ...] = ()
    skills: tuple[Skill, ...] = ()
    connections: tuple[Connection, ...] = ()
    skipped = 0
    if (table := _table(texts.get(PROFILE), _PROFILE_COLUMNS, collector, max_rows)) is not None:
        profile = _profile(table)
    if (table := _table(texts.get(POSITIONS), _POSITION_COLUMNS, collector, max_rows)) is not None:
        positions = _positions(table, collector)
    if (table := _table(texts.get(EDUCATION), _EDUCATION_COLUMNS, collector, max_rows)) is not None:
        educations = _educations(table, collector)
    if (table := _table(texts.get(SKILLS), _SKILL_COLUMNS, collector, max_rows)) is not None:
        skills = _skills(table)
    if (
        table := _table(texts.get(CONNECTIONS), _CONNECTION_COLUMNS, collector, max_connections)
    ) is not None:
        connections, skipped = _connections(table, collector)
    recommendations, endorsements = _vouches(texts, collector, max_rows)
    collector.raise_if_any()
    return LinkedInArchive(
        profile=profile,
        positions=positions,
        educations=educations,
        skills=skills,
        connections=connections,
        skipped_connections=skipped,
        recommendations=recommendations,
        endorsements=endorsements,
        files=tuple(file for file, _ in texts.values()),
    )


def _read_known_members(archive: SafeZip) -> dict[str, tuple[str, str]]:
    """Canonical name → (name as found in the archive, decoded text)."""
    found: dict[str, str] = {}
    infos = {}
    for info in archive.members():
        parts = [part for part in info.filename.split("/") if part]
        if len(parts) > 2 or (len(parts) == 2 and parts[0].lower() in _IGNORED_FOLDERS):
            continue
        canonical = _KNOWN.get(_file_key(parts[-1]))
        if canonical is None:
            continue
        if canonical in found:
            message = DUPLICATE_MEMBER.format(
                name=canonical, first=found[canonical], second=info.filename
            )
            raise ImportFileError(archive.file, None, None, message)
        found[canonical] = info.filename
        infos[canonical] = info
    texts = {}
    for canonical, info in infos.items():
        shown = info.filename.rsplit("/", 1)[-1]
        texts[canonical] = (shown, decode_text(archive.read(info), file=shown))
    return texts


def _table(
    member: tuple[str, str] | None,
    columns: tuple[Column, ...],
    collector: ErrorCollector,
    max_rows: int,
) -> Table | None:
    """The member's rows; ``None`` when it is absent or its header cannot be found."""
    if member is None:
        return None
    file, text = member
    delimiter = sniff_delimiter(text, header=columns[0].name, delimiters=",\t")
    try:
        return read_table(
            csv_records(text, file=file, delimiter=delimiter),
            file=file,
            columns=columns,
            collector=collector,
            max_rows=max_rows,
        )
    except ImportFileErrors:
        raise
    except ImportFileError as error:  # reported with the other files' errors
        collector.add(error)
        return None


def _profile(table: Table) -> Profile | None:
    if not table.rows:
        return None
    row = table.rows[0]
    return Profile(
        first_name=row["First Name"],
        last_name=row["Last Name"],
        headline=row["Headline"],
        summary=row["Summary"],
        industry=row["Industry"],
        location=row["Geo Location"],
    )


def _date(
    table: Table, row: Row, column: str, collector: ErrorCollector
) -> tuple[bool, PartialDate | None]:
    """Whether ``column`` holds a date or nothing, and that date; reports a bad one."""
    value = row[column]
    try:
        return True, parse_partial_date(value)
    except InvalidDate:
        message = NOT_A_DATE.format(value=value)
        collector.add(ImportFileError(table.file, row.number, table.label(column), message))
        return False, None


def _dates(
    table: Table, row: Row, start_column: str, end_column: str, collector: ErrorCollector
) -> tuple[PartialDate | None, PartialDate | None] | None:
    """Start and end of a stint, or ``None`` after reporting what is wrong with them."""
    start_ok, start = _date(table, row, start_column, collector)
    end_ok, end = _date(table, row, end_column, collector)
    if not (start_ok and end_ok):
        return None
    if start is not None and end is not None and ends_before(end, start):
        message = END_BEFORE_START.format(end=row[end_column], start=row[start_column])
        collector.add(ImportFileError(table.file, row.number, table.label(end_column), message))
        return None
    return start, end


def _required(table: Table, row: Row, column: str, collector: ErrorCollector) -> bool:
    if row[column]:
        return True
    collector.add(ImportFileError(table.file, row.number, table.label(column), REQUIRED))
    return False


def _positions(table: Table, collector: ErrorCollector) -> tuple[Position, ...]:
    positions = []
    for row in table.rows:
        has_company = _required(table, row, "Company Name", collector)
        has_start = _required(table, row, "Started On", collector)
        dates = _dates(table, row, "Started On", "Finished On", collector)
        if not (has_company and has_start and dates):
            continue
        start, end = dates
        assert start is not None
        positions.append(
            Position(
                company=row["Company Name"],
                title=row["Title"],
                description=row["Description"],
                location=row["Location"],
                started_on=start,
                finished_on=end,
                row=row.number,
            )
        )
    return tuple(positions)


def _educations(table: Table, collector: ErrorCollector) -> tuple[Education, ...]:
    educations = []
    for row in table.rows:
        has_school = _required(table, row, "School Name", collector)
        dates = _dates(table, row, "Start Date", "End Date", collector)
        if not (has_school and dates):
            continue
        degree, _, field = row["Degree Name"].partition(",")
        educations.append(
            Education(
                school=row["School Name"],
                degree=degree.strip(),
                field=field.strip(),
                notes=row["Notes"],
                activities=row["Activities"],
                started_on=dates[0],
                finished_on=dates[1],
                row=row.number,
            )
        )
    return tuple(educations)


def _skills(table: Table) -> tuple[Skill, ...]:
    return tuple(Skill(row["Name"], row.number) for row in table.rows if row["Name"])


def _connections(table: Table, collector: ErrorCollector) -> tuple[tuple[Connection, ...], int]:
    connections = []
    skipped = 0
    for row in table.rows:
        # Unpacked in the order of _CONNECTION_COLUMNS: this loop may run 30,000 times.
        first, last, url, email, company, position, connected = row.cells
        if not (first or last or url or email):
            skipped += 1
            continue
        if email and not is_email_address(email):
            label = table.label("Email Address")
            message = INVALID_EMAIL.format(value=email)
            collector.add(ImportFileError(table.file, row.number, label, message))
            continue
        try:
            connected_on = parse_partial_date(connected)
        except InvalidDate:
            label = table.label("Connected On")
            message = NOT_A_DATE.format(value=connected)
            collector.add(ImportFileError(table.file, row.number, label, message))
            continue
        connections.append(
            Connection(
                first_name=first,
                last_name=last,
                url=url,
                email=email,
                company=company,
                position=position,
                connected_on=connected_on,
                row=row.number,
            )
        )
    return tuple(connections), skipped


def _vouches(
    texts: dict[str, tuple[str, str]], collector: ErrorCollector, max_rows: int
) -> tuple[tuple[Recommendation, ...], tuple[Endorsement, ...]]:
    recommendations: list[Recommendation] = []
    endorsements: list[Endorsement] = []
    table = _table(texts.get(RECOMMENDATIONS), _RECOMMENDATION_COLUMNS, collector, max_rows)
    for row in table.rows if table is not None else ():
        if not (row["First Name"] or row["Last Name"]):
            continue
        recommendations.append(
            Recommendation(
                first_name=row["First Name"],
                last_name=row["Last Name"],
                company=row["Company"],
                title=row["Job Title"],
                text=row["Text"],
                created_on=_vouch_date(row["Creation Date"]),
                status=row["Status"].strip().upper(),
                row=row.number,
            )
        )
    table = _table(texts.get(ENDORSEMENTS), _ENDORSEMENT_COLUMNS, collector, max_rows)
    for row in table.rows if table is not None else ():
        if not (row["Skill Name"] and (row["Endorser First Name"] or row["Endorser Last Name"])):
            continue
        endorsements.append(
            Endorsement(
                skill=row["Skill Name"],
                first_name=row["Endorser First Name"],
                last_name=row["Endorser Last Name"],
                url=row["Endorser Public Url"],
                endorsed_on=_vouch_date(row["Endorsement Date"]),
                status=row["Endorsement Status"].strip().upper(),
                row=row.number,
            )
        )
    return tuple(recommendations), tuple(endorsements)


_YMD = re.compile(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})")
_MDY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})\b")


def _vouch_date(text: str) -> dt.date | None:
    """The day of a vouch as LinkedIn writes it (``2019/05/30 07:25:24 UTC``, ``09/27/19, 03:56 PM``).

    A date is no reason to refuse a vouch: an unreadable one is ``None``.
    """
    text = text.strip()
    try:
        if match := _YMD.match(text):
            year, month, day = (int(part) for part in match.groups())
        elif match := _MDY.match(text):
            month, day, year = (int(part) for part in match.groups())
            year += 2000 if year < 100 else 0
        else:
            return None
        return dt.date(year, month, day)
    except ValueError:
        return None
