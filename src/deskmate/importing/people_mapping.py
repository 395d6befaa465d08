"""A people export in the source system's own columns, read through a column mapping.

HR and alumni systems (Workday, BambooHR, HiBob, Personio, Raiser's Edge,
Salesforce reports) each name their columns their own way and write one row
per person. This module

- reads the header and the first rows of such a file (:func:`read_people_preview`),
- guesses which deskmate field each column holds (:func:`guess_people_mapping`),
  and the order of day and month in its dates (:func:`guess_date_order`),
- and, once an admin has confirmed the mapping, reads the whole file into the
  same records as :mod:`deskmate.importing.people_csv` (:func:`parse_people_mapped`).

A row with position columns (title, unit, hire date…) is a position, one with
education columns (school, degree, class year…) an education, and a row may
hold one of each. A file without an organisation or school column takes the
one the mapping names for every row ("everyone in this file works at Acme").
Nothing here touches the database.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from deskmate.importing.dates import InvalidDate, PartialDate, parse_partial_date
from deskmate.importing.errors import (
    MISSING_COLUMNS,
    TOO_MANY_CELLS,
    TOO_MANY_ROWS,
    ErrorCollector,
    ImportFileError,
)
from deskmate.importing.names import is_email_address
from deskmate.importing.people_csv import (
    COLUMNS,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ROWS,
    EDUCATION,
    POSITION,
    DateParser,
    PeopleImport,
    people_from_rows,
    people_records,
)
from deskmate.importing.safety import read_upload
from deskmate.importing.tables import MAX_PREAMBLE_ROWS, Row, header_key

__all__ = [
    "FIELDS",
    "PeopleMapping",
    "PeoplePreview",
    "guess_date_order",
    "guess_people_mapping",
    "mapping_problems",
    "parse_people_mapped",
    "read_people_preview",
    "source_key",
]

IGNORE = "ignore"
PREFERRED_NAME, FULL_NAME, CLASS_YEAR = "preferred_name", "full_name", "class_year"

#: Every field a column can be mapped to, with the words the mapping page shows.
FIELDS = {
    IGNORE: "Do not import",
    "external_id": "Person's id in the source system",
    "email": "E-mail address",
    "first_name": "First name",
    PREFERRED_NAME: "Preferred first name (shown instead of the first name)",
    "last_name": "Last name",
    FULL_NAME: "Full name (first and last in one cell)",
    "headline": "Headline",
    "location": "Location (office, site or city)",
    "manager_external_id": "Manager's id (the reporting line)",
    "manager_email": "Manager's e-mail address (the reporting line)",
    "manager_name": "Manager's full name (the reporting line, found by name in this file)",
    "kind": 'Kind of stint ("position" or "education")',
    "organisation": "Organisation (employer)",
    "unit": "Unit (team or department)",
    "title": "Job title",
    "start": "Start date (hire date)",
    "end": "End date (termination date; empty for a current role)",
    "school": "School",
    "degree": "Degree",
    "field": "Field of study (major)",
    CLASS_YEAR: "Class year (the year the person left the school)",
}
#: Every field but "ignore" takes at most one column.
SINGLE_FIELDS = tuple(name for name in FIELDS if name != IGNORE)

DAY_FIRST, MONTH_FIRST = "day_first", "month_first"
DATE_ORDERS = {
    "": "As written (a date such as 03/04/2024, which could be either, is refused)",
    DAY_FIRST: "Day first: 25/12/2023, 25.12.2023",
    MONTH_FIRST: "Month first: 12/25/2023",
}

NO_HEADER = "the file has no header row"
DUPLICATE_HEADER = 'two columns are called "{label}"'
MAP_ID = "Map one column to the person's id in the source system."
MAP_ONCE = "Map only one column to {field}."
MAP_ORGANISATION = (
    "Map a column to the organisation, or name the organisation everyone in this file works at."
)
MAP_SCHOOL = "Map a column to the school, or name the school everyone in this file studied at."
MAP_KIND_OR_STINT = (
    "A kind column decides each row's stint: map the organisation, school and dates "
    "to columns too, not a name for the whole file."
)

#: Rows the preview reads: a few to show, more to tell the day/month order apart.
PREVIEW_SAMPLE_ROWS = 5
PREVIEW_SCAN_ROWS = 200

_POSITION_FIELDS = ("organisation", "unit", "title", "start", "end")
_EDUCATION_FIELDS = ("school", "degree", "field", CLASS_YEAR)


@dataclass(frozen=True, slots=True)
class PeopleMapping:
    """What the admin confirmed: each column's field, and what holds for the whole file."""

    #: File label → field (one of ``FIELDS``); a label left out is ignored.
    columns: dict[str, str]
    #: The organisation of every position, for a file without an organisation column.
    organisation: str = ""
    #: The school of every education, for a file without a school column.
    school: str = ""
    #: How numeric dates are written: "", ``DAY_FIRST`` or ``MONTH_FIRST``.
    date_order: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "columns": dict(self.columns),
            "organisation": self.organisation,
            "school": self.school,
            "date_order": self.date_order,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PeopleMapping:
        return cls(
            columns={str(k): str(v) for k, v in dict(data.get("columns") or {}).items()},
            organisation=str(data.get("organisation") or ""),
            school=str(data.get("school") or ""),
            date_order=str(data.get("date_order") or ""),
        )


