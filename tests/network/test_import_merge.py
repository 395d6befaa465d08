"""Imports merge into the history a member keeps by hand: nothing lost, nothing twice."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from deskmate.network import importers
from deskmate.network.models import Contact, ImportJob
from deskmate.network.suggestions import suggestions_for
from deskmate.network.tie_store import ties_refresh_all
from deskmate.people import services
from deskmate.people.models import Education, Position, Source
from tests.importing.archives import (
    EDUCATION_CSV,
    OLDER_EDUCATION_CSV,
    OLDER_POSITIONS_CSV,
    POSITIONS_CSV,
    REALISTIC_FILES,
    build_linkedin_zip,
)
from tests.people.test_api import bearer

pytestmark = pytest.mark.django_db
REASON = "You overlapped on the Payments team at Acme, 2019–2025"
FIRST_IMPORT = [
    "3 profile fields updated",
    "1 profile field left alone",
    "1 position added",
    "2 positions updated",
    "1 education entry added",
    "1 education entry left alone",
    "3 skills added",
    "3 contacts added",
]
REIMPORT = [
    "4 profile fields left alone",
    "3 positions left alone",
    "2 education entries left alone",
    "3 skills left alone",
    "3 contacts left alone",
]


@pytest.fixture
def hand_kept(mentee, mentor):
    """Maya typed her Acme years with their team; Daniel was on that team too."""
    for title, start, end in (
        ("Senior Software Engineer", dt.date(2019, 3, 4), dt.date(2021, 12, 17)),
        ("Engineering Manager", dt.date(2022, 1, 10), None),
    ):
        services.position_create(
            member=mentee,
            actor=mentee,
            organisation="Acme",
            unit="Payments",
            title=title,
            start=start,
            end=end,
        )
    services.education_create(
        member=mentee,
        actor=mentee,
        school="University of Lisbon",
        degree="BSc",
        field="Computer Science",
        start=dt.date(2010, 9, 1),
        end=dt.date(2014, 7, 1),
    )
    services.position_create(
        member=mentor,
        actor=mentor,
        organisation="Acme",
        unit="Payments",
        title="Director of Engineering",
        start=dt.date(2018, 5, 1),
        end=dt.date(2025, 6, 30),
    )
    services.position_create(
        member=mentor,
        actor=mentor,
        organisation="Initech",
        title="Engineering Manager",
        start=dt.date(2006, 1, 1),
        end=dt.date(2018, 4, 30),
    )


def history(member):
    return list(
        Position.objects.filter(member=member)
        .order_by("start")
        .values_list("organisation__name", "unit__name", "title", "start", "end", "location")
    )


def education_of(member):
    return list(
        Education.objects.filter(member=member)
        .order_by("start")
        .values_list("school__name", "degree", "field", "start", "end")
    )


def reasons_for(member, mentor):
    ties_refresh_all()
    [suggestion] = [s for s in suggestions_for(member) if s.member == mentor]
    return suggestion.reasons


def upload(client, data: bytes, name="Basic_LinkedInDataExport_03-14-2024.zip"):
    return client.post(
        reverse("imports"),
        {"kind": "linkedin", "linkedin-archive": SimpleUploadedFile(name, data)},
    )


def imported(client, run_tasks, data: bytes) -> ImportJob:
    upload(client, data)
    run_tasks()
    job = ImportJob.objects.order_by("-pk").first()
    assert job is not None and job.status == ImportJob.Status.DONE, job and job.errors
    return job


HAND_KEPT_AFTER = [
    ("Globex", None, "Software Engineer", dt.date(2016, 1, 1), dt.date(2019, 2, 1), ""),
    (
        "Acme",
        "Payments",
        "Senior Software Engineer",
        dt.date(2019, 3, 4),
        dt.date(2021, 12, 17),
        "Lisbon",
    ),
    ("Acme", "Payments", "Engineering Manager", dt.date(2022, 1, 10), None, "Lisbon, Portugal"),
]


def test_reimport_over_a_hand_kept_history_keeps_the_team(
    hand_kept, mentee, mentor, as_mentee, run_tasks
):
    assert reasons_for(mentee, mentor)[0] == REASON

    job = imported(as_mentee, run_tasks, build_linkedin_zip())
    assert job.summary["lines"] == FIRST_IMPORT
    assert history(mentee) == HAND_KEPT_AFTER
    assert education_of(mentee) == [
        (
            "University of Lisbon",
            "BSc",
            "Computer Science",
            dt.date(2010, 9, 1),
            dt.date(2014, 7, 1),
        ),
        ("Le Wagon", "Web Development", "", dt.date(2015, 9, 1), dt.date(2015, 11, 1)),
    ]
    manager = Position.objects.get(member=mentee, title="Engineering Manager")
    assert manager.description.startswith("Leads the Payments team (8 engineers).")
    assert reasons_for(mentee, mentor)[0] == REASON

    page = as_mentee.get(reverse("import_detail", args=[job.pk])).content.decode()
    for line in FIRST_IMPORT:
        assert f"<li>{line}</li>" in page
    assert (
        "headline: left alone, kept yours, &quot;Engineer at Acme&quot; "
        "(the file says &quot;Engineering Manager at Acme&quot;)"
    ) in page

    again = imported(as_mentee, run_tasks, build_linkedin_zip())
    assert again.summary["lines"] == REIMPORT
    assert history(mentee) == HAND_KEPT_AFTER
    assert Education.objects.filter(member=mentee).count() == 2
    assert Contact.objects.filter(owner=mentee).count() == 3
    assert reasons_for(mentee, mentor)[0] == REASON


def test_older_archive_layout_merges_the_same_way(hand_kept, mentee, mentor, as_mentee, run_tasks):
    files = dict(REALISTIC_FILES)
    files["Positions.csv"] = OLDER_POSITIONS_CSV
    files["Education.csv"] = OLDER_EDUCATION_CSV
    job = imported(as_mentee, run_tasks, build_linkedin_zip(files))
    assert job.summary["lines"][2:6] == [
        "1 position added",
        "2 positions left alone",
        "1 education entry added",
        "1 education entry left alone",
    ]
    assert [row[:5] for row in history(mentee)] == [row[:5] for row in HAND_KEPT_AFTER]
    assert reasons_for(mentee, mentor)[0] == REASON


def test_corrupted_copy_is_refused_whole(hand_kept, mentee, as_mentee, run_tasks):
    files = dict(REALISTIC_FILES)
    # A copy whose columns slid: the location landed in "Started On".
    files["Positions.csv"] = POSITIONS_CSV.replace("Lisbon,Mar 2019,Dec 2021", "Mar 2019,Lisbon,")
    files["Education.csv"] = EDUCATION_CSV.replace("Sep 2015,Nov 2015", "Sep 2015,Nov 2O15")
    before = (history(mentee), education_of(mentee), Contact.objects.count())
    upload(as_mentee, build_linkedin_zip(files))
    run_tasks()
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert job.errors == [
        'Positions.csv, row 3, "Started On": "Lisbon" is not a date (expected e.g. "Jan 2020", "2019" or "12 Mar 2024")',
        'Education.csv, row 3, "End Date": "Nov 2O15" is not a date (expected e.g. "Jan 2020", "2019" or "12 Mar 2024")',
    ]
    assert (history(mentee), education_of(mentee), Contact.objects.count()) == before


def only_positions(text: str) -> bytes:
    return build_linkedin_zip({"Positions.csv": text})


def test_a_date_the_member_typed_is_kept_and_the_summary_says_why(mentee):
    services.position_create(
        member=mentee,
        actor=mentee,
        organisation="Globex",
        unit="Checkout",
        title="Software Engineer",
        start=dt.date(2016, 5, 2),
        end=dt.date(2019, 2, 28),
        description="Built the checkout service with a team of four.",
    )
    archive = only_positions(
        "Company Name,Title,Description,Location,Started On,Finished On\n"
        "GLOBEX,Software engineer,Checkout,,Jan 2016,Feb 2019\n"
    )
    summary = importers.run("linkedin", owner=mentee, payload=archive)
    assert summary.lines() == ["1 position left alone"]
    assert summary.as_dict()["kinds"]["positions"]["left_alone_items"] == [
        {
            "item": "Software Engineer at Globex",
            "why": (
                'kept the description "Built the checkout service with a team of four." '
                '(the file says "Checkout"); '
                "kept the start date 2 May 2016 (the file says Jan 2016)"
            ),
        }
    ]
    assert history(mentee) == [
        ("Globex", "Checkout", "Software Engineer", dt.date(2016, 5, 2), dt.date(2019, 2, 28), "")
    ]


def test_what_the_archive_brought_follows_the_archive_but_never_empties(mentee):
    header = "Company Name,Title,Description,Location,Started On,Finished On\n"
    first = importers.run(
        "linkedin",
        owner=mentee,
        payload=only_positions(header + "Globex,Software Engineer,Checkout,Lisbon,2016,Feb 2019\n"),
    )
    assert first.lines() == ["1 position added"]
    changed = importers.run(
        "linkedin",
        owner=mentee,
        payload=only_positions(header + "Globex,Software Engineer,,Porto,Mar 2016,Feb 2019\n"),
    )
    assert changed.as_dict()["kinds"]["positions"]["updated_items"] == [
        {
            "item": "Software Engineer at Globex",
            "changes": ['the location changed to "Porto"', "the start date changed to Mar 2016"],
            "kept": [],
        }
    ]
    position = Position.objects.get(member=mentee)
    assert (position.description, position.location, position.start, position.source) == (
        "Checkout",
        "Porto",
        dt.date(2016, 3, 1),
        Source.LINKEDIN,
    )


def test_a_hand_correction_makes_an_imported_position_the_members(mentee, as_mentee):
    header = "Company Name,Title,Description,Location,Started On,Finished On\n"
    row = "Globex,Software Engineer,,Lisbon,2016,Feb 2019\n"
    importers.run("linkedin", owner=mentee, payload=only_positions(header + row))
    position = Position.objects.get(member=mentee)
    services.position_update(
        position=position,
        actor=mentee,
        organisation="Globex",
        unit="Checkout",
        title="Software Engineer",
        start=dt.date(2016, 1, 1),
        end=dt.date(2019, 2, 1),
        location="Lisbon",
    )
    again = importers.run(
        "linkedin", owner=mentee, payload=only_positions(header + row.replace("Lisbon", "Porto"))
    )
    assert again.as_dict()["kinds"]["positions"]["left_alone_items"] == [
        {
            "item": "Software Engineer at Globex",
            "why": 'kept the location "Lisbon" (the file says "Porto")',
        }
    ]
    position.refresh_from_db()
    assert (position.unit.name, position.location, position.source) == (
        "Checkout",
        "Lisbon",
        Source.MANUAL,
    )


def test_one_of_each_reads_in_the_singular(mentee):
    archive = build_linkedin_zip(
        {
            "Positions.csv": "Company Name,Title,Started On,Finished On\nGlobex,Engineer,2016,2019\n",
            "Education.csv": "School Name,Start Date,End Date,Notes,Degree Name\nLe Wagon,2015,2015,,\n",
            "Skills.csv": "Name\nPython\n",
        }
    )
    assert importers.run("linkedin", owner=mentee, payload=archive).lines() == [
        "1 position added",
        "1 education entry added",
        "1 skill added",
    ]


PEOPLE_HEADER = "external_id,email,first_name,last_name,kind,organisation,unit,title,start,end\n"


def test_people_file_without_a_unit_keeps_the_members_unit(mentee):
    mentee.external_id = "E7"
    mentee.save(update_fields=["external_id"])
    services.position_create(
        member=mentee,
        actor=mentee,
        organisation="Acme",
        unit="Payments",
        title="Software Engineer",
        start=dt.date(2019, 3, 4),
        description="Card payments.",
    )
    people = (
        PEOPLE_HEADER + "E7,maya@example.org,Maya,,position,ACME Inc,,Software Engineer,2019-03,\n"
    )
    summary = importers.run("people", owner=None, payload=people.encode(), file_name="hr.csv")
    assert summary.lines() == ["1 member left alone", "1 position left alone"]
    position = Position.objects.get(member=mentee)
    assert (position.unit.name, position.description, position.start) == (
        "Payments",
        "Card payments.",
        dt.date(2019, 3, 4),
    )


def test_vcard_without_a_title_keeps_the_contacts_title(mentee):
    first = (
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Lee Outsider\r\nN:Outsider;Lee;;;\r\n"
        b"EMAIL:lee@elsewhere.org\r\nORG:Initech\r\nTITLE:Recruiter\r\nEND:VCARD\r\n"
    )
    importers.run("vcard", owner=mentee, payload=first)
    bare = (
        b"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Lee Outsider\r\nEMAIL:lee@elsewhere.org\r\nEND:VCARD\r\n"
    )
    summary = importers.run("vcard", owner=mentee, payload=bare)
    assert summary.lines() == ["1 contact left alone"]
    contact = Contact.objects.get(owner=mentee)
    assert (contact.first_name, contact.organisation, contact.title) == (
        "Lee",
        "Initech",
        "Recruiter",
    )


def test_profile_fills_what_is_empty_and_keeps_what_the_member_wrote(mentee, as_mentee, run_tasks):
    services.profile_update(member=mentee, actor=mentee, location="Porto, Portugal")
    files = {"Profile.csv": REALISTIC_FILES["Profile.csv"]}
    job = imported(as_mentee, run_tasks, build_linkedin_zip(files))
    assert job.summary["lines"] == ["2 profile fields updated", "2 profile fields left alone"]
    profile = job.summary["kinds"]["profile"]
    assert profile["updated_items"] == [
        {"item": "about", "changes": ['filled in from "Summary"'], "kept": []},
        {"item": "industry", "changes": ['filled in from "Industry"'], "kept": []},
    ]
    assert profile["left_alone_items"] == [
        {
            "item": "headline",
            "why": 'kept yours, "Engineer at Acme" (the file says "Engineering Manager at Acme")',
        },
        {
            "item": "location",
            "why": 'kept yours, "Porto, Portugal" (the file says "Lisbon, Portugal")',
        },
    ]
    mentee.refresh_from_db()
    assert (mentee.headline, mentee.location, mentee.industry) == (
        "Engineer at Acme",
        "Porto, Portugal",
        "Software Development",
    )
    assert mentee.about == "Building payments teams.\nI like mentoring, cycling and good coffee."
    page = as_mentee.get(reverse("my_profile")).content.decode()
    assert "Porto, Portugal · Software Development" in page
    assert bearer(mentee).get("/api/v1/me").json()["industry"] == "Software Development"


def test_a_summary_longer_than_the_about_field_is_left_alone_on_reimport(mentee):
    long_summary = "Payments. " * 600
    profile = REALISTIC_FILES["Profile.csv"].replace(
        '"Building payments teams.\nI like mentoring, cycling and good coffee."', long_summary
    )
    archive = build_linkedin_zip({"Profile.csv": profile})
    importers.run("linkedin", owner=mentee, payload=archive)
    mentee.refresh_from_db()
    assert mentee.about == long_summary[:5000].strip()
    again = importers.run("linkedin", owner=mentee, payload=archive)
    assert again.lines() == ["4 profile fields left alone"]
    assert again.as_dict()["kinds"]["profile"]["left_alone_items"][1] == {
        "item": "about",
        "why": "already up to date",
    }
