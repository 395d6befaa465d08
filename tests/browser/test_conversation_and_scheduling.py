"""Maya (in Berlin) writes to Daniel (in New York) in their mentorship, proposes a check-in at
12:30 her time, Daniel sees it at 06:30 his time and accepts it, and both private calendar feeds
hold the same timed event at 11:30 UTC. Sam, a stranger, gets none of it."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from deskmate.mentoring import services
from deskmate.mentoring.models import Message, PlannedCheckIn
from deskmate.people.services import profile_update
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD, make_member

NEXT_YEAR = timezone.now().year + 1
# A winter Tuesday: Berlin is UTC+1 and New York UTC-5.
DAY = next(
    dt.date(NEXT_YEAR, 1, d) for d in range(12, 19) if dt.date(NEXT_YEAR, 1, d).weekday() == 1
)
HELLO = "Could we talk about the onboarding plan next week?"


@pytest.fixture
def mentorship(transactional_db):
    maya = make_member("maya@example.org", "Maya", "Patel")
    daniel = make_member(
        "daniel@example.org", "Daniel", "Okafor", open_to_mentoring=True, mentee_capacity=2
    )
    make_member("sam@example.org", "Sam", "Stranger")
    profile_update(member=maya, actor=maya, time_zone="Europe/Berlin")
    profile_update(member=daniel, actor=daniel, time_zone="America/New_York")
    asked = services.mentorship_request(requester=maya, recipient=daniel, message="Please?")
    return services.mentorship_accept(mentorship=asked, actor=daniel)


def _signed_in(browser, live_server, email):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, email, PASSWORD)
    return page


def tab(page, name):
    return page.get_by_role("navigation", name="This mentorship").get_by_role(
        "link", name=name, exact=True
    )


def _feed(page, browser, live_server) -> str:
    page.goto("/settings/calendar/")
    page.get_by_role("button", name="Make my calendar address").click()
    url = page.locator("#feed-url").inner_text()
    assert url.startswith(live_server.url + "/calendar/")
    # A calendar app has no session: the secret in the address is all it needs.
    calendar_app = browser.new_context()
    response = calendar_app.request.get(url)
    assert response.status == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    body = response.text()
    calendar_app.close()
    return body


def test_a_message_a_check_in_at_a_time_and_both_feeds(browser, live_server, mentorship):
    maya = _signed_in(browser, live_server, "maya@example.org")
    maya.goto(f"/mentorships/{mentorship.pk}/")
    tab(maya, "Messages").click()
    maya.get_by_label("Your message").fill(HELLO)
    maya.evaluate("() => { window.sameDocument = 'still here'; }")
    maya.get_by_role("button", name="Send").click()
    expect(maya.locator("#messages")).to_contain_text(HELLO)
    # Sent in place by htmx: the same document, the form emptied, no reload.
    expect(maya.locator("#message-sent")).to_have_text("Sent.")
    expect(maya.get_by_label("Your message")).to_have_value("")
    assert maya.evaluate("() => window.sameDocument") == "still here"

    daniel = _signed_in(browser, live_server, "daniel@example.org")
    messages_link = daniel.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Messages (1 unread)"
    )
    expect(messages_link).to_be_visible()
    messages_link.click()
    daniel.locator("#threads").get_by_role("link", name="Mentorship with Maya Patel").click()
    expect(daniel.locator("#messages")).to_contain_text("Maya Patel")
    expect(daniel.locator("#messages")).to_contain_text(HELLO)
    expect(
        daniel.get_by_role("navigation", name="Main").get_by_role("link", name="Messages")
    ).to_have_text("Messages")

    tab(maya, "Check-ins").click()
    maya.get_by_role("link", name="Propose a check-in at a time").click()
    maya.get_by_label("Date").fill(DAY.isoformat())
    maya.locator("#id_time").fill("12:30")
    expect(maya.get_by_label("Time zone")).to_have_value("Europe/Berlin")
    maya.get_by_role("button", name="Propose this time").click()
    expect(maya.get_by_text("Proposed. The other person can accept")).to_be_visible()
    expect(maya.locator("#planned-checkins")).to_contain_text(
        f"{DAY.day} January {NEXT_YEAR}, 12:30"
    )
    expect(maya.locator("#planned-checkins")).to_contain_text("Waiting for Daniel Okafor")

    daniel.goto(f"/mentorships/{mentorship.pk}/checkins/")
    planned = daniel.locator("#planned-checkins")
    expect(planned).to_contain_text(f"Tuesday {DAY.day} January {NEXT_YEAR}, 06:30")
    expect(planned).to_contain_text("Waiting for you")
    daniel.get_by_role("button", name="Accept this time").click()
    expect(daniel.get_by_text("Accepted: it is in both calendars.")).to_be_visible()
    expect(daniel.locator("#planned-checkins")).to_contain_text("Accepted")

    utc_start = f"DTSTART:{DAY:%Y%m%d}T113000Z"
    stored = PlannedCheckIn.objects.get()
    for page in (maya, daniel):
        feed = _feed(page, browser, live_server)
        assert utc_start in feed
        assert f"DTEND:{DAY:%Y%m%d}T121500Z" in feed
        assert "STATUS:CONFIRMED" in feed
        assert f"UID:checkin-{stored.uid}@" in feed
        assert "SEQUENCE:1" in feed

    sam = _signed_in(browser, live_server, "sam@example.org")
    before = Message.objects.count()
    for path in (
        "messages/",
        "messages/new/",
        "checkins/",
        f"checkins/planned/{stored.pk}/invitation.ics",
    ):
        response = sam.goto(f"/mentorships/{mentorship.pk}/{path}")
        assert response.status == 404, path
    expect(sam.locator("body")).not_to_contain_text(HELLO)
    api = sam.request.get(f"/api/v1/mentorships/{mentorship.pk}/messages")
    assert api.status == 404 and HELLO not in api.text()
    assert Message.objects.count() == before == 1
