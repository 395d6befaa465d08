"""The demo mentee opens her suggestions, her copilots and the map of her network."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import sign_in


@pytest.fixture
def demo(transactional_db):
    call_command("demo_data", members=200, seed=7, no_progress=True)
    call_command("refresh_ties")


def test_suggestions_copilots_and_map(page, demo):
    sign_in(page, "mentee@deskmate.demo", "deskmate-demo")
    page.get_by_role("link", name="Who could mentor me").click()
    first = page.locator("#suggestions > li").first
    # The initials avatar inside the heading is aria-hidden: the heading is named by the name alone.
    expect(first.get_by_role("heading")).to_have_accessible_name("Daniel Okafor")
    expect(first).to_contain_text("You overlapped on the Payments team at Acme")
    expect(first).to_contain_text("Move into engineering management")

    page.get_by_label("Current colleagues").check()
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#suggestions")).not_to_contain_text("Daniel Okafor")

    page.get_by_role("link", name="Copilots").click()
    expect(page.locator("#suggestions")).to_contain_text("Tomás Herrera")
    expect(page.locator("#suggestions")).to_contain_text("At a similar career stage")

    failed = []
    page.on(
        "response", lambda response: failed.append(response.url) if response.status >= 400 else None
    )
    page.get_by_role("link", name="My network").click()
    map_element = page.locator("#network-map")
    expect(map_element).to_have_attribute("data-ready", "true")
    assert int(map_element.get_attribute("data-nodes")) > 5
    expect(page.locator("#map-list")).to_contain_text("Daniel Okafor")
    expect(page.locator("#map-legend")).to_contain_text("Former colleague")
    assert [url for url in failed if "favicon" not in url] == []

    # Asking goes on to the mentorship request form.
    page.get_by_role("link", name="Who could mentor me").click()
    page.locator("#suggestions > li").first.get_by_role("link", name="Ask for mentorship").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Daniel")
