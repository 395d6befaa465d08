import datetime as dt
import io
import time

import pytest

from deskmate.importing.dates import PartialDate
from deskmate.importing.errors import (
    END_BEFORE_START,
    INVALID_EMAIL,
    MAX_ERRORS,
    MISSING_COLUMNS,
    NOT_A_DATE,
    REQUIRED,
    TOO_MANY_CELLS,
    ImportFileError,
    ImportFileErrors,
)
from deskmate.importing.linkedin import (
    DEFAULT_MAX_CONNECTIONS,
    DUPLICATE_MEMBER,
    SHOWN_STATUSES,
    Connection,
    Education,
    LinkedInArchive,
    Position,
    Profile,
    Skill,
    parse_linkedin_archive,
)
from deskmate.importing.vcard import DEFAULT_MAX_CARDS
from tests.importing.archives import (
    CONNECTIONS_CSV,
    CONNECTIONS_HEADER,
    CONNECTIONS_NOTES,
    DEFAULT_FOLDER,
    EDUCATION_CSV,
    OLDER_LAYOUT,
    POSITIONS_CSV,
    PROFILE_CSV,
    REALISTIC_FILES,
    SKILLS_CSV,
    build_linkedin_zip,
    build_zip,
    connections_csv,
)

EXPECTED_PROFILE = Profile(
    first_name="Maria",
    last_name="Sánchez",
    headline="Engineering Manager at Acme",
    summary="Building payments teams.\nI like mentoring, cycling and good coffee.",
    industry="Software Development",
    location="Lisbon, Portugal",
)
EXPECTED_POSITIONS = (
    Position(
        company="Acme, Inc.",
        title="Engineering Manager",
        description="Leads the Payments team (8 engineers).\nHiring, coaching, delivery.",
        location="Lisbon, Portugal",
        started_on=PartialDate.month(2022, 1),
        finished_on=None,
        row=2,
    ),
    Position(
        company="Acme Inc.",
        title="Senior Software Engineer",
        description="",
        location="Lisbon",
        started_on=PartialDate.month(2019, 3),
        finished_on=PartialDate.month(2021, 12),
        row=3,
    ),
    Position(
        company="Globex",
        title="Software Engineer",
        description='Built the "checkout" service',
        location="",
        started_on=PartialDate.year(2016),
        finished_on=PartialDate.month(2019, 2),
        row=4,  # row 2 holds a line break, yet it is one spreadsheet row
    ),
)
EXPECTED_EDUCATIONS = (
    Education(
        school="University of Lisbon",
        degree="BSc",
        field="Computer Science",
        notes="",
        activities="Robotics club, debating",
        started_on=PartialDate.year(2010),
        finished_on=PartialDate.year(2014),
        row=2,
    ),
    Education(
        school="Le Wagon",
        degree="Web Development",
        field="",
        notes="Evening bootcamp",
        activities="",
        started_on=PartialDate.month(2015, 9),
        finished_on=PartialDate.month(2015, 11),
        row=3,
    ),
)
EXPECTED_SKILLS = (
    Skill("Python", 2),
    Skill("C++", 3),
    Skill("Engineering Management", 4),
)
# Three lines of notes and a blank line sit above the header (row 4).
EXPECTED_CONNECTIONS = (
    Connection(
        first_name="John",
        last_name="Doe",
        url="https://www.linkedin.com/in/johndoe",
        email="",
        company="Acme Inc.",
        position="Head of Payments, EMEA",
        connected_on=PartialDate.day(2024, 3, 12),
        row=5,
    ),
    Connection(
        first_name="Ana",
        last_name="López",
        url="https://www.linkedin.com/in/ana-lopez",
        email="ana@example.es",
        company="Globex",
        position="Product Manager",
        connected_on=PartialDate.day(2023, 1, 3),
        row=6,
    ),
    Connection(
        first_name="Wei",
        last_name="Zhang",
        url="https://www.linkedin.com/in/wzhang",
        email="",
        company="",
        position="",
        connected_on=PartialDate.month(2020, 1),
        row=9,
    ),
)
EXPECTED_ARCHIVE = LinkedInArchive(
    profile=EXPECTED_PROFILE,
    positions=EXPECTED_POSITIONS,
    educations=EXPECTED_EDUCATIONS,
    skills=EXPECTED_SKILLS,
    connections=EXPECTED_CONNECTIONS,
    skipped_connections=1,  # row 8 has only a company and a position
    files=("Profile.csv", "Positions.csv", "Education.csv", "Skills.csv", "Connections.csv"),
)


