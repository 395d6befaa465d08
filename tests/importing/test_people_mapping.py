"""Header guesses, previews and the mapped reading of people exports (no database)."""

import datetime as dt

import pytest

from deskmate.importing import people_mapping
from deskmate.importing.dates import PartialDate
from deskmate.importing.errors import ImportFileError, ImportFileErrors
from deskmate.importing.people_mapping import (
    MAP_ID,
    MAP_ONCE,
    MAP_ORGANISATION,
    MAP_SCHOOL,
    PeopleMapping,
    date_parser,
    guess_date_order,
    guess_people_mapping,
    mapping_problems,
    parse_people_mapped,
    read_people_preview,
    source_key,
)


def test_salesforce_contact_report_headers_are_guessed():
    labels = [
        "Contact ID",
        "First Name",
        "Last Name",
        "Email",
        "Title",
        "Account Name",
        "Department",
        "Reports To: Email",
        "Mailing City",
    ]
    assert guess_people_mapping(labels) == {
        "Contact ID": "external_id",
        "First Name": "first_name",
        "Last Name": "last_name",
        "Email": "email",
        "Title": "title",
        "Account Name": "organisation",
        "Department": "unit",
        "Reports To: Email": "manager_email",
        "Mailing City": "ignore",
    }


def test_section_prefixed_and_snake_case_headers_are_guessed():
    labels = [
        "work_email",
        "Work > Department",
        "Work > Title",
        "Manager - Email - Work",
        "employee_id",
    ]
    assert guess_people_mapping(labels) == {
        "work_email": "email",
        "Work > Department": "unit",
        "Work > Title": "title",
        "Manager - Email - Work": "manager_email",
        "employee_id": "external_id",
    }


def test_each_field_goes_to_the_likeliest_column_only():
    labels = [
        "Cost Center",
        "Division",
        "Department",
        "Position",
        "Job Title",
        "Email",
        "Work Email",
    ]
    assert guess_people_mapping(labels) == {
        "Cost Center": "ignore",
        "Division": "ignore",
        "Department": "unit",
        "Position": "ignore",
        "Job Title": "title",
        "Email": "email",
        "Work Email": "ignore",
    }


def test_source_key_ignores_order_case_and_spelling_of_separators():
    assert source_key(["Employee ID", "Work Email"]) == source_key(["work_email", "EMPLOYEE-ID"])
    assert source_key(["Employee ID", "Work Email"]) != source_key(["Employee ID", "Email"])


def test_preview_finds_the_header_under_a_report_title():
    data = (
        b"Headcount report - all active workers\r\n"
        b"\r\n"
        b"Employee ID,Work Email,Hire Date\r\n"
        b"E1,ada@acme.example,25/12/2019\r\n"
        b"E2,bo@acme.example,01/02/2020\r\n"
    )
    preview = read_people_preview(data, filename="report.csv")
    assert preview.header_row == 3
    assert preview.labels == ("Employee ID", "Work Email", "Hire Date")
    assert preview.samples == (
        ("E1", "ada@acme.example", "25/12/2019"),
        ("E2", "bo@acme.example", "01/02/2020"),
    )
    assert preview.date_order == "day_first"


def test_preview_refuses_two_columns_with_one_name():
    with pytest.raises(ImportFileError) as error:
        read_people_preview(b"Employee ID,Email,email\r\nE1,a@b.example,\r\n", filename="x.csv")
    assert str(error.value) == 'x.csv, row 1, "email": two columns are called "email"'


def test_date_order_stays_open_when_no_date_tells():
    labels = ["Hire Date"]
    assert guess_date_order(labels, {"Hire Date": "start"}, [["03/04/2020"], ["2021-01-01"]]) == ""
    assert guess_date_order(labels, {"Hire Date": "start"}, [["03/04/2020"], ["04/13/2020"]]) == (
        "month_first"
    )


