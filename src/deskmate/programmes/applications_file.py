"""Applications exported from a form tool (CSV or XLSX), read into plain records.

One row per applicant. The coordinator maps the file's columns to fields (name,
e-mail, role, capacity, goals, topic ranks, answers, and a ranking of the other
side: a mentee's mentors or a mentor's mentees, as e-mails or names in one
cell); the file is then read whole, and any bad cell refuses the whole file
with its row and column named.
Nothing here touches the database.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from deskmate.importing.errors import (
    INVALID_EMAIL,
    REQUIRED,
    ErrorCollector,
    ImportFileError,
)
from deskmate.importing.names import is_email_address
from deskmate.importing.safety import ZipLimits, decode_text, open_zip, read_upload
from deskmate.importing.tables import Column, csv_records, header_key, read_table, sniff_delimiter

MAX_ROWS = 20_000
XLSX_MAX_RATIO = 250
MAX_TEXT = 3000
MAX_ATTRIBUTE = 200

IGNORE, NAME, FIRST_NAME, LAST_NAME, EMAIL, ROLE, CAPACITY, GOALS, TOPIC, ANSWER, RANKING = (
    "ignore",
    "name",
    "first_name",
    "last_name",
    "email",
    "role",
    "capacity",
    "goals",
    "topic",
    "answer",
    "ranking",
)
ATTRIBUTE_TEXT, ATTRIBUTE_NUMBER, ATTRIBUTE_CATEGORY = (
    "attribute_text",
    "attribute_number",
    "attribute_category",
)
#: Attribute fields and the kind of attribute each makes; the column name is the attribute's.
ATTRIBUTE_FIELDS = {
    ATTRIBUTE_TEXT: "text",
    ATTRIBUTE_NUMBER: "number",
    ATTRIBUTE_CATEGORY: "category",
}
FIELDS = {
    IGNORE: "Do not import",
    NAME: "Full name",
    FIRST_NAME: "First name",
    LAST_NAME: "Last name",
    EMAIL: "E-mail address",
    ROLE: "Role (mentor or mentee)",
    CAPACITY: "How many mentees (mentors)",
    GOALS: "Goals (free text)",
    TOPIC: "Topic: a rank per cell",
    ANSWER: "Answer to a question",
    RANKING: "Ranked choices of the other side (e-mails or names, best first)",
    ATTRIBUTE_TEXT: "Attribute: text (the column name is the attribute)",
    ATTRIBUTE_NUMBER: "Attribute: number, such as a reference score",
    ATTRIBUTE_CATEGORY: "Attribute: category, such as a university or a time zone",
}
#: Fields a file may map at most one column to.
SINGLE_FIELDS = (NAME, FIRST_NAME, LAST_NAME, EMAIL, ROLE, CAPACITY, RANKING)

NO_HEADER = "the file has no header row"
DUPLICATE_HEADER = 'two columns are called "{label}"'
NOT_A_ROLE = '"{value}" is not a role (expected "mentor" or "mentee")'
NOT_A_CAPACITY = '"{value}" is not a number of mentees from 1 to 50'
NOT_A_NUMBER = '"{value}" is not a number'
NOT_A_RANK = '"{value}" is not a rank (expected e.g. "First choice", "2" or "x")'
TOO_LONG = "the text is longer than {limit} characters"
EMAIL_TWICE = '"{value}" is also on row {row}'
NOT_A_WORKBOOK = "the file is not an Excel workbook that can be read ({detail})"
EMPTY_WORKBOOK = "the workbook has no sheet"
MAP_EMAIL = "Map one column to the e-mail address."
MAP_ROLE = "Map one column to the role."
MAP_ONCE = "Map only one column to {field}."

_ORDINAL_WORDS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}
_CHOSEN = {"x", "yes", "y", "✓", "✔", "true", "selected", "chosen", "interested"}
_NOT_CHOSEN = {"", "no", "n", "false", "-", "–", "none", "not interested"}


@dataclass(frozen=True, slots=True)
class Applicant:
    row: int
    email: str
    first_name: str
    last_name: str
    role: str
    capacity: int | None
    goals: str
    topics: dict[str, int]
    answers: dict[str, str]
    #: The file's label for each field, to name the column in later errors.
    labels: dict[str, str]
    #: A mentee's mentors or a mentor's mentees, best first, as e-mails or names;
    #: None when the file has no ranking column (rankings are then left as they are).
    ranking: tuple[str, ...] | None = None
    #: Attribute name (the column's) → value: a number for a number column, else text.
    attributes: dict[str, str | float] = dataclass_field(default_factory=dict)
    #: Attribute name → kind, for every attribute column of the file.
    attribute_kinds: dict[str, str] = dataclass_field(default_factory=dict)


def parse_number(value: str) -> float | None:
    """ "4.5", "4,5" (a decimal comma) or "-2" as a number; None when it is not one."""
    text = value.strip()
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def topic_name(label: str) -> str:
    """A topic column's topic: "Topics [Public speaking]" → "Public speaking"."""
    found = re.search(r"\[([^\]]+)\]\s*$", label)
    return " ".join((found.group(1) if found else label).split())


