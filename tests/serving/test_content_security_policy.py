"""A strict Content-Security-Policy on every page, and pages that need nothing it forbids.

Scripts and styles come only from deskmate's own origin: no inline ``<script>``, ``<style>``,
``style=""``, ``on…=""`` handler or ``javascript:`` link may appear, on the main pages of each
demo persona (rendered here) or in any template or script of deskmate's own.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from deskmate.mentoring.models import Mentorship
from deskmate.mentoring.states import State
from deskmate.people.models import Member
from deskmate.programmes.models import MatchRun
from tests.conftest import client_for, rows_shared_by_the_module

PACKAGE = Path(__file__).parents[2] / "src" / "deskmate"
STRICT = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "connect-src": {"'self'"},
    "font-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}
# A <script> with one of these types is data, never run, and allowed by script-src 'self'.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


def policy_of(response) -> dict[str, set[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = [part.split() for part in header.split(";") if part.strip()]
    return {name: set(sources) for name, *sources in directives}


class InlineFinder(HTMLParser):
    """Every inline script, style, handler and ``javascript:`` link of one page, in words."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        line = self.getpos()[0]
        if tag == "style":
            self.found.append(f"line {line}: a <style> element")
        if (
            tag == "script"
            and not values.get("src")
            and values.get("type") not in DATA_SCRIPT_TYPES
        ):
            self.found.append(f"line {line}: an inline <script>")
        for name, value in attrs:
            if name == "style":
                self.found.append(f"line {line}: style={value!r} on <{tag}>")
            elif name.startswith("on"):
                self.found.append(f"line {line}: {name}= on <{tag}>")
            elif name in {"href", "src", "action"} and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"line {line}: a javascript: {name} on <{tag}>")


def inline_in(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    finder.close()
    return finder.found


def test_the_finder_finds_each_kind_of_inline_code():
    """The sweep below passes only because pages are clean, not because it sees nothing."""
    html = (
        '<p style="color:red">x</p><button onclick="go()">Go</button><script>go()</script>'
        '<style>p{}</style><a href="javascript:go()">go</a>'
        '<script src="/static/x.js"></script><script type="application/json">{}</script>'
    )
    assert inline_in(html) == [
        "line 1: style='color:red' on <p>",
        "line 1: onclick= on <button>",
        "line 1: an inline <script>",
        "line 1: a <style> element",
        "line 1: a javascript: href on <a>",
    ]


@pytest.fixture(scope="module")
def demo_community(request, django_db_setup, django_db_blocker):
    yield from rows_shared_by_the_module(
        request,
        django_db_blocker,
        lambda: call_command("demo_data", members=120, seed=7, no_progress=True),
    )


def _pages_of(email: str) -> list[str]:
    """The pages each demo persona uses most: every kind of page of the site."""
    if email == "mentee@deskmate.demo":
        mentorship = Mentorship.objects.get(
            requester__user__email="mentee@deskmate.demo",
            recipient__user__email="mentor@deskmate.demo",
            state=State.ACTIVE,
        )
        one = f"/mentorships/{mentorship.pk}/"
        return [
            "/",
            reverse("my_profile"),
            reverse("mentor_suggestions"),
            reverse("copilot_suggestions"),
            reverse("network"),
            reverse("member_list"),
            reverse("member_profile", args=[mentorship.recipient_id]),
            reverse("introductions"),
            reverse("contacts"),
            reverse("mentorships"),
            one,
            one + "messages/",
            one + "checkins/",
            reverse("mentorship_milestones", args=[mentorship.pk]),
            reverse("threads"),
            reverse("notifications"),
            reverse("notification_preferences"),
            reverse("api_tokens"),
            reverse("my_data"),
            reverse("programmes"),
        ]
    if email == "coordinator@deskmate.demo":
        run = MatchRun.objects.filter(status=MatchRun.Status.PUBLISHED).latest("created_at")
        programme = f"/programmes/{run.programme_id}/"
        return [
            "/",
            reverse("programmes"),
            programme,
            programme + "health/",
            f"{programme}runs/{run.pk}/",
        ]
    return ["/", reverse("imports"), reverse("admin:index"), "/admin/people/member/"]


PERSONAS = ["mentee@deskmate.demo", "coordinator@deskmate.demo", "admin@deskmate.demo"]


@pytest.mark.django_db
@pytest.mark.parametrize("email", PERSONAS)
def test_every_main_page_has_the_strict_policy_and_no_inline_code(demo_community, email):
    client = client_for(Member.objects.get(user__email=email))
    found = []
    for url in _pages_of(email):
        response = client.get(url)
        assert response.status_code == 200, url
        assert policy_of(response) == STRICT, url
        found += [f"{url} {problem}" for problem in inline_in(response.content.decode())]
    assert not found, "\n".join(found)


@pytest.mark.django_db
def test_the_sign_in_page_and_a_missing_page_have_the_policy_too(demo_community, client):
    for url, status in (("/accounts/login/", 200), ("/no-such-page/", 404)):
        response = client.get(url)
        assert response.status_code == status
        assert policy_of(response) == STRICT
        assert inline_in(response.content.decode()) == []


TEMPLATE_INLINE = re.compile(
    r"<style|\sstyle\s*=|\son[a-z]+\s*=|javascript:|<script(?![^>]*\ssrc=)(?![^>]*application/json)",
    re.IGNORECASE,
)
# Script patterns that build markup or code from strings, which the policy forbids or that
# could bring inline styles and handlers back in.
SCRIPT_INLINE = re.compile(
    r"\beval\(|new Function\(|innerHTML|outerHTML|insertAdjacentHTML|document\.write"
    r"|setAttribute\(\s*['\"](?:style|on)|\.cssText",
)


def _without_comments(template: str) -> str:
    template = re.sub(r"\{#.*?#\}", "", template, flags=re.DOTALL)
    return re.sub(r"\{% comment %\}.*?\{% endcomment %\}", "", template, flags=re.DOTALL)


def test_no_template_holds_inline_code():
    templates = sorted(PACKAGE.glob("**/templates/**/*.html"))
    assert len(templates) > 50
    found = [
        f"{path.relative_to(PACKAGE)}: {match.group(0)!r}"
        for path in templates
        for match in TEMPLATE_INLINE.finditer(_without_comments(path.read_text()))
    ]
    assert not found, "\n".join(found)


def test_deskmates_own_scripts_build_no_markup_or_code_from_strings():
    scripts = sorted((PACKAGE / "static" / "deskmate").glob("*.js"))
    assert {path.name for path in scripts} >= {"menu.js", "network-map.js"}
    found = [
        f"{path.name}: {match.group(0)!r}"
        for path in scripts
        for match in SCRIPT_INLINE.finditer(path.read_text())
    ]
    assert not found, "\n".join(found)


@pytest.mark.django_db
def test_htmx_is_told_not_to_inject_its_own_styles(demo_community, client):
    page = client.get("/accounts/login/").content.decode()
    assert (
        '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false, "allowEval": false}\'>'
        in page
    )
