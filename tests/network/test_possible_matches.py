"""People an import knows only approximately: listed with the evidence, confirmed or rejected.

An HR export (BambooHR's custom report, tests/fixtures/people) whose people are
members under another e-mail or spelling waits, writing nothing, until the admin
answers; a LinkedIn archive's Connections.csv imports its contacts and links the
possible ones only as the member answers. A stranger is refused with every row
count unchanged; bad answers are 422 with the match named.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from deskmate.core.audit import AuditEvent
from deskmate.core.models import AuditEntry
from deskmate.network import identities, importers
from deskmate.network.models import Contact, ImportJob
from deskmate.people import services as people_services
from deskmate.people.models import Member, Position, User
from tests.conftest import client_for, make_member
from tests.importing.archives import (
    CONNECTIONS_HEADER,
    CONNECTIONS_NOTES,
    REALISTIC_FILES,
    build_linkedin_zip,
)
from tests.network.test_people_mapping_fixtures import BAMBOOHR, FIXTURES, confirm_guesses, upload
from tests.people.test_api import bearer

pytestmark = pytest.mark.django_db

BAMBOO_FILE = "bamboohr_custom_report.csv"


def counts():
    return (
        Member.objects.count(),
        User.objects.count(),
        Position.objects.count(),
        Contact.objects.count(),
        Contact.objects.filter(member__isnull=False).count(),
    )


def northwind_members():
    """Three of the file's people who joined deskmate on their own, and a namesake who did not."""
    sofia = make_member("sofia.rossi@northwind.co.uk", "Sofia", "Rossi")
    james = make_member("jcarter.home@gmail.com", "James", "Carter")
    people_services.position_create(
        member=james,
        actor=james,
        organisation="Northwind Traders, Inc.",
        title="Ops",
        start=dt.date(2019, 3, 1),
    )
    hannah = make_member("Hannah.Schmidt+work@northwind.example", "Hannah", "Schmidt")
    # Same name as the file's Daniel Kim, nothing else in common: no question about him.
    namesake = make_member("kim.daniel@globex.example", "Daniel", "Kim")
    return sofia, james, hannah, namesake


def people_job_waiting(admin_member, run_tasks) -> ImportJob:
    client = client_for(admin_member)
    upload(client, BAMBOO_FILE, (FIXTURES / BAMBOO_FILE).read_bytes())
    job = ImportJob.objects.get()
    confirm_guesses(client, job, BAMBOOHR, save_as="BambooHR monthly")
    run_tasks()
    job.refresh_from_db()
    return job


def test_hr_export_waits_with_its_possible_matches_and_writes_nothing(admin_member, run_tasks):
    sofia, james, hannah, namesake = northwind_members()
    before = counts()
    job = people_job_waiting(admin_member, run_tasks)
    assert job.status == ImportJob.Status.CONFIRMING, job.errors
    assert counts() == before
    assert job.payload is not None
    matches = [
        (item["key"], item["member"], item["evidence"]) for item in job.summary["possible_matches"]
    ]
    assert matches == [
        (
            "1002",
            james.pk,
            ["names alike: “Jim Carter” and “James Carter”", "both at northwind traders"],
        ),
        (
            "1003",
            sofia.pk,
            [
                "the e-mail sofia.rossi@northwind.example has the mailbox name of theirs, "
                "at another domain of northwind",
                "names alike: “Sofia Rossi” and “Sofia Rossi”",
                "both at northwind traders",
            ],
        ),
        (
            "1005",
            hannah.pk,
            [
                "the e-mail hannah.schmidt@northwind.example is theirs apart from case, dots "
                "or a +tag",
                "names alike: “Hannah Schmidt” and “Hannah Schmidt”",
                "both at northwind traders",
            ],
        ),
    ]
    page = client_for(admin_member).get(reverse("import_detail", args=[job.pk])).text
    assert "Nothing has been imported yet." in page
    assert "Possible match 1: Jim Carter, james.carter@northwind.example (1002, row 3)" in page
    assert "Sofia Rossi, sofia.rossi@northwind.co.uk" in page
    assert 'name="match-3" value="different"' in page
    assert "hx-trigger" not in page  # waiting for the admin, not polled


