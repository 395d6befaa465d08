"""Pages: the two people can open them; the stranger and the coordinator get 404 on every one."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from deskmate.mentoring import services
from deskmate.mentoring.models import CheckIn, Mentorship, Milestone
from deskmate.mentoring.states import State
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

MENTORSHIP_PAGES = [
    "mentorship_detail",
    "mentorship_timeline",
    "mentorship_agreement",
    "mentorship_milestones",
    "mentorship_checkins",
    "mentorship_calendar",
    "mentorship_feedback",
    "mentorship_surveys",
    "mentorship_decline",
    "mentorship_ask_info",
    "mentorship_answer_info",
    "mentorship_end_early",
    "report_mentorship",
]
MENTORSHIP_POSTS = ["mentorship_accept", "mentorship_withdraw", "mentorship_complete"]
SECRET = "My manager is leaving in March"


@pytest.fixture
def lived_in(active, mentee, mentor):
    """An active mentorship with something private in every corner."""
    milestone = services.milestone_create(mentorship=active, actor=mentee, title="Run a retro")
    services.checkin_record(
        mentorship=active, actor=mentor, held_on=timezone.localdate(), notes=SECRET
    )
    services.feedback_give(mentorship=active, actor=mentor, text=SECRET)
    return active, milestone


# What each page must show the two people: its private content where it has some.
PRIVATE_ON_PAGE = {
    "mentorship_timeline": "Run a retro",
    "mentorship_milestones": "Run a retro",
    "mentorship_checkins": SECRET,
    "mentorship_feedback": SECRET,
}


@pytest.mark.parametrize("name", MENTORSHIP_PAGES)
def test_the_two_people_open_every_page(lived_in, mentee, mentor, as_mentee, as_mentor, name):
    active, _ = lived_in
    for client, other in ((as_mentee, mentor), (as_mentor, mentee)):
        response = client.get(reverse(name, args=[active.pk]))
        page = response.content.decode()
        assert response.status_code == 200
        if name == "report_mentorship":
            # The report page does not name the person concerned.
            assert "Report a concern about your mentorship" in page
        else:
            assert other.name in page
        if name in PRIVATE_ON_PAGE:
            assert PRIVATE_ON_PAGE[name] in page
        else:
            assert SECRET not in page


@pytest.mark.parametrize("name", MENTORSHIP_PAGES)
def test_stranger_and_coordinator_get_404_on_every_page(
    lived_in, as_stranger, as_coordinator, admin_member, name
):
    active, _ = lived_in
    for client in (as_stranger, as_coordinator, client_for(admin_member)):
        response = client.get(reverse(name, args=[active.pk]))
        assert response.status_code == 404
        assert SECRET not in response.content.decode()


@pytest.mark.parametrize("name", MENTORSHIP_POSTS)
def test_stranger_cannot_act(asked, active, as_stranger, name):
    response = as_stranger.post(reverse(name, args=[active.pk]))
    assert response.status_code == 404
    active.refresh_from_db()
    assert active.state == State.ACTIVE


def test_stranger_cannot_complete_a_milestone_or_record_a_checkin(lived_in, as_stranger):
    active, milestone = lived_in
    assert (
        as_stranger.post(reverse("milestone_complete", args=[active.pk, milestone.pk])).status_code
        == 404
    )
    response = as_stranger.post(
        reverse("mentorship_checkins", args=[active.pk]), {"held_on": "2024-01-01"}
    )
    assert response.status_code == 404
    assert (Milestone.objects.get().done_at, CheckIn.objects.count()) == (None, 1)


def test_a_milestone_of_another_mentorship_is_404(lived_in, mentee, stranger, as_mentee):
    active, milestone = lived_in
    other = services.mentorship_request(requester=mentee, recipient=stranger, kind="copilot")
    other = services.mentorship_accept(mentorship=other, actor=stranger)
    assert (
        as_mentee.post(reverse("milestone_complete", args=[other.pk, milestone.pk])).status_code
        == 404
    )
    milestone.refresh_from_db()
    assert milestone.done_at is None


def test_ask_page_sends_a_request(as_mentee, mentee, mentor, goal):
    page = as_mentee.get(reverse("mentorship_ask", args=[mentor.pk]))
    assert page.status_code == 200
    assert "Lead a team" in page.content.decode()
    response = as_mentee.post(
        reverse("mentorship_ask", args=[mentor.pk]),
        {
            "kind": "mentorship",
            "message": "Would you?",
            "goals": [goal.pk],
            "cadence": "monthly",
            "duration_weeks": "13",
        },
    )
    mentorship = Mentorship.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("mentorship_detail", args=[mentorship.pk])
    assert (mentorship.cadence, mentorship.duration_weeks, list(mentorship.goals.all())) == (
        "monthly",
        13,
        [goal],
    )


def test_ask_page_shows_the_refusal_and_saves_nothing(as_mentee, mentee, mentor):
    services.availability_update(member=mentor, unavailable=True, actor=mentor)
    response = as_mentee.post(
        reverse("mentorship_ask", args=[mentor.pk]),
        {
            "kind": "mentorship",
            "message": "Would you?",
            "cadence": "monthly",
            "duration_weeks": "13",
        },
    )
    assert response.status_code == 200
    assert services.UNAVAILABLE in response.content.decode()
    assert Mentorship.objects.count() == 0


def test_ask_page_for_someone_you_cannot_see_is_404(as_mentee, mentor):
    mentor.visibility = "coordinators"
    mentor.save()
    assert as_mentee.get(reverse("mentorship_ask", args=[mentor.pk])).status_code == 404


def test_accept_and_decline_through_pages(asked, as_mentor, mentee, mentor):
    response = as_mentor.post(
        reverse("mentorship_decline", args=[asked.pk]), {"reason": "Too busy"}
    )
    assert response.status_code == 302
    asked.refresh_from_db()
    assert (asked.state, asked.decline_reason) == ("declined", "Too busy")
    detail = as_mentor.get(reverse("mentorship_detail", args=[asked.pk])).content.decode()
    assert "Too busy" in detail
    assert (
        "Too busy"
        not in client_for(mentee)
        .get(reverse("mentorship_detail", args=[asked.pk]))
        .content.decode()
    )
    refused = as_mentor.post(reverse("mentorship_accept", args=[asked.pk]), follow=True)
    assert "This request was declined; it can no longer be accepted." in refused.content.decode()


def test_requester_cannot_accept_their_own_request(asked, as_mentee):
    assert as_mentee.post(reverse("mentorship_accept", args=[asked.pk])).status_code == 403
    asked.refresh_from_db()
    assert asked.state == State.REQUESTED


def test_lists_show_requests_both_ways(asked, as_mentee, as_mentor):
    assert "Daniel Okafor" in as_mentee.get(reverse("mentorships")).content.decode()
    received = as_mentor.get(reverse("mentorships")).context["received"]
    assert list(received) == [asked]


def test_checkin_and_agreement_forms(active, as_mentee):
    today = timezone.localdate()
    response = as_mentee.post(
        reverse("mentorship_checkins", args=[active.pk]),
        {
            "held_on": today.isoformat(),
            "topics": "Hiring",
            "notes": "n",
            "next_steps": "s",
            "next_checkin_on": (today + dt.timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 302
    bad = as_mentee.post(
        reverse("mentorship_checkins", args=[active.pk]),
        {"held_on": (today + dt.timedelta(days=2)).isoformat()},
    )
    assert bad.context["form"].errors["held_on"] == [services.CHECKIN_IN_FUTURE]
    response = as_mentee.post(
        reverse("mentorship_agreement", args=[active.pk]),
        {
            "goals": "Lead a team",
            "cadence": "weekly",
            "duration_weeks": "8",
            "meeting": "Video",
            "confidentiality": "",
        },
    )
    assert response.status_code == 302
    assert active.agreement_versions.count() == 2


def test_calendar_download(active, as_mentee):
    response = as_mentee.get(reverse("mentorship_calendar", args=[active.pk]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert b"BEGIN:VEVENT" in response.content


def test_coordinator_overview_shows_counts_and_dates_not_content(
    lived_in, as_coordinator, as_mentee
):
    page = as_coordinator.get(reverse("mentorship_overview"))
    html = page.content.decode()
    assert page.status_code == 200
    assert SECRET not in html and "Run a retro" not in html
    row = page.context["mentorships"][0]
    assert (row.checkin_count, row.milestone_count, row.milestones_done, row.feedback_count) == (
        1,
        1,
        0,
        1,
    )
    assert as_mentee.get(reverse("mentorship_overview")).status_code == 403


def test_availability_page(as_mentor, mentor):
    as_mentor.post(reverse("mentoring_availability"), {"unavailable": "on"})
    assert mentor.mentoring_availability.unavailable is True


def test_signed_out_is_sent_to_sign_in(client, active):
    response = client.get(reverse("mentorship_detail", args=[active.pk]))
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
