import datetime as dt
import io
import re
from pathlib import Path

import openpyxl
import pytest

from deskmate.importing.dates import PartialDate
from deskmate.importing.errors import (
    END_BEFORE_START,
    INVALID_EMAIL,
    MISSING_COLUMNS,
    NOT_A_DATE,
    REQUIRED,
    ImportFileError,
)
from deskmate.importing.people_csv import (
    COLUMNS,
    CONFLICTING_VALUE,
    EMAIL_TAKEN,
    KIND_REQUIRED,
    NOT_A_WORKBOOK,
    NOT_FOR_KIND,
    OWN_MANAGER,
    UNKNOWN_KIND,
    PeopleImport,
    Person,
    PersonEducation,
    PersonPosition,
    parse_people_csv,
    parse_people_file,
    parse_people_xlsx,
)
from deskmate.importing.safety import FILE_TOO_LARGE, NOT_UTF8
from deskmate.importing.tables import TOO_MANY_ROWS
from tests.importing.archives import (
    PEOPLE_COLUMNS,
    PEOPLE_ROWS,
    build_people_xlsx,
    build_zip,
    people_csv,
)

MARIA = Person(
    external_id="E001",
    email="maria.sanchez@acme.example",
    first_name="María",
    last_name="Sánchez",
    headline="Engineering Manager",
    location="Lisbon, Portugal",
    manager_external_id="E003",
    positions=(
        PersonPosition(
            "Acme", "Payments", "Engineering Manager", PartialDate.month(2022, 1), None, 2
        ),
        PersonPosition(
            "Acme",
            "Payments",
            "Senior Software Engineer",
            PartialDate.month(2019, 3),
            PartialDate.month(2021, 12),
            3,
        ),
    ),
    educations=(
        PersonEducation(
            "University of Lisbon",
            "BSc",
            "Computer Science",
            PartialDate.year(2010),
            PartialDate.year(2014),
            4,
        ),
    ),
    row=2,
)
TOM = Person(
    external_id="E002",
    email="tom.baker@acme.example",
    first_name="Tom",
    last_name="Baker",
    headline="",
    location="",
    manager_external_id="E001",
    positions=(
        PersonPosition(
            "Acme", "Payments", "Software Engineer", PartialDate.day(2024, 3, 12), None, 5
        ),
    ),
    educations=(),
    row=5,
)
PRIYA = Person("E003", "", "Priya", "Nair", "", "", "", (), (), 6)
EXPECTED = PeopleImport(people=(MARIA, TOM, PRIYA), ignored_columns=())

ROW = {
    "external_id": "E9",
    "kind": "position",
    "organisation": "Acme",
    "title": "CTO",
    "start": "2020",
}


def errors_of(rows: list[dict[str, str]], **options: object) -> tuple[ImportFileError, ...]:
    with pytest.raises(ImportFileError) as caught:
        parse_people_csv(people_csv(rows, **options))  # type: ignore[arg-type]
    return caught.value.errors


def error(row: int, column: str | None, message: str) -> ImportFileError:
    return ImportFileError("people.csv", row, column, message)


def test_rows_are_grouped_into_people() -> None:
    assert parse_people_csv(people_csv()) == EXPECTED


@pytest.mark.parametrize(
    "options",
    [
        {"delimiter": ";", "bom": True},
        {"delimiter": "\t", "crlf": False},
        {"delimiter": ",", "bom": True, "crlf": False},
    ],
)
def test_dialects(options: dict[str, object]) -> None:
    assert parse_people_csv(people_csv(**options)) == EXPECTED  # type: ignore[arg-type]


def test_semicolons_with_commas_inside_cells() -> None:
    data = people_csv(
        [
            {
                "external_id": "E1",
                "kind": "position",
                "organisation": "Acme, Inc.",
                "title": "CTO",
                "start": "Mar 12, 2024",
                "location": "Lisbon, Portugal",
            }
        ],
        delimiter=";",
    )
    (person,) = parse_people_csv(data).people
    assert (person.location, person.positions[0].organisation) == ("Lisbon, Portugal", "Acme, Inc.")


