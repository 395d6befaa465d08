"""axe-core finds no serious or critical violation on the main pages, on a desk and on a phone.

Each demo persona signs in once and visits the pages they use most, at 1280 px and at 390 px;
axe-core (vendored beside this file, never fetched) runs in the page and every serious or
critical violation is reported with its rule id and the elements it points at. On the phone the
navigation is folded away and no page scrolls sideways.
"""

from pathlib import Path

import pytest
from django.core.management import call_command

from deskmate.mentoring.models import Mentorship
from deskmate.mentoring.states import State
from deskmate.programmes.models import MatchRun
from tests.browser.conftest import sign_in

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
WIDTHS = {"desk": (1280, 900), "phone": (390, 844)}
DEMO_PASSWORD = "deskmate-demo"
SERIOUS = ("serious", "critical")
# The phone's first screen is 844 px high: the folded navigation takes one line of it.
FOLDED_NAV_MAX_HEIGHT = 120


@pytest.fixture
def demo(transactional_db):
    call_command("demo_data", members=200, seed=7, no_progress=True)


def _mentee_pages():
    maya_and_daniel = Mentorship.objects.get(
        requester__user__email="mentee@deskmate.demo",
        recipient__user__email="mentor@deskmate.demo",
        state=State.ACTIVE,
    )
    one = f"/mentorships/{maya_and_daniel.pk}/"
    return {
        "home": "/",
        "mentor suggestions": "/suggestions/mentors/",
        "people directory": "/members/",
        "a profile": f"/members/{maya_and_daniel.recipient_id}/",
        "mentorship": one,
        "conversation": one + "messages/",
        "check-ins": one + "checkins/",
        "introductions": "/introductions/",
        "notifications": "/notifications/",
        "network map": "/network/",
    }


def _coordinator_pages():
    run = MatchRun.objects.filter(status=MatchRun.Status.PUBLISHED).latest("created_at")
    return {
        "programmes": "/programmes/",
        "match run": f"/programmes/{run.programme_id}/runs/{run.pk}/",
    }


def _admin_pages():
    return {"imports": "/imports/"}


def _axe_serious(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    checked, results = page.evaluate(
        # resultTypes: only violations list every node; passes name their rule with one node,
        # which is all the count below needs (axe-core's documented way to run faster).
        "() => axe.run(document, {resultTypes: ['violations']})"
        ".then(r => [r.passes.length, r.violations.map(v => ({"
        "id: v.id, impact: v.impact, help: v.help,"
        " targets: v.nodes.map(n => n.target.join(' '))}))])"
    )
    # A page on which axe checked nothing would pass whatever it holds.
    assert checked > 10, f"axe-core checked only {checked} rules on {page.url}"
    return [
        f"{v['id']} ({v['impact']}: {v['help']}) at {', '.join(v['targets'][:5])}"
        for v in results
        if v["impact"] in SERIOUS
    ]


def _visit_all(browser, live_server, width, height, check_phone_layout):
    found = []
    for email, pages in (
        ("mentee@deskmate.demo", _mentee_pages()),
        ("coordinator@deskmate.demo", _coordinator_pages()),
        ("admin@deskmate.demo", _admin_pages()),
    ):
        # axe-core goes in as an inline script, which the site's own policy rightly refuses;
        # the policy is tested on its own (test_content_security_policy.py).
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": height}, bypass_csp=True
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        sign_in(page, email, DEMO_PASSWORD)
        page.wait_for_url(live_server.url + "/")
        for name, url in pages.items():
            response = page.goto(url)
            assert response.status == 200, f"{name} ({url}) answered {response.status}"
            page.wait_for_load_state("load")
            found += [f"{name} at {width} px: {problem}" for problem in _axe_serious(page)]
            if check_phone_layout:
                found += [f"{name} at {width} px: {problem}" for problem in _phone_layout(page)]
        context.close()
    return found


def _phone_layout(page) -> list[str]:
    problems = []
    scroll_width, inner_width = page.evaluate(
        "() => [document.scrollingElement.scrollWidth, window.innerWidth]"
    )
    if scroll_width > inner_width:
        problems.append(f"the page scrolls sideways ({scroll_width} px > {inner_width} px)")
    nav_height = page.evaluate(
        "() => document.querySelector('header.top').getBoundingClientRect().height"
    )
    if nav_height > FOLDED_NAV_MAX_HEIGHT:
        problems.append(f"the header takes {nav_height:.0f} px of the first screen")
    return problems


def test_no_serious_violation_on_the_main_pages_on_a_desk(browser, live_server, demo):
    width, height = WIDTHS["desk"]
    found = _visit_all(browser, live_server, width, height, check_phone_layout=False)
    assert not found, "\n".join(found)


def test_no_serious_violation_and_no_sideways_scroll_on_a_phone(browser, live_server, demo):
    width, height = WIDTHS["phone"]
    found = _visit_all(browser, live_server, width, height, check_phone_layout=True)
    assert not found, "\n".join(found)