def errors_of(data: bytes) -> tuple[ImportFileError, ...]:
    with pytest.raises(ImportFileError) as caught:
        parse_linkedin_archive(data)
    return caught.value.errors


def test_realistic_archive() -> None:
    assert parse_linkedin_archive(build_linkedin_zip()) == EXPECTED_ARCHIVE


def test_file_like_upload() -> None:
    assert parse_linkedin_archive(io.BytesIO(build_linkedin_zip())) == EXPECTED_ARCHIVE


@pytest.mark.parametrize(
    "options",
    [
        {"folder": None},
        {"bom": False, "crlf": False},
        {"folder": "export", "bom": False},
    ],
)
def test_layout_and_encoding_quirks_do_not_matter(options: dict[str, object]) -> None:
    data = build_linkedin_zip(**options)  # type: ignore[arg-type]
    assert parse_linkedin_archive(data) == EXPECTED_ARCHIVE


def test_file_names_match_whatever_their_case() -> None:
    files = {
        name.upper() if name.startswith("P") else name.lower(): content
        for name, content in REALISTIC_FILES.items()
    }
    parsed = parse_linkedin_archive(build_linkedin_zip(files))
    assert parsed.positions == EXPECTED_POSITIONS
    assert parsed.connections == EXPECTED_CONNECTIONS
    assert parsed.files == (
        "PROFILE.CSV",
        "POSITIONS.CSV",
        "education.csv",
        "skills.csv",
        "connections.csv",
    )


def test_missing_files_give_empty_lists() -> None:
    parsed = parse_linkedin_archive(build_linkedin_zip({"Skills.csv": SKILLS_CSV}))
    assert parsed == LinkedInArchive(
        profile=None,
        positions=(),
        educations=(),
        skills=EXPECTED_SKILLS,
        connections=(),
        skipped_connections=0,
        files=("Skills.csv",),
    )


def test_an_archive_with_nothing_known_is_empty() -> None:
    parsed = parse_linkedin_archive(build_zip({"Messages.csv": "a,b\n", "notes/": b""}))
    assert parsed == LinkedInArchive(None, (), (), (), (), 0, ())


def test_files_deeper_than_one_folder_and_mac_metadata_are_ignored() -> None:
    data = build_zip(
        {
            "export/Positions.csv": POSITIONS_CSV,
            "export/Jobs/Positions.csv": "garbage",
            "__MACOSX/Positions.csv": b"\x00\x05\x16\x07",
            "__MACOSX/export/._Positions.csv": b"\x00\x05\x16\x07",
        }
    )
    assert parse_linkedin_archive(data).positions == EXPECTED_POSITIONS


def found_twice(name: str, first: str, second: str) -> tuple[ImportFileError, ...]:
    """The one error of an archive holding the file ``name`` at two paths."""
    return (
        ImportFileError(
            "LinkedIn archive",
            None,
            None,
            DUPLICATE_MEMBER.format(name=name, first=first, second=second),
        ),
    )


def test_a_file_found_twice_is_refused() -> None:
    data = build_zip({"Positions.csv": POSITIONS_CSV, "export/positions.csv": POSITIONS_CSV})
    assert errors_of(data) == found_twice("Positions.csv", "Positions.csv", "export/positions.csv")


