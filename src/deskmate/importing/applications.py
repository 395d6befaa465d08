"""Applications exported from a form tool (CSV or XLSX), read into plain records.

One row per applicant. The coordinator maps the file's columns to fields (who
the applicant is: an e-mail, an identifier or a name; role, capacity, goals,
topics, ratings, answers, attributes, and a ranking of the other side), or
says that everyone in the file has the same role; the file is then read whole,
and any bad cell refuses the whole file with its row and column named.

The layout of the common form tools is recognised: Qualtrics' two extra header
rows (question text, then ImportId JSON) and SurveyMonkey's two-row header
(the question, then "Response" or a choice under it).  Nothing here touches
the database.
"""

from __future__ import annotations

import json
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
from deskmate.importing.safety import decode_text, read_upload
from deskmate.importing.tables import (
    EMPTY_WORKBOOK,
    NOT_A_WORKBOOK,
    XLSX_MAX_RATIO,
    Column,
    csv_records,
    header_key,
    read_table,
    sniff_delimiter,
    table_records,
)

__all__ = [
    "ANSWER",
    "ATTRIBUTE_CATEGORY",
    "ATTRIBUTE_FIELDS",
    "ATTRIBUTE_NUMBER",
    "ATTRIBUTE_TEXT",
    "CAPACITY",
    "DUPLICATE_HEADER",
    "EMAIL",
    "EMAIL_TWICE",
    "EMPTY_WORKBOOK",
    "FIELDS",
    "FILE_ROLES",
    "FIRST_NAME",
    "GOALS",
    "IDENTIFIER",
    "IGNORE",
    "KEY_TWICE",
    "LAST_NAME",
    "MAP_EMAIL",
    "MAP_ONCE",
    "MAP_ROLE",
    "MAX_ROWS",
    "MULTI_RANK_NOTE",
    "NAME",
    "NOT_A_CAPACITY",
    "NOT_A_NUMBER",
    "NOT_A_RANK",
    "NOT_A_RATING",
    "NOT_A_ROLE",
    "NOT_A_WORKBOOK",
    "NO_HEADER",
    "RANKING",
    "RATING",
    "ROLE",
    "SINGLE_FIELDS",
    "TOO_LONG",
    "TOPIC",
    "TOPICS",
    "XLSX_MAX_RATIO",
    "Applicant",
    "Layout",
    "guess_file_role",
    "guess_mapping",
    "mapping_problems",
    "parse_applicants",
    "parse_invitees",
    "parse_number",
    "parse_pending_emails",
    "parse_rank",
    "parse_ranking",
    "parse_rating",
    "parse_role",
    "read_header",
    "read_layout",
    "split_choices",
    "topic_name",
]

MAX_ROWS = 20_000
MAX_TEXT = 3000
MAX_ATTRIBUTE = 200
#: Sample values kept per column for the mapping page.
SAMPLES = 3
#: Data rows looked at for samples and guesses.
SAMPLE_ROWS = 200

(
    IGNORE,
    NAME,
    FIRST_NAME,
    LAST_NAME,
    EMAIL,
    IDENTIFIER,
    ROLE,
    CAPACITY,
    GOALS,
    TOPIC,
    TOPICS,
    RATING,
    ANSWER,
    RANKING,
) = (
    "ignore",
    "name",
    "first_name",
    "last_name",
    "email",
    "identifier",
    "role",
    "capacity",
    "goals",
    "topic",
    "topics",
    "rating",
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
    IDENTIFIER: "Identifier (respondent ID, student or staff number)",
    ROLE: "Role (mentor or mentee)",
    CAPACITY: "How many mentees (mentors)",
    GOALS: "Goals (free text)",
    TOPIC: "Topic: a rank per cell",
    TOPICS: "Topics: several in one cell (comma, semicolon or line separated)",
    RATING: "Rating (“Very important”, “Agree”, 1–5): a number attribute",
    ANSWER: "Answer to a question",
    RANKING: "Ranked choices of the other side (e-mails or names, best first)",
    ATTRIBUTE_TEXT: "Attribute: text (the column name is the attribute)",
    ATTRIBUTE_NUMBER: "Attribute: number, such as a reference score",
    ATTRIBUTE_CATEGORY: "Attribute: category, such as a university or a time zone",
}
#: Fields a file may map at most one column to.
SINGLE_FIELDS = (NAME, FIRST_NAME, LAST_NAME, EMAIL, IDENTIFIER, ROLE, CAPACITY, RANKING)
#: What a coordinator may say about a whole file instead of mapping a role column.
FILE_ROLES = {
    "": "Read from a column",
    "mentor": "Everyone is a mentor",
    "mentee": "Everyone is a mentee",
}