def test_stranger_and_bad_answers_are_refused_and_change_nothing(admin_member, stranger, run_tasks):
    northwind_members()
    job = people_job_waiting(admin_member, run_tasks)
    before = counts()
    url = reverse("import_matches", args=[job.pk])
    everything = {"match-1": "same", "match-2": "same", "match-3": "same"}
    assert client_for(stranger).get(reverse("import_detail", args=[job.pk])).status_code == 404
    assert client_for(stranger).post(url, everything).status_code == 404
    api = bearer(stranger)
    response = api.post(
        f"/api/v1/imports/{job.pk}/matches",
        {"answers": {"1": "same"}},
        content_type="application/json",
    )
    assert response.status_code == 404
    admin = client_for(admin_member)
    partial = admin.post(url, {"match-1": "same", "match-2": "maybe"})
    assert partial.status_code == 422
    assert "Possible match 2: “maybe” is not an answer: say “same” or “different”" in partial.text
    assert (
        "Possible match 3: possible match 3 needs an answer: “same” or “different”" in partial.text
    )
    response = bearer(admin_member).post(
        f"/api/v1/imports/{job.pk}/matches",
        {"answers": {"1": "same", "2": "same", "3": "same", "9": "same"}},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "there is no possible match 9" in response.text
    job.refresh_from_db()
    assert (job.status, job.answers) == (ImportJob.Status.CONFIRMING, {})
    assert counts() == before
    assert not AuditEntry.objects.filter(action=AuditEvent.IMPORT_MATCHES_ANSWER).exists()


def test_answers_import_the_file_with_them_once_and_next_month_asks_nothing(
    admin_member, run_tasks
):
    sofia, james, hannah, namesake = northwind_members()
    members_before = Member.objects.count()
    job = people_job_waiting(admin_member, run_tasks)
    answers = {"match-1": "same", "match-2": "same", "match-3": "different"}
    response = client_for(admin_member).post(reverse("import_matches", args=[job.pk]), answers)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.QUEUED
    assert job.answers == {"members": {"1002": james.pk, "1003": sofia.pk, "1005": 0}}
    run_tasks()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.errors
    # Olivia, Daniel Kim (not the namesake) and a new Hannah; James and Sofia are who they were.
    assert Member.objects.count() == members_before + 3
    james.refresh_from_db()
    sofia.refresh_from_db()
    hannah.refresh_from_db()
    namesake.refresh_from_db()
    assert (james.external_id, james.first_name, james.user.email) == (
        "1002",
        "Jim",
        "james.carter@northwind.example",
    )
    assert (sofia.external_id, sofia.user.email, sofia.manager_id) == (
        "1003",
        "sofia.rossi@northwind.example",
        james.pk,
    )
    assert (hannah.external_id, hannah.user.email) == (
        None,
        "hannah.schmidt+work@northwind.example",
    )
    new_hannah = Member.objects.get(external_id="1005")
    assert (
        new_hannah.pk != hannah.pk and new_hannah.user.email == "hannah.schmidt@northwind.example"
    )
    assert namesake.external_id is None and Member.objects.get(external_id="1004").pk != namesake.pk
    assert "2 members confirmed as the member they may be" in job.summary["lines"]
    assert "1 member confirmed as different people" in job.summary["lines"]
    page = client_for(admin_member).get(reverse("import_detail", args=[job.pk])).text
    assert "Jim Carter, james.carter@northwind.example (1002, row 3) and James Carter" in page

    # The same answers again: nothing happens. Other answers: refused.
    after = counts()
    again = client_for(admin_member).post(reverse("import_matches", args=[job.pk]), answers)
    assert again.status_code == 302 and counts() == after
    otherwise = client_for(admin_member).post(
        reverse("import_matches", args=[job.pk]), {**answers, "match-3": "same"}
    )
    assert otherwise.status_code == 422
    assert "has no possible matches waiting for your answer" in otherwise.text

    # Next month's export: every person is known by external id, no question is asked.
    summary = importers.run(
        "people",
        owner=admin_member,
        payload=(FIXTURES / BAMBOO_FILE).read_bytes(),
        file_name=BAMBOO_FILE,
        mapping=importers.PeopleMapping.from_dict(job.mapping),
    )
    assert summary.possible == [] and summary.created.get("members", 0) == 0
    assert counts() == after


def test_two_people_confirmed_as_one_member_are_refused(admin_member, run_tasks):
    sofia = make_member("sofia.rossi@northwind.co.uk", "Sofia", "Rossi")
    make_member("s.rossi@gmail.com", "Sofia", "Rossi")
    job = people_job_waiting(admin_member, run_tasks)
    assert [item["key"] for item in job.summary["possible_matches"]] == ["1003"]
    items = job.summary["possible_matches"]
    assert items[0]["member"] == sofia.pk
    # One match only here (the Gmail Sofia shares no organisation); make a second by hand.
    job.summary = {**job.summary, "possible_matches": [items[0], {**items[0], "key": "1005"}]}
    job.save(update_fields=["summary"])
    before = counts()
    with pytest.raises(ValidationError) as refused:
        identities.import_matches_answer(
            job=job, actor=admin_member, answers={"1": "same", "2": "same"}
        )
    assert refused.value.message_dict == {
        "2": [
            "Sofia Rossi, sofia.rossi@northwind.co.uk is confirmed for possible matches 1, 2: "
            "one person can be only one"
        ]
    }
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CONFIRMING and counts() == before


# LinkedIn connections.


def connections_archive() -> bytes:
    connections = (
        CONNECTIONS_NOTES
        + CONNECTIONS_HEADER
        + 'Dan,Okafor,https://www.linkedin.com/in/dokafor,,"Acme, Inc.",Engineering Manager,12 Mar 2024\n'
        + "Priya,Raman,https://www.linkedin.com/in/priya-raman,priya.raman+li@example.net,Initech,CTO,03 Jan 2023\n"
        + "Sam,Strangers,https://www.linkedin.com/in/sam-s,,Globex,Recruiter,01 Feb 2020\n"
    )
    return build_linkedin_zip({**REALISTIC_FILES, "Connections.csv": connections})


def acme_colleague(mentor):
    people_services.position_create(
        member=mentor,
        actor=mentor,
        organisation="Acme Inc",
        title="Engineering Manager",
        start=dt.date(2020, 1, 1),
    )


def linkedin_job(client, run_tasks) -> ImportJob:
    client.post(
        reverse("imports"),
        {
            "kind": "linkedin",
            "linkedin-archive": SimpleUploadedFile("linkedin.zip", connections_archive()),
        },
    )
    run_tasks()
    return ImportJob.objects.get()


def test_connections_that_may_be_members_are_imported_unlinked_and_listed(
    mentee, mentor, stranger, run_tasks
):
    acme_colleague(mentor)
    priya = make_member("PriyaRaman@example.net", "Priya", "Raman")
    job = linkedin_job(client_for(mentee), run_tasks)
    assert job.status == ImportJob.Status.DONE, job.errors
    assert sorted(Contact.objects.filter(owner=mentee).values_list("last_name", "member_id")) == [
        ("Okafor", None),
        ("Raman", None),
        ("Strangers", None),
    ]
    assert [
        (item["incoming"], item["stored"], item["member"], item["evidence"])
        for item in job.summary["possible_matches"]
    ] == [
        (
            "Your contact Dan Okafor",
            "the member Daniel Okafor",
            mentor.pk,
            ["names alike: “Dan Okafor” and “Daniel Okafor”", "both at acme"],
        ),
        (
            "Your contact Priya Raman, priya.raman+li@example.net",
            "the member Priya Raman",
            priya.pk,
            [
                "the e-mail priya.raman+li@example.net is theirs apart from case, dots or a +tag",
                "names alike: “Priya Raman” and “Priya Raman”",
            ],
        ),
    ]
    assert "2 contacts may already be on deskmate: confirm or reject each" in job.summary["lines"]
    page = client_for(mentee).get(reverse("import_detail", args=[job.pk])).text
    assert "Possible match 1: Your contact Dan Okafor" in page
    # The member's own address is theirs: the page shows only the file's.
    assert priya.user.email == "priyaraman@example.net" and priya.user.email not in page

    before = counts()
    refused = client_for(stranger).post(
        reverse("import_matches", args=[job.pk]), {"match-1": "same", "match-2": "same"}
    )
    assert refused.status_code == 404 and counts() == before


def test_confirmed_contact_is_linked_rejected_one_never_asked_again(mentee, mentor, run_tasks):
    acme_colleague(mentor)
    priya = make_member("priya.raman@example.net", "Priya", "Raman")
    client = client_for(mentee)
    job = linkedin_job(client, run_tasks)
    response = bearer(mentee).post(
        f"/api/v1/imports/{job.pk}/matches",
        {"answers": {"1": "same", "2": "different"}},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    outcomes = [item["outcome"] for item in response.json()["summary"]["possible_matches"]]
    assert outcomes == ["linked to Daniel Okafor", "kept apart from Priya Raman"]
    dan = Contact.objects.get(owner=mentee, last_name="Okafor")
    raman = Contact.objects.get(owner=mentee, last_name="Raman")
    assert (dan.member_id, raman.member_id, raman.not_members) == (mentor.pk, None, [priya.pk])
    after = counts()
    # Idempotent: the same answers change nothing; another answer is refused.
    same = client.post(reverse("import_matches", args=[job.pk]), {"match-1": "same"})
    assert same.status_code == 302 and counts() == after
    other = client.post(reverse("import_matches", args=[job.pk]), {"match-2": "same"})
    assert other.status_code == 422 and counts() == after
    # The same archive again: nothing to ask, no contact added, the link kept.
    summary = importers.run("linkedin", owner=mentee, payload=connections_archive())
    assert summary.possible == [] and summary.created.get("contacts", 0) == 0
    assert counts() == after
    assert Contact.objects.get(owner=mentee, last_name="Okafor").member_id == mentor.pk


def test_a_member_gone_before_the_answer_is_not_linked(mentee, mentor, run_tasks):
    acme_colleague(mentor)
    job = linkedin_job(client_for(mentee), run_tasks)
    assert [item["member"] for item in job.summary["possible_matches"]] == [mentor.pk]
    mentor.user.is_active = False
    mentor.user.save(update_fields=["is_active"])
    job = identities.import_matches_answer(job=job, actor=mentee, answers={"1": "same"})
    assert job.summary["possible_matches"][0]["outcome"] == (
        "Daniel Okafor is no longer a member you can see; nothing changed"
    )
    assert Contact.objects.get(owner=mentee, last_name="Okafor").member_id is None