def test_older_exports_without_optional_columns() -> None:
    files = {
        "Positions.csv": "Company Name,Title,Started On,Finished On\nGlobex,Engineer,2016,2019\n",
        "Connections.csv": CONNECTIONS_NOTES
        + "First Name,Last Name,Company,Position,Connected On\n"
        + "John,Doe,Acme,CTO,12 Mar 2024\n",
        "Profile.csv": "First Name,Last Name,Headline\nMaria,Sánchez,Engineer\n",
    }
    parsed = parse_linkedin_archive(build_linkedin_zip(files))
    assert parsed.positions == (
        Position("Globex", "Engineer", "", "", PartialDate.year(2016), PartialDate.year(2019), 2),
    )
    assert parsed.connections == (
        Connection("John", "Doe", "", "", "Acme", "CTO", PartialDate.day(2024, 3, 12), 5),
    )
    assert parsed.profile == Profile("Maria", "Sánchez", "Engineer", "", "", "")


def test_connections_without_notes_and_with_trailing_commas() -> None:
    csv = CONNECTIONS_HEADER + "John,Doe,https://x.example/j,,Acme,CTO,12 Mar 2024,,\n"
    parsed = parse_linkedin_archive(build_linkedin_zip({"Connections.csv": csv}))
    assert parsed.connections == (
        Connection(
            "John", "Doe", "https://x.example/j", "", "Acme", "CTO", PartialDate.day(2024, 3, 12), 2
        ),
    )


def test_empty_profile_file_gives_no_profile() -> None:
    parsed = parse_linkedin_archive(build_linkedin_zip({"Profile.csv": PROFILE_CSV.split("\n")[0]}))
    assert parsed.profile is None


def test_bad_date_names_file_row_and_column() -> None:
    positions = POSITIONS_CSV.replace("Feb 2019", "Feb 2019").replace(",2016,", ",Smarch 2020,")
    (error,) = errors_of(build_linkedin_zip({"Positions.csv": positions}))
    assert str(error) == (
        'Positions.csv, row 4, "Started On": "Smarch 2020" is not a date '
        '(expected e.g. "Jan 2020", "2019" or "12 Mar 2024")'
    )


def test_every_bad_row_of_every_file_is_reported() -> None:
    positions = (
        "Company Name,Title,Description,Location,Started On,Finished On\n"
        ",Engineer,,,Jan 2020,\n"  # no company
        "Acme,Engineer,,,,Jan 2020\n"  # no start
        "Acme,Engineer,,,Mar 2024,Jan 2024\n"  # ends before it starts
        "Acme,Engineer,,,Mar 2024,12 Mar 2024\n"  # fine: same month
        "Acme,Engineer,,,Jan 2020,soon\n"  # bad end
    )
    education = "School Name,Start Date,End Date,Notes,Degree Name,Activities\n,2010,2014,,,\n"
    connections = (
        CONNECTIONS_NOTES
        + CONNECTIONS_HEADER
        + ("John,Doe,,john(at)example.org,,,\nAna,López,,,,,last Tuesday\nWei,Zhang,,,,,,,extra\n")
    )
    errors = errors_of(
        build_linkedin_zip(
            {"Positions.csv": positions, "Education.csv": education, "Connections.csv": connections}
        )
    )
    assert errors == (
        ImportFileError("Positions.csv", 2, "Company Name", REQUIRED),
        ImportFileError("Positions.csv", 3, "Started On", REQUIRED),
        ImportFileError(
            "Positions.csv",
            4,
            "Finished On",
            END_BEFORE_START.format(end="Jan 2024", start="Mar 2024"),
        ),
        ImportFileError("Positions.csv", 6, "Finished On", NOT_A_DATE.format(value="soon")),
        ImportFileError("Education.csv", 2, "School Name", REQUIRED),
        ImportFileError(
            "Connections.csv", 5, "Email Address", INVALID_EMAIL.format(value="john(at)example.org")
        ),
        ImportFileError(
            "Connections.csv", 6, "Connected On", NOT_A_DATE.format(value="last Tuesday")
        ),
        ImportFileError("Connections.csv", 7, None, TOO_MANY_CELLS.format(count=9, expected=7)),
    )


