"""Real form-tool exports imported through the pages: upload, mapping step as guessed, result.

Every resulting application is checked; a corrupted copy of each export is
refused whole, naming the row and the column, and writes nothing.
"""

from html import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from deskmate.importing import applications as applications_file
from deskmate.people.models import Member
from deskmate.programmes.models import Application, ApplicationImport
from tests.conftest import client_for
from tests.programmes import form_exports

pytestmark = pytest.mark.django_db


def upload_file(client, programme, content: bytes, name: str):
    response = client.post(
        f"/programmes/{programme.pk}/import/", {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return ApplicationImport.objects.get(programme=programme, file_name=name)


def map_as_guessed(client, programme, upload, **changes):
    """The mapping page shows samples; post it as guessed, with any changes by column."""
    page = client.get(f"/programmes/{programme.pk}/import/{upload.pk}/")
    assert page.status_code == 200
    mapping = {**upload.mapping, **changes.pop("columns", {})}
    data = {f"column_{n}": mapping[label] for n, label in enumerate(upload.columns)}
    data["file_role"] = changes.pop("file_role", upload.file_role)
    client.post(f"/programmes/{programme.pk}/import/{upload.pk}/", data)
    upload.refresh_from_db()
    return page.content.decode(), upload


def applications_by_name(programme):
    return {
        a.member.name: a
        for a in programme.applications.select_related("member__user").order_by("id")
    }


def summary(**counts):
    base = {
        "members_created": 0,
        "members_found": 0,
        "members_linked": 0,
        "pending": 0,
        "created": 0,
        "updated": 0,
        "unchanged": 0,
        "notes": [],
    }
    return {**base, **counts}


def test_google_forms_csv(programme, coordinator, mentee):
    client = client_for(coordinator)
    upload = upload_file(
        client, programme, form_exports.google_forms(), "Mentoring sign-up (Responses).csv"
    )
    page, upload = map_as_guessed(client, programme, upload)
    assert "Third Choice, Fourth Choice" in page and "Control, Dynamics, Robotics" in page
    assert upload.status == ApplicationImport.Status.DONE, upload.errors
    assert upload.summary == summary(
        members_created=2,
        members_found=1,
        created=3,
        notes=[
            applications_file.MULTI_RANK_NOTE.format(
                row=2,
                label="Rank these topics [Robotics]",
                value="Third Choice, Fourth Choice",
                rank=3,
            )
        ],
    )
    found = applications_by_name(programme)
    assert sorted(found) == ["Ana Silva", "Ben Okoro", "Maya Patel"]
    ana, ben, maya = found["Ana Silva"], found["Ben Okoro"], found["Maya Patel"]
    assert (ana.member.user.email, ana.role, ana.capacity) == (
        "ana.silva@example.edu",
        "mentee",
        None,
    )
    assert ana.topics == {"Graph Theory": 1, "Robotics": 3, "Control": 2, "Dynamics": 0}
    # The four-point importance scale: not, somewhat, important, very.
    assert ana.attributes == {
        "Professional development": 4.0,
        "Networking": 2.0,
        "University": "TU Delft",
        "Class year": 2026.0,
    }
    assert ana.goals == "Find a research direction"
    assert (ben.role, ben.capacity, ben.member.open_to_mentoring) == ("mentor", 2, True)
    assert ben.topics == {"Graph Theory": 2, "Robotics": 1}
    assert ben.attributes == {
        "Professional development": 3.0,
        "Networking": 4.0,
        "University": "TU Delft",
        "Class year": 2019.0,
    }
    assert maya.member == mentee
    assert maya.topics == {"Control": 1}
    assert maya.attributes == {
        "Professional development": 1.0,
        "Networking": 3.0,
        "University": "ETH Zurich",
        "Class year": 2027.0,
    }
    programme.refresh_from_db()
    assert {a["name"]: a["kind"] for a in programme.attributes} == {
        "Professional development": "number",
        "Networking": "number",
        "University": "category",
        "Class year": "number",
    }


def test_microsoft_forms_xlsx_of_mentors_only(programme, coordinator, mentor):
    client = client_for(coordinator)
    upload = upload_file(client, programme, form_exports.microsoft_forms(), "Mentors.xlsx")
    assert upload.file_role == "mentor"
    assert applications_file.ROLE not in upload.mapping.values()
    page, upload = map_as_guessed(client, programme, upload)
    assert "Leadership;Public speaking;" in page
    assert upload.status == ApplicationImport.Status.DONE, upload.errors
    assert upload.summary == summary(members_created=1, members_found=1, created=2)
    found = applications_by_name(programme)
    assert sorted(found) == ["Daniel Okafor", "Li Wei"]
    li, daniel = found["Li Wei"], found["Daniel Okafor"]
    assert (li.member.user.email, li.role, li.capacity) == ("li.wei@contoso.com", "mentor", 2)
    assert li.topics == {"Leadership": 0, "Public speaking": 0}
    assert li.attributes == {"Department": "Engineering"}
    assert li.answers == {}
    assert (daniel.member, daniel.role, daniel.capacity) == (mentor, "mentor", 1)
    assert daniel.topics == {"Career change": 0}
    assert daniel.attributes == {"Department": "Product"}
    assert daniel.answers == {
        "Anything else we should know?": "Happy to help people move into product"
    }


def test_typeform_csv_without_addresses(programme, coordinator, second_mentee):
    client = client_for(coordinator)
    members = Member.objects.count()
    upload = upload_file(client, programme, form_exports.typeform(), "typeform mentees.csv")
    assert upload.mapping["#"] == applications_file.IDENTIFIER
    _, upload = map_as_guessed(client, programme, upload)
    assert upload.status == ApplicationImport.Status.DONE, upload.errors
    assert upload.summary == summary(members_linked=1, pending=2, created=3)
    assert Member.objects.count() == members + 2
    found = applications_by_name(programme)
    assert sorted(found) == ["Aiko Tanaka", "Nina Berg", "Tomás Ruiz"]
    nina, tomas, aiko = found["Nina Berg"], found["Tomás Ruiz"], found["Aiko Tanaka"]
    # Nina is the one member of that name: she applies as herself.
    assert (nina.member, nina.role, nina.file_key) == (second_mentee, "mentee", "a1b2c3d4e5f6g7h8")
    assert nina.topics == {"Graph Theory": 0, "Control": 0}
    assert nina.attributes == {"Which university do you attend?": "TU Delft"}
    # The others are pending applicants: no address was made up, nobody can sign in as them.
    for application, key in ((tomas, "q9w8e7r6t5y4u3i2"), (aiko, "z1x2c3v4b5n6m7l8")):
        assert application.member.is_pending
        assert application.member.user.email is None
        assert not application.member.user.has_usable_password()
        assert application.member.visibility == Member.Visibility.COORDINATORS
        assert (application.role, application.file_key) == ("mentee", key)
    assert tomas.topics == {"Robotics": 0}
    assert aiko.topics == {"Graph Theory": 0, "Robotics": 0}
    assert aiko.attributes == {"Which university do you attend?": "TU Delft"}


def test_typeform_imported_again_finds_the_same_pending_applicants(programme, coordinator):
    client = client_for(coordinator)
    for _ in range(2):
        upload = upload_file(client, programme, form_exports.typeform(), "typeform mentees.csv")
        _, upload = map_as_guessed(client, programme, upload)
        upload.file_name = "done.csv"
        upload.save()
    assert upload.summary == summary(members_found=3, unchanged=3)
    assert programme.applications.count() == 3
    assert Member.objects.filter(user__email__isnull=True).count() == 3


def test_qualtrics_csv_with_its_two_extra_header_rows(programme, coordinator):
    client = client_for(coordinator)
    upload = upload_file(client, programme, form_exports.qualtrics(), "Qualtrics mentees.csv")
    assert upload.columns[17:] == ["Q1", "Q2", "Q3_1", "Q3_2", "Q4"]
    assert upload.column_names[17:] == [
        "What is your name?",
        "What is your e-mail address?",
        "How important is each to you? [Professional development]",
        "How important is each to you? [Networking]",
        "Which areas interest you?",
    ]
    page, upload = map_as_guessed(client, programme, upload)
    assert "ImportId" not in page
    assert upload.status == ApplicationImport.Status.DONE, upload.errors
    assert upload.summary == summary(members_created=2, created=2)
    found = applications_by_name(programme)
    assert sorted(found) == ["Jonas Weber", "Lea Novak"]
    jonas, lea = found["Jonas Weber"], found["Lea Novak"]
    assert (jonas.member.user.email, jonas.role) == ("jonas.weber@example.edu", "mentee")
    assert jonas.topics == {"Graph Theory": 0, "Robotics": 0}
    # The five-point scale: not at all, slightly, moderately, very, extremely.
    assert jonas.attributes == {"Professional development": 5.0, "Networking": 2.0}
    assert (lea.member.user.email, lea.role) == ("lea.novak@example.edu", "mentee")
    assert lea.topics == {"Control": 0}
    assert lea.attributes == {"Professional development": 3.0, "Networking": 4.0}


def test_surveymonkey_csv_with_its_two_row_header(programme, coordinator):
    client = client_for(coordinator)
    upload = upload_file(client, programme, form_exports.surveymonkey(), "Mentoring survey.csv")
    assert upload.mapping["Are you joining as a mentor or a mentee?"] == applications_file.ROLE
    _, upload = map_as_guessed(client, programme, upload)
    assert upload.status == ApplicationImport.Status.DONE, upload.errors
    assert upload.summary == summary(members_created=2, created=2)
    found = applications_by_name(programme)
    assert sorted(found) == ["Omar Haddad", "Priya Raman"]
    priya, omar = found["Priya Raman"], found["Omar Haddad"]
    assert (priya.member.user.email, priya.role, priya.capacity) == (
        "priya.raman@example.com",
        "mentor",
        2,
    )
    assert priya.topics == {"Graph Theory": 0, "Control": 0}
    assert priya.attributes == {"Professional development": 4.0, "Networking": 3.0}
    assert (omar.member.user.email, omar.role) == ("omar.haddad@example.com", "mentee")
    assert omar.topics == {"Robotics": 0}
    assert omar.attributes == {"Professional development": 3.0, "Networking": 1.0}


CORRUPTED = [
    (
        form_exports.google_forms,
        "Mentoring sign-up (Responses).csv",
        [
            ('row 4, "Rank these topics [Control]"', applications_file.NOT_A_RANK, "maybe"),
            ('row 4, "Class year"', applications_file.NOT_A_NUMBER, "twenty"),
        ],
    ),
    (
        form_exports.microsoft_forms,
        "Mentors.xlsx",
        [('row 2, "How many mentees can you take?"', applications_file.NOT_A_CAPACITY, "lots")],
    ),
    (
        form_exports.qualtrics,
        "Qualtrics mentees.csv",
        [('row 5, "Q3_1"', applications_file.NOT_A_RATING, "Quite important")],
    ),
    (
        form_exports.surveymonkey,
        "Mentoring survey.csv",
        [
            (
                'row 4, "Are you joining as a mentor or a mentee?"',
                applications_file.NOT_A_ROLE,
                "Sponsor",
            )
        ],
    ),
]


@pytest.mark.parametrize(("build", "name", "expected"), CORRUPTED)
def test_a_corrupted_export_is_refused_whole(programme, coordinator, build, name, expected):
    client = client_for(coordinator)
    members = Member.objects.count()
    upload = upload_file(client, programme, build(corrupt=True), name)
    # Mapped as the sound export is guessed (a bad cell can change what its column looks like).
    layout = applications_file.read_layout(build(), filename=name, max_bytes=10**7)
    sound = applications_file.guess_mapping(
        layout.labels, names=layout.names, samples=layout.samples, topics=programme.topics
    )
    _, upload = map_as_guessed(client, programme, upload, columns=sound)
    assert upload.status == ApplicationImport.Status.FAILED
    assert upload.errors == [
        f"{name}, {where}: {message.format(value=value)}" for where, message, value in expected
    ]
    assert (Member.objects.count(), Application.objects.count()) == (members, 0)
    # The file is kept: it can be mapped again without uploading it again.
    assert upload.payload is not None


def test_a_corrupted_typeform_is_refused_naming_the_repeated_token(programme, coordinator):
    client = client_for(coordinator)
    members = Member.objects.count()
    upload = upload_file(client, programme, form_exports.typeform(corrupt=True), "typeform.csv")
    _, upload = map_as_guessed(client, programme, upload, file_role="mentee")
    assert upload.errors == [
        'typeform.csv, row 4, "#": '
        + applications_file.KEY_TWICE.format(value="a1b2c3d4e5f6g7h8", row=2)
    ]
    assert (Member.objects.count(), Application.objects.count()) == (members, 0)


def test_a_refused_file_is_mapped_again_without_uploading(programme, coordinator):
    client = client_for(coordinator)
    upload = upload_file(client, programme, form_exports.google_forms(corrupt=True), "g.csv")
    _, upload = map_as_guessed(
        client,
        programme,
        upload,
        columns={"Rank these topics [Control]": "topic", "Class year": "attribute_number"},
    )
    assert upload.status == ApplicationImport.Status.FAILED
    result = client.get(f"/programmes/{programme.pk}/import/{upload.pk}/result/").content.decode()
    assert f'href="/programmes/{programme.pk}/import/{upload.pk}/"' in result
    # Leaving the two bad columns out, the same kept file imports.
    _, upload = map_as_guessed(
        client,
        programme,
        upload,
        columns={"Rank these topics [Control]": "ignore", "Class year": "ignore"},
    )
    assert upload.status == ApplicationImport.Status.DONE, upload.errors
    assert upload.payload is None
    assert sorted(applications_by_name(programme)) == ["Ana Silva", "Ben Okoro", "Maya Patel"]
    assert "Class year" not in applications_by_name(programme)["Ana Silva"].attributes


def test_the_stranger_cannot_upload_or_map(programme, coordinator, stranger):
    upload = upload_file(client_for(coordinator), programme, form_exports.typeform(), "t.csv")
    before = (Member.objects.count(), Application.objects.count())
    client = client_for(stranger)
    refused = client.post(
        f"/programmes/{programme.pk}/import/",
        {"file": SimpleUploadedFile("t2.csv", form_exports.typeform())},
    )
    assert refused.status_code == 404
    data = {f"column_{n}": upload.mapping[label] for n, label in enumerate(upload.columns)}
    refused = client.post(f"/programmes/{programme.pk}/import/{upload.pk}/", data)
    assert refused.status_code == 404
    upload.refresh_from_db()
    assert upload.status == ApplicationImport.Status.UPLOADED
    assert ApplicationImport.objects.count() == 1
    assert (Member.objects.count(), Application.objects.count()) == before


def test_a_pdf_is_refused_as_a_pdf(programme, coordinator):
    from deskmate.importing.tables import NOT_A_TABLE_PDF

    client = client_for(coordinator)
    response = client.post(
        f"/programmes/{programme.pk}/import/",
        {"file": SimpleUploadedFile("responses.csv", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")},
    )
    assert response.status_code == 200
    assert f"responses.csv: {NOT_A_TABLE_PDF}" in response.content.decode()
    assert ApplicationImport.objects.count() == 0


def test_an_xlsx_called_csv_is_read_as_a_workbook(programme, coordinator):
    client = client_for(coordinator)
    upload = upload_file(client, programme, form_exports.microsoft_forms(), "mentors export.csv")
    assert upload.columns == form_exports.MICROSOFT_HEADER
    _, upload = map_as_guessed(client, programme, upload)
    assert upload.status == ApplicationImport.Status.DONE, upload.errors
    assert sorted(applications_by_name(programme)) == ["Daniel Okafor", "Li Wei"]


@pytest.fixture
def through_the_worker(settings):
    """Every applications file counts as large: the mapping step queues it for the worker."""
    settings.PROGRAMMES_IMPORT_BACKGROUND_ABOVE_BYTES = 0


def test_a_large_export_is_imported_by_the_worker(
    run_tasks, through_the_worker, programme, coordinator, second_mentee
):
    client = client_for(coordinator)
    upload = upload_file(client, programme, form_exports.surveymonkey(), "Mentoring survey.csv")
    _, upload = map_as_guessed(client, programme, upload)
    assert upload.status == ApplicationImport.Status.QUEUED
    page = client.get(f"/programmes/{programme.pk}/import/{upload.pk}/result/").content.decode()
    assert 'http-equiv="refresh"' in page and 'id="import-queued"' in page
    assert Application.objects.count() == 0
    # Mapping it again while it waits is refused.
    again = client.get(f"/programmes/{programme.pk}/import/{upload.pk}/")
    assert again["Location"] == f"/programmes/{programme.pk}/import/{upload.pk}/result/"

    run_tasks()
    upload.refresh_from_db()
    assert upload.status == ApplicationImport.Status.DONE, upload.errors
    assert upload.summary == summary(members_created=2, created=2)
    found = {
        a.member.user.email: (a.role, a.topics, a.attributes)
        for a in Application.objects.select_related("member__user")
    }
    assert found == {
        "priya.raman@example.com": (
            "mentor",
            {"Graph Theory": 0, "Control": 0},
            {"Professional development": 4.0, "Networking": 3.0},
        ),
        "omar.haddad@example.com": (
            "mentee",
            {"Robotics": 0},
            {"Professional development": 3.0, "Networking": 1.0},
        ),
    }
    run_tasks()
    assert Application.objects.count() == 2


def test_a_corrupted_large_export_is_refused_by_the_worker(
    run_tasks, through_the_worker, programme, coordinator
):
    client = client_for(coordinator)
    members = Member.objects.count()
    upload = upload_file(client, programme, form_exports.qualtrics(corrupt=True), "q.csv")
    _, upload = map_as_guessed(
        client, programme, upload, columns={"Q3_1": "rating"}, file_role="mentee"
    )
    run_tasks()
    upload.refresh_from_db()
    assert upload.status == ApplicationImport.Status.FAILED
    assert upload.errors == [
        'q.csv, row 5, "Q3_1": ' + applications_file.NOT_A_RATING.format(value="Quite important")
    ]
    assert (Member.objects.count(), Application.objects.count()) == (members, 0)
    assert upload.payload is not None


def test_a_mapping_without_who_or_role_is_refused_with_422(programme, coordinator):
    client = client_for(coordinator)
    upload = upload_file(client, programme, form_exports.typeform(), "responses.csv")
    data = {f"column_{n}": "ignore" for n, _ in enumerate(upload.columns)}
    response = client.post(
        f"/programmes/{programme.pk}/import/{upload.pk}/", {**data, "file_role": ""}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert (
        escape(applications_file.MAP_EMAIL) in page and escape(applications_file.MAP_ROLE) in page
    )
    upload.refresh_from_db()
    assert (upload.status, Application.objects.count()) == (ApplicationImport.Status.UPLOADED, 0)
