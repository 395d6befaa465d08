"""A stint that only maybe matches one stored waits for the member: merge, or keep both."""

import datetime as dt

import pytest
from django.urls import reverse

from deskmate.core.audit import AuditEvent
from deskmate.core.models import AuditEntry
from deskmate.network import confirmations, importers
from deskmate.network.models import ImportJob
from deskmate.people import services
from deskmate.people.models import Education, Position, Source
from tests.conftest import client_for
from tests.importing.archives import build_linkedin_zip
from tests.network.test_import_merge import education_of, history, imported
from tests.people.test_api import bearer

pytestmark = pytest.mark.django_db

POSITIONS = (
    "Company Name,Title,Description,Location,Started On,Finished On\n"
    "Acme Inc.,Senior Engineer,,Lisbon,Mar 2019,Dec 2021\n"
)
EDUCATION = (
    "School Name,Start Date,End Date,Notes,Degree Name,Activities\n"
    "University of Lisbon,2010,2014,,Bachelor of Science,\n"
)
ARCHIVE = {"Positions.csv": POSITIONS, "Education.csv": EDUCATION}
ASKED = ["1 position needs your confirmation", "1 education entry needs your confirmation"]
STORED_POSITION = "Senior Software Engineer at Acme (Payments), Mar 2019 – Dec 2021"
INCOMING_POSITION = "Senior Engineer at Acme Inc., Mar 2019 – Dec 2021"
STORED_EDUCATION = "BSc, Computer Science at University of Lisbon, Sep 2010 – Jul 2014"
INCOMING_EDUCATION = "Bachelor of Science at University of Lisbon, 2010 – 2014"
HAND_KEPT = [
    ("Acme", "Payments", "Senior Software Engineer", dt.date(2019, 3, 4), dt.date(2021, 12, 17), "")
]
HAND_KEPT_EDUCATION = [
    ("University of Lisbon", "BSc", "Computer Science", dt.date(2010, 9, 1), dt.date(2014, 7, 1))
]