def test_date_parser_reads_numeric_dates_in_the_given_order_only():
    assert date_parser("day_first")("03/04/2024") == PartialDate.day(2024, 4, 3)
    assert date_parser("month_first")("03/04/2024") == PartialDate.day(2024, 3, 4)
    assert date_parser("month_first")("Mar 2024") == PartialDate.month(2024, 3)
    with pytest.raises(ValueError):
        date_parser("month_first")("13/04/2024")


def test_mapping_problems_name_what_to_correct():
    labels = ["Employee ID", "Job Title", "Title", "Degree"]
    mapping = PeopleMapping(
        columns={
            "Employee ID": "ignore",
            "Job Title": "title",
            "Title": "title",
            "Degree": "degree",
        }
    )
    assert mapping_problems(mapping, labels) == {
        "__all__": [MAP_ID],
        "Title": [MAP_ONCE.format(field="job title")],
        "organisation": [MAP_ORGANISATION],
        "school": [MAP_SCHOOL],
    }


ALUMNI = (
    "Constituent ID,Name,Email,Class Of,Degree,Employer,Job Title,Start\r\n"
    '501,"Okafor, Chidi",chidi@mail.example,2012,BEng,Initech,Engineer,2016\r\n'
    "502,Ana Lima,ana@mail.example,2015,BA,,,\r\n"
)
ALUMNI_MAPPING = PeopleMapping(
    columns={
        "Constituent ID": "external_id",
        "Name": "full_name",
        "Email": "email",
        "Class Of": "class_year",
        "Degree": "degree",
        "Employer": "organisation",
        "Job Title": "title",
        "Start": "start",
    },
    school="Ridgemont University",
)


def test_a_row_may_hold_a_position_and_an_education():
    result = parse_people_mapped(ALUMNI.encode(), filename="alumni.csv", mapping=ALUMNI_MAPPING)
    chidi, ana = result.people
    assert (chidi.first_name, chidi.last_name, ana.first_name, ana.last_name) == (
        "Chidi",
        "Okafor",
        "Ana",
        "Lima",
    )
    assert [(p.organisation, p.title, p.start, p.end) for p in chidi.positions] == [
        ("Initech", "Engineer", PartialDate.year(2016), None)
    ]
    assert [(e.school, e.degree, e.start, e.end) for e in chidi.educations] == [
        ("Ridgemont University", "BEng", None, PartialDate.year(2012))
    ]
    assert ana.positions == ()
    assert [(e.school, e.degree, e.end) for e in ana.educations] == [
        ("Ridgemont University", "BA", PartialDate.year(2015))
    ]
    assert result.labels["first_name"] == "Name"


def test_mapped_errors_name_the_files_own_columns():
    data = ALUMNI.replace("Engineer,2016", ",2016").replace("ana@mail.example", "ana-at-mail")
    with pytest.raises(ImportFileErrors) as error:
        parse_people_mapped(data.encode(), filename="alumni.csv", mapping=ALUMNI_MAPPING)
    assert [str(item) for item in error.value.errors] == [
        'alumni.csv, row 2, "Job Title": a value is required',
        'alumni.csv, row 3, "Email": "ana-at-mail" is not an email address',
    ]


def test_a_mapped_column_the_file_lacks_refuses_it():
    data = ALUMNI.replace("Class Of,", "Class,")
    with pytest.raises(ImportFileError) as error:
        parse_people_mapped(data.encode(), filename="alumni.csv", mapping=ALUMNI_MAPPING)
    assert str(error.value) == (
        'alumni.csv, row 1: no header row with the columns "Class Of" was found'
    )


def test_the_row_cap_is_checked_at_the_first_row_past_it():
    with pytest.raises(ImportFileError) as error:
        parse_people_mapped(
            ALUMNI.encode(), filename="alumni.csv", mapping=ALUMNI_MAPPING, max_rows=1
        )
    assert str(error.value) == "alumni.csv, row 3: the file has more than 1 rows"