@dataclass(frozen=True, slots=True)
class PeoplePreview:
    """The header of a file and its first rows, for the mapping page."""

    labels: tuple[str, ...]
    header_row: int
    #: The first records under the header, each as long as the header.
    samples: tuple[tuple[str, ...], ...]
    #: The day/month order the first rows' dates show ("" when they do not tell).
    date_order: str = ""
    #: Records read under the header (up to ``PREVIEW_SCAN_ROWS``), for the guesses.
    scanned: tuple[tuple[str, ...], ...] = field(default=(), repr=False)


def source_key(labels: Iterable[str]) -> str:
    """One key for every file with the same set of headers, whatever their order or case.

    >>> source_key(["Work Email", "Employee ID"]) == source_key(["employee_id", "work-email"])
    True
    """
    keys = sorted({header_key(label) for label in labels if label.strip()})
    return hashlib.sha256("\n".join(keys).encode()).hexdigest()


# ---------------------------------------------------------------- header and preview


def _is_header(record: Sequence[str]) -> bool:
    """A report title above the header fills one cell; the header fills at least two."""
    return sum(1 for cell in record if cell.strip()) >= 2


def _labels(record: Sequence[str], number: int, filename: str) -> tuple[str, ...]:
    labels = [cell.replace("\ufeff", "").strip() for cell in record]
    while labels and not labels[-1]:
        labels.pop()
    seen: set[str] = set()
    for index, label in enumerate(labels):
        if not label:
            labels[index] = label = f"Column {index + 1}"
        if header_key(label) in seen:
            raise ImportFileError(filename, number, label, DUPLICATE_HEADER.format(label=label))
        seen.add(header_key(label))
    return tuple(labels)


def _find_header(
    records: Iterator[tuple[int, list[str]]], filename: str
) -> tuple[int, tuple[str, ...]]:
    """The first of the top rows that fills two cells (or the only non-blank one)."""
    first: tuple[int, list[str]] | None = None
    for number, record in records:
        if number > MAX_PREAMBLE_ROWS:
            break
        if not any(cell.strip() for cell in record):
            continue
        first = first or (number, record)
        if _is_header(record):
            return number, _labels(record, number, filename)
    if first is None:
        raise ImportFileError(filename, None, None, NO_HEADER)
    return first[0], _labels(first[1], first[0], filename)


