"""HR and alumni exports, shaped as their systems document them, through the real import path.

Each fixture in tests/fixtures/people is uploaded on the imports page (or the
API), mapped on the mapping page with deskmate's guesses, and imported by the
worker; every member, position, education entry and reporting line is checked.
A corrupted copy of each is refused whole, naming the row and the column.
"""

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from deskmate.network.models import ImportJob
from deskmate.people.models import Education, Member, Position
from tests.conftest import client_for

FIXTURES = Path(__file__).parents[1] / "fixtures" / "people"
D = dt.date


@dataclass(frozen=True)
class Expected:
    #: The guesses the mapping page must offer, for every column of the file.
    guesses: dict[str, str]
    #: What the admin types for the whole file (organisation, school), or nothing.
    options: dict[str, str]
    date_order: str
    #: external_id → (e-mail, first name, last name, location)
    members: dict[str, tuple[str, str, str, str]]
    #: (external_id, organisation, unit, title, start, end)
    positions: list[tuple] = field(default_factory=list)
    #: (external_id, school, degree, field, end)
    educations: list[tuple] = field(default_factory=list)
    #: external_id → the manager's external_id
    managers: dict[str, str] = field(default_factory=dict)
    #: (row, label, cell value to put there, the message the refusal names)
    corruption: tuple[int, str, str, str] = (0, "", "", "")
    summary: list[str] = field(default_factory=list)


WORKDAY = Expected(
    guesses={
        "Employee ID": "external_id",
        "Legal First Name": "first_name",
        "Legal Last Name": "last_name",
        "Preferred Name": "preferred_name",
        "Work Email": "email",
        "Business Title": "title",
        "Supervisory Organization": "unit",
        "Company": "organisation",
        "Location": "location",
        "Cost Center": "ignore",
        "Hire Date": "start",
        "Termination Date": "end",
        "Manager": "manager_name",
        "Manager Employee ID": "manager_external_id",
    },
    options={},
    date_order="",
    members={
        "21001": ("priya.nair@acme.example", "Priya", "Nair", "Lisbon"),
        "21002": ("maria.sanchez@acme.example", "María", "Sánchez", "Lisbon"),
        "21003": ("tom.baker@acme.example", "Tom", "Baker", "Porto"),
        "21004": ("aiko.tanaka@acme.example", "Aiko", "Tanaka", "Lisbon"),
        "21005": ("kwame.mensah@acme.example", "Kwame", "Mensah", "Lisbon"),
    },
    positions=[
        (
            "21001",
            "Acme Corporation",
            "Engineering (Priya Nair)",
            "VP Engineering",
            D(2015, 2, 2),
            None,
        ),
        (
            "21002",
            "Acme Corporation",
            "Payments (María Sánchez)",
            "Engineering Manager",
            D(2019, 3, 4),
            None,
        ),
        (
            "21003",
            "Acme Corporation",
            "Payments (María Sánchez)",
            "Software Engineer",
            D(2021, 9, 13),
            None,
        ),
        (
            "21004",
            "Acme Corporation",
            "Payments (María Sánchez)",
            "Senior Software Engineer",
            D(2020, 1, 6),
            D(2024, 6, 28),
        ),
        (
            "21005",
            "Acme Corporation",
            "Design (Priya Nair)",
            "Product Designer",
            D(2022, 11, 21),
            None,
        ),
    ],
    managers={"21002": "21001", "21003": "21002", "21004": "21002", "21005": "21001"},
    corruption=(
        4,
        "Work Email",
        "tom.baker(at)acme.example",
        '"tom.baker(at)acme.example" is not an email address',
    ),
    summary=["5 members added", "4 reporting lines added", "5 positions added"],
)

