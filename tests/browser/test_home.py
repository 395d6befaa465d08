"""Each demo sign-in lands on a home page filled with their own real work."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import sign_in


@pytest.fixture
def demo(transactional_db):
    call_command("demo_data", members=200, seed=7, no_progress=True)


def _panel(page, key):
    return page.locator(f"#home-{key}")


def test_the_mentee_sees_her_mentorship_requests_introductions_and_suggestions(page, demo):
    sign_in(page, "mentee@deskmate.demo", "deskmate-demo")
    expect(page.get_by_role("heading", name="Hello, Maya")).to_be_visible()
    mentorships = _panel(page, "mentorships")
    expect(mentorships).to_contain_text("With Daniel Okafor")
    expect(mentorships).to_contain_text("Next check-in")
    expect(mentorships.locator(".overdue")).to_have_text("overdue since " + _days_ago(14))
    expect(mentorships).to_contain_text("Send a talk proposal to a conference")
    expect(_panel(page, "requests_waiting")).to_contain_text(
        "Tomás Herrera asks you to be copilots"
    )
    expect(_panel(page, "requests_waiting")).to_contain_text("asked you for more information")
    expect(_panel(page, "introductions")).to_contain_text(
        "Lukas Weber asks you to introduce them to Daniel Okafor"
    )
    expect(_panel(page, "suggestions").locator("li")).to_have_count(3)
    expect(_panel(page, "profile")).to_contain_text("5 of 5 facts that feed your suggestions")
    expect(page.locator("#home-programmes")).to_have_count(0)

    mentorships.get_by_role("link", name="With Daniel Okafor").click()
    expect(page.locator("#overdue-milestones")).to_contain_text(
        "Draft an onboarding plan for a new joiner (overdue since " + _days_ago(14) + ")"
    )


def test_the_mentor_sees_requests_mentees_places_and_overdue_check_ins(page, demo):
    sign_in(page, "mentor@deskmate.demo", "deskmate-demo")
    requests = _panel(page, "requests_to_answer")
    expect(requests).to_contain_text("Chloé Martin asks you to mentor them")
    expect(requests).to_contain_text("Lukas Weber asks you to mentor them")
    mentees = _panel(page, "mentees")
    expect(mentees).to_contain_text("1 free place of 3.")
    expect(mentees).to_contain_text("1 check-in overdue.")
    expect(mentees).to_contain_text("Aisha Khan")
    expect(mentees).to_contain_text("Maya Patel")
    expect(_panel(page, "introductions")).to_contain_text(
        "Aisha Khan would like to introduce Chloé Martin to you"
    )


def test_the_coordinator_sees_both_programmes_by_stage(page, demo):
    sign_in(page, "coordinator@deskmate.demo", "deskmate-demo")
    rows = _panel(page, "programmes").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("td")).to_have_text(
        ["Alumni mentoring circle, winter", "Enrolment open", "0", "14"]
    )
    expect(rows.nth(1).locator("td")).to_have_text(
        ["Alumni mentoring circle, spring", "Finished", "6", "0"]
    )
    expect(page.locator("#home-admin")).to_have_count(0)


def test_the_admin_sees_reports_waiting_and_system_health(page, demo):
    sign_in(page, "admin@deskmate.demo", "deskmate-demo")
    admin = _panel(page, "admin")
    expect(admin).to_contain_text("Reports waiting: 1")
    expect(admin).to_contain_text("Member imports waiting: 0")
    expect(admin).to_contain_text("Task worker:")
    expect(admin).to_contain_text("Last tie refresh: never")
    expect(_panel(page, "programmes")).to_contain_text("Alumni mentoring circle, spring")


def _days_ago(days):
    day = timezone.localdate() - dt.timedelta(days=days)
    return f"{day.day} {day:%b %Y}"