def parse_rank(value: str) -> int | None:
    """A topic cell as a rank: 1 for a first choice, 0 for chosen without a rank, None for not chosen.

    >>> [parse_rank(v) for v in ("First Choice", "2", "x", "", "3rd")]
    [1, 2, 0, None, 3]
    """
    text = " ".join(value.casefold().split())
    if text in _NOT_CHOSEN:
        return None
    if text in _CHOSEN:
        return 0
    text = re.sub(r"\s*(choice|preference|priority)$", "", text)
    if text.isdigit() and 0 < int(text) <= 100:
        return int(text)
    found = re.fullmatch(r"(\d+)(st|nd|rd|th)", text)
    if found and 0 < int(found.group(1)) <= 100:
        return int(found.group(1))
    if text in _ORDINAL_WORDS:
        return _ORDINAL_WORDS[text]
    raise ValueError(value)


def parse_role(value: str) -> str:
    """ "Mentor", "I would like to be mentored", "Mentee (I want a mentor)"… as mentor or mentee."""
    words = set(re.findall(r"[a-z]+", value.casefold()))
    if words & {"mentee", "mentored"}:
        return "mentee"
    if words & {"mentor", "mentoring"}:
        return "mentor"
    raise ValueError(value)


# ---------------------------------------------------------------- reading records


def _records(raw: bytes, *, filename: str) -> Iterator[tuple[int, list[str]]]:
    if raw.startswith(b"PK\x03\x04"):
        return _workbook_records(raw, filename=filename)
    text = decode_text(raw, file=filename, allow_utf16=True)
    return csv_records(text, file=filename, delimiter=sniff_delimiter(text))


def _workbook_records(raw: bytes, *, filename: str) -> Iterator[tuple[int, list[str]]]:
    import openpyxl  # only needed for workbooks, and slow to import

    open_zip(raw, file=filename, limits=ZipLimits(max_bytes=len(raw) + 1, max_ratio=XLSX_MAX_RATIO))
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise ImportFileError(filename, None, None, NOT_A_WORKBOOK.format(detail=error)) from None
    try:
        if not workbook.worksheets:
            raise ImportFileError(filename, None, None, EMPTY_WORKBOOK)
        records = []
        for cells in workbook.worksheets[0].iter_rows():
            number = next((cell.row for cell in cells if getattr(cell, "row", None)), None)
            if number is not None:
                records.append((number, [_cell_text(cell.value) for cell in cells]))
    finally:
        workbook.close()
    return iter(records)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_header(data: bytes, *, filename: str, max_bytes: int) -> list[str]:
    """The column labels of the first non-blank row; two columns may not share a label."""
    raw = read_upload(data, file=filename, max_bytes=max_bytes)
    for number, record in _records(raw, filename=filename):
        labels = [cell.replace("\ufeff", "").strip() for cell in record]
        while labels and not labels[-1]:
            labels.pop()
        if not labels:
            continue
        seen: set[str] = set()
        for index, label in enumerate(labels):
            if not label:
                labels[index] = label = f"Column {index + 1}"
            if header_key(label) in seen:
                raise ImportFileError(filename, number, label, DUPLICATE_HEADER.format(label=label))
            seen.add(header_key(label))
        return labels
    raise ImportFileError(filename, None, None, NO_HEADER)


def guess_mapping(
    labels: Sequence[str], *, topics: Sequence[str] = (), questions: Sequence[str] = ()
) -> dict[str, str]:
    """A first guess at each column's field, for the coordinator to correct."""
    known_topics = {header_key(topic) for topic in topics}
    known_questions = {header_key(question) for question in questions}
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for label in labels:
        guess = _guess(label, known_topics, known_questions)
        if guess in SINGLE_FIELDS and guess in taken:
            guess = IGNORE
        taken.add(guess)
        mapping[label] = guess
    return mapping