BAMBOOHR = Expected(
    guesses={
        "Employee #": "external_id",
        "First Name": "first_name",
        "Last Name": "last_name",
        "Preferred Name": "preferred_name",
        "Work Email": "email",
        "Job Title": "title",
        "Department": "unit",
        "Division": "ignore",
        "Location": "location",
        "Hire Date": "start",
        "Termination Date": "end",
        "Reporting to": "manager_name",
        "Supervisor Email": "manager_email",
        "Employment Status": "ignore",
    },
    options={"organisation": "Northwind Traders"},
    date_order="month_first",
    members={
        "1001": ("olivia.bennett@northwind.example", "Olivia", "Bennett", "Denver"),
        "1002": ("james.carter@northwind.example", "Jim", "Carter", "Denver"),
        "1003": ("sofia.rossi@northwind.example", "Sofia", "Rossi", "Chicago"),
        "1004": ("daniel.kim@northwind.example", "Daniel", "Kim", "Remote"),
        "1005": ("hannah.schmidt@northwind.example", "Hannah", "Schmidt", "Berlin"),
    },
    positions=[
        (
            "1001",
            "Northwind Traders",
            "Operations",
            "Chief Operating Officer",
            D(2016, 1, 15),
            None,
        ),
        # 03/04/2019 in a month-first file is 4 March.
        ("1002", "Northwind Traders", "Operations", "Operations Manager", D(2019, 3, 4), None),
        ("1003", "Northwind Traders", "Operations", "Logistics Coordinator", D(2021, 8, 23), None),
        (
            "1004",
            "Northwind Traders",
            "Customer Success",
            "Customer Support Specialist",
            D(2020, 11, 30),
            D(2023, 2, 17),
        ),
        ("1005", "Northwind Traders", "Customer Success", "Support Team Lead", D(2022, 6, 1), None),
    ],
    managers={"1002": "1001", "1003": "1002", "1004": "1001", "1005": "1001"},
    corruption=(
        5,
        "Hire Date",
        "11/31/2020",
        '"11/31/2020" is not a date (expected e.g. "Jan 2020", "2019" or "12 Mar 2024")',
    ),
    summary=["5 members added", "4 reporting lines added", "5 positions added"],
)

HIBOB = Expected(
    guesses={
        "Employee ID": "external_id",
        "Display name": "full_name",
        "First name": "first_name",
        "Last name": "last_name",
        "Email": "email",
        "Job title": "title",
        "Department": "unit",
        "Site": "location",
        "Start date": "start",
        "Termination date": "end",
        "Reports to": "manager_name",
        "Reports to email": "manager_email",
    },
    options={"organisation": "Globex Ltd"},
    date_order="day_first",
    members={
        "3332883884017713238": ("noa.levi@globex.example", "Noa", "Levi", "London"),
        "3332883884017713241": ("ben.cohen@globex.example", "Ben", "Cohen", "London"),
        "3332883884017713250": ("emma.wilson@globex.example", "Emma", "Wilson", "Manchester"),
        "3332883884017713262": ("lior.katz@globex.example", "Lior", "Katz", "Tel Aviv"),
        "3332883884017713270": ("yael.mizrahi@globex.example", "Yael", "Mizrahi", "Tel Aviv"),
    },
    positions=[
        ("3332883884017713238", "Globex Ltd", "People", "Head of People", D(2018, 1, 4), None),
        ("3332883884017713241", "Globex Ltd", "People", "People Partner", D(2021, 5, 17), None),
        (
            "3332883884017713250",
            "Globex Ltd",
            "People",
            "Talent Acquisition Lead",
            D(2019, 9, 2),
            D(2024, 3, 31),
        ),
        ("3332883884017713262", "Globex Ltd", "R&D", "Software Engineer", D(2022, 12, 12), None),
        ("3332883884017713270", "Globex Ltd", "R&D", "VP R&D", D(2017, 3, 1), None),
    ],
    managers={
        "3332883884017713241": "3332883884017713238",
        "3332883884017713250": "3332883884017713238",
        "3332883884017713262": "3332883884017713270",
    },
    corruption=(
        3,
        "Reports to email",
        "nobody@globex.example",
        '"nobody@globex.example" is nobody in this file or on deskmate',
    ),
    summary=["5 members added", "3 reporting lines added", "5 positions added"],
)