NO_HEADER = "the file has no header row"
DUPLICATE_HEADER = 'two columns are called "{label}"'
NOT_A_ROLE = '"{value}" is not a role (expected "mentor" or "mentee")'
NOT_A_CAPACITY = '"{value}" is not a number of mentees from 1 to 50'
NOT_A_NUMBER = '"{value}" is not a number'
NOT_A_RANK = '"{value}" is not a rank (expected e.g. "First choice", "2" or "x")'
NOT_A_RATING = '"{value}" is not a rating (expected e.g. "Very important", "Agree" or 1 to 10)'
TOO_LONG = "the text is longer than {limit} characters"
EMAIL_TWICE = '"{value}" is also on row {row}'
KEY_TWICE = '"{value}" is also on row {row}; map an e-mail or identifier column to tell them apart'
MAP_EMAIL = "Map one column to the e-mail address, to an identifier or to the name."
MAP_ROLE = "Map one column to the role, or say that everyone in the file has the same role."
MAP_ONCE = "Map only one column to {field}."
MULTI_RANK_NOTE = 'row {row}, "{label}": "{value}" holds several ranks; the best, {rank}, was kept'

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
_CHOSEN = {"x", "yes", "y", "✓", "✔", "true", "selected", "chosen", "interested", "checked"}
_NOT_CHOSEN = {"", "no", "n", "false", "-", "–", "none", "not interested", "not selected"}

#: Rating scales, worst first; a column's values are read on the shortest scale holding them all.
RATING_SCALES: tuple[tuple[str, ...], ...] = (
    ("not important", "somewhat important", "important", "very important"),
    (
        "not at all important",
        "slightly important",
        "moderately important",
        "very important",
        "extremely important",
    ),
    ("unimportant", "of little importance", "moderately important", "important", "very important"),
    ("strongly disagree", "disagree", "neutral", "agree", "strongly agree"),
    ("strongly disagree", "disagree", "neither agree nor disagree", "agree", "strongly agree"),
    (
        "strongly disagree",
        "disagree",
        "somewhat disagree",
        "neither agree nor disagree",
        "somewhat agree",
        "agree",
        "strongly agree",
    ),
    ("very dissatisfied", "dissatisfied", "neutral", "satisfied", "very satisfied"),
    ("very unlikely", "unlikely", "neutral", "likely", "very likely"),
    ("never", "rarely", "sometimes", "often", "always"),
    ("poor", "fair", "good", "very good", "excellent"),
    ("not interested", "slightly interested", "somewhat interested", "very interested"),
    ("beginner", "intermediate", "advanced", "expert"),
)
_RATING_WORDS = {word for scale in RATING_SCALES for word in scale} - {
    "never",
    "poor",
    "good",
    "fair",
    "not interested",
}


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
    #: The file's identifier for the applicant (respondent ID, student number), or "".
    identifier: str = ""
    #: What was read other than as written, in words (a multi-rank cell's best rank).
    notes: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def key(self) -> str:
        """What tells this applicant apart in the file when there is no e-mail address."""
        return self.identifier or " ".join(self.name.casefold().split())


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


def _single_rank(text: str) -> int | None:
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
    raise ValueError(text)


def parse_rank(value: str) -> int | None:
    """A topic cell as a rank: 1 for a first choice, 0 for chosen without a rank, None for not chosen.

    A cell holding several ranks ("Third Choice, Fourth Choice", as a grid
    question allowing several answers per row exports it) reads as its best.

    >>> [parse_rank(v) for v in ("First Choice", "2", "x", "", "3rd", "Third Choice, Fourth Choice")]
    [1, 2, 0, None, 3, 3]
    """
    parts = [" ".join(part.casefold().split()) for part in re.split(r"[;,\n]", value)]
    ranks = [_single_rank(part) for part in parts if part or len(parts) == 1]
    chosen = [rank for rank in ranks if rank is not None]
    if not chosen:
        return None
    ranked = [rank for rank in chosen if rank > 0]
    return min(ranked) if ranked else 0