def _guess(label: str, known_topics: set[str], known_questions: set[str]) -> str:
    """The first field whose test the column's label passes, in this order."""
    key = header_key(label)
    tests: list[tuple[str, Callable[[], bool]]] = [
        (EMAIL, lambda: "mail" in key),
        (FIRST_NAME, lambda: key in {"first name", "given name", "forename"}),
        (LAST_NAME, lambda: key in {"last name", "surname", "family name"}),
        (NAME, lambda: "name" in key),
        (RANKING, lambda: _looks_like_ranking(label)),
        (ROLE, lambda: any(word in key for word in ("role", "join as", "mentor or mentee"))),
        (CAPACITY, lambda: "how many" in key or "capacity" in key),
        (
            TOPIC,
            lambda: "[" in label or header_key(topic_name(label)) in known_topics or "topic" in key,
        ),
        (GOALS, lambda: any(word in key for word in ("goal", "hope", "want to", "get out of"))),
        (ANSWER, lambda: key in known_questions or label.rstrip().endswith("?")),
    ]
    return next((field for field, test in tests if test()), IGNORE)


def _looks_like_ranking(label: str) -> bool:
    """ "Mentors you would like, best first", "Rank your mentees"… but not a topic grid column."""
    key = header_key(label)
    about_people = any(word in key for word in ("mentor", "mentee", "matched with", "who "))
    ranked = any(word in key for word in ("rank", "prefer", "best first", "would like"))
    return about_people and ranked and "[" not in label


def mapping_problems(mapping: dict[str, str], *, peer: bool) -> list[str]:
    """What is wrong with a column mapping, in words; empty when it can be used."""
    problems = []
    chosen = list(mapping.values())
    if chosen.count(EMAIL) != 1:
        problems.append(MAP_EMAIL)
    if not peer and chosen.count(ROLE) != 1:
        problems.append(MAP_ROLE)
    for field in SINGLE_FIELDS:
        if field not in (EMAIL, ROLE) and chosen.count(field) > 1:
            problems.append(MAP_ONCE.format(field=FIELDS[field].lower()))
    return problems


def parse_ranking(value: str) -> tuple[str, ...]:
    """A ranking cell as its entries, best first: e-mails or names split at ``;``, ``,`` or lines.

    >>> parse_ranking("ada@example.org; Sam Lee,\\nJo Kim")
    ('ada@example.org', 'Sam Lee', 'Jo Kim')
    """
    entries = (" ".join(part.split()) for part in re.split(r"[;,\n]", value))
    return tuple(dict.fromkeys(entry for entry in entries if entry))


@dataclass
class _RowReader:
    """Reads one row's cells into an applicant, reporting each bad cell."""

    filename: str
    by_field: dict[str, list[str]]
    single: dict[str, str]
    peer: bool
    collector: ErrorCollector
    first_row_of: dict[str, int]
    #: (attribute name, kind) of each attribute column, in the file's order.
    attribute_columns: list[tuple[str, str]]

    def applicant(self, row: Any) -> Applicant | None:
        errors_before = len(self.collector.errors)
        email = self._email(row)
        role = self._role(row)
        capacity = self._capacity(row, role)
        goals = "\n".join(row[label] for label in self.by_field.get(GOALS, []) if row[label])
        if len(goals) > MAX_TEXT:
            self._report(row, self.by_field[GOALS][0], TOO_LONG.format(limit=MAX_TEXT))
        topics = self._topics(row)
        answers = self._answers(row)
        attributes = self._attributes(row)
        first_name, last_name = self._cell(row, FIRST_NAME), self._cell(row, LAST_NAME)
        if not first_name and self._cell(row, NAME):
            first_name, _, last_name = self._cell(row, NAME).partition(" ")
            last_name = last_name.strip()
        if len(self.collector.errors) > errors_before:
            return None
        return Applicant(
            row=row.number,
            email=email.strip().lower(),
            first_name=first_name[:100],
            last_name=last_name[:100],
            role=role,
            capacity=capacity,
            goals=goals,
            topics=topics,
            answers=answers,
            labels={field: self.single.get(field, field) for field in SINGLE_FIELDS},
            ranking=parse_ranking(self._cell(row, RANKING)) if RANKING in self.single else None,
            attributes=attributes,
            attribute_kinds=dict(self.attribute_columns),
        )

    def _report(self, row: Any, label: str, message: str) -> None:
        self.collector.add(ImportFileError(self.filename, row.number, label, message))

    def _cell(self, row: Any, field: str) -> str:
        return row[self.single[field]] if field in self.single else ""

    def _email(self, row: Any) -> str:
        email, label = self._cell(row, EMAIL), self.single[EMAIL]
        if not email:
            self._report(row, label, REQUIRED)
        elif not is_email_address(email):
            self._report(row, label, INVALID_EMAIL.format(value=email))
        elif email.casefold() in self.first_row_of:
            first = self.first_row_of[email.casefold()]
            self._report(row, label, EMAIL_TWICE.format(value=email, row=first))
        else:
            self.first_row_of[email.casefold()] = row.number
        return email

    def _role(self, row: Any) -> str:
        if self.peer:
            return "peer"
        value = self._cell(row, ROLE)
        try:
            return parse_role(value)
        except ValueError:
            self._report(
                row, self.single[ROLE], NOT_A_ROLE.format(value=value) if value else REQUIRED
            )
            return ""

    def _capacity(self, row: Any, role: str) -> int | None:
        value = self._cell(row, CAPACITY)
        if role != "mentor" or not value:
            return None
        if value.isdigit() and 1 <= int(value) <= 50:
            return int(value)
        self._report(row, self.single[CAPACITY], NOT_A_CAPACITY.format(value=value))
        return None

    def _topics(self, row: Any) -> dict[str, int]:
        topics: dict[str, int] = {}
        for label in self.by_field.get(TOPIC, []):
            try:
                rank = parse_rank(row[label])
            except ValueError:
                self._report(row, label, NOT_A_RANK.format(value=row[label]))
                continue
            if rank is not None:
                topics[topic_name(label)] = rank
        return topics

    def _attributes(self, row: Any) -> dict[str, str | float]:
        attributes: dict[str, str | float] = {}
        for name, kind in ATTRIBUTE_FIELDS.items():
            for label in self.by_field.get(name, []):
                value = self._attribute_value(row, label, kind)
                if value is not None:
                    attributes[label.strip()] = value
        return attributes

    def _attribute_value(self, row: Any, label: str, kind: str) -> str | float | None:
        text = row[label].strip()
        if not text:
            return None
        if kind != "number":
            if len(text) > MAX_ATTRIBUTE:
                self._report(row, label, TOO_LONG.format(limit=MAX_ATTRIBUTE))
                return None
            return text
        number = parse_number(text)
        if number is None:
            self._report(row, label, NOT_A_NUMBER.format(value=text))
        return number

    def _answers(self, row: Any) -> dict[str, str]:
        answers = {}
        for label in self.by_field.get(ANSWER, []):
            if len(row[label]) > MAX_TEXT:
                self._report(row, label, TOO_LONG.format(limit=MAX_TEXT))
            elif row[label]:
                answers[label] = row[label]
        return answers


