"""In a real Chromium, the main pages run under the strict Content-Security-Policy with nothing refused.

Chromium reports every refused script, style or handler on the console ("Refused to apply
inline style because it violates the following Content Security Policy directive…") and
as a ``securitypolicyviolation`` event; both are collected for every page each demo persona
visits, including the pages drawn by the vendored libraries (the network map, the health
charts) and a part htmx swaps in.
"""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from deskmate.mentoring.models import Mentorship
from deskmate.mentoring.states import State
from deskmate.programmes.models import MatchRun
from tests.browser.conftest import sign_in

DEMO_PASSWORD = "deskmate-demo"
# Injected before any page script; the CSP does not apply to scripts the browser is told to add.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__violations.push(event.violatedDirective + " " + (event.blockedURI || "inline"));
});
"""


@pytest.fixture
def demo(transactional_db):
    call_command("demo_data", members=120, seed=7, no_progress=True)


def _pages():
    maya_and_daniel = Mentorship.objects.get(
        requester__user__email="mentee@deskmate.demo",
        recipient__user__email="mentor@deskmate.demo",
        state=State.ACTIVE,
    )
    one = f"/mentorships/{maya_and_daniel.pk}/"
    run = MatchRun.objects.filter(status=MatchRun.Status.PUBLISHED).latest("created_at")
    return {
        "mentee@deskmate.demo": [
            "/",
            "/network/",
            "/members/",
            f"/members/{maya_and_daniel.recipient_id}/",
            one,
            one + "messages/",
            one + "checkins/",
            "/notifications/",
        ],
        "coordinator@deskmate.demo": [
            f"/programmes/{run.programme_id}/health/",
            f"/programmes/{run.programme_id}/runs/{run.pk}/",
        ],
        "admin@deskmate.demo": ["/imports/", "/admin/", "/admin/people/member/", "/api/v1/docs"],
    }


class Watched:
    """A signed-in page whose CSP reports, from the console and from events, are kept."""

    def __init__(self, browser, live_server, email):
        self.context = browser.new_context(base_url=live_server.url)
        self.context.set_default_timeout(15_000)
        self.context.add_init_script(LISTEN)
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.page.on("console", self._heard)
        sign_in(self.page, email, DEMO_PASSWORD)
        self.page.wait_for_url(live_server.url + "/")

    def _heard(self, message):
        if "Content Security Policy" in message.text:
            self.console.append(message.text)

    def visit(self, url) -> list[str]:
        response = self.page.goto(url)
        assert response.status == 200, f"{url} answered {response.status}"
        assert "script-src 'self'" in response.headers["content-security-policy"]
        # Not "networkidle": the conversation page polls for new messages while it is open.
        self.page.wait_for_load_state("load")
        if url == "/network/":
            # Cytoscape has drawn the map (a canvas in the container) once its data arrived.
            expect(self.page.locator("#network-map canvas").first).to_be_attached()
        return self.reported(url)

    def reported(self, url) -> list[str]:
        events = self.page.evaluate("() => window.__violations")
        found = [f"{url}: {text}" for text in self.console + events]
        self.console.clear()
        return found


def test_no_page_has_anything_refused_by_the_policy(browser, live_server, demo):
    found = []
    for email, urls in _pages().items():
        watched = Watched(browser, live_server, email)
        for url in urls:
            found += watched.visit(url)
            if url.endswith("/health/"):
                # Chart.js drew the charts.
                assert watched.page.evaluate("() => Object.keys(Chart.instances).length") > 0
        if email == "mentee@deskmate.demo":
            page = watched.page
            assert page.evaluate("() => htmx.config.includeIndicatorStyles") is False
            assert page.locator("head style").count() == 0
            # Parts swapped in by htmx: the message form and, out of band, the messages.
            watched.visit(urls[5])
            page.get_by_label("Your message").fill("Tuesday still good?")
            page.get_by_role("button", name="Send").click()
            expect(page.locator("#message-sent")).to_have_text("Sent.")
            expect(page.locator("#messages")).to_contain_text("Tuesday still good?")
            found += watched.reported(urls[5] + " (a message sent)")
        watched.context.close()
    assert not found, "\n".join(found)


def test_an_inline_style_would_be_refused_and_reported(browser, live_server, demo):
    """What the test above listens to is really heard: the policy refuses and reports."""
    watched = Watched(browser, live_server, "mentee@deskmate.demo")
    assert watched.visit("/") == []
    watched.page.evaluate(
        "() => document.body.insertAdjacentHTML('beforeend', "
        '\'<p id="painted" style="color: rgb(255, 0, 0)">x</p>\')'
    )
    colour = watched.page.evaluate(
        "() => getComputedStyle(document.getElementById('painted')).color"
    )
    assert colour != "rgb(255, 0, 0)"
    watched.page.wait_for_function("() => window.__violations.length > 0")
    reported = watched.reported("/")
    assert any("style-src" in text for text in reported), reported
    watched.context.close()