@pytest.fixture
def hand_kept(mentee):
    services.position_create(
        member=mentee,
        actor=mentee,
        organisation="Acme",
        unit="Payments",
        title="Senior Software Engineer",
        start=dt.date(2019, 3, 4),
        end=dt.date(2021, 12, 17),
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


def test_an_uncertain_match_is_asked_not_merged_and_reimport_asks_again(
    hand_kept, mentee, as_mentee, run_tasks
):
    job = imported(as_mentee, run_tasks, build_linkedin_zip(ARCHIVE))
    assert job.summary["lines"] == ASKED
    assert [
        (item["kind"], item["why"], item["stored"], item["incoming"], item["decision"])
        for item in job.summary["to_confirm"]
    ] == [
        (
            "positions",
            "same organisation and start, but another title",
            STORED_POSITION,
            INCOMING_POSITION,
            "",
        ),
        (
            "education",
            "same school and overlapping dates, but another degree",
            STORED_EDUCATION,
            INCOMING_EDUCATION,
            "",
        ),
    ]
    assert history(mentee) == HAND_KEPT
    assert education_of(mentee) == HAND_KEPT_EDUCATION

    page = as_mentee.get(reverse("import_detail", args=[job.pk])).content.decode()
    assert "<h2>Needs your confirmation</h2>" in page
    assert f"<dt>You have</dt><dd>{STORED_POSITION}</dd>" in page
    assert f"<dt>The file says</dt><dd>{INCOMING_POSITION}</dd>" in page
    assert 'name="decision-2" value="keep_both"' in page

    again = imported(as_mentee, run_tasks, build_linkedin_zip(ARCHIVE))
    assert again.summary["lines"] == ASKED
    assert history(mentee) == HAND_KEPT
    assert education_of(mentee) == HAND_KEPT_EDUCATION


def test_merge_and_keep_both_then_reimport_asks_nothing(hand_kept, mentee, as_mentee, run_tasks):
    job = imported(as_mentee, run_tasks, build_linkedin_zip(ARCHIVE))
    response = as_mentee.post(
        reverse("import_confirm", args=[job.pk]), {"decision-1": "merge", "decision-2": "keep_both"}
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.summary["lines"] == [
        "1 position merged as you confirmed",
        "1 education entry kept as separate entries, as you chose",
    ]
    assert [(i["decision"], i["outcome"]) for i in job.summary["to_confirm"]] == [
        ("merge", f"merged into {STORED_POSITION}"),
        ("keep_both", "kept as a separate entry"),
    ]
    # The member's own title stays; what the file adds (the location) fills a blank.
    position = Position.objects.get(member=mentee)
    assert (position.title, position.unit.name, position.location, position.also_called) == (
        "Senior Software Engineer",
        "Payments",
        "Lisbon",
        ["senior engineer"],
    )
    assert position.source == Source.MANUAL
    assert education_of(mentee) == [
        (
            "University of Lisbon",
            "Bachelor of Science",
            "",
            dt.date(2010, 1, 1),
            dt.date(2014, 1, 1),
        ),
        *HAND_KEPT_EDUCATION,
    ]
    entry = AuditEntry.objects.get(action=AuditEvent.IMPORT_CONFIRM)
    assert (entry.actor_id, entry.details["merged"], entry.details["kept_both"]) == (
        mentee.pk,
        "1",
        "1",
    )
    page = as_mentee.get(reverse("import_detail", args=[job.pk])).content.decode()
    assert "<h2>Needs your confirmation</h2>" not in page
    assert f"<li>{INCOMING_POSITION}: merged into {STORED_POSITION}</li>" in page

    again = imported(as_mentee, run_tasks, build_linkedin_zip(ARCHIVE))
    assert again.summary["lines"] == [
        "1 position left alone",
        "1 education entry left alone",
    ]
    assert "to_confirm" not in again.summary
    assert Position.objects.filter(member=mentee).count() == 1
    assert Education.objects.filter(member=mentee).count() == 2


def test_bad_answers_are_refused_whole_with_the_entry_named(
    hand_kept, mentee, as_mentee, run_tasks
):
    job = imported(as_mentee, run_tasks, build_linkedin_zip(ARCHIVE))
    response = as_mentee.post(
        reverse("import_confirm", args=[job.pk]), {"decision-1": "merge", "decision-2": "maybe"}
    )
    assert response.status_code == 422
    assert (
        "<li>Entry 2: “maybe” is not a choice: answer “merge” or “keep_both”</li>"
        in response.content.decode()
    )
    response = as_mentee.post(reverse("import_confirm", args=[job.pk]), {})
    assert response.status_code == 422
    assert confirmations.CHOOSE_ONE in response.content.decode()
    job.refresh_from_db()
    assert [i["decision"] for i in job.summary["to_confirm"]] == ["", ""]
    assert history(mentee) == HAND_KEPT
    assert education_of(mentee) == HAND_KEPT_EDUCATION

    # One answer now, the other later; the first cannot be given twice.
    assert as_mentee.post(reverse("import_confirm", args=[job.pk]), {"decision-2": "merge"})
    response = as_mentee.post(reverse("import_confirm", args=[job.pk]), {"decision-2": "keep_both"})
    assert response.status_code == 422
    assert "Entry 2: entry 2 was decided already" in response.content.decode()
    assert Education.objects.get(member=mentee).also_called == ["bachelor of science"]


def test_a_stranger_cannot_see_or_answer(hand_kept, mentee, as_mentee, as_stranger, run_tasks):
    job = imported(as_mentee, run_tasks, build_linkedin_zip(ARCHIVE))
    assert as_stranger.get(reverse("import_detail", args=[job.pk])).status_code == 404
    response = as_stranger.post(reverse("import_confirm", args=[job.pk]), {"decision-1": "merge"})
    assert response.status_code == 404
    response = bearer(new_stranger_for(as_stranger)).post(
        f"/api/v1/imports/{job.pk}/confirmations",
        {"decisions": {"1": "merge"}},
        content_type="application/json",
    )
    assert response.status_code == 404
    job.refresh_from_db()
    assert [i["decision"] for i in job.summary["to_confirm"]] == ["", ""]
    assert history(mentee) == HAND_KEPT


def new_stranger_for(client):
    from deskmate.people.models import Member

    return Member.objects.get(user__email="sam@example.org")


def test_answers_through_the_api(hand_kept, mentee, as_mentee, run_tasks):
    job = imported(as_mentee, run_tasks, build_linkedin_zip(ARCHIVE))
    api = bearer(mentee)
    shown = api.get(f"/api/v1/imports/{job.pk}").json()
    assert [item["stored"] for item in shown["summary"]["to_confirm"]] == [
        STORED_POSITION,
        STORED_EDUCATION,
    ]
    response = api.post(
        f"/api/v1/imports/{job.pk}/confirmations",
        {"decisions": {"3": "merge"}},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "there is no entry 3 waiting for your confirmation" in response.content.decode()
    response = api.post(
        f"/api/v1/imports/{job.pk}/confirmations",
        {"decisions": {"1": "keep_both"}},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["summary"]["lines"] == [
        "1 position kept as separate entries, as you chose",
        "1 education entry needs your confirmation",
    ]
    assert sorted(Position.objects.filter(member=mentee).values_list("title", flat=True)) == [
        "Senior Engineer",
        "Senior Software Engineer",
    ]


def test_an_imported_stint_takes_the_files_title_once_confirmed(mentee):
    header = "Company Name,Title,Description,Location,Started On,Finished On\n"
    first = build_linkedin_zip({"Positions.csv": header + "Globex,Developer,,,2016,Feb 2019\n"})
    importers.run("linkedin", owner=mentee, payload=first)
    renamed = build_linkedin_zip(
        {"Positions.csv": header + "Globex,Software Developer,,,Mar 2016,Feb 2019\n"}
    )
    summary = importers.run("linkedin", owner=mentee, payload=renamed)
    assert summary.lines() == ["1 position needs your confirmation"]
    assert summary.waiting[0]["why"] == (
        "same organisation and overlapping dates, but a similar title"
    )
    job = ImportJob.objects.create(
        owner=mentee,
        kind=ImportJob.Kind.LINKEDIN,
        file_name="archive.zip",
        status=ImportJob.Status.DONE,
        summary=summary.as_dict(),
    )
    confirmations.import_confirm(job=job, actor=mentee, decisions={"1": "merge"})
    position = Position.objects.get(member=mentee)
    assert (position.title, position.start, position.source) == (
        "Software Developer",
        dt.date(2016, 3, 1),
        Source.LINKEDIN,
    )
    assert importers.run("linkedin", owner=mentee, payload=renamed).lines() == [
        "1 position left alone"
    ]


def test_merging_into_an_entry_deleted_since_adds_it(hand_kept, mentee, as_mentee, run_tasks):
    job = imported(as_mentee, run_tasks, build_linkedin_zip(ARCHIVE))
    services.position_delete(position=Position.objects.get(member=mentee), actor=mentee)
    as_mentee.post(reverse("import_confirm", args=[job.pk]), {"decision-1": "merge"})
    job.refresh_from_db()
    assert job.summary["to_confirm"][0]["outcome"] == (
        "the entry to merge it into is gone, so it was added"
    )
    assert history(mentee) == [
        ("Acme", None, "Senior Engineer", dt.date(2019, 3, 1), dt.date(2021, 12, 1), "Lisbon")
    ]


PEOPLE = (
    "external_id,email,first_name,last_name,kind,organisation,unit,title,start,end\n"
    "E7,maya@example.org,Maya,,position,Acme,,Senior Engineer,2019-03,2021-12\n"
)


def test_a_people_file_asks_the_admin_who_ran_it(hand_kept, mentee, admin_member, run_tasks):
    mentee.external_id = "E7"
    mentee.save(update_fields=["external_id"])
    summary = importers.run("people", owner=admin_member, payload=PEOPLE.encode())
    assert summary.lines() == ["1 member left alone", "1 position needs your confirmation"]
    assert summary.waiting[0]["member"] == mentee.pk
    assert history(mentee) == HAND_KEPT
    job = ImportJob.objects.create(
        owner=admin_member,
        kind=ImportJob.Kind.PEOPLE,
        file_name="hr.csv",
        status=ImportJob.Status.DONE,
        summary=summary.as_dict(),
    )
    # Only the admin who ran it answers; the member it concerns may not.
    assert (
        client_for(mentee)
        .post(reverse("import_confirm", args=[job.pk]), {"decision-1": "merge"})
        .status_code
        == 404
    )
    confirmations.import_confirm(job=job, actor=admin_member, decisions={"1": "merge"})
    position = Position.objects.get(member=mentee)
    assert (position.title, position.also_called) == (
        "Senior Software Engineer",
        ["senior engineer"],
    )
    again = importers.run("people", owner=admin_member, payload=PEOPLE.encode())
    assert again.lines() == ["1 member left alone", "1 position left alone"]