def parse_applicants(
    data: bytes,
    *,
    filename: str,
    mapping: dict[str, str],
    peer: bool,
    max_bytes: int,
    max_rows: int = MAX_ROWS,
) -> list[Applicant]:
    """Every applicant of the file, or ImportFileErrors naming each bad row and column."""
    raw = read_upload(data, file=filename, max_bytes=max_bytes)
    labels = read_header(raw, filename=filename, max_bytes=max_bytes)
    collector = ErrorCollector()
    table = read_table(
        _records(raw, filename=filename),
        file=filename,
        columns=[Column(label) for label in labels],
        collector=collector,
        max_rows=max_rows,
    )
    by_field: dict[str, list[str]] = {}
    for label in labels:
        by_field.setdefault(mapping.get(label, IGNORE), []).append(label)
    reader = _RowReader(
        filename=filename,
        by_field=by_field,
        single={field: by_field[field][0] for field in SINGLE_FIELDS if field in by_field},
        peer=peer,
        collector=collector,
        first_row_of={},
        attribute_columns=[
            (label.strip(), ATTRIBUTE_FIELDS[mapping[label]])
            for label in labels
            if mapping.get(label) in ATTRIBUTE_FIELDS
        ],
    )
    applicants = [applicant for row in table.rows if (applicant := reader.applicant(row))]
    collector.raise_if_any()
    return applicants


def parse_invitees(data: bytes, *, filename: str, max_bytes: int) -> list[str]:
    """E-mail addresses from a CSV with an "email" column (other columns are ignored)."""
    raw = read_upload(data, file=filename, max_bytes=max_bytes)
    text = decode_text(raw, file=filename, allow_utf16=True)
    collector = ErrorCollector()
    table = read_table(
        csv_records(text, file=filename, delimiter=sniff_delimiter(text)),
        file=filename,
        columns=[
            Column("email", aliases=("e-mail", "email address", "e-mail address"), required=True)
        ],
        collector=collector,
        max_rows=MAX_ROWS,
    )
    emails = []
    for row in table.rows:
        email = row["email"]
        if not email:
            collector.add(ImportFileError(filename, row.number, table.label("email"), REQUIRED))
        elif not is_email_address(email):
            collector.add(
                ImportFileError(
                    filename, row.number, table.label("email"), INVALID_EMAIL.format(value=email)
                )
            )
        else:
            emails.append(email.lower())
    collector.raise_if_any()
    return list(dict.fromkeys(emails))