def holds_several_ranks(value: str) -> bool:
    return len([part for part in re.split(r"[;,\n]", value) if part.strip()]) > 1


def _rating_text(value: str) -> str:
    return " ".join(value.casefold().replace("’", "'").split())


def parse_rating(value: str, scale: Sequence[str] = ()) -> float | None:
    """A rating cell as a number: its place on ``scale`` (1 = worst), or the number it starts with.

    >>> parse_rating("Very important", RATING_SCALES[1]), parse_rating("4 - Agree"), parse_rating("")
    (4.0, 4.0, None)
    """
    text = _rating_text(value)
    if not text:
        return None
    if text in scale:
        return float(list(scale).index(text) + 1)
    found = re.match(r"^(\d+(?:[.,]\d+)?)(?:\s*(?:[-=:–]|\(|$))", text)
    if found:
        number = parse_number(found.group(1))
        if number is not None and 0 <= number <= 10:
            return number
    raise ValueError(value)


def rating_scale(values: Sequence[str]) -> tuple[str, ...]:
    """The known scale holding the most of the worded values (the shortest of equals), or ()."""
    words = {_rating_text(v) for v in values if v.strip()}
    words = {w for w in words if not re.match(r"^\d", w)}
    best: tuple[str, ...] = ()
    best_count = 0
    for scale in sorted(RATING_SCALES, key=len):
        count = len(words & set(scale))
        if count > best_count:
            best, best_count = scale, count
    return best


def split_choices(value: str, *, known: Sequence[str] = ()) -> list[str]:
    """A multi-select cell's choices: split at semicolons or lines when it has them, else commas.

    Known choices that themselves hold a comma ("Control, Dynamics") are kept whole.

    >>> split_choices("Moving into management;Technical leadership;")
    ['Moving into management', 'Technical leadership']
    >>> split_choices("Control, Dynamics, Robotics")
    ['Control', 'Dynamics', 'Robotics']
    """
    text = value.strip()
    found: list[str] = []
    for choice in sorted((k for k in known if "," in k), key=len, reverse=True):
        pattern = re.compile(rf"(^|[,;\n])\s*{re.escape(choice)}\s*(?=$|[,;\n])", re.IGNORECASE)
        if pattern.search(text):
            found.append(choice)
            text = pattern.sub(r"\1", text)
    separator = r"[;\n]" if re.search(r"[;\n]", text) else ","
    parts = (" ".join(part.split()) for part in re.split(separator, text))
    return list(dict.fromkeys([*found, *(part for part in parts if part)]))


def parse_role(value: str) -> str:
    """ "Mentor", "I would like to be mentored", "Mentee (I want a mentor)"… as mentor or mentee."""
    words = set(re.findall(r"[a-z]+", value.casefold()))
    if words & {"mentee", "mentored"}:
        return "mentee"
    if words & {"mentor", "mentoring"}:
        return "mentor"
    raise ValueError(value)


# ---------------------------------------------------------------- the file's layout


@dataclass(frozen=True, slots=True)
class Layout:
    """What the top of the file says: its columns, what each is about, and sample values."""

    #: The columns as the file names them (SurveyMonkey's two rows joined as "Question [Choice]").
    labels: list[str]
    #: What each column is about, in words: Qualtrics' question text, else the label.
    names: list[str]
    #: Up to :data:`SAMPLES` different values of each column from the first rows.
    samples: list[list[str]]
    #: The spreadsheet row of the header, and the rows below it that are header too.
    header_row: int
    extra_header_rows: tuple[int, ...] = ()
    #: "qualtrics", "surveymonkey" or "".
    source: str = ""


def _clean_label(cell: str) -> str:
    return " ".join(cell.replace("\ufeff", "").split())


def _is_import_id(cell: str) -> bool:
    text = cell.strip()
    if not text.startswith("{"):
        return False
    try:
        return "ImportId" in json.loads(text)
    except (ValueError, TypeError):
        return False


def _qualtrics_name(text: str) -> str:
    """ "Which areas…? - Graph Theory" → "Which areas…? [Graph Theory]"; "- Selected Choice" dropped."""
    text = re.sub(r"\s+-\s+Selected Choice$", "", _clean_label(text))
    question, dash, row = text.rpartition(" - ")
    return f"{question} [{row}]" if dash and question and row else text


