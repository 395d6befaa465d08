"""Daniel writes in his mentoring group's conversation; Maya, one of its mentees, finds it
from her home page and reads it. Sam, a stranger, is refused the group's page."""

import pytest
from playwright.sync_api import expect

from deskmate.mentoring import services
from deskmate.mentoring.models import Message
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import _axe_serious
from tests.conftest import PASSWORD, make_member

WELCOME = "Welcome, both: first session on Thursday, bring one question each."


@pytest.fixture
def group(transactional_db):
    maya = make_member("maya@example.org", "Maya", "Patel")
    nina = make_member("nina@example.org", "Nina", "Berg")
    daniel = make_member(
        "daniel@example.org", "Daniel", "Okafor", open_to_mentoring=True, mentee_capacity=3
    )
    make_member("sam@example.org", "Sam", "Stranger")
    return services.group_create_from_match(
        mentor=daniel,
        matches=[services.GroupMatch(mentee=maya), services.GroupMatch(mentee=nina)],
        story=services.MatchStory(programme_name="Spring circles"),
        actor=daniel,
    )


def _signed_in(browser, live_server, email):
    # axe-core goes in as an inline script, which the site's policy refuses (see
    # test_content_security_policy.py); this test checks the group, not the policy.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    sign_in(page, email, PASSWORD)
    return page


def test_the_mentor_writes_in_the_group_and_a_mentee_reads_it(browser, live_server, group):
    daniel = _signed_in(browser, live_server, "daniel@example.org")
    daniel.goto("/")
    daniel.locator("#home-groups").get_by_role("link", name="Daniel Okafor's group").click()
    expect(daniel.get_by_role("heading", level=1, name="Daniel Okafor's group")).to_be_visible()
    expect(daniel.locator("#group-members")).to_contain_text("Maya Patel")
    daniel.get_by_label("Your message").fill(WELCOME)
    daniel.get_by_role("button", name="Send").click()
    expect(daniel.locator("#messages")).to_contain_text(WELCOME)
    expect(daniel.locator("#message-sent")).to_have_text("Sent.")
    assert Message.objects.get(group=group).text == WELCOME

    maya = _signed_in(browser, live_server, "maya@example.org")
    maya.goto("/")
    expect(maya.locator("#home-groups")).to_contain_text("1 new message")
    maya.locator("#home-groups").get_by_role("link", name="Daniel Okafor's group").click()
    expect(maya.locator("#group-origin")).to_have_text("Matched in Spring circles")
    expect(maya.locator("#messages")).to_contain_text(WELCOME)
    expect(maya.locator("#messages")).to_contain_text("Daniel Okafor")
    assert _axe_serious(maya) == []

    sam = _signed_in(browser, live_server, "sam@example.org")
    response = sam.goto(f"/groups/{group.pk}/")
    assert response is not None and response.status == 404
    expect(sam.locator("body")).not_to_contain_text(WELCOME)