def test_excel_unicode_text() -> None:
    text = people_csv(delimiter="\t").decode("utf-8")
    assert parse_people_csv(text.encode("utf-16")) == EXPECTED


def test_headers_are_matched_loosely_and_unknown_columns_reported() -> None:
    header = "External ID;E-mail;First Name;Kind;Organization;Title;Start;Cost Centre\n"
    header = header.replace("E-mail", "email")
    data = (header + "E1;a@x.example;Ana;Position;Acme;CTO;2020;4711\n").encode()
    assert parse_people_csv(data) == PeopleImport(
        people=(
            Person(
                "E1",
                "a@x.example",
                "Ana",
                "",
                "",
                "",
                "",
                (PersonPosition("Acme", "", "CTO", PartialDate.year(2020), None, 2),),
                (),
                2,
            ),
        ),
        ignored_columns=("Cost Centre",),
    )


def test_repeated_person_fields_may_be_blank_on_later_rows() -> None:
    rows = [
        {**ROW, "email": "x@acme.example", "first_name": "Ana"},
        {**ROW, "title": "CEO", "email": "X@Acme.example"},
    ]
    (person,) = parse_people_csv(people_csv(rows)).people
    assert (person.email, person.first_name, len(person.positions)) == ("x@acme.example", "Ana", 2)


def test_every_bad_row_is_reported_with_its_column() -> None:
    rows = [
        {**ROW, "external_id": ""},
        {**ROW, "kind": "internship"},
        {**ROW, "organisation": ""},
        {"external_id": "E9", "kind": "education"},
        {**ROW, "start": "Smarch 2020"},
        {**ROW, "start": "2021", "end": "2019"},
        {**ROW, "email": "e9@acme.example"},
        {**ROW, "email": "other@acme.example"},
        {**ROW, "external_id": "E10", "email": "E9@acme.example"},
        {"external_id": "E11", "organisation": "Acme"},
        {**ROW, "school": "MIT"},
        {**ROW, "manager_external_id": "E9"},
        {**ROW, "email": "nobody"},
        {**ROW, "start": ""},
    ]
    assert errors_of(rows) == (
        error(2, "external_id", REQUIRED),
        error(3, "kind", UNKNOWN_KIND.format(value="internship")),
        error(4, "organisation", REQUIRED),
        error(5, "school", REQUIRED),
        error(6, "start", NOT_A_DATE.format(value="Smarch 2020")),
        error(7, "end", END_BEFORE_START.format(end="2019", start="2021")),
        error(
            9,
            "email",
            CONFLICTING_VALUE.format(value="other@acme.example", previous="e9@acme.example", row=8),
        ),
        error(10, "email", EMAIL_TAKEN.format(value="E9@acme.example", other="E9", row=8)),
        error(11, "kind", KIND_REQUIRED),
        error(12, "school", NOT_FOR_KIND.format(kind="education", row_kind="position")),
        error(13, "manager_external_id", OWN_MANAGER),
        error(14, "email", INVALID_EMAIL.format(value="nobody")),
        error(15, "start", REQUIRED),
    )


def test_error_names_the_column_as_the_file_spells_it() -> None:
    data = b"External ID,Kind,Organisation,Title,Start\r\nE1,position,Acme,CTO,soon\r\n"
    with pytest.raises(ImportFileError) as caught:
        parse_people_csv(data, filename="hr-export.csv")
    assert str(caught.value) == (
        'hr-export.csv, row 2, "Start": "soon" is not a date '
        '(expected e.g. "Jan 2020", "2019" or "12 Mar 2024")'
    )


def test_conflicting_names_for_one_person() -> None:
    rows = [{**ROW, "last_name": "Silva"}, {**ROW, "last_name": "Souza"}]
    assert errors_of(rows) == (
        error(3, "last_name", CONFLICTING_VALUE.format(value="Souza", previous="Silva", row=2)),
    )


def test_external_id_column_is_required() -> None:
    assert errors_of([{"email": "a@b.example"}], columns=("email", "first_name")) == (
        error(None, None, MISSING_COLUMNS.format(columns='"external_id"')),  # type: ignore[arg-type]
    )