def read_people_preview(
    data: bytes, *, filename: str, max_bytes: int = DEFAULT_MAX_BYTES
) -> PeoplePreview:
    """The header and first rows of a people export; refuses a file that has no header."""
    raw = read_upload(data, file=filename, max_bytes=max_bytes)
    with people_records(raw, filename=filename, max_bytes=max_bytes) as records:
        header_row, labels = _find_header(records, filename)
        width = len(labels)
        scanned: list[tuple[str, ...]] = []
        for _number, record in records:
            if len(scanned) >= PREVIEW_SCAN_ROWS:
                break
            if any(cell.strip() for cell in record):
                cells = [cell.strip() for cell in record[:width]]
                scanned.append(tuple(cells + [""] * (width - len(cells))))
    mapping = guess_people_mapping(labels)
    return PeoplePreview(
        labels=labels,
        header_row=header_row,
        samples=tuple(scanned[:PREVIEW_SAMPLE_ROWS]),
        date_order=guess_date_order(labels, mapping, scanned),
        scanned=tuple(scanned),
    )


# ---------------------------------------------------------------- guesses

#: Header spellings of each field in the exports of common HR and alumni systems,
#: compared without case, spaces or punctuation ("Work Email" is "workemail").
#: Where several columns could hold one field, the earlier spelling wins.
_SPELLINGS: dict[str, tuple[str, ...]] = {
    "external_id": (
        "externalid",
        "employeeid",  # Workday, HiBob
        "employee",  # BambooHR "Employee #"
        "employeenumber",
        "employeeno",
        "workerid",
        "personnelnumber",
        "constituentid",  # Raiser's Edge
        "contactid",  # Salesforce
        "lookupid",
        "alumniid",
        "studentid",
        "staffid",
        "personid",
        "id",  # Personio
        "recordid",
    ),
    "email": (
        "email",
        "workemail",
        "emailaddress",
        "workemailaddress",
        "businessemail",
        "emailwork",
        "primaryemail",
        "primaryemailaddress",
        "preferredemail",
        "emailprimary",
        "personalemail",
    ),
    "first_name": ("firstname", "legalfirstname", "givenname", "forename", "firstnamelegal"),
    PREFERRED_NAME: ("preferredname", "preferredfirstname", "nickname", "knownas"),
    "last_name": ("lastname", "legallastname", "surname", "familyname", "lastnamelegal"),
    FULL_NAME: (
        "name",
        "fullname",
        "displayname",
        "employeename",
        "workername",
        "legalname",
        "constituentname",
    ),
    "headline": ("headline",),
    "location": (
        "location",
        "worklocation",
        "office",
        "site",  # HiBob
        "businesssite",
        "locationname",
        "primarylocation",
        "city",
    ),
    "manager_external_id": (
        "managerexternalid",
        "managerid",
        "manageremployeeid",
        "supervisorid",
        "supervisoreid",  # BambooHR "Supervisor EID"
        "supervisoremployeeid",
        "reportstoid",
        "reportingtoid",
        "managerworkerid",
        "linemanagerid",
    ),
    "manager_email": (
        "manageremail",
        "supervisoremail",  # BambooHR
        "reportstoemail",  # HiBob, Salesforce "Reports To: Email"
        "managerworkemail",
        "manageremailaddress",
        "managersemail",
        "supervisorworkemail",
        "reportingtoemail",
        "linemanageremail",
    ),
    "manager_name": (
        "managername",
        "manager",
        "supervisor",
        "supervisorname",
        "reportsto",
        "reportingto",
        "linemanager",
        "linemanagername",
        "managerfullname",
        "directmanager",
        "reportingmanager",
        "managersname",
    ),
    "kind": ("kind",),
    "organisation": (
        "organisation",
        "organization",
        "company",
        "companyname",
        "employer",
        "legalentity",
        "accountname",  # Salesforce contacts
        "primarybusinessname",  # Raiser's Edge
        "businessname",
    ),
    "unit": (
        "unit",
        "department",
        "team",
        "departmentname",
        "supervisoryorganization",  # Workday
        "businessunit",
        "division",
        "costcenter",
        "costcentre",
        "orgunit",
    ),
    "title": (
        "title",
        "jobtitle",
        "businesstitle",  # Workday
        "positiontitle",
        "position",  # Personio
        "jobprofile",
        "role",
        "primarybusinessposition",
    ),
    "start": (
        "start",
        "hiredate",
        "startdate",
        "mostrecenthiredate",
        "originalhiredate",
        "dateofhire",
        "employmentstartdate",
        "joindate",
        "joiningdate",
        "datejoined",
    ),
    "end": (
        "end",
        "terminationdate",
        "enddate",
        "employmentenddate",
        "leavingdate",
        "lastdayofwork",
        "contractenddate",
        "exitdate",
        "dateofleaving",
    ),
    "school": (
        "school",
        "schoolname",
        "institution",
        "university",
        "college",
        "primaryeducationschool",
        "educationschool",
    ),
    "degree": ("degree", "degreename", "primaryeducationdegree", "educationdegree"),
    "field": (
        "field",
        "major",
        "fieldofstudy",
        "primaryeducationmajor",
        "educationmajor",
        "subject",
        "discipline",
    ),
    CLASS_YEAR: (
        "classof",
        "classyear",
        "preferredclassyear",
        "primaryeducationclassof",
        "graduationyear",
        "yearofgraduation",
        "gradyear",
    ),
}
_RANK: dict[str, tuple[str, int]] = {
    spelling: (name, rank)
    for name, spellings in _SPELLINGS.items()
    for rank, spelling in enumerate(spellings)
}
_MANAGER_WORDS = ("manager", "supervisor", "reportsto", "reportingto")