def _surveymonkey_labels(top: Sequence[str], below: Sequence[str]) -> list[str]:
    labels, question = [], ""
    for index in range(max(len(top), len(below))):
        cell = _clean_label(top[index]) if index < len(top) else ""
        sub = _clean_label(below[index]) if index < len(below) else ""
        question = cell or question
        if sub in ("", "Response", "Open-Ended Response"):
            labels.append(cell or (f"{question} [{sub}]" if sub else ""))
        else:
            labels.append(f"{question} [{sub}]")
    return labels


def _first_records(raw: bytes, filename: str) -> list[tuple[int, list[str]]]:
    records = []
    for number, record in table_records(raw, file=filename):
        if any(cell.strip() for cell in record):
            records.append((number, list(record)))
        if len(records) >= SAMPLE_ROWS + 3:
            break
    return records


def _header_shape(records: list[tuple[int, list[str]]]) -> tuple[list[str], list[str], int, str]:
    """Labels, names, how many records are header, and the source, from the first records."""
    top = records[0][1]
    second = records[1][1] if len(records) > 1 else []
    third = records[2][1] if len(records) > 2 else []
    if third and sum(_is_import_id(cell) for cell in third) >= max(1, len(top) // 2):
        labels = [_clean_label(cell) for cell in top]
        names = [
            _qualtrics_name(second[i]) if i < len(second) and second[i].strip() else label
            for i, label in enumerate(labels)
        ]
        return labels, names, 3, "qualtrics"
    subheaders = {_clean_label(cell) for cell in second}
    if subheaders & {"Response", "Open-Ended Response"} and not second[0].strip():
        labels = _surveymonkey_labels(top, second)
        return labels, list(labels), 2, "surveymonkey"
    labels = [_clean_label(cell) for cell in top]
    return labels, list(labels), 1, ""


def read_layout(data: bytes, *, filename: str, max_bytes: int) -> Layout:
    """The file's columns, what they are about and sample values; two columns may not share a label."""
    raw = read_upload(data, file=filename, max_bytes=max_bytes)
    records = _first_records(raw, filename)
    if not records:
        raise ImportFileError(filename, None, None, NO_HEADER)
    labels, names, header_records, source = _header_shape(records)
    while labels and not labels[-1]:
        labels.pop()
    names = names[: len(labels)]
    seen: set[str] = set()
    for index, label in enumerate(labels):
        if not label:
            labels[index] = label = f"Column {index + 1}"
            names[index] = label
        if header_key(label) in seen:
            raise ImportFileError(
                filename, records[0][0], label, DUPLICATE_HEADER.format(label=label)
            )
        seen.add(header_key(label))
    samples: list[list[str]] = [[] for _ in labels]
    for _, record in records[header_records:]:
        for index, cell in enumerate(record[: len(labels)]):
            value = " ".join(cell.split())
            if value and value not in samples[index] and len(samples[index]) < SAMPLES:
                samples[index].append(value[:80])
    return Layout(
        labels=labels,
        names=names,
        samples=samples,
        header_row=records[0][0],
        extra_header_rows=tuple(number for number, _ in records[1:header_records]),
        source=source,
    )


def read_header(data: bytes, *, filename: str, max_bytes: int) -> list[str]:
    """The column labels of the first non-blank row(s); two columns may not share a label."""
    return read_layout(data, filename=filename, max_bytes=max_bytes).labels


# ---------------------------------------------------------------- guessing the mapping

_IDENTIFIER_KEYS = {
    "id",
    "#",
    "respondent id",
    "response id",
    "responseid",
    "student id",
    "student number",
    "staff id",
    "staff number",
    "employee id",
    "employee number",
    "identifier",
    "participant id",
    "external id",
    "externalreference",
    "external reference",
    "matriculation number",
}
_NUMBER_HINTS = (
    "score",
    "gpa",
    "class year",
    "graduation year",
    "year of study",
    "age",
    "years of",
)
_CATEGORY_HINTS = (
    "university",
    "school",
    "gender",
    "department",
    "faculty",
    "lab",
    "advisor",
    "adviser",
    "time zone",
    "timezone",
    "campus",
    "country",
    "major",
    "office",
    "site",
)


@dataclass(frozen=True, slots=True)
class _Column:
    label: str
    name: str
    samples: tuple[str, ...]

    @property
    def key(self) -> str:
        return header_key(self.name)

    @property
    def compact(self) -> str:
        return header_key(self.label).replace(" ", "")


def _all(samples: Sequence[str], test: Callable[[str], bool]) -> bool:
    return bool(samples) and all(test(sample) for sample in samples)


def _is_rank(sample: str) -> bool:
    try:
        return parse_rank(sample) is not None
    except ValueError:
        return False


def _rank_worded(sample: str) -> bool:
    """A rank no other kind of column holds: "First choice", "2nd", "x" (not "True" or "3")."""
    text = sample.casefold().strip()
    return _is_rank(sample) and not text.replace(".", "").isdigit() and text not in {"true", "yes"}


def _is_rating(sample: str) -> bool:
    return _rating_text(sample) in _RATING_WORDS or bool(
        re.match(r"^\d+\s*[-=:–]\s*[a-z]", _rating_text(sample))
    )


def _chosen_by_name(column: _Column) -> bool:
    """A choice column whose cells repeat its header when chosen (Typeform, SurveyMonkey)."""
    topic = header_key(topic_name(column.name))
    return _all(column.samples, lambda s: header_key(s) == topic)


def _guess_who(column: _Column, has_data: bool) -> str | None:
    key, compact, samples = column.key, column.compact, column.samples
    blank = has_data and not samples
    if "mail" in key:
        if any(is_email_address(sample) for sample in samples) or not has_data:
            return EMAIL
        if _all(samples, lambda s: s.isdigit()):
            return IDENTIFIER
        return IGNORE
    if key in _IDENTIFIER_KEYS or compact in {"respondentid", "responseid"}:
        return IDENTIFIER
    if blank and "name" in key:
        return IGNORE
    if compact.endswith(("firstname", "givenname")) or key == "forename":
        return FIRST_NAME
    if compact.endswith(("lastname", "surname", "familyname")):
        return LAST_NAME
    if "name" in key and "[" not in column.name:
        return NAME
    return None


def _guess_choice(column: _Column, known_topics: set[str]) -> str | None:
    key, name, samples = column.key, column.name, column.samples
    is_topic_header = "[" in name or header_key(topic_name(name)) in known_topics
    if samples and _all(samples, _is_rating) and not _all(samples, _is_rank):
        return RATING
    if is_topic_header or "topic" in key:
        if _chosen_by_name(column) or _all(samples, _is_rank) or not samples:
            return TOPIC
        if any(re.search(r"[,;\n]", sample) for sample in samples) or "topic" in key:
            return TOPICS
        return None
    if samples and _all(samples, _is_rank) and any(_rank_worded(s) for s in samples):
        return TOPIC
    if samples and _chosen_by_name(column) and len(name) <= 80:
        return TOPIC
    multi = any(re.search(r"[,;\n]", sample) for sample in samples)
    about_topics = any(w in key for w in ("select all", "areas", "interest", "skills", "subjects"))
    if multi and about_topics:
        return TOPICS
    return None


def _guess_attribute(column: _Column) -> str | None:
    key = column.key
    if any(re.search(rf"\b{hint}\b", key) for hint in _NUMBER_HINTS):
        return ATTRIBUTE_NUMBER
    if any(re.search(rf"\b{hint}\b", key) for hint in _CATEGORY_HINTS):
        return ATTRIBUTE_CATEGORY
    return None


def guess_mapping(
    labels: Sequence[str],
    *,
    topics: Sequence[str] = (),
    questions: Sequence[str] = (),
    names: Sequence[str] | None = None,
    samples: Sequence[Sequence[str]] | None = None,
) -> dict[str, str]:
    """A first guess at each column's field, for the coordinator to correct.

    The header decides first; sample values settle what it leaves open: an
    "e-mail" column of row numbers is an identifier, "Very important" is a
    rating, a bare header over "First choice" cells is a topic.
    """
    known_topics = {header_key(topic) for topic in topics}
    known_questions = {header_key(question) for question in questions}
    columns = [
        _Column(
            label,
            names[index] if names else label,
            tuple(samples[index]) if samples is not None else (),
        )
        for index, label in enumerate(labels)
    ]
    has_data = samples is not None and any(column.samples for column in columns)
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for column in columns:
        guess = _guess(column, has_data, known_topics, known_questions)
        if guess in SINGLE_FIELDS and guess in taken:
            guess = IGNORE
        taken.add(guess)
        mapping[column.label] = guess
    if EMAIL in taken and IDENTIFIER in taken:
        # An address tells applicants apart; a form's response number is then noise.
        mapping = {label: IGNORE if f == IDENTIFIER else f for label, f in mapping.items()}
    return mapping


def _guess(
    column: _Column, has_data: bool, known_topics: set[str], known_questions: set[str]
) -> str:
    """The first field whose test the column passes, in this order."""
    key = column.key
    tests: list[Callable[[], str | None]] = [
        lambda: _guess_who(column, has_data),
        lambda: RANKING if _looks_like_ranking(column.name) else None,
        lambda: ROLE if _looks_like_role(column) else None,
        lambda: CAPACITY if "how many" in key or "capacity" in key else None,
        lambda: _guess_choice(column, known_topics),
        lambda: (
            GOALS
            if any(word in key for word in ("goal", "hope", "want to", "get out of"))
            else None
        ),
        lambda: _guess_attribute(column),
        lambda: ANSWER if key in known_questions or column.name.rstrip().endswith("?") else None,
    ]
    return next((guess for test in tests if (guess := test())), IGNORE)


def _is_role(sample: str) -> bool:
    try:
        return bool(parse_role(sample))
    except ValueError:
        return False


def _looks_like_role(column: _Column) -> bool:
    """ "Role", "I join as", "Are you joining as a mentor or a mentee?", or cells all roles."""
    key = column.key
    if any(word in key for word in ("role", "join as", "joining as")):
        return True
    if "mentor" in key and "mentee" in key:
        return True
    return _all(column.samples, lambda sample: len(sample) <= 40 and _is_role(sample))


def _looks_like_ranking(label: str) -> bool:
    """ "Mentors you would like, best first", "Rank your mentees"… but not a topic grid column."""
    key = header_key(label)
    about_people = any(word in key for word in ("mentor", "mentee", "matched with", "who "))
    ranked = any(word in key for word in ("rank", "prefer", "best first", "would like"))
    return about_people and ranked and "[" not in label


def guess_file_role(filename: str) -> str:
    """ "mentors.csv" → "mentor", "Mentee applications.xlsx" → "mentee", else ""."""
    words = set(re.findall(r"[a-z]+", filename.casefold()))
    if words & {"mentee", "mentees"}:
        return "mentee"
    if words & {"mentor", "mentors"}:
        return "mentor"
    return ""


def mapping_problems(mapping: dict[str, str], *, peer: bool, role: str = "") -> list[str]:
    """What is wrong with a column mapping, in words; empty when it can be used."""
    problems = []
    chosen = list(mapping.values())
    if not {EMAIL, IDENTIFIER, NAME, FIRST_NAME} & set(chosen):
        problems.append(MAP_EMAIL)
    if not peer and not role and chosen.count(ROLE) != 1:
        problems.append(MAP_ROLE)
    for field in SINGLE_FIELDS:
        if chosen.count(field) > 1 and not (field == ROLE and not peer and not role):
            problems.append(MAP_ONCE.format(field=FIELDS[field].lower()))
    return problems


def parse_ranking(value: str) -> tuple[str, ...]:
    """A ranking cell as its entries, best first: e-mails or names split at ``;``, ``,`` or lines.

    >>> parse_ranking("ada@example.org; Sam Lee,\\nJo Kim")
    ('ada@example.org', 'Sam Lee', 'Jo Kim')
    """
    entries = (" ".join(part.split()) for part in re.split(r"[;,\n]", value))
    return tuple(dict.fromkeys(entry for entry in entries if entry))


# ---------------------------------------------------------------- reading rows


@dataclass
class _RowReader:
    """Reads one row's cells into an applicant, reporting each bad cell."""

    filename: str
    by_field: dict[str, list[str]]
    single: dict[str, str]
    peer: bool
    file_role: str
    collector: ErrorCollector
    first_row_of: dict[str, int]
    #: (attribute name, kind) of each attribute column, in the file's order.
    attribute_columns: list[tuple[str, str]]
    #: What each column is about (the label, or Qualtrics' question text).
    names: dict[str, str]
    known_topics: tuple[str, ...]
    #: The rating scale of each rating column, from all its values.
    scales: dict[str, tuple[str, ...]]

    def applicant(self, row: Any) -> Applicant | None:
        errors_before = len(self.collector.errors)
        first_name, last_name = self._cell(row, FIRST_NAME), self._cell(row, LAST_NAME)
        if not first_name and self._cell(row, NAME):
            first_name, _, last_name = self._cell(row, NAME).partition(" ")
            last_name = last_name.strip()
        email, identifier = self._who(row, f"{first_name} {last_name}")
        role = self._role(row)
        capacity = self._capacity(row, role)
        goals = "\n".join(row[label] for label in self.by_field.get(GOALS, []) if row[label])
        if len(goals) > MAX_TEXT:
            self._report(row, self.by_field[GOALS][0], TOO_LONG.format(limit=MAX_TEXT))
        notes: list[str] = []
        topics = self._topics(row, notes)
        answers = self._answers(row)
        attributes = self._attributes(row)
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
            identifier=identifier[:200],
            notes=tuple(notes),
        )

    def _report(self, row: Any, label: str, message: str) -> None:
        self.collector.add(ImportFileError(self.filename, row.number, label, message))

    def _cell(self, row: Any, field: str) -> str:
        return row[self.single[field]] if field in self.single else ""

    def _who_label(self) -> str:
        for field in (EMAIL, IDENTIFIER, NAME, FIRST_NAME):
            if field in self.single:
                return self.single[field]
        return EMAIL

    def _who(self, row: Any, name: str) -> tuple[str, str]:
        """The row's e-mail and identifier; one of them, or the name, must tell it apart."""
        email, identifier = self._cell(row, EMAIL), self._cell(row, IDENTIFIER)
        name = " ".join(name.casefold().split())
        if email and not is_email_address(email):
            self._report(row, self.single[EMAIL], INVALID_EMAIL.format(value=email))
            return email, identifier
        key, label, message = (
            (email.casefold(), self.single.get(EMAIL, EMAIL), EMAIL_TWICE)
            if email
            else (identifier, self.single.get(IDENTIFIER, ""), KEY_TWICE)
            if identifier
            else (name, self.single.get(NAME) or self.single.get(FIRST_NAME, ""), KEY_TWICE)
        )
        if not key:
            self._report(row, self._who_label(), REQUIRED)
        elif key in self.first_row_of:
            value = email or identifier or name
            self._report(row, label, message.format(value=value, row=self.first_row_of[key]))
        else:
            self.first_row_of[key] = row.number
        return email, identifier

    def _role(self, row: Any) -> str:
        if self.peer:
            return "peer"
        if self.file_role:
            return self.file_role
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

    def _topics(self, row: Any, notes: list[str]) -> dict[str, int]:
        topics: dict[str, int] = {}
        for label in self.by_field.get(TOPIC, []):
            topic, value = topic_name(self.names[label]), row[label]
            if header_key(value) == header_key(topic):
                topics[topic] = 0
                continue
            try:
                rank = parse_rank(value)
            except ValueError:
                self._report(row, label, NOT_A_RANK.format(value=value))
                continue
            if rank is not None:
                topics[topic] = rank
                if holds_several_ranks(value):
                    notes.append(
                        MULTI_RANK_NOTE.format(row=row.number, label=label, value=value, rank=rank)
                    )
        for label in self.by_field.get(TOPICS, []):
            for choice in split_choices(row[label], known=self.known_topics):
                topics.setdefault(choice[:100], 0)
        return topics

    def _attributes(self, row: Any) -> dict[str, str | float]:
        attributes: dict[str, str | float] = {}
        for name, kind in ATTRIBUTE_FIELDS.items():
            for label in self.by_field.get(name, []):
                value = self._attribute_value(row, label, kind)
                if value is not None:
                    attributes[_attribute_name(self.names[label])] = value
        for label in self.by_field.get(RATING, []):
            try:
                rating = parse_rating(row[label], self.scales.get(label, ()))
            except ValueError:
                self._report(row, label, NOT_A_RATING.format(value=row[label]))
                continue
            if rating is not None:
                attributes[_attribute_name(topic_name(self.names[label]))] = rating
        return attributes

    def _attribute_value(self, row: Any, label: str, kind: str) -> str | float | None:
        text: str = row[label].strip()
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
                answers[self.names[label]] = row[label]
        return answers