def test_manager_email_must_be_an_address_and_not_ones_own():
    data = (
        "Employee ID,Work Email,Manager Email\r\n"
        "E1,ada@acme.example,ada@acme.example\r\n"
        "E2,bo@acme.example,ada(at)acme\r\n"
    )
    mapping = PeopleMapping(
        columns=guess_people_mapping(["Employee ID", "Work Email", "Manager Email"])
    )
    with pytest.raises(ImportFileErrors) as error:
        parse_people_mapped(data.encode(), filename="hr.csv", mapping=mapping)
    assert [str(item) for item in error.value.errors] == [
        'hr.csv, row 2, "Manager Email": a person cannot be their own manager',
        'hr.csv, row 3, "Manager Email": "ada(at)acme" is not an email address',
    ]


def test_workbook_dates_keep_their_day():
    import io

    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Employee ID", "Work Email", "Company", "Job Title", "Hire Date"])
    book.active.append([7, "ada@acme.example", "Acme", "Engineer", dt.datetime(2020, 3, 4)])
    book.active["E2"].number_format = "mm/dd/yyyy"
    out = io.BytesIO()
    book.save(out)
    mapping = PeopleMapping(
        columns=guess_people_mapping(
            ["Employee ID", "Work Email", "Company", "Job Title", "Hire Date"]
        )
    )
    (person,) = parse_people_mapped(out.getvalue(), filename="hr.xlsx", mapping=mapping).people
    assert person.external_id == "7"
    assert person.positions[0].start == PartialDate.day(2020, 3, 4)


def test_the_documented_hr_example_imports():
    from pathlib import Path

    docs = (Path(__file__).parents[2] / "docs" / "imports.md").read_text(encoding="utf-8")
    blocks = [block.split("```", 1)[0] for block in docs.split("```csv\n")[1:]]
    [example] = [block for block in blocks if block.startswith("Employee #,")]
    labels = example.splitlines()[0].split(",")
    preview = read_people_preview(example.encode(), filename="bamboohr.csv")
    mapping = PeopleMapping(
        columns=guess_people_mapping(labels),
        organisation="Northwind Traders",
        date_order=preview.date_order,
    )
    olivia, jim = parse_people_mapped(
        example.encode(), filename="bamboohr.csv", mapping=mapping
    ).people
    assert (jim.first_name, jim.last_name, jim.manager_email) == (
        "Jim",
        "Carter",
        "olivia.bennett@northwind.example",
    )
    assert [
        (p.organisation, p.unit, p.title, p.start) for p in (*olivia.positions, *jim.positions)
    ] == [
        (
            "Northwind Traders",
            "Operations",
            "Chief Operating Officer",
            PartialDate.day(2016, 1, 15),
        ),
        ("Northwind Traders", "Operations", "Operations Manager", PartialDate.day(2019, 3, 4)),
    ]


def test_manager_columns_holding_names_are_guessed_as_names():
    labels = ["Employee ID", "Manager", "Manager Name", "Supervisor", "Manager Email"]
    guesses = people_mapping.guess_people_mapping(labels)
    assert guesses["Manager Email"] == "manager_email"
    # One column per field: the likeliest spelling takes it, the others are left out.
    assert guesses["Manager Name"] == "manager_name"
    assert guesses["Manager"] == guesses["Supervisor"] == "ignore"
    assert people_mapping.guess_people_mapping(["ID", "Reports To"])["Reports To"] == (
        "manager_name"
    )
    assert people_mapping.guess_people_mapping(["ID", "Line Manager Full Name"])[
        "Line Manager Full Name"
    ] == ("manager_name")


def test_a_manager_column_of_email_addresses_is_read_as_manager_email():
    data = "Employee ID,Work Email,Manager\nA1,a@x.example,\nB2,b@x.example,a@x.example\nC3,c@x.example,Ann Lee\n"
    mapping = PeopleMapping(
        columns={"Employee ID": "external_id", "Work Email": "email", "Manager": "manager_name"}
    )
    people = parse_people_mapped(data.encode(), filename="hr.csv", mapping=mapping).people
    assert [(p.external_id, p.manager_email, p.manager_name) for p in people] == [
        ("A1", "", ""),
        ("B2", "a@x.example", ""),
        ("C3", "", "Ann Lee"),
    ]