def test_end_before_start_message() -> None:
    positions = "Company Name,Title,Started On,Finished On\nAcme,CTO,2021,2019\n"
    (error,) = errors_of(build_linkedin_zip({"Positions.csv": positions}))
    assert str(error) == 'Positions.csv, row 2, "Finished On": "2019" is before the start "2021"'


def test_a_missing_required_column_is_named() -> None:
    positions = "Company Name,Title,Finished On\nAcme,CTO,2019\n"
    (error,) = errors_of(build_linkedin_zip({"Positions.csv": positions}))
    assert error == ImportFileError(
        "Positions.csv",
        None,
        None,
        MISSING_COLUMNS.format(columns='"Company Name", "Title", "Started On"'),
    )


def test_an_unterminated_quote_does_not_swallow_errors() -> None:
    positions = 'Company Name,Title,Started On\nAcme,"CTO,2019\n'
    (error,) = errors_of(build_linkedin_zip({"Positions.csv": positions}))
    # The quote runs to the end of the file, so the row has no start date.
    assert error == ImportFileError("Positions.csv", 2, "Started On", REQUIRED)


def test_errors_stop_being_collected_after_the_limit() -> None:
    rows = "".join(f"Acme,CTO,,,never{i},\n" for i in range(MAX_ERRORS + 50))
    positions = "Company Name,Title,Description,Location,Started On,Finished On\n" + rows
    with pytest.raises(ImportFileErrors) as caught:
        parse_linkedin_archive(build_linkedin_zip({"Positions.csv": positions}))
    assert caught.value.truncated is True
    assert len(caught.value.errors) == MAX_ERRORS
    assert caught.value.errors[-1] == ImportFileError(
        "Positions.csv",
        MAX_ERRORS + 1,
        "Started On",
        NOT_A_DATE.format(value=f"never{MAX_ERRORS - 1}"),
    )


def test_thirty_thousand_connections() -> None:
    data = build_linkedin_zip({"Connections.csv": connections_csv(30_000)})
    started = time.perf_counter()
    parsed = parse_linkedin_archive(data)
    elapsed = time.perf_counter() - started
    print(f"parsed 30,000 connections in {elapsed:.3f} s")
    assert len(parsed.connections) == 30_000
    assert parsed.connections[0] == Connection(
        "Person0",
        "Number 0",
        "https://www.linkedin.com/in/person-0",
        "person0@example.org",
        "Company 0, Ltd",
        "Engineer",
        PartialDate.day(2010, 1, 1),
        5,
    )
    assert parsed.connections[-1] == Connection(
        "Person29999",
        "Number 29999",
        "https://www.linkedin.com/in/person-29999",
        "",
        "Company 499, Ltd",
        "Engineer",
        PartialDate.day(2024, 12, 12),
        30_004,
    )


def test_fixture_constants_are_what_the_archive_holds() -> None:
    # Keep the builder honest: the defaults are the module's constants.
    assert REALISTIC_FILES["Positions.csv"] is POSITIONS_CSV
    assert REALISTIC_FILES["Education.csv"] is EDUCATION_CSV
    assert REALISTIC_FILES["Connections.csv"] is CONNECTIONS_CSV
    assert DEFAULT_FOLDER.startswith("Basic_LinkedInDataExport")


def test_a_position_may_have_no_title() -> None:
    positions = "Company Name,Title,Started On,Finished On\nAcme,,2019,\n"
    parsed = parse_linkedin_archive(build_linkedin_zip({"Positions.csv": positions}))
    assert parsed.positions == (Position("Acme", "", "", "", PartialDate.year(2019), None, 2),)


def test_a_file_without_its_header_does_not_hide_other_files_errors() -> None:
    files = {
        "Positions.csv": "Company,Role\nAcme,CTO\n",
        "Connections.csv": CONNECTIONS_HEADER + "Ana,López,,,,,someday\n",
    }
    assert errors_of(build_linkedin_zip(files)) == (
        ImportFileError(
            "Positions.csv",
            None,
            None,
            MISSING_COLUMNS.format(columns='"Company Name", "Title", "Started On"'),
        ),
        ImportFileError("Connections.csv", 2, "Connected On", NOT_A_DATE.format(value="someday")),
    )


