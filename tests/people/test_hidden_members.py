"""Every page and API operation that takes a member id answers for a hidden member exactly as for an unknown id.

Sam, a member, may not open Daniel's profile: Daniel shows it to coordinators
only, or to people he has a tie with. (A block is silent: a member who
blocked Sam still reads to Sam like anyone else.) Whatever Sam sends
with Daniel's id (asking for mentorship, blocking, reporting, logging a
lunch, asking for an introduction to or through him, reading his profile)
gets the very answer an id that belongs to no one gets, and writes nothing.
Contacts naming a hidden member and programme rankings are held to the same
rule in ``tests/network/test_privacy.py`` and ``tests/programmes/test_access.py``.
"""

import json
import re

import pytest
from django.urls import reverse

from deskmate.core.models import AuditEntry
from deskmate.mentoring.models import Block, Mentorship, Report
from deskmate.network.models import Interaction, Introduction
from deskmate.people import services
from deskmate.people.models import Member
from tests.conftest import client_for
from tests.people.test_api import bearer

pytestmark = pytest.mark.django_db

HIDDEN_BY = ["coordinators_only", "ties_only"]


@pytest.fixture(params=HIDDEN_BY)
def hidden(request, mentor, stranger):
    """Daniel, whose profile Sam may not open, for each reason a profile is hidden."""
    visibility = {
        "coordinators_only": Member.Visibility.COORDINATORS,
        "ties_only": Member.Visibility.TIES,
    }[request.param]
    services.profile_update(member=mentor, actor=mentor, visibility=visibility)
    return mentor


@pytest.fixture
def unknown_id(hidden, mentee, coordinator, admin_member):
    return Member.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1000


CSRF_TOKEN = re.compile(r'csrfmiddlewaretoken" value="[^"]+"')


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Mentorship, Block, Report, Interaction, Introduction, AuditEntry)
    }


def answers(send, hidden_id: int, unknown_id: int) -> tuple:
    """The two answers, each with its member id written as ``ID``, and the rows they left."""
    before = counts()
    found = []
    for member_id in (hidden_id, unknown_id):
        response = send(member_id)
        body = response.content.decode().replace(f"/{member_id}/", "/ID/")
        # Each page masks its CSRF token afresh.
        body = CSRF_TOKEN.sub("csrfmiddlewaretoken", body)
        found.append((response.status_code, body))
    assert counts() == before
    return found[0], found[1]


API_CALLS = {
    "profile": lambda api, m, other: api.get(f"/api/v1/members/{m}"),
    "mentorship request": lambda api, m, other: api.post(
        "/api/v1/mentorships",
        {"recipient_id": m, "message": "Would you mentor me?"},
        content_type="application/json",
    ),
    "block": lambda api, m, other: api.post(
        "/api/v1/mentorships/blocks", {"member_id": m}, content_type="application/json"
    ),
    "unblock": lambda api, m, other: api.delete(f"/api/v1/mentorships/blocks/{m}"),
    "report": lambda api, m, other: api.post(
        "/api/v1/mentorships/reports",
        {"member_id": m, "text": "Rude in a meeting"},
        content_type="application/json",
    ),
    "interaction": lambda api, m, other: api.post(
        "/api/v1/me/interactions",
        {"member_id": m, "kind": "lunch"},
        content_type="application/json",
    ),
    "introduction to": lambda api, m, other: api.post(
        "/api/v1/introductions",
        {"target_id": m, "introducer_id": other, "message": "Hello"},
        content_type="application/json",
    ),
    "introduction through": lambda api, m, other: api.post(
        "/api/v1/introductions",
        {"target_id": other, "introducer_id": m, "message": "Hello"},
        content_type="application/json",
    ),
}


@pytest.mark.parametrize("call", API_CALLS)
def test_api(call, hidden, unknown_id, mentee, stranger):
    api = bearer(stranger)
    for_hidden, for_unknown = answers(
        lambda m: API_CALLS[call](api, m, mentee.pk), hidden.pk, unknown_id
    )
    assert for_hidden == for_unknown
    assert for_hidden[0] == 404, for_hidden


PAGES = {
    "profile": ("member_profile", None),
    "ask for mentorship": ("mentorship_ask", {"message": "Would you mentor me?"}),
    "block": ("member_block", {}),
    "unblock": ("block_remove", {}),
    "report": ("report_member", {"text": "Rude in a meeting"}),
    "log a lunch": ("interaction_log", {"kind": "lunch"}),
    "introduction": ("introduction_ask", {"message": "Hello"}),
}


@pytest.mark.parametrize("page", PAGES)
def test_pages(page, hidden, unknown_id, mentee, stranger):
    name, form = PAGES[page]
    browser = client_for(stranger)
    url = lambda m: reverse(name, args=[m])  # noqa: E731
    if name != "block_remove":
        get_hidden, get_unknown = answers(lambda m: browser.get(url(m)), hidden.pk, unknown_id)
        assert get_hidden == get_unknown
        assert get_hidden[0] == 404
    if form is not None:
        if name == "introduction_ask":
            form = {**form, "introducer": mentee.pk}
        post_hidden, post_unknown = answers(
            lambda m: browser.post(url(m), form), hidden.pk, unknown_id
        )
        assert post_hidden == post_unknown
        assert post_hidden[0] == 404


def test_an_introduction_through_a_hidden_member_reads_like_one_through_an_unknown_id(
    hidden, unknown_id, mentee, stranger
):
    """The introduction page names the introducer field alike for a hidden member and an unknown id."""
    browser = client_for(stranger)
    url = reverse("introduction_ask", args=[mentee.pk])
    before = counts()
    bodies = []
    for introducer in (hidden.pk, unknown_id):
        response = browser.post(url, {"introducer": introducer, "message": "Hello"})
        assert response.status_code == 422
        errors = json.dumps(response.context["form"].errors, sort_keys=True)
        bodies.append(errors.replace(str(introducer), "ID"))
    assert counts() == before
    assert bodies[0] == bodies[1]
    assert "introducer" in json.loads(bodies[0])