def _attribute_name(name: str) -> str:
    return " ".join(name.split())[:100]


def _data_records(raw: bytes, *, filename: str, layout: Layout) -> Iterator[tuple[int, list[str]]]:
    """The file's records with its header as one row of :attr:`Layout.labels`."""
    for number, record in table_records(raw, file=filename):
        if number == layout.header_row:
            yield number, list(layout.labels)
        elif number not in layout.extra_header_rows:
            yield number, list(record)


def parse_applicants(
    data: bytes,
    *,
    filename: str,
    mapping: dict[str, str],
    peer: bool,
    max_bytes: int,
    max_rows: int = MAX_ROWS,
    role: str = "",
    topics: Sequence[str] = (),
) -> list[Applicant]:
    """Every applicant of the file, or ImportFileErrors naming each bad row and column.

    ``role`` ("mentor" or "mentee") says everyone in the file has that role; no
    role column is read then.
    """
    raw = read_upload(data, file=filename, max_bytes=max_bytes)
    layout = read_layout(raw, filename=filename, max_bytes=max_bytes)
    labels = layout.labels
    collector = ErrorCollector()
    table = read_table(
        _data_records(raw, filename=filename, layout=layout),
        file=filename,
        columns=[Column(label) for label in labels],
        collector=collector,
        max_rows=max_rows,
    )
    by_field: dict[str, list[str]] = {}
    for label in labels:
        by_field.setdefault(mapping.get(label, IGNORE), []).append(label)
    names = dict(zip(labels, layout.names, strict=True))
    reader = _RowReader(
        filename=filename,
        by_field=by_field,
        single={field: by_field[field][0] for field in SINGLE_FIELDS if field in by_field},
        peer=peer,
        file_role=role if not peer else "",
        collector=collector,
        first_row_of={},
        attribute_columns=[
            (_attribute_name(names[label]), ATTRIBUTE_FIELDS[mapping[label]])
            for label in labels
            if mapping.get(label) in ATTRIBUTE_FIELDS
        ]
        + [
            (_attribute_name(topic_name(names[label])), "number")
            for label in by_field.get(RATING, [])
        ],
        names=names,
        known_topics=tuple(topics),
        scales={
            label: rating_scale([row[label] for row in table.rows])
            for label in by_field.get(RATING, [])
        },
    )
    applicants = [applicant for row in table.rows if (applicant := reader.applicant(row))]
    collector.raise_if_any()
    return applicants