def test_connections_are_capped_like_vcard_cards() -> None:
    assert DEFAULT_MAX_CONNECTIONS == DEFAULT_MAX_CARDS == 50_000
    data = build_linkedin_zip({"Connections.csv": connections_csv(4)})
    parse_linkedin_archive(data, max_connections=4)
    with pytest.raises(ImportFileErrors) as caught:
        parse_linkedin_archive(data, max_connections=3)
    # Notes and header take rows 1–4: the fourth connection is row 8.
    assert [str(error) for error in caught.value.errors] == [
        "Connections.csv, row 8: the file has more than 3 rows"
    ]


def test_a_position_file_past_its_cap_is_refused() -> None:
    rows = "".join(f"Company {n},Engineer,,,Jan 2020,Feb 2020\n" for n in range(1_001))
    data = build_linkedin_zip({"Positions.csv": POSITIONS_CSV.splitlines()[0] + "\n" + rows})
    with pytest.raises(ImportFileErrors) as caught:
        parse_linkedin_archive(data)
    assert [str(error) for error in caught.value.errors] == [
        "Positions.csv, row 1002: the file has more than 1,000 rows"
    ]


def test_older_archive_layout_with_spaces_tabs_and_other_column_orders() -> None:
    parsed = parse_linkedin_archive(build_linkedin_zip(OLDER_LAYOUT))
    assert parsed.files == (
        "Profile.csv",
        "Positions.csv",
        "Recommendations Received.csv",
        "Endorsement Received Info.csv",
    )
    assert parsed.profile == Profile(
        "Maria", "Sánchez", "Engineering Manager at Acme", "Payments.", "Software Development", ""
    )
    assert parsed.positions == (
        Position(
            "Acme, Inc.",
            "Engineering Manager",
            "Leads Payments",
            "Lisbon, Portugal",
            PartialDate.month(2022, 1),
            None,
            2,
        ),
        Position(
            "Globex",
            "Software Engineer",
            "",
            "",
            PartialDate.month(2016, 6),
            PartialDate.month(2019, 2),
            3,
        ),
    )
    assert [
        (r.first_name, r.last_name, r.text, r.created_on, r.status) for r in parsed.recommendations
    ] == [
        (
            "Daniel",
            "Okafor",
            "Maya led our payments migration, calmly.",
            dt.date(2017, 9, 27),
            "SHOWN",
        ),
        ("Ana", "López", "A pleasure.", dt.date(2018, 1, 5), "HIDDEN"),
    ]
    assert "SHOWN" in SHOWN_STATUSES and "HIDDEN" not in SHOWN_STATUSES
    assert [(e.skill, e.url, e.endorsed_on) for e in parsed.endorsements] == [
        ("Go", "www.linkedin.com/in/dokafor", dt.date(2018, 5, 30))
    ]


def test_older_and_newer_names_of_one_file_in_one_archive_are_refused() -> None:
    files = {
        "Recommendations Received.csv": OLDER_LAYOUT["Recommendations Received.csv"],
        "Recommendations_Received.csv": "First Name,Last Name\nAna,López\n",
    }
    data = build_linkedin_zip(files, folder=None)
    assert errors_of(data) == found_twice(
        "Recommendations_Received.csv",
        "Recommendations Received.csv",
        "Recommendations_Received.csv",
    )


def test_a_bad_row_in_a_tab_separated_file_names_its_column() -> None:
    files = {
        "Positions.csv": "Company Name\tTitle\tStarted On\tFinished On\n"
        "Globex\tEngineer\tsoon\t02/2019\n",
    }
    assert errors_of(build_linkedin_zip(files)) == (
        ImportFileError("Positions.csv", 2, "Started On", NOT_A_DATE.format(value="soon")),
    )