def _compact(label: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header_key(label))


def _guess(label: str) -> tuple[str, int]:
    """The field a header most likely holds, and how sure (lower is surer)."""
    key = _compact(label)
    if key in _RANK:
        return _RANK[key]
    # "Work > Department" (a section and a field), "Email - Work".
    tail = _compact(re.split(r"[>:]", label)[-1])
    if tail in _RANK:
        return _RANK[tail][0], _RANK[tail][1] + 50
    about_manager = any(word in key for word in _MANAGER_WORDS)
    if about_manager and "email" in key:
        return "manager_email", 90
    if about_manager and key.endswith(("id", "number")):
        return "manager_external_id", 90
    if about_manager and key.endswith("name"):
        return "manager_name", 90
    if "email" in key and not about_manager:
        return "email", 90
    return IGNORE, 0


def guess_people_mapping(labels: Sequence[str]) -> dict[str, str]:
    """A first guess at each column's field, for the admin to confirm or correct.

    Each field takes one column; where several could hold it, the likelier one
    does ("Department" over "Division").

    >>> guess_people_mapping(["Employee ID", "Work Email", "Division", "Department"])
    {'Employee ID': 'external_id', 'Work Email': 'email', 'Division': 'ignore', 'Department': 'unit'}
    """
    guesses = {label: _guess(label) for label in labels}
    best: dict[str, tuple[int, int]] = {}
    for index, label in enumerate(labels):
        name, rank = guesses[label]
        if name != IGNORE and (name not in best or (rank, index) < best[name]):
            best[name] = (rank, index)
    chosen = {labels[index]: name for name, (_, index) in best.items()}
    return {label: chosen.get(label, IGNORE) for label in labels}


_NUMERIC_DATE = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")


def guess_date_order(
    labels: Sequence[str], mapping: dict[str, str], rows: Iterable[Sequence[str]]
) -> str:
    """ "day_first" when a date column shows 25/12/2023, "month_first" for 12/25/2023, else ""."""
    date_columns = [
        index for index, label in enumerate(labels) if mapping.get(label) in ("start", "end")
    ]
    for row in rows:
        for index in date_columns:
            found = _NUMERIC_DATE.fullmatch(row[index].strip()) if index < len(row) else None
            if found and int(found[1]) > 12 >= int(found[2]):
                return DAY_FIRST
            if found and int(found[2]) > 12 >= int(found[1]):
                return MONTH_FIRST
    return ""