PERSONIO = Expected(
    guesses={
        "ID": "external_id",
        "First name": "first_name",
        "Last name": "last_name",
        "Email": "email",
        "Position": "title",
        "Department": "unit",
        "Office": "location",
        "Supervisor": "manager_name",
        "Hire date": "start",
        "Termination date": "end",
        "Cost center": "ignore",
        "Status": "ignore",
        "Employment type": "ignore",
    },
    options={"organisation": "Initech GmbH"},
    date_order="day_first",
    members={
        "1843201": ("lena.fischer@initech.example", "Lena", "Fischer", "Munich"),
        "1843202": ("jonas.weber@initech.example", "Jonas", "Weber", "Munich"),
        "1843203": ("mia.schneider@initech.example", "Mia", "Schneider", "Berlin"),
        "1843204": ("juergen.mueller@initech.example", "Jürgen", "Müller", "Munich"),
    },
    positions=[
        ("1843201", "Initech GmbH", "Finance", "Head of Finance", D(2017, 4, 1), None),
        ("1843202", "Initech GmbH", "Finance", "Accountant", D(2020, 9, 15), None),
        ("1843203", "Initech GmbH", "Finance", "Controller", D(2019, 2, 1), D(2023, 6, 30)),
        ("1843204", "Initech GmbH", "People & Payroll", "Payroll Specialist", D(2021, 10, 1), None),
    ],
    corruption=(
        4,
        "Termination date",
        "30.06.2018",
        '"30.06.2018" is before the start "01.02.2019"',
    ),
    # Personio names the supervisor only: Lena Fischer is the one person of that name.
    managers={"1843202": "1843201", "1843203": "1843201", "1843204": "1843201"},
    summary=["4 members added", "3 reporting lines added", "4 positions added"],
)

RAISERS_EDGE = Expected(
    guesses={
        "Constituent ID": "external_id",
        "First Name": "first_name",
        "Last Name": "last_name",
        "Nickname": "preferred_name",
        "Email Address": "email",
        "Primary Education School": "school",
        "Class Of": "class_year",
        "Degree": "degree",
        "Major": "field",
    },
    options={},
    date_order="",
    members={
        "10045": ("kate.oneill@alumni.example", "Kate", "O'Neill", ""),
        "10046": ("s.adeyemi@mail.example", "Samuel", "Adeyemi", ""),
        "10047": ("lucia.fernandez@mail.example", "Lucía", "Fernández", ""),
        "10048": ("wei.zhang@mail.example", "Wei", "Zhang", ""),
    },
    educations=[
        ("10045", "Ridgemont University", "BA", "History", D(2009, 1, 1)),
        ("10046", "Ridgemont University", "BSc", "Computer Science", D(2014, 1, 1)),
        ("10047", "Ridgemont University", "MBA", "", D(2014, 1, 1)),
        ("10048", "Ridgemont University", "PhD", "Physics", D(1998, 1, 1)),
    ],
    corruption=(
        3,
        "Class Of",
        "class of 2014",
        '"class of 2014" is not a date (expected e.g. "Jan 2020", "2019" or "12 Mar 2024")',
    ),
    summary=["4 members added", "4 education entries added"],
)

CASES = {
    "workday_worker_report.xlsx": WORKDAY,
    "bamboohr_custom_report.csv": BAMBOOHR,
    "hibob_people_report.csv": HIBOB,
    "personio_employees.csv": PERSONIO,
    "raisers_edge_alumni.csv": RAISERS_EDGE,
}


def upload(client, name: str, data: bytes):
    return client.post(
        reverse("imports"), {"kind": "people", "people-people": SimpleUploadedFile(name, data)}
    )


