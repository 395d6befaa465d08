"""The home page adapts to each role, and shows nobody another person's items."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from deskmate.mentoring import services as mentoring
from deskmate.mentoring.models import Mentorship, Report
from deskmate.network.models import ImportJob, Introduction, Tie
from deskmate.people import home
from deskmate.people.models import Goal
from deskmate.programmes.models import Application, MatchRun, ProposedPair
from deskmate.programmes.services import programme_create
from deskmate.serving.models import WorkerHeartbeat
from deskmate.serving.tasks import WORKER
from tests.conftest import client_for, make_member

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _panels(member) -> dict:
    return {item["panel"].key: item["context"] for item in home.panels_for(member)}


def _page(member) -> str:
    response = client_for(member).get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def active(mentee, mentor):
    """Maya is mentored by Daniel: a check-in is due tomorrow, one milestone is overdue."""
    mentorship = mentoring.mentorship_request(requester=mentee, recipient=mentor, message="Help")
    mentorship = mentoring.mentorship_accept(mentorship=mentorship, actor=mentor)
    mentoring.milestone_create(
        mentorship=mentorship, actor=mentee, title="Draft the plan", due_on=dt.date(2020, 3, 1)
    )
    mentoring.milestone_create(
        mentorship=mentorship, actor=mentee, title="Give the talk", due_on=TODAY + dt.timedelta(30)
    )
    done = mentoring.milestone_create(mentorship=mentorship, actor=mentee, title="Read the book")
    mentoring.milestone_complete(milestone=done, actor=mentor)
    mentoring.checkin_record(
        mentorship=mentorship,
        actor=mentor,
        held_on=TODAY,
        next_checkin_on=TODAY + dt.timedelta(1),
    )
    mentorship.refresh_from_db()
    return mentorship


def test_member_sees_mentorship_check_in_and_open_milestones_with_the_overdue_one_flagged(
    active, mentee
):
    panel = _panels(mentee)["mentorships"]
    (row,) = panel["rows"]
    assert row["other"].name == "Daniel Okafor"
    assert row["next_checkin_on"] == TODAY + dt.timedelta(1)
    assert [(m["milestone"].title, m["overdue_since"]) for m in row["milestones"]] == [
        ("Draft the plan", dt.date(2020, 3, 1)),
        ("Give the talk", None),
    ]
    page = _page(mentee)
    assert "With Daniel Okafor" in page
    assert (
        'Draft the plan, due 1 Mar 2020 <strong class="overdue">overdue since 1 Mar 2020</strong>'
        in page
    )
    assert "Read the book" not in page


def test_member_sees_requests_and_introductions_waiting_for_them(mentee, mentor, stranger):
    copilot = make_member("lee@example.org", "Lee", "Chen", wants_copilot=True)
    Mentorship.objects.create(
        requester=copilot, recipient=mentee, kind=Mentorship.Kind.COPILOT, state="requested"
    )
    Mentorship.objects.create(requester=mentee, recipient=mentor, state="info_requested")
    Introduction.objects.create(requester=copilot, introducer=mentee, target=mentor, message="Hi")
    Introduction.objects.create(
        requester=stranger, introducer=copilot, target=mentee, message="Hi", status="forwarded"
    )
    # Asked of someone else, and not yet forwarded to Maya: not hers to answer.
    Introduction.objects.create(requester=copilot, introducer=mentor, target=mentee, message="x")
    page = _page(mentee)
    assert "Daniel Okafor asked you for more information" in page
    assert "Lee Chen asks you to be copilots" in page
    assert "Lee Chen asks you to introduce them to Daniel Okafor" in page
    assert "Lee Chen would like to introduce Sam Stranger to you" in page
    assert page.count("would like to introduce") == 1
    assert "Daniel Okafor would like" not in page


def test_profile_prompt_names_the_missing_facts_that_feed_suggestions(mentee):
    Goal.objects.create(member=mentee, text="Become a staff engineer")
    panel = _panels(mentee)["profile"]
    assert panel["missing"] == [
        "your positions, so colleagues past and present are found",
        "your education, so people who studied with you are found",
        "your skills, so mentors are matched on what you already know",
    ]
    assert "2 of 5 facts that feed your suggestions are filled in." in _page(mentee)


def test_member_sees_at_most_three_suggestions_each_with_one_reason(mentee, monkeypatch):
    from deskmate.network import home as network_home
    from deskmate.network.suggestions import MemberSuggestion

    people = [make_member(f"p{i}@example.org", f"P{i}", "Person") for i in range(3)]
    seen = {}

    def fake(viewer, *, limit):
        seen["limit"] = limit
        return [
            MemberSuggestion(person, 1.0, 0.5, 0.5, ("Worked with you at Acme", "Other"), ())
            for person in people[:limit]
        ]

    monkeypatch.setattr(network_home, "suggestions_for", fake)
    page = _page(mentee)
    assert seen["limit"] == 3
    assert "P0 Person</a>: Worked with you at Acme" in page
    assert "Other" not in page


def test_mentor_sees_requests_with_how_they_know_the_person_mentees_places_and_overdue(
    active, mentor, stranger
):
    asker = make_member("ines@example.org", "Inès", "Moreau")
    Mentorship.objects.create(requester=asker, recipient=mentor, message="Please")
    Mentorship.objects.create(requester=stranger, recipient=mentor, message="Please")
    low, high = sorted([asker, mentor], key=lambda member: member.pk)
    Tie.objects.create(
        member_low=low,
        member_high=high,
        strength=0.8,
        evidence=[{"kind": 1, "strength": 0.8, "current": True}],
    )
    Mentorship.objects.filter(pk=active.pk).update(next_checkin_on=dt.date(2020, 1, 5))
    panels = _panels(mentor)
    assert [
        (row["mentorship"].requester.name, row["known"])
        for row in panels["requests_to_answer"]["rows"]
    ] == [
        ("Inès Moreau", "Current colleague"),
        ("Sam Stranger", "No shared history on record"),
    ]
    assert (panels["mentees"]["free_places"], len(panels["mentees"]["overdue"])) == (2, 1)
    page = _page(mentor)
    assert 'Inès Moreau asks you to mentor them</a> · <span class="known">Current colleague' in page
    assert "2 free places of 3." in page
    assert "1 check-in overdue." in page
    assert (
        'Maya Patel</a> · Next check-in 5 Jan 2020 <strong class="overdue">check-in overdue' in page
    )


def test_coordinator_sees_programmes_with_stage_and_pair_count(coordinator, mentee, mentor):
    finished = programme_create(
        actor=coordinator,
        name="Autumn circle",
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 6, 30),
        enrolment_opens_on=dt.date(2024, 11, 1),
        enrolment_closes_on=dt.date(2024, 12, 1),
    )
    run = MatchRun.objects.create(programme=finished, method="optimal", status="published")
    mentorship = Mentorship.objects.create(requester=mentee, recipient=mentor, state="completed")
    ProposedPair.objects.create(
        run=run, mentee=mentee, mentor=mentor, score=1, mentorship=mentorship
    )
    open_now = programme_create(
        actor=coordinator,
        name="Spring circle",
        enrolment_opens_on=TODAY - dt.timedelta(3),
        enrolment_closes_on=TODAY + dt.timedelta(10),
    )
    Application.objects.create(programme=open_now, member=mentee, role="mentee")
    rows = _panels(coordinator)["programmes"]["rows"]
    assert [(r["programme"].name, r["stage"], r["pairs"], r["waiting"]) for r in rows] == [
        ("Spring circle", "Enrolment open", 0, 1),
        ("Autumn circle", "Finished", 1, 0),
    ]
    page = _page(coordinator)
    assert "Spring circle</a></td><td>Enrolment open</td><td>0</td><td>1</td>" in page


def test_admin_sees_imports_reports_and_system_health(admin_member, mentee, stranger):
    ImportJob.objects.create(owner=mentee, kind="vcard", file_name="contacts.vcf")
    ImportJob.objects.create(owner=mentee, kind="vcard", file_name="old.vcf", status="done")
    Report.objects.create(reporter=mentee, about_member=stranger, text="Rude")
    WorkerHeartbeat.objects.update_or_create(name=WORKER, defaults={"at": timezone.now()})
    page = _page(admin_member)
    assert "Member imports waiting: 1" in page
    assert "Application imports waiting: 0" in page
    assert "Reports waiting</a>: 1" in page
    assert "Task worker: ok" in page
    assert "Last tie refresh: never" in page
    assert "contacts.vcf" not in page


def test_each_role_sees_exactly_its_own_panels(mentee, mentor, coordinator, admin_member, active):
    assert list(_panels(mentee)) == ["mentorships", "suggestions", "profile"]
    assert list(_panels(mentor)) == ["requests_to_answer", "mentees", "suggestions", "profile"]
    assert list(_panels(coordinator)) == ["programmes", "suggestions", "profile"]
    assert list(_panels(admin_member)) == ["programmes", "admin", "suggestions", "profile"]


def test_a_stranger_sees_none_of_anothers_items(active, stranger, mentee, mentor):
    Introduction.objects.create(requester=mentee, introducer=mentor, target=stranger, message="Hi")
    Report.objects.create(reporter=mentee, about_member=mentor, text="Late")
    ImportJob.objects.create(owner=mentee, kind="vcard", file_name="contacts.vcf")
    page = _page(stranger)
    for text in (
        "Daniel Okafor",
        "Maya Patel",
        "Draft the plan",
        "introduce",
        "Reports waiting",
        'id="home-programmes"',
        "Member imports",
    ):
        assert text not in page
    assert list(_panels(stranger)) == ["suggestions", "profile"]


def test_home_asks_strangers_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_unknown_audience_is_refused():
    with pytest.raises(ValueError, match="Unknown home audience 'everyone'"):
        home.register_panel(home.Panel("x", "X", "x.html", "everyone", lambda member: {}))


def test_mentorship_pages_flag_overdue_milestones_to_both_and_to_nobody_else(
    active, mentee, mentor, stranger
):
    overdue = "Overdue: Draft the plan (overdue since 1 Mar 2020)."
    for person in (mentee, mentor):
        detail = client_for(person).get(reverse("mentorship_detail", args=[active.pk]))
        assert overdue in detail.content.decode()
        milestones = client_for(person).get(reverse("mentorship_milestones", args=[active.pk]))
        page = milestones.content.decode()
        assert page.count("overdue since") == 2  # the notice, and the milestone itself
        assert '<strong class="overdue">overdue since 1 Mar 2020</strong>' in page
    refused = client_for(stranger).get(reverse("mentorship_milestones", args=[active.pk]))
    assert refused.status_code == 404
    assert "Draft the plan" not in refused.content.decode()


def test_a_milestone_done_late_is_no_longer_overdue(active, mentee):
    milestone = active.milestones.get(title="Draft the plan")
    mentoring.milestone_complete(milestone=milestone, actor=mentee)
    page = client_for(mentee).get(reverse("mentorship_detail", args=[active.pk])).content.decode()
    assert "Overdue:" not in page
    (row,) = _panels(mentee)["mentorships"]["rows"]
    assert [m["milestone"].title for m in row["milestones"]] == ["Give the talk"]