def mapping_problems(mapping: PeopleMapping, labels: Sequence[str]) -> dict[str, list[str]]:
    """What stops a mapping from being used, by what to correct: a column label or "__all__"."""
    problems: dict[str, list[str]] = {}
    chosen = [mapping.columns.get(label, IGNORE) for label in labels]
    if chosen.count("external_id") != 1:
        problems.setdefault("__all__", []).append(MAP_ID)
    for name in SINGLE_FIELDS:
        if name != "external_id" and chosen.count(name) > 1:
            extra = [label for label in labels if mapping.columns.get(label) == name][1:]
            for label in extra:
                problems.setdefault(label, []).append(MAP_ONCE.format(field=FIELDS[name].lower()))
    if "kind" in chosen:
        if mapping.organisation or mapping.school:
            problems.setdefault("__all__", []).append(MAP_KIND_OR_STINT)
        return problems
    position = any(name in chosen for name in ("unit", "title", "start"))
    if position and "organisation" not in chosen and not mapping.organisation.strip():
        problems.setdefault("organisation", []).append(MAP_ORGANISATION)
    education = any(name in chosen for name in ("degree", "field", CLASS_YEAR))
    if education and "school" not in chosen and not mapping.school.strip():
        problems.setdefault("school", []).append(MAP_SCHOOL)
    return problems


# ---------------------------------------------------------------- reading the whole file


def date_parser(order: str) -> DateParser:
    """A date reader that takes all-numeric dates in the given order; others as usual.

    >>> str(date_parser("month_first")("03/04/2024")), str(date_parser("day_first")("03.04.2024"))
    ('2024-03-04', '2024-04-03')
    """
    if order not in (DAY_FIRST, MONTH_FIRST):
        return parse_partial_date

    def parse(text: str) -> PartialDate | None:
        found = _NUMERIC_DATE.fullmatch(text.strip()) if text else None
        if found is None:
            return parse_partial_date(text)
        first, second, year = int(found[1]), int(found[2]), int(found[3])
        day, month = (first, second) if order == DAY_FIRST else (second, first)
        try:
            return PartialDate.day(year, month, day)
        except ValueError:
            # 13/04/2024 in a month-first file: the cell or the chosen order is wrong.
            raise InvalidDate(text) from None

    return parse


_NAMES = tuple(column.name for column in COLUMNS)
_INDEX = {name: position for position, name in enumerate(_NAMES)}


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where each of a mapped row's values comes from: a cell of the record, or nothing."""

    width: int
    #: Field → position in the record.
    source: dict[str, int]
    organisation: str
    school: str

    def cell(self, record: Sequence[str], name: str) -> str:
        index = self.source.get(name)
        if index is None or index >= len(record):
            return ""
        return record[index].strip()

    def rows(self, number: int, record: Sequence[str]) -> Iterator[Row]:
        """The row(s) the record stands for: its person, and a position and/or an education."""
        values = {name: self.cell(record, name) for name in self.source}
        person = _person_values(values)
        if "kind" in self.source:
            yield _row(number, {**values, **person})
            return
        stints = _stints(values, self.organisation, self.school)
        if not stints:
            yield _row(number, person)
        for stint in stints:
            yield _row(number, {**person, **stint})


def _person_values(values: dict[str, str]) -> dict[str, str]:
    first, last = values.get("first_name", ""), values.get("last_name", "")
    full = values.get(FULL_NAME, "")
    if full and not (first or last):
        if "," in full:  # "Sánchez, María" as directories write it
            last, _, first = (part.strip() for part in full.partition(","))
        else:
            first, _, last = (part.strip() for part in full.partition(" "))
    person = {
        name: values.get(name, "")
        for name in (
            "external_id",
            "email",
            "headline",
            "location",
            "manager_external_id",
            "manager_email",
            "manager_name",
        )
    }
    if is_email_address(person["manager_name"]) and not person["manager_email"]:
        # A "Manager" column of e-mail addresses is what a manager e-mail column holds.
        person["manager_email"], person["manager_name"] = person["manager_name"], ""
    person["first_name"] = values.get(PREFERRED_NAME) or first
    person["last_name"] = last
    return person


