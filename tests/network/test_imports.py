"""Imports through the service layer, the web pages, the API and the CLI."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from deskmate.core.models import AuditEntry
from deskmate.network.models import Contact, ImportJob
from deskmate.people.models import (
    Education,
    Member,
    MemberSkill,
    Organisation,
    Position,
)
from tests.importing.archives import (
    POSITIONS_CSV,
    REALISTIC_FILES,
    build_linkedin_zip,
    build_zip_bomb,
    connections_csv,
)

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        Position.objects.count(),
        Education.objects.count(),
        MemberSkill.objects.count(),
        Contact.objects.count(),
        Organisation.objects.count(),
    )


def upload(client, data: bytes, name="linkedin.zip", kind="linkedin", field="archive"):
    return client.post(
        reverse("imports"),
        {"kind": kind, f"{kind}-{field}": SimpleUploadedFile(name, data)},
    )


def test_linkedin_archive_through_the_page_and_the_worker(as_mentee, mentee, run_tasks):
    response = upload(as_mentee, build_linkedin_zip())
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("import_detail", args=[job.pk])
    assert job.status == ImportJob.Status.QUEUED
    run_tasks()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.errors
    assert job.payload is None
    positions = list(
        Position.objects.filter(member=mentee)
        .order_by("start")
        .values_list("organisation__name", "title", "start", "end")
    )
    assert positions == [
        ("Globex", "Software Engineer", dt.date(2016, 1, 1), dt.date(2019, 2, 1)),
        ("Acme, Inc.", "Senior Software Engineer", dt.date(2019, 3, 1), dt.date(2021, 12, 1)),
        ("Acme, Inc.", "Engineering Manager", dt.date(2022, 1, 1), None),
    ]
    assert sorted(
        Education.objects.filter(member=mentee).values_list("school__name", flat=True)
    ) == [
        "Le Wagon",
        "University of Lisbon",
    ]
    assert sorted(mentee.skills.values_list("skill__name", flat=True)) == [
        "C++",
        "Engineering Management",
        "Python",
    ]
    assert sorted(Contact.objects.filter(owner=mentee).values_list("last_name", flat=True)) == [
        "Doe",
        "López",
        "Zhang",
    ]
    page = as_mentee.get(reverse("import_detail", args=[job.pk])).content.decode()
    assert "3 positions added" in page


def test_reimport_leaves_everything_alone_instead_of_duplicating(mentee):
    from deskmate.network import importers

    first = importers.run("linkedin", owner=mentee, payload=build_linkedin_zip())
    before = snapshot()
    second = importers.run("linkedin", owner=mentee, payload=build_linkedin_zip())
    assert snapshot() == before
    assert first.created["positions"] == 3 and second.created == {}
    assert second.updated_counts == {}
    assert second.left_alone_counts == {
        "contacts": 3,
        "education": 2,
        "positions": 3,
        "profile": 4,
        "skills": 3,
    }


def test_connection_is_linked_to_the_member_it_names(mentee, mentor):
    from deskmate.network import importers

    files = dict(REALISTIC_FILES)
    files["Connections.csv"] = (
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "Daniel,Okafor,,DANIEL@example.org,Acme,Engineering Manager,12 Mar 2024\n"
    )
    importers.run("linkedin", owner=mentee, payload=build_linkedin_zip(files))
    contact = Contact.objects.get(owner=mentee)
    assert (contact.member, contact.connected_on) == (mentor, dt.date(2024, 3, 12))


def test_bad_archive_changes_nothing_and_names_file_row_and_field(as_mentee, mentee, run_tasks):
    files = dict(REALISTIC_FILES)
    files["Positions.csv"] = POSITIONS_CSV.replace("Mar 2019,Dec 2021", "Smarch 2019,Dec 2021")
    before = snapshot()
    upload(as_mentee, build_linkedin_zip(files))
    run_tasks()
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert job.errors == [
        'Positions.csv, row 3, "Started On": "Smarch 2019" is not a date (expected e.g. "Jan 2020", "2019" or "12 Mar 2024")'
    ]
    assert snapshot() == before
    page = as_mentee.get(reverse("import_detail", args=[job.pk])).content.decode()
    assert "Nothing was imported" in page and "row 3" in page


def test_end_before_start_in_archive_is_refused_whole(mentee):
    from deskmate.importing.errors import ImportFileError
    from deskmate.network import importers

    files = dict(REALISTIC_FILES)
    files["Positions.csv"] = POSITIONS_CSV.replace("Mar 2019,Dec 2021", "Mar 2019,Dec 2018")
    with pytest.raises(ImportFileError) as error:
        importers.run("linkedin", owner=mentee, payload=build_linkedin_zip(files))
    assert "Positions.csv, row 3" in str(error.value)
    assert snapshot() == (0, 0, 0, 0, 0)


def test_zip_bomb_is_refused(mentee):
    from deskmate.importing.errors import ImportFileError
    from deskmate.network import importers

    with pytest.raises(ImportFileError) as error:
        importers.run("linkedin", owner=mentee, payload=build_zip_bomb())
    assert "zip" in str(error.value)
    assert snapshot() == (0, 0, 0, 0, 0)


def test_upload_over_the_limit_is_refused_before_reading(as_mentee, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024
    response = upload(as_mentee, b"x" * 2048)
    assert response.status_code == 413
    assert (
        "The upload is larger than the 1 KiB limit for imports; nothing was saved."
        in response.content.decode()
    )
    assert ImportJob.objects.count() == 0


def test_connections_stored_over_several_batches(mentee):
    """More connections than one bulk batch holds; bench/bench_linkedin_import.py times 30,000."""
    from deskmate.network import importers
    from deskmate.network.history_merge import BULK_BATCH

    count = 2 * BULK_BATCH + 500
    files = {"Connections.csv": connections_csv(count)}
    summary = importers.run("linkedin", owner=mentee, payload=build_linkedin_zip(files))
    assert summary.created == {"contacts": count}
    assert Contact.objects.filter(owner=mentee).count() == count


class TestAccess:
    def test_stranger_cannot_see_an_import(self, as_stranger, mentee):
        job = ImportJob.objects.create(owner=mentee, kind="linkedin", file_name="maya.zip")
        assert as_stranger.get(reverse("import_detail", args=[job.pk])).status_code == 404
        assert "maya.zip" not in as_stranger.get(reverse("imports")).content.decode()

    def test_contacts_are_private(self, as_stranger, mentee):
        Contact.objects.create(
            owner=mentee, source="vcard", first_name="Secret", match_key="name:secret|"
        )
        assert "Secret" not in as_stranger.get(reverse("contacts")).content.decode()

    def test_member_cannot_import_people(self, as_mentee):
        response = upload(
            as_mentee, b"external_id,email\n", name="people.csv", kind="people", field="people"
        )
        assert response.status_code == 403
        assert ImportJob.objects.count() == 0

    def test_api_stranger_gets_404_for_anothers_import(self, mentee, stranger):
        from tests.people.test_api import bearer

        job = ImportJob.objects.create(owner=mentee, kind="linkedin", file_name="maya.zip")
        assert bearer(stranger).get(f"/api/v1/imports/{job.pk}").status_code == 404
        assert bearer(mentee).get(f"/api/v1/imports/{job.pk}").json()["file_name"] == "maya.zip"


def test_api_upload_and_status(mentee, run_tasks):
    from tests.people.test_api import bearer

    api = bearer(mentee)
    response = api.post(
        "/api/v1/imports",
        {"kind": "linkedin", "file": SimpleUploadedFile("li.zip", build_linkedin_zip())},
    )
    assert response.status_code == 202, response.content
    run_tasks()
    body = api.get(f"/api/v1/imports/{response.json()['id']}").json()
    assert body["status"] == "done"
    assert body["summary"]["created"]["positions"] == 3
    assert body["summary"]["lines"] == [
        "3 profile fields updated",
        "1 profile field left alone",
        "3 positions added",
        "2 education entries added",
        "3 skills added",
        "3 contacts added",
    ]
    assert body["summary"]["kinds"]["profile"]["left_alone_items"] == [
        {
            "item": "headline",
            "why": 'kept yours, "Engineer at Acme" (the file says "Engineering Manager at Acme")',
        }
    ]


def test_vcard_import_by_cli(mentee, mentor, tmp_path):
    path = tmp_path / "contacts.vcf"
    path.write_bytes(
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Daniel Okafor\r\nN:Okafor;Daniel;;;\r\n"
        b"EMAIL;TYPE=INTERNET,WORK:daniel@example.org\r\nORG:Acme\r\nTITLE:Engineering Manager\r\nEND:VCARD\r\n"
        b"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Lee Outsider\r\nN:Outsider;Lee;;;\r\nEMAIL:lee@elsewhere.org\r\nEND:VCARD\r\n"
    )
    out = io.StringIO()
    call_command("import_vcard", "maya@example.org", str(path), "--no-progress", stdout=out)
    assert "2 contacts added" in out.getvalue()
    contacts = {c.last_name: c.member for c in Contact.objects.filter(owner=mentee)}
    assert contacts == {"Okafor": mentor, "Outsider": None}
    call_command(
        "import_vcard", "maya@example.org", str(path), "--no-progress", stdout=io.StringIO()
    )
    assert Contact.objects.filter(owner=mentee).count() == 2


def test_cli_unknown_member(tmp_path):
    path = tmp_path / "a.zip"
    path.write_bytes(build_linkedin_zip())
    with pytest.raises(CommandError, match="No member has the e-mail address nobody@example.org"):
        call_command("import_linkedin", "nobody@example.org", str(path), "--no-progress")


def test_cli_bad_file_reports_and_changes_nothing(mentee, tmp_path):
    path = tmp_path / "a.zip"
    path.write_bytes(b"this is not a zip")
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_linkedin", "maya@example.org", str(path), "--no-progress")
    assert snapshot() == (0, 0, 0, 0, 0)


PEOPLE = (
    "external_id,email,first_name,last_name,kind,organisation,unit,title,school,degree,field,start,end,manager_external_id\n"
    "E1,ana@acme.example,Ana,Lopez,position,Acme,Payments,Engineering Manager,,,,2019-01,,\n"
    "E2,tom@acme.example,Tom,Baker,position,Acme,Payments,Engineer,,,,2021-03,,E1\n"
    "E2,tom@acme.example,Tom,Baker,education,,,,Northfield University,BSc,Computer Science,2016,2020,E1\n"
)


def test_people_import_is_idempotent(tmp_path, admin_member):
    path = tmp_path / "people.csv"
    path.write_text(PEOPLE)
    call_command(
        "import_people",
        str(path),
        "--no-progress",
        "--as",
        "adam@example.org",
        stdout=io.StringIO(),
    )
    snapshot_after_first = (
        Member.objects.count(),
        Position.objects.count(),
        Education.objects.count(),
    )
    call_command("import_people", str(path), "--no-progress", stdout=io.StringIO())
    assert (
        (Member.objects.count(), Position.objects.count(), Education.objects.count())
        == snapshot_after_first
        == (3, 2, 1)
    )
    tom = Member.objects.get(external_id="E2")
    assert (tom.manager.external_id, tom.user.email, tom.positions.get().unit.name) == (
        "E1",
        "tom@acme.example",
        "Payments",
    )
    assert not tom.user.has_usable_password()
    assert AuditEntry.objects.filter(action="people_import").count() == 2


def test_people_import_bad_row_changes_nothing(tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(PEOPLE.replace("2021-03,,E1", "2021-03,2020-01,E1", 1))
    with pytest.raises(CommandError) as error:
        call_command("import_people", str(path), "--no-progress")
    assert "people.csv, row 3" in str(error.value)
    assert Member.objects.count() == 0 and Position.objects.count() == 0


def test_connections_past_the_cap_are_refused_whole(as_mentee, mentee, run_tasks):
    from deskmate.importing.linkedin import DEFAULT_MAX_CONNECTIONS

    files = {"Connections.csv": connections_csv(DEFAULT_MAX_CONNECTIONS + 1)}
    upload(as_mentee, build_linkedin_zip(files))
    run_tasks()
    job = ImportJob.objects.get()
    assert (job.status, job.errors) == (
        ImportJob.Status.FAILED,
        ["Connections.csv, row 50005: the file has more than 50,000 rows"],
    )
    assert Contact.objects.count() == 0
