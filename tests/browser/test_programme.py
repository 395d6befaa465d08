"""Claire creates a programme, imports applications from a form tool's CSV, runs the matching,
pins a pair, runs it again, reads the confirmation and publishes; both people of the pinned pair then find their mentorship."""

import re

import pytest
from playwright.sync_api import expect

from deskmate.mentoring.models import Mentorship
from deskmate.people.models import Member
from deskmate.programmes.models import Application
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD, make_member

RESPONSES = (
    "Timestamp,Full name,Email address,I join as,How many mentees can you take?,What do you hope to get out of it?,"
    "Topics [Leadership],Topics [Public speaking]\n"
    "2025-03-01 10:00,Maya Patel,maya@example.org,Mentee,,Lead my first team,First Choice,2\n"
    "2025-03-01 10:05,Daniel Okafor,daniel@example.org,Mentor,1,Happy to help new managers,1,\n"
    "2025-03-01 10:10,Omar Haddad,omar@example.org,Mentor,2,Public speaking coach,,First Choice\n"
    "2025-03-01 10:20,Lena Fischer,lena@example.org,Mentee,,Speak at a conference,,1\n"
    "2025-03-01 10:30,Nina Berg,nina@example.org,Mentee,,Become a tech lead,x,x\n"
)


@pytest.fixture
def people(transactional_db):
    make_member("claire@example.org", "Claire", "Dubois", role=Member.Role.COORDINATOR)
    make_member("maya@example.org", "Maya", "Patel")
    make_member("daniel@example.org", "Daniel", "Okafor", open_to_mentoring=True, mentee_capacity=2)
    make_member("omar@example.org", "Omar", "Haddad", open_to_mentoring=True, mentee_capacity=2)


def _page_for(browser, live_server, email):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, email, PASSWORD)
    return page


def test_from_a_new_programme_to_published_mentorships(
    page, browser, live_server, people, run_tasks
):
    sign_in(page, "claire@example.org", PASSWORD)
    page.goto("/programmes/new/")
    page.get_by_label("Name").fill("Spring mentoring")
    page.get_by_label("Type").select_option("one_to_one")
    page.get_by_label("Topics").fill("Leadership\nPublic speaking")
    page.get_by_label("Mentees per mentor").fill("2")
    page.get_by_label("Existing ties").select_option("0.5")
    page.get_by_role("button", name="Save programme").click()
    expect(page.get_by_role("heading", name="Spring mentoring", level=1)).to_be_visible()

    tabs = page.get_by_role("navigation", name="This programme")
    tabs.get_by_role("link", name="Import applications").click()
    page.get_by_label("Applications file (.csv or .xlsx)").set_input_files(
        files=[{"name": "responses.csv", "mimeType": "text/csv", "buffer": RESPONSES.encode()}]
    )
    page.get_by_role("button", name="Upload and map the columns").click()
    expect(page.get_by_role("heading", name="Map the columns of responses.csv")).to_be_visible()
    expect(page.get_by_label("Email address")).to_have_value("email")
    page.get_by_label("Timestamp").select_option("ignore")
    page.get_by_label("I join as").select_option("role")
    page.get_by_role("button", name="Import applications").click()
    expect(page.locator("#import-status")).to_have_text("Imported")
    expect(page.locator("#import-summary")).to_contain_text("5 applications added")
    assert Application.objects.count() == 5

    tabs.get_by_role("link", name="Overview").click()
    page.get_by_label("Method").select_option("optimal")
    page.get_by_role("button", name="Run matching").click()
    expect(page.locator("#run-status")).to_have_text("Proposed")
    expect(page.locator("#run-metrics")).to_contain_text("3 of 3 mentees")
    maya_row = page.locator("tr.pair", has_text="Maya Patel")
    expect(maya_row.locator("ul.reasons li").first).to_be_visible()
    mentor_name = maya_row.locator("td").nth(1).inner_text().strip()
    assert mentor_name in {"Daniel Okafor", "Omar Haddad"}
    maya_row.get_by_role("button", name=re.compile(r"^Pin ")).click()
    expect(page.get_by_text(f"Maya Patel and {mentor_name}: pinned.")).to_be_visible()

    page.get_by_role("button", name="Run matching again").click()
    expect(page.locator("#run-status")).to_have_text("Proposed")
    maya_row = page.locator("tr.pair", has_text="Maya Patel")
    expect(maya_row).to_contain_text(mentor_name)
    expect(maya_row.locator(".tag")).to_have_text("Pinned")
    expect(maya_row).to_contain_text("Pinned by a coordinator")
    page.locator("#publish").click()
    expect(page.locator("#count-pairs")).to_have_text("3")
    expect(page.locator("#count-unmatched")).to_have_text("0")
    expect(page.locator(".sample-subject").first).to_contain_text("You have been matched with")
    page.get_by_role("button", name="Publish 3 matches").click()
    expect(page.get_by_text("Tick the box to confirm that you want to publish.")).to_be_visible()
    page.get_by_label(re.compile("I have read the counts")).check()
    page.get_by_role("button", name="Publish 3 matches").click()
    expect(page.locator("#publication-status")).to_have_text("Waiting")
    assert Mentorship.objects.count() == 0
    run_tasks()
    page.reload()
    expect(page.locator("#publication-status")).to_have_text("Published")
    expect(page.locator("#publication-result")).to_contain_text("3")
    assert Mentorship.objects.filter(origin="programme", state="active").count() == 3

    mentor_email = "daniel@example.org" if mentor_name == "Daniel Okafor" else "omar@example.org"
    for email, other in (("maya@example.org", mentor_name), (mentor_email, "Maya Patel")):
        person = _page_for(browser, live_server, email)
        person.goto("/mentorships/")
        expect(person.locator("#mentorships-active")).to_contain_text(other)
        person.locator("#mentorships-active").get_by_role("link", name=other).click()
        expect(person.get_by_role("heading", name=re.compile(other))).to_be_visible()
        person.context.close()

    tabs.get_by_role("link", name="Health").click()
    expect(page.locator("#health-tiles")).to_contain_text("3 active mentorships")
    expect(page.locator("#chart-enrolment")).to_be_visible()
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.getElementById('chart-enrolment'))"
    )
    page.get_by_text("The numbers").first.click()
    expect(page.locator("#table-enrolment")).to_contain_text("5")
