"""An organisation's people export (HR system, alumni office) as CSV or XLSX.

One row per position or education stint; rows sharing an ``external_id`` are
one person.  The columns are documented in docs/imports.md.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from deskmate.importing.dates import InvalidDate, PartialDate, ends_before, parse_partial_date
from deskmate.importing.errors import (
    END_BEFORE_START,
    INVALID_EMAIL,
    NOT_A_DATE,
    REQUIRED,
    ErrorCollector,
    ImportFileError,
)
from deskmate.importing.names import is_email_address
from deskmate.importing.safety import ZipLimits, decode_text, open_zip, read_upload
from deskmate.importing.tables import (
    Column,
    Row,
    Table,
    csv_records,
    read_table,
    sniff_delimiter,
)

__all__ = [
    "PeopleImport",
    "Person",
    "PersonEducation",
    "PersonPosition",
    "parse_people_csv",
    "parse_people_file",
    "parse_people_xlsx",
    "people_from_rows",
    "people_records",
]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_ROWS = 200_000
#: Spreadsheet XML compresses far better than CSV text does.
XLSX_MAX_RATIO = 250

POSITION = "position"
EDUCATION = "education"
KINDS = (POSITION, EDUCATION)

UNKNOWN_KIND = '"{value}" is not a kind (expected "position" or "education")'
KIND_REQUIRED = 'a kind ("position" or "education") is required when a stint column is filled in'
NOT_FOR_KIND = 'only "{kind}" rows use this column, but this row is a "{row_kind}"'
CONFLICTING_VALUE = (
    '"{value}" differs from "{previous}" given for the same external_id on row {row}'
)
EMAIL_TAKEN = '"{value}" is already the email of external_id "{other}" (row {row})'
OWN_MANAGER = "a person cannot be their own manager"
NOT_A_WORKBOOK = "the file is not an Excel workbook that can be read ({detail})"
EMPTY_WORKBOOK = "the workbook has no sheet"

_POSITION_FIELDS = ("organisation", "unit", "title")
_EDUCATION_FIELDS = ("school", "degree", "field")
_REQUIRED_FOR = {POSITION: ("organisation", "title", "start"), EDUCATION: ("school",)}
_PERSON_FIELDS = (
    "email",
    "first_name",
    "last_name",
    "headline",
    "location",
    "manager_external_id",
    "manager_email",
    "manager_name",
)

COLUMNS = (
    Column("external_id", required=True),
    Column("email"),
    Column("first_name"),
    Column("last_name"),
    Column("kind"),
    Column("organisation", aliases=("organization",)),
    Column("unit"),
    Column("title"),
    Column("school"),
    Column("degree"),
    Column("field"),
    Column("start"),
    Column("end"),
    Column("headline"),
    Column("location"),
    Column("manager_external_id"),
    Column("manager_email"),
    Column("manager_name"),
)

#: Reads one date cell; the mapped path passes one that knows the file's day/month order.
DateParser = Callable[[str], "PartialDate | None"]


@dataclass(frozen=True, slots=True)
class PersonPosition:
    organisation: str
    unit: str
    title: str
    start: PartialDate | None
    end: PartialDate | None
    row: int


@dataclass(frozen=True, slots=True)
class PersonEducation:
    school: str
    degree: str
    field: str
    start: PartialDate | None
    end: PartialDate | None
    row: int


@dataclass(frozen=True, slots=True)
class Person:
    external_id: str
    email: str
    first_name: str
    last_name: str
    headline: str
    location: str
    manager_external_id: str
    positions: tuple[PersonPosition, ...]
    educations: tuple[PersonEducation, ...]
    #: The first row the person appears on.
    row: int
    #: The manager's e-mail address, for reporting lines from exports without manager ids.
    manager_email: str = ""
    #: The manager's full name, matched to a person of the same file when nothing else is known.
    manager_name: str = ""


@dataclass(frozen=True, slots=True)
class PeopleImport:
    #: People in the order they first appear.
    people: tuple[Person, ...]
    #: Header labels that are not deskmate columns; their cells were not read.
    ignored_columns: tuple[str, ...]
    #: Column name → the file's own label, to name the column in later errors.
    labels: dict[str, str] = field(default_factory=dict)


def parse_people_file(
    data: bytes | BinaryIO,
    *,
    filename: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> PeopleImport:
    """Read a people export, as XLSX when it is a zip (workbook) and as CSV otherwise."""
    raw = read_upload(data, file=filename, max_bytes=max_bytes)
    if raw.startswith(b"PK\x03\x04"):
        return parse_people_xlsx(raw, filename=filename, max_bytes=max_bytes, max_rows=max_rows)
    return parse_people_csv(raw, filename=filename, max_bytes=max_bytes, max_rows=max_rows)


def parse_people_csv(
    data: bytes | BinaryIO,
    *,
    filename: str = "people.csv",
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> PeopleImport:
    """Read a people CSV: comma, semicolon or tab separated, UTF-8 (BOM optional) or UTF-16.

    Raises :class:`~deskmate.importing.errors.ImportFileErrors` listing every bad
    row found (up to ``MAX_ERRORS``).
    """
    raw = read_upload(data, file=filename, max_bytes=max_bytes)
    text = decode_text(raw, file=filename, allow_utf16=True)
    delimiter = sniff_delimiter(text, header="external_id")
    collector = ErrorCollector()
    table = read_table(
        csv_records(text, file=filename, delimiter=delimiter),
        file=filename,
        columns=COLUMNS,
        collector=collector,
        max_rows=max_rows,
    )
    return _people(table, collector)


def parse_people_xlsx(
    data: bytes | BinaryIO,
    *,
    filename: str = "people.xlsx",
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> PeopleImport:
    """Read the first sheet of an Excel workbook with the same columns as the CSV."""
    import openpyxl  # only needed for workbooks, and slow to import

    raw = read_upload(data, file=filename, max_bytes=max_bytes)
    # The workbook is a zip archive: hold it to the same checks before openpyxl opens it.
    open_zip(raw, file=filename, limits=ZipLimits(max_bytes=max_bytes, max_ratio=XLSX_MAX_RATIO))
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise ImportFileError(filename, None, None, NOT_A_WORKBOOK.format(detail=error)) from None
    try:
        if not workbook.worksheets:
            raise ImportFileError(filename, None, None, EMPTY_WORKBOOK)
        collector = ErrorCollector()
        table = read_table(
            _sheet_records(workbook.worksheets[0]),
            file=filename,
            columns=COLUMNS,
            collector=collector,
            max_rows=max_rows,
        )
    finally:
        workbook.close()
    return _people(table, collector)


@contextlib.contextmanager
def people_records(
    raw: bytes, *, filename: str, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Iterator[tuple[int, list[str]]]]:
    """The records of a people export, CSV or workbook, numbered as a spreadsheet shows them.

    A workbook stays open while the records are read, and is closed after.
    """
    if not raw.startswith(b"PK\x03\x04"):
        text = decode_text(raw, file=filename, allow_utf16=True)
        yield csv_records(text, file=filename, delimiter=sniff_delimiter(text))
        return
    import openpyxl  # only needed for workbooks, and slow to import

    open_zip(raw, file=filename, limits=ZipLimits(max_bytes=max_bytes, max_ratio=XLSX_MAX_RATIO))
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise ImportFileError(filename, None, None, NOT_A_WORKBOOK.format(detail=error)) from None
    try:
        if not workbook.worksheets:
            raise ImportFileError(filename, None, None, EMPTY_WORKBOOK)
        yield _sheet_records(workbook.worksheets[0])
    finally:
        workbook.close()


def _sheet_records(sheet: Any) -> Iterator[tuple[int, list[str]]]:
    for cells in sheet.iter_rows():
        values = [_cell_text(cell) for cell in cells]
        number = next((cell.row for cell in cells if getattr(cell, "row", None)), None)
        if number is not None:
            yield number, values


def _cell_text(cell: Any) -> str:
    """A cell as the text the CSV would have held; dates keep their displayed precision."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        shown = (getattr(cell, "number_format", "") or "").lower()
        if "d" in shown or "y" not in shown:
            return value.strftime("%Y-%m-%d")
        if "m" in shown:
            return value.strftime("%Y-%m")
        return value.strftime("%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass
class _PersonDraft:
    external_id: str
    row: int
    values: dict[str, tuple[str, int]] = field(default_factory=dict)
    positions: list[PersonPosition] = field(default_factory=list)
    educations: list[PersonEducation] = field(default_factory=list)

    def build(self) -> Person:
        def value(name: str) -> str:
            return self.values.get(name, ("", 0))[0]

        return Person(
            external_id=self.external_id,
            email=value("email"),
            first_name=value("first_name"),
            last_name=value("last_name"),
            headline=value("headline"),
            location=value("location"),
            manager_external_id=value("manager_external_id"),
            manager_email=value("manager_email"),
            manager_name=value("manager_name"),
            positions=tuple(self.positions),
            educations=tuple(self.educations),
            row=self.row,
        )


def _people(table: Table, collector: ErrorCollector) -> PeopleImport:
    return people_from_rows(
        table.rows,
        file=table.file,
        label=table.label,
        ignored_columns=table.unknown_labels,
        collector=collector,
    )


def people_from_rows(
    rows: Iterable[Row],
    *,
    file: str,
    label: Callable[[str], str],
    ignored_columns: tuple[str, ...],
    collector: ErrorCollector,
    parse_date: DateParser = parse_partial_date,
    labels: dict[str, str] | None = None,
) -> PeopleImport:
    """People from rows addressed by this module's column names (see ``COLUMNS``).

    ``label`` names a column as the file spells it, for errors.  Several rows
    may share a spreadsheet row number (a mapped row holding a position and an
    education).
    """
    reader = _RowReader(file, label, collector, parse_date)
    for row in rows:
        reader.read(row)
    collector.raise_if_any()
    return PeopleImport(
        people=tuple(draft.build() for draft in reader.drafts.values()),
        ignored_columns=ignored_columns,
        labels=dict(labels or {}),
    )


@dataclass
class _RowReader:
    file: str
    label: Callable[[str], str]
    collector: ErrorCollector
    parse_date: DateParser
    drafts: dict[str, _PersonDraft] = field(default_factory=dict)
    email_owners: dict[str, tuple[str, int]] = field(default_factory=dict)

    def read(self, row: Row) -> None:
        _read_row(self, row)


def _read_row(reader: _RowReader, row: Row) -> None:
    drafts, email_owners, collector = reader.drafts, reader.email_owners, reader.collector

    def report(column: str, message: str) -> None:
        collector.add(ImportFileError(reader.file, row.number, reader.label(column), message))

    external_id = row["external_id"]
    if not external_id:
        report("external_id", REQUIRED)
        return
    draft = drafts.setdefault(external_id, _PersonDraft(external_id, row.number))
    errors_before = len(collector.errors)

    _check_identity(row, external_id, email_owners, report)
    if len(collector.errors) == errors_before:
        _agree_with_earlier_rows(row, draft, report)

    stint = _read_stint(row, report, reader.parse_date)
    if stint is None or len(collector.errors) > errors_before:
        return
    if isinstance(stint, PersonPosition):
        draft.positions.append(stint)
    elif isinstance(stint, PersonEducation):
        draft.educations.append(stint)


def _check_identity(
    row: Row,
    external_id: str,
    email_owners: dict[str, tuple[str, int]],
    report: Callable[[str, str], None],
) -> None:
    """The row's e-mail address is one and nobody else's; the person is not their own manager."""
    email = row["email"]
    if email and not is_email_address(email):
        report("email", INVALID_EMAIL.format(value=email))
    elif email:
        owner = email_owners.setdefault(email.casefold(), (external_id, row.number))
        if owner[0] != external_id:
            report("email", EMAIL_TAKEN.format(value=email, other=owner[0], row=owner[1]))
    if row["manager_external_id"] == external_id:
        report("manager_external_id", OWN_MANAGER)
    manager_email = row["manager_email"]
    if manager_email and not is_email_address(manager_email):
        report("manager_email", INVALID_EMAIL.format(value=manager_email))
    elif manager_email and email and manager_email.casefold() == email.casefold():
        report("manager_email", OWN_MANAGER)


def _agree_with_earlier_rows(
    row: Row, draft: _PersonDraft, report: Callable[[str, str], None]
) -> None:
    """Person columns filled on several rows of one person must say the same."""
    for name in _PERSON_FIELDS:
        value = row[name]
        if not value:
            continue
        previous, previous_row = draft.values.setdefault(name, (value, row.number))
        if _key(name, previous) != _key(name, value):
            message = CONFLICTING_VALUE.format(value=value, previous=previous, row=previous_row)
            report(name, message)


def _key(column: str, value: str) -> str:
    """What must agree between rows of one person: emails ignore case, the rest is exact."""
    return value.casefold() if column == "email" else value


def _stint_cells_valid(row: Row, kind: str, report: Callable[[str, str], None]) -> bool:
    """The kind's required cells are filled and the other kind's are empty; reports each one."""
    valid = True
    for name in _REQUIRED_FOR[kind]:
        if not row[name]:
            report(name, REQUIRED)
            valid = False
    other_kind, other_fields = (
        (EDUCATION, _EDUCATION_FIELDS) if kind == POSITION else (POSITION, _POSITION_FIELDS)
    )
    for name in other_fields:
        if row[name]:
            report(name, NOT_FOR_KIND.format(kind=other_kind, row_kind=kind))
            valid = False
    return valid


def _stint_dates(
    row: Row, report: Callable[[str, str], None], parse_date: DateParser
) -> tuple[PartialDate | None, PartialDate | None] | None:
    """Start and end, or ``None`` after reporting each one that is not a date."""
    dates: dict[str, PartialDate | None] = {}
    for name in ("start", "end"):
        try:
            dates[name] = parse_date(row[name])
        except InvalidDate:
            report(name, NOT_A_DATE.format(value=row[name]))
    if len(dates) < 2:
        return None
    return dates["start"], dates["end"]


def _read_stint(
    row: Row, report: Callable[[str, str], None], parse_date: DateParser
) -> PersonPosition | PersonEducation | None:
    kind = row["kind"].casefold()
    stint_fields = (*_POSITION_FIELDS, *_EDUCATION_FIELDS, "start", "end")
    if not kind:
        if any(row[name] for name in stint_fields):
            report("kind", KIND_REQUIRED)
        return None
    if kind not in KINDS:
        report("kind", UNKNOWN_KIND.format(value=row["kind"]))
        return None

    cells_valid = _stint_cells_valid(row, kind, report)
    dates = _stint_dates(row, report, parse_date)
    if not cells_valid or dates is None:
        return None
    start, end = dates
    if start is not None and end is not None and ends_before(end, start):
        report("end", END_BEFORE_START.format(end=row["end"], start=row["start"]))
        return None
    if kind == POSITION:
        return PersonPosition(
            row["organisation"], row["unit"], row["title"], start, end, row.number
        )
    return PersonEducation(row["school"], row["degree"], row["field"], start, end, row.number)
