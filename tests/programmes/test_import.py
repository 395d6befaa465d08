"""Applications from a form tool's export: mapped, read whole, all or nothing, idempotent."""

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from deskmate.people.models import Member
from deskmate.programmes import applications_file, services
from deskmate.programmes.applications_file import parse_rank
from deskmate.programmes.models import Application, ApplicationImport

pytestmark = pytest.mark.django_db

GOOD = (
    "Timestamp,Full name,Email address,I join as,How many mentees can you take?,What do you hope to get out of it?,"
    "Topics [Leadership],Topics [Public speaking],Why do you join?\n"
    "2025-03-01 10:00,Lena Fischer,lena@example.org,Mentee,,Lead my first team,First Choice,2,To grow\n"
    "2025-03-01 11:00,Omar Haddad,omar@example.org,Mentor,3,Happy to help new managers,x,,\n"
    "2025-03-02 09:30,Maya Patel,MAYA@example.org,Mentee,,Speak at a conference,,1st,\n"
)
MAPPING = {
    "Timestamp": "ignore",
    "Full name": "name",
    "Email address": "email",
    "I join as": "role",
    "How many mentees can you take?": "capacity",
    "What do you hope to get out of it?": "goals",
    "Topics [Leadership]": "topic",
    "Topics [Public speaking]": "topic",
    "Why do you join?": "answer",
}


def run_import(programme, coordinator, content, name="responses.csv", mapping=MAPPING):
    data = content.encode() if isinstance(content, str) else content
    upload = services.application_import_create(
        programme=programme, actor=coordinator, file_name=name, payload=data
    )
    return services.application_import_apply(upload=upload, actor=coordinator, mapping=mapping)


def test_the_mapping_is_guessed_from_the_header(programme, coordinator):
    upload = services.application_import_create(
        programme=programme, actor=coordinator, file_name="responses.csv", payload=GOOD.encode()
    )
    assert upload.columns == list(MAPPING)
    assert upload.mapping == MAPPING
    assert upload.status == ApplicationImport.Status.UPLOADED


def test_a_good_file_creates_members_and_applications(programme, coordinator, mentee):
    upload = run_import(programme, coordinator, GOOD)
    assert upload.status == ApplicationImport.Status.DONE, upload.errors
    assert upload.summary == {
        "members_created": 2,
        "members_found": 1,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "members_linked": 0,
        "pending": 0,
        "notes": [],
    }
    assert upload.payload is None
    lena = Member.objects.get(user__email="lena@example.org")
    assert (lena.first_name, lena.last_name, lena.user.has_usable_password()) == (
        "Lena",
        "Fischer",
        False,
    )
    omar = Member.objects.get(user__email="omar@example.org")
    assert (omar.open_to_mentoring, omar.mentee_capacity) == (True, 3)
    applications = {
        a.member.user.email: a for a in Application.objects.select_related("member__user")
    }
    assert applications["lena@example.org"].role == "mentee"
    assert applications["lena@example.org"].topics == {"Leadership": 1, "Public speaking": 2}
    assert applications["lena@example.org"].answers == {"Why do you join?": "To grow"}
    assert applications["lena@example.org"].goals == "Lead my first team"
    assert applications["lena@example.org"].source == "import"
    # What the mentor offered is kept; the programme's limit of 2 applies when matching.
    assert (applications["omar@example.org"].role, applications["omar@example.org"].capacity) == (
        "mentor",
        3,
    )
    assert applications["omar@example.org"].topics == {"Leadership": 0}
    # Maya was matched by her e-mail, whatever its case, not created again.
    assert applications["maya@example.org"].member == mentee
    assert applications["maya@example.org"].topics == {"Public speaking": 1}


def test_reimporting_the_same_file_changes_nothing(programme, coordinator):
    run_import(programme, coordinator, GOOD)
    members, applications = Member.objects.count(), Application.objects.count()
    again = run_import(programme, coordinator, GOOD)
    assert again.summary == {
        "members_created": 0,
        "members_found": 3,
        "created": 0,
        "updated": 0,
        "unchanged": 3,
        "members_linked": 0,
        "pending": 0,
        "notes": [],
    }
    assert (Member.objects.count(), Application.objects.count()) == (members, applications)