def _stints(values: dict[str, str], organisation: str, school: str) -> list[dict[str, str]]:
    """The position and the education a row without a kind column gives."""
    stints = []
    has_position = any(values.get(name) for name in ("organisation", "unit", "title", "start"))
    has_education = any(values.get(name) for name in ("school", "degree", "field", CLASS_YEAR))
    if has_position or (values.get("end") and not has_education):
        stints.append(
            {
                "kind": POSITION,
                "organisation": values.get("organisation") or organisation,
                "unit": values.get("unit", ""),
                "title": values.get("title", ""),
                "start": values.get("start", ""),
                "end": values.get("end", ""),
            }
        )
    if has_education:
        dates = {} if has_position else {"start": values.get("start", "")}
        stints.append(
            {
                "kind": EDUCATION,
                "school": values.get("school") or school,
                "degree": values.get("degree", ""),
                "field": values.get("field", ""),
                "end": values.get(CLASS_YEAR) or ("" if has_position else values.get("end", "")),
                **dates,
            }
        )
    return stints


def _row(number: int, values: dict[str, str]) -> Row:
    return Row(number, tuple(values.get(name, "") for name in _NAMES), _INDEX)


def _layout(
    labels: Sequence[str], mapping: PeopleMapping
) -> tuple[_Layout, dict[str, str], tuple[str, ...]]:
    source: dict[str, int] = {}
    file_labels: dict[str, str] = {}
    for index, label in enumerate(labels):
        name = mapping.columns.get(label, IGNORE)
        if name != IGNORE and name not in source:
            source[name] = index
            file_labels[name] = label
    # Errors about the derived columns name the file's column they came from.
    for derived, origin in (
        ("first_name", PREFERRED_NAME),
        ("first_name", FULL_NAME),
        ("last_name", FULL_NAME),
        ("end", CLASS_YEAR),
    ):
        if origin in file_labels and derived not in file_labels:
            file_labels[derived] = file_labels[origin]
    ignored = tuple(label for label in labels if mapping.columns.get(label, IGNORE) == IGNORE)
    layout = _Layout(len(labels), source, mapping.organisation.strip(), mapping.school.strip())
    return layout, file_labels, ignored


def parse_people_mapped(
    data: bytes,
    *,
    filename: str,
    mapping: PeopleMapping,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> PeopleImport:
    """Every person of an export read through ``mapping``, or every bad row and column named.

    The header must be the one the mapping was made for: a column the mapping
    names that the file lacks refuses the file.
    """
    raw = read_upload(data, file=filename, max_bytes=max_bytes)
    collector = ErrorCollector()
    with people_records(raw, filename=filename, max_bytes=max_bytes) as records:
        header_row, labels = _find_header(records, filename)
        missing = [
            label
            for label, name in mapping.columns.items()
            if name != IGNORE and label not in labels
        ]
        if missing:
            names = ", ".join(f'"{label}"' for label in missing)
            raise ImportFileError(filename, header_row, None, MISSING_COLUMNS.format(columns=names))
        layout, file_labels, ignored = _layout(labels, mapping)
        rows = list(_mapped_rows(records, layout, filename, collector, max_rows))
    return people_from_rows(
        rows,
        file=filename,
        label=lambda name: file_labels.get(name, name),
        ignored_columns=ignored,
        collector=collector,
        parse_date=date_parser(mapping.date_order),
        labels=file_labels,
    )


def _mapped_rows(
    records: Iterator[tuple[int, list[str]]],
    layout: _Layout,
    filename: str,
    collector: ErrorCollector,
    max_rows: int,
) -> Iterator[Row]:
    count = 0
    for number, record in records:
        if not any(cell.strip() for cell in record):
            continue
        count += 1
        if count > max_rows:
            raise ImportFileError(filename, number, None, TOO_MANY_ROWS.format(limit=max_rows))
        if len(record) > layout.width and any(cell.strip() for cell in record[layout.width :]):
            message = TOO_MANY_CELLS.format(count=len(record), expected=layout.width)
            collector.add(ImportFileError(filename, number, None, message))
            continue
        yield from layout.rows(number, record)
