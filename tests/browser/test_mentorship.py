"""Maya asks Daniel, Daniel accepts; they agree goals, log a check-in, reach a milestone and both see it.
Sam, a stranger, can open neither the pages nor the API of their mentorship."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from deskmate.mentoring.models import Mentorship
from deskmate.people.services import goal_create
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD, make_member


@pytest.fixture
def people(transactional_db):
    maya = make_member("maya@example.org", "Maya", "Patel")
    goal_create(member=maya, actor=maya, text="Lead a team")
    daniel = make_member(
        "daniel@example.org", "Daniel", "Okafor", open_to_mentoring=True, mentee_capacity=2
    )
    make_member("sam@example.org", "Sam", "Stranger")
    return maya, daniel


def _page_for(browser, live_server, email):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, email, PASSWORD)
    return page


def tab(page, name):
    return page.get_by_role("navigation", name="This mentorship").get_by_role(
        "link", name=name, exact=True
    )


def test_from_request_to_a_celebrated_milestone(page, browser, live_server, people):
    maya, daniel = people
    sign_in(page, "maya@example.org", PASSWORD)
    page.goto(f"/mentorships/ask/{daniel.pk}/")
    expect(page.get_by_role("heading", name="Ask Daniel Okafor")).to_be_visible()
    page.get_by_label("Your message").fill("You ran the team I would like to lead one day.")
    page.get_by_label("Lead a team").check()
    page.get_by_label("How often to meet").select_option("weekly")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_role("heading", name="Mentorship with Daniel Okafor")).to_be_visible()
    expect(page.locator("#mentorship-state")).to_have_text("Requested")

    mentor_page = _page_for(browser, live_server, "daniel@example.org")
    mentor_page.goto("/mentorships/")
    mentor_page.locator("#requests-received").get_by_role("link", name="Maya Patel").click()
    expect(mentor_page.locator("#request-message")).to_contain_text("You ran the team")
    mentor_page.get_by_role("button", name="Accept").click()
    expect(mentor_page.locator("#mentorship-state")).to_have_text("Active")

    tab(mentor_page, "Agreement").click()
    mentor_page.get_by_label("Goals we work on").fill("Lead a team\nRun my first retro")
    mentor_page.get_by_label("How we meet").fill("Video call, Tuesday lunchtime")
    mentor_page.get_by_role("button", name="Save agreement").click()
    expect(mentor_page.get_by_text("The agreement is saved.")).to_be_visible()
    expect(mentor_page.locator("#agreement")).to_contain_text("Video call, Tuesday lunchtime")

    page.reload()
    expect(page.locator("#mentorship-state")).to_have_text("Active")
    tab(page, "Agreement").click()
    expect(page.locator("#agreement")).to_contain_text("Run my first retro")

    today = timezone.localdate()
    tab(page, "Check-ins").click()
    page.get_by_label("Held on").fill(today.isoformat())
    page.get_by_label("Topics").fill("Hiring my first engineer")
    page.get_by_label("Notes (only the two of you can read them)").fill(
        "Talked through the interview loop."
    )
    page.get_by_label("Next check-in on").fill((today + dt.timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Record check-in").click()
    expect(page.get_by_text("Check-in recorded.")).to_be_visible()
    expect(page.locator("#checkins")).to_contain_text("Talked through the interview loop.")

    tab(page, "Milestones").click()
    page.get_by_role("textbox", name="Milestone").fill("Run my first retro")
    page.get_by_role("button", name="Add milestone").click()
    page.get_by_role("button", name="Mark Run my first retro done").click()
    expect(
        page.get_by_text("Milestone reached: Run my first retro. Congratulations!")
    ).to_be_visible()

    for someone in (page, mentor_page):
        tab(someone, "Timeline").click()
        celebrated = someone.locator("#timeline li.celebrate")
        expect(celebrated).to_have_count(1)
        expect(celebrated).to_contain_text("Milestone reached: Run my first retro!")
        expect(someone.locator("#timeline")).to_contain_text("recorded the check-in")
        expect(someone.locator("#timeline")).to_contain_text("updated the agreement")

    mentorship = Mentorship.objects.get()
    stranger_page = _page_for(browser, live_server, "sam@example.org")
    for path in (
        "",
        "timeline/",
        "agreement/",
        "milestones/",
        "checkins/",
        "feedback/",
        "checkins/next.ics",
    ):
        response = stranger_page.goto(f"/mentorships/{mentorship.pk}/{path}")
        assert response.status == 404, path
    expect(stranger_page.locator("body")).not_to_contain_text("interview loop")
    for path in ("", "/timeline", "/checkins"):
        response = stranger_page.request.get(f"/api/v1/mentorships/{mentorship.pk}{path}")
        assert response.status == 404, path
        assert "interview loop" not in response.text()
    assert re.search(
        "interview loop", page.request.get(f"/api/v1/mentorships/{mentorship.pk}/checkins").text()
    )
    mentor_page.context.close()
    stranger_page.context.close()