def confirm_guesses(client, job: ImportJob, expected: Expected, **extra):
    """GET the mapping page, check its guesses and samples, POST them back as they are."""
    page = client.get(reverse("import_mapping", args=[job.pk]))
    form = page.context["form"]
    offered = {label: form[name].initial for name, label in form.columns}
    assert offered == expected.guesses
    assert form["date_order"].initial == expected.date_order
    first_row = job.preview["samples"][0]
    for value in first_row:
        if value:
            assert f'<span class="sample">{value}</span>'.replace("'", "&#x27;") in page.text
    data = {name: form[name].initial for name, _ in form.columns}
    data.update(date_order=expected.date_order, **expected.options, **extra)
    return client.post(reverse("import_mapping", args=[job.pk]), data)


def people_rows():
    members = {
        member.external_id: (
            member.user.email,
            member.first_name,
            member.last_name,
            member.location,
        )
        for member in Member.objects.filter(external_id__gt="").select_related("user")
    }
    positions = sorted(
        (
            p.member.external_id,
            p.organisation.name,
            p.unit.name if p.unit else "",
            p.title,
            p.start,
            p.end,
        )
        for p in Position.objects.select_related("member", "organisation", "unit")
    )
    educations = sorted(
        (e.member.external_id, e.school.name, e.degree, e.field, e.end)
        for e in Education.objects.select_related("member", "school")
    )
    managers = {
        m.external_id: m.manager.external_id
        for m in Member.objects.filter(manager__isnull=False).select_related("manager")
    }
    return members, positions, educations, managers


def corrupted(name: str, expected: Expected) -> bytes:
    """The fixture with one cell replaced, as a person editing the export might leave it."""
    row, label, value, _ = expected.corruption
    data = (FIXTURES / name).read_bytes()
    if name.endswith(".xlsx"):
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(data))
        sheet = book.active
        column = [cell.value for cell in sheet[1]].index(label) + 1
        sheet.cell(row=row, column=column, value=value)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    bom = data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    delimiter = ";" if ";" in text.splitlines()[0] else ","
    lines = text.split("\r\n")
    header = lines[0].split(delimiter)
    cells = lines[row - 1].split(delimiter)
    cells[header.index(label)] = value
    lines[row - 1] = delimiter.join(cells)
    return (b"\xef\xbb\xbf" if bom else b"") + "\r\n".join(lines).encode("utf-8")


@pytest.mark.parametrize("name", list(CASES))
def test_export_imports_through_the_mapping_page_and_the_worker(name, admin_member, run_tasks):
    expected = CASES[name]
    admin = client_for(admin_member)
    response = upload(admin, name, (FIXTURES / name).read_bytes())
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.MAPPING
    assert response.status_code == 302 and response.url == reverse("import_mapping", args=[job.pk])

    response = confirm_guesses(admin, job, expected)
    assert response.status_code == 302 and response.url == reverse("import_detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == ImportJob.Status.QUEUED
    run_tasks()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.errors
    assert job.summary["lines"] == expected.summary
    assert job.payload is None and job.preview == {}

    members, positions, educations, managers = people_rows()
    assert members == expected.members
    assert positions == sorted(expected.positions)
    assert educations == sorted(expected.educations)
    assert managers == expected.managers


@pytest.mark.parametrize("name", list(CASES))
def test_corrupted_export_is_refused_whole_naming_row_and_column(name, admin_member, run_tasks):
    expected = CASES[name]
    row, label, _, message = expected.corruption
    admin = client_for(admin_member)
    upload(admin, name, corrupted(name, expected))
    job = ImportJob.objects.get()
    confirm_guesses(admin, job, expected)
    run_tasks()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.errors == [f'{name}, row {row}, "{label}": {message}']
    assert Member.objects.count() == 1  # the admin alone
    assert Position.objects.count() == Education.objects.count() == 0
    page = admin.get(reverse("import_detail", args=[job.pk]))
    assert f"{name}, row {row}, &quot;{label}&quot;" in page.text