PENDING_KEY_COLUMNS = (
    Column("key", aliases=tuple(sorted(_IDENTIFIER_KEYS))),
    Column("name", aliases=("full name", "applicant", "participant")),
    Column("email", aliases=("e-mail", "email address", "e-mail address"), required=True),
)
NO_KEY_COLUMN = "the file needs an identifier or a name column beside the e-mail column"


def parse_pending_emails(
    data: bytes, *, filename: str, max_bytes: int
) -> list[tuple[int, str, str, str]]:
    """(row, label, identifier or name, e-mail) of each row of a file naming pending applicants."""
    raw = read_upload(data, file=filename, max_bytes=max_bytes)
    collector = ErrorCollector()
    table = read_table(
        table_records(raw, file=filename),
        file=filename,
        columns=PENDING_KEY_COLUMNS,
        collector=collector,
        max_rows=MAX_ROWS,
    )
    column = "key" if table.has("key") else "name" if table.has("name") else None
    if column is None:
        raise ImportFileError(filename, None, None, NO_KEY_COLUMN)
    rows = []
    for row in table.rows:
        key, email = " ".join(row[column].split()), row["email"]
        if not key:
            collector.add(ImportFileError(filename, row.number, table.label(column), REQUIRED))
        elif not email:
            collector.add(ImportFileError(filename, row.number, table.label("email"), REQUIRED))
        elif not is_email_address(email):
            message = INVALID_EMAIL.format(value=email)
            collector.add(ImportFileError(filename, row.number, table.label("email"), message))
        else:
            rows.append((row.number, table.label(column), key, email))
    collector.raise_if_any()
    return rows


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