def test_bounds() -> None:
    data = people_csv()
    with pytest.raises(ImportFileError) as caught:
        parse_people_csv(data, max_bytes=100)
    assert caught.value.message == FILE_TOO_LARGE.format(limit="100 bytes")
    with pytest.raises(ImportFileError) as caught:
        parse_people_csv(data, max_rows=3)
    assert caught.value == error(5, None, TOO_MANY_ROWS.format(limit=3))


def test_cp1252_is_refused_with_advice() -> None:
    data = "external_id,first_name\nE1,José\n".encode("cp1252")
    with pytest.raises(ImportFileError) as caught:
        parse_people_csv(data)
    assert caught.value == error(None, None, NOT_UTF8)  # type: ignore[arg-type]


def test_xlsx_gives_the_same_people() -> None:
    assert parse_people_xlsx(build_people_xlsx()) == EXPECTED


def test_file_dispatch_by_content() -> None:
    assert parse_people_file(build_people_xlsx(), filename="people.xlsx") == EXPECTED
    assert parse_people_file(people_csv(), filename="people.csv") == EXPECTED


def test_xlsx_date_cells_keep_their_displayed_precision() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["external_id", "kind", "organisation", "title", "start", "end"])
    sheet.append(
        [1001, "position", "Acme", "CTO", dt.datetime(2020, 1, 1), dt.datetime(2021, 6, 15)]
    )
    sheet.append([])  # a blank row keeps the numbering of the rows below
    sheet.append([1001, "position", "Acme", "CEO", 2022, "Mar 2023"])
    sheet["E2"].number_format = "mmm yyyy"
    sheet["F2"].number_format = "yyyy-mm-dd"
    buffer = io.BytesIO()
    workbook.save(buffer)
    (person,) = parse_people_xlsx(buffer.getvalue()).people
    assert person.external_id == "1001"
    assert person.positions == (
        PersonPosition(
            "Acme", "", "CTO", PartialDate.month(2020, 1), PartialDate.day(2021, 6, 15), 2
        ),
        PersonPosition("Acme", "", "CEO", PartialDate.year(2022), PartialDate.month(2023, 3), 4),
    )


def test_xlsx_errors_name_the_sheet_row() -> None:
    rows = [dict(PEOPLE_ROWS[0]), {**PEOPLE_ROWS[3], "kind": "job"}]
    with pytest.raises(ImportFileError) as caught:
        parse_people_xlsx(build_people_xlsx(rows), filename="people.xlsx")
    assert caught.value.errors == (
        ImportFileError("people.xlsx", 3, "kind", UNKNOWN_KIND.format(value="job")),
    )


def test_a_zip_that_is_not_a_workbook() -> None:
    with pytest.raises(ImportFileError) as caught:
        parse_people_xlsx(build_zip({"hello.txt": "hi"}), filename="people.xlsx")
    assert caught.value.file == "people.xlsx"
    assert caught.value.message.startswith(NOT_A_WORKBOOK.split("(")[0])


def test_fixture_reader_and_documentation_agree_on_the_columns() -> None:
    """The fixtures write, the reader reads and docs/imports.md lists the same columns."""
    docs = (Path(__file__).parents[2] / "docs" / "imports.md").read_text()
    section = docs[docs.index("### Columns", docs.index("external_id")) :]
    documented = re.findall(r"^\| `(\w+)` \| (?:person|stint|position|education) \|", section, re.M)
    read = [column.name for column in COLUMNS]

    assert sorted(PEOPLE_COLUMNS) == sorted(read) == sorted(documented)
    assert len(read) == len(set(read)) == 18


def test_the_documented_example_imports() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "imports.md").read_text(encoding="utf-8")
    blocks = [block.split("```", 1)[0] for block in docs.split("```csv\n")[1:]]
    [example] = [block for block in blocks if block.startswith("external_id,")]
    people = parse_people_csv(example.encode()).people
    assert [(p.external_id, len(p.positions), len(p.educations)) for p in people] == [
        ("E001", 2, 1),
        ("E002", 1, 0),
        ("E003", 0, 0),
    ]
