"""Recommendations and endorsements from a LinkedIn archive become shared interactions."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from deskmate.importing.linkedin import parse_linkedin_archive
from deskmate.network import importers, vouches
from deskmate.network.models import ImportJob, Interaction
from deskmate.network.services import INTERACTION_KIND_IMPORTED
from tests.conftest import client_for, make_member
from tests.importing.archives import (
    CONNECTIONS_NOTES,
    OLDER_LAYOUT,
    REALISTIC_FILES,
    build_linkedin_zip,
)
from tests.people.test_api import bearer

pytestmark = pytest.mark.django_db

# As LinkedIn exports them: Connections.csv links Daniel (the mentor) and two namesakes
# called Wei Zhang to members; Ana López is a connection who is not a member.
CONNECTIONS_CSV = (
    CONNECTIONS_NOTES
    + "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    + "Daniel,Okafor,https://www.linkedin.com/in/dokafor,daniel@example.org,Acme,"
    + "Engineering Manager,12 Mar 2024\n"
    + "Ana,López,https://www.linkedin.com/in/ana-lopez,ana@example.es,Globex,PM,03 Jan 2023\n"
    + "Wei,Zhang,,wei.one@example.org,Initech,Engineer,01 Feb 2020\n"
    + "Wei,Zhang,,wei.two@example.org,Hooli,Engineer,01 Feb 2021\n"
)
RECOMMENDATIONS_CSV = """\
First Name,Last Name,Company,Job Title,Text,Creation Date,Status
Daniel,Okafor,Acme,Engineering Manager,"Maya led our payments migration.
Calm, thorough, kind.","09/27/19, 03:56 PM",VISIBLE
Ana,López,Globex,Product Manager,"A pleasure to work with.","01/05/21, 10:12 AM",VISIBLE
Wei,Zhang,Initech,Engineer,"Great reviewer.","03/02/22, 09:00 AM",VISIBLE
"""
ENDORSEMENTS_CSV = """\
Endorsement Date,Skill Name,Endorser First Name,Endorser Last Name,Endorser Public Url,Endorsement Status
2019/05/30 07:25:24 UTC,Go,Daniel,Okafor,www.linkedin.com/in/dokafor,ACCEPTED
2020/01/12 18:02:11 UTC,Python,Daniel,Okafor,www.linkedin.com/in/dokafor,VISIBLE
2021/07/01 09:00:00 UTC,Python,Ana,López,www.linkedin.com/in/ana-lopez,VISIBLE
2022/02/02 12:00:00 UTC,Kotlin,Daniel,Okafor,www.linkedin.com/in/dokafor,HIDDEN
"""
# LinkedIn marks an endorsement shown on the profile "ACCEPTED" (or "VISIBLE").


def archive_files() -> dict[str, str]:
    files = dict(REALISTIC_FILES)
    files["Connections.csv"] = CONNECTIONS_CSV
    files["Recommendations_Received.csv"] = RECOMMENDATIONS_CSV
    files["Endorsement_Received_Info.csv"] = ENDORSEMENTS_CSV
    return files


@pytest.fixture
def namesakes(db):
    return (
        make_member("wei.one@example.org", "Wei", "Zhang"),
        make_member("wei.two@example.org", "Wei", "Zhang"),
    )


def upload(client, data: bytes, *, use_vouches: bool):
    form = {"kind": "linkedin", "linkedin-archive": SimpleUploadedFile("li.zip", data)}
    if use_vouches:
        form["linkedin-use_vouches"] = "on"
    return client.post(reverse("imports"), form)


def vouch_rows():
    return sorted(
        Interaction.objects.values_list(
            "logged_by__first_name", "other__first_name", "kind", "skill", "shared", "happened_on"
        )
    )


def test_reader_reads_both_files_and_tolerates_their_absence():
    archive = parse_linkedin_archive(build_linkedin_zip(archive_files()))
    first = archive.recommendations[0]
    assert (first.first_name, first.last_name, first.status) == ("Daniel", "Okafor", "VISIBLE")
    assert first.text == "Maya led our payments migration.\nCalm, thorough, kind."
    assert first.created_on == dt.date(2019, 9, 27)
    assert [(e.skill, e.first_name, e.endorsed_on, e.status) for e in archive.endorsements] == [
        ("Go", "Daniel", dt.date(2019, 5, 30), "ACCEPTED"),
        ("Python", "Daniel", dt.date(2020, 1, 12), "VISIBLE"),
        ("Python", "Ana", dt.date(2021, 7, 1), "VISIBLE"),
        ("Kotlin", "Daniel", dt.date(2022, 2, 2), "HIDDEN"),
    ]
    plain = parse_linkedin_archive(build_linkedin_zip())
    assert (plain.recommendations, plain.endorsements) == ((), ())


def test_older_layout_without_status_or_url_columns():
    files = {
        "Recommendations_Received.csv": "First Name,Last Name,Company,Job Title,Text\n"
        "Daniel,Okafor,Acme,Manager,Good.\n",
        "Endorsement_Received_Info.csv": "Skill Name,Endorser First Name,Endorser Last Name\n"
        "Go,Daniel,Okafor\n",
    }
    archive = parse_linkedin_archive(build_linkedin_zip(files))
    assert [(r.first_name, r.status, r.created_on) for r in archive.recommendations] == [
        ("Daniel", "", None)
    ]
    assert [(e.skill, e.status, e.endorsed_on) for e in archive.endorsements] == [("Go", "", None)]


def test_evidence_only_when_allowed(as_mentee, mentee, mentor, namesakes, run_tasks):
    upload(as_mentee, build_linkedin_zip(archive_files()), use_vouches=False)
    run_tasks()
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.DONE, job.errors
    assert not job.use_vouches
    assert Interaction.objects.count() == 0
    assert "recommendations" not in job.summary["created"]


def test_vouches_through_the_page_and_the_worker(as_mentee, mentee, mentor, namesakes, run_tasks):
    response = upload(as_mentee, build_linkedin_zip(archive_files()), use_vouches=True)
    assert response.status_code == 302
    run_tasks()
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.DONE, job.errors
    # Only Daniel, a member Maya knows with a name nobody else she knows has; the hidden
    # Kotlin endorsement stays out, Ana is no member, the two Wei Zhangs are not guessed.
    assert vouch_rows() == [
        ("Maya", "Daniel", "endorsed", "Go", True, dt.date(2019, 5, 30)),
        ("Maya", "Daniel", "endorsed", "Python", True, dt.date(2020, 1, 12)),
        ("Maya", "Daniel", "recommended", "", True, dt.date(2019, 9, 27)),
    ]
    lines = job.summary["lines"]
    assert "1 recommendation added" in lines
    assert "2 recommendations left alone" in lines
    assert "2 endorsements added" in lines
    assert "2 endorsements left alone" in lines
    reasons = {
        entry["item"]: entry["why"]
        for kind in ("recommendations", "endorsements")
        for entry in job.summary["kinds"][kind]["left_alone_items"]
    }
    assert reasons == {
        "Ana López recommended you": vouches.NOT_A_MEMBER,
        "Wei Zhang recommended you": vouches.AMBIGUOUS,
        "Ana López endorsed you for Python": vouches.NOT_A_MEMBER,
        "Daniel Okafor endorsed you for Kotlin": vouches.HIDDEN,
    }
    page = as_mentee.get(reverse("import_detail", args=[job.pk])).content.decode()
    assert "1 recommendation added" in page and "2 endorsements added" in page


def test_reimport_adds_nothing(mentee, mentor):
    from deskmate.network import importers

    payload = build_linkedin_zip(archive_files())
    first = importers.run("linkedin", owner=mentee, payload=payload, use_vouches=True)
    before = vouch_rows()
    second = importers.run("linkedin", owner=mentee, payload=payload, use_vouches=True)
    assert vouch_rows() == before and len(before) == 3
    assert first.created["endorsements"] == 2
    assert "endorsements" not in second.created and "recommendations" not in second.created
    assert second.left_alone_counts["endorsements"] == 4


def test_both_see_the_vouch_and_a_stranger_sees_nothing(mentee, mentor, stranger, run_tasks):
    api = bearer(mentee)
    response = api.post(
        "/api/v1/imports",
        {
            "kind": "linkedin",
            "use_vouches": "true",
            "file": SimpleUploadedFile("li.zip", build_linkedin_zip(archive_files())),
        },
    )
    assert response.status_code == 202, response.content
    run_tasks()
    assert Interaction.objects.count() == 3
    mine = api.get("/api/v1/me/interactions").json()
    theirs = bearer(mentor).get("/api/v1/me/interactions").json()
    assert sorted((i["kind"], i["skill"]) for i in mine) == [
        ("endorsed", "Go"),
        ("endorsed", "Python"),
        ("recommended", ""),
    ]
    assert sorted(i["id"] for i in theirs) == sorted(i["id"] for i in mine)
    assert all(i["shared"] and i["other_id"] == mentor.pk for i in theirs)
    assert bearer(stranger).get("/api/v1/me/interactions").json() == []
    page = client_for(mentor).get(reverse("interactions")).content.decode()
    assert "You endorsed" in page and "Maya Patel</a> for Go" in page
    assert "You recommended" in page
    assert "Maya Patel" not in client_for(stranger).get(reverse("interactions")).content.decode()
    job_id = response.json()["id"]
    assert bearer(stranger).get(f"/api/v1/imports/{job_id}").status_code == 404
    assert Interaction.objects.count() == 3


def test_a_vouch_cannot_be_logged_by_hand(mentee, mentor):
    response = bearer(mentee).post(
        "/api/v1/me/interactions",
        {"member_id": mentor.pk, "kind": "recommended"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert INTERACTION_KIND_IMPORTED in response.content.decode()
    assert Interaction.objects.count() == 0


def test_the_author_downloads_and_takes_away_the_vouches_they_gave(mentee, mentor, stranger):
    import io
    import json
    import zipfile

    from deskmate.network import importers
    from deskmate.people import data_rights

    importers.run(
        "linkedin", owner=mentee, payload=build_linkedin_zip(archive_files()), use_vouches=True
    )
    logged_by_stranger = Interaction.objects.create(logged_by=stranger, other=mentee, kind="call")
    export = zipfile.ZipFile(io.BytesIO(data_rights.member_export(member=mentor, actor=mentor)))
    rows = json.loads(export.read("interactions.json"))
    assert sorted((row["kind"], row["skill"]) for row in rows) == [
        ("endorsed", "Go"),
        ("endorsed", "Python"),
        ("recommended", ""),
    ]
    data_rights.member_erase(member=mentor, actor=mentor)
    assert list(Interaction.objects.values_list("pk", flat=True)) == [logged_by_stranger.pk]


def test_an_older_archive_layout_gives_the_same_evidence(mentee, mentor, namesakes):
    files = dict(OLDER_LAYOUT)
    files["Connections.csv"] = CONNECTIONS_CSV
    payload = build_linkedin_zip(files)
    first = importers.run("linkedin", owner=mentee, payload=payload, use_vouches=True)
    # The "Shown" recommendation and the endorsement count; Ana's is "Hidden".
    assert vouch_rows() == [
        ("Maya", "Daniel", "endorsed", "Go", True, dt.date(2018, 5, 30)),
        ("Maya", "Daniel", "recommended", "", True, dt.date(2017, 9, 27)),
    ]
    assert first.created["positions"] == 2
    before = vouch_rows()
    second = importers.run("linkedin", owner=mentee, payload=payload, use_vouches=True)
    assert vouch_rows() == before
    assert "positions" not in second.created and "recommendations" not in second.created


# The two Wei Zhangs with their profile addresses; an endorser whose address is Ana's (no
# member) though the row says "Daniel Okafor" is Ana's, whatever the name says.
URL_CONNECTIONS_CSV = (
    CONNECTIONS_NOTES
    + "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    + "Daniel,Okafor,https://www.linkedin.com/in/dokafor,daniel@example.org,Acme,EM,12 Mar 2024\n"
    + "Ana,López,https://www.linkedin.com/in/ana-lopez,,Globex,PM,03 Jan 2023\n"
    + "Wei,Zhang,https://www.linkedin.com/in/wei-zhang-1,wei.one@example.org,Initech,Eng,"
    + "01 Feb 2020\n"
    + "Wei,Zhang,https://www.linkedin.com/in/wei-zhang-2/,wei.two@example.org,Hooli,Eng,"
    + "01 Feb 2021\n"
)
URL_ENDORSEMENTS_CSV = """\
Endorsement Date,Skill Name,Endorser First Name,Endorser Last Name,Endorser Public Url,Endorsement Status
2021/01/01 10:00:00 UTC,Go,Wei,Zhang,https://uk.linkedin.com/in/Wei-Zhang-2/en/?trk=public_profile,VISIBLE
2021/02/01 10:00:00 UTC,Rust,Wei,Zhang,,VISIBLE
2021/03/01 10:00:00 UTC,SQL,Daniel,Okafor,http://linkedin.com/in/ana-lopez?locale=es_ES,VISIBLE
2021/04/01 10:00:00 UTC,Python,Daniel,Okafor,www.linkedin.com/in/someone-else,VISIBLE
"""


def test_endorsers_are_matched_by_profile_address_before_name(mentee, mentor, namesakes):
    wei_one, wei_two = namesakes
    files = {
        "Connections.csv": URL_CONNECTIONS_CSV,
        "Endorsement_Received_Info.csv": URL_ENDORSEMENTS_CSV,
    }
    payload = build_linkedin_zip(files)
    first = importers.run("linkedin", owner=mentee, payload=payload, use_vouches=True)
    stored = sorted(
        Interaction.objects.values_list("other__user__email", "kind", "skill", "happened_on")
    )
    # The address tells the Wei Zhangs apart, scheme, country sub-domain, case, locale and
    # query aside; with no address the namesakes are not guessed; Ana's address is Ana's;
    # an address of nobody the member is connected to falls back to the name.
    assert [(row[0].split("@")[0], row[2]) for row in stored] == [
        ("daniel", "Python"),
        ("wei.two", "Go"),
    ]
    reasons = {
        entry["item"]: entry["why"]
        for entry in first.as_dict()["kinds"]["endorsements"]["left_alone_items"]
    }
    assert reasons == {
        "Wei Zhang endorsed you for Rust": vouches.AMBIGUOUS,
        "Daniel Okafor endorsed you for SQL": vouches.NOT_A_MEMBER,
    }
    before = Interaction.objects.count()
    second = importers.run("linkedin", owner=mentee, payload=payload, use_vouches=True)
    assert Interaction.objects.count() == before == 2
    assert "endorsements" not in second.created