def test_a_bad_file_is_refused_whole_naming_row_and_column(programme, coordinator):
    bad = GOOD.replace("omar@example.org,Mentor,3", "omar@example.org,Mentor,lots").replace(
        "Speak at a conference,,1st", "Speak at a conference,,maybe"
    )
    members = Member.objects.count()
    upload = run_import(programme, coordinator, bad)
    assert upload.status == ApplicationImport.Status.FAILED
    assert upload.errors == [
        'responses.csv, row 3, "How many mentees can you take?": '
        + applications_file.NOT_A_CAPACITY.format(value="lots"),
        'responses.csv, row 4, "Topics [Public speaking]": '
        + applications_file.NOT_A_RANK.format(value="maybe"),
    ]
    assert Member.objects.count() == members
    assert Application.objects.count() == 0


def test_a_bad_role_and_a_repeated_email_are_named(programme, coordinator):
    bad = GOOD.replace("omar@example.org,Mentor", "omar@example.org,Sponsor").replace(
        "MAYA@example.org", "lena@example.org"
    )
    upload = run_import(programme, coordinator, bad)
    assert upload.errors == [
        'responses.csv, row 3, "I join as": '
        + applications_file.NOT_A_ROLE.format(value="Sponsor"),
        'responses.csv, row 4, "Email address": '
        + applications_file.EMAIL_TWICE.format(value="lena@example.org", row=2),
    ]
    assert Application.objects.count() == 0


def test_an_xlsx_export_reads_like_the_csv(programme, coordinator):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for line in GOOD.strip().splitlines():
        sheet.append([cell if not cell.isdigit() else int(cell) for cell in line.split(",")])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = run_import(programme, coordinator, buffer.getvalue(), name="responses.xlsx")
    assert upload.status == ApplicationImport.Status.DONE, upload.errors
    assert upload.summary["created"] == 3
    assert Application.objects.get(member__user__email="lena@example.org").topics == {
        "Leadership": 1,
        "Public speaking": 2,
    }


def test_a_mapping_without_email_or_role_is_refused(programme, coordinator):
    upload = services.application_import_create(
        programme=programme, actor=coordinator, file_name="responses.csv", payload=GOOD.encode()
    )
    mapping = {**MAPPING, "Email address": "ignore", "Full name": "ignore", "I join as": "ignore"}
    with pytest.raises(ValidationError) as refused:
        services.application_import_apply(upload=upload, actor=coordinator, mapping=mapping)
    assert refused.value.messages == [applications_file.MAP_EMAIL, applications_file.MAP_ROLE]
    upload.refresh_from_db()
    assert upload.status == ApplicationImport.Status.UPLOADED


def test_a_file_is_applied_once(programme, coordinator):
    upload = run_import(programme, coordinator, GOOD)
    with pytest.raises(ValidationError) as refused:
        services.application_import_apply(upload=upload, actor=coordinator, mapping=MAPPING)
    assert refused.value.messages == [services.IMPORT_DONE_ALREADY]


def test_duplicate_headers_are_refused_at_upload(programme, coordinator):
    from deskmate.importing.errors import ImportFileError

    with pytest.raises(ImportFileError) as refused:
        services.application_import_create(
            programme=programme,
            actor=coordinator,
            file_name="x.csv",
            payload=b"Email,email\na@b.org,c@d.org\n",
        )
    assert str(
        refused.value
    ) == 'x.csv, row 1, "email": ' + applications_file.DUPLICATE_HEADER.format(label="email")
    assert ApplicationImport.objects.count() == 0


@pytest.mark.parametrize(
    ("cell", "rank"),
    [
        ("First Choice", 1),
        ("first", 1),
        ("2", 2),
        ("Second choice", 2),
        ("3rd", 3),
        ("x", 0),
        ("Yes", 0),
        ("", None),
        ("no", None),
    ],
)
def test_rank_cells(cell, rank):
    assert parse_rank(cell) == rank
