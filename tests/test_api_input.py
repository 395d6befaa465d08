"""Bad input to the API is answered 422 naming the field, never a server error, on either database."""

import json

import pytest

from deskmate.core.api_types import MAX_ID, MAX_OFFSET
from deskmate.mentoring.models import Block, Mentorship
from deskmate.network.models import Interaction, Introduction
from deskmate.people.models import Member
from tests.people.test_api import bearer

pytestmark = pytest.mark.django_db
TOO_BIG = 2**63  # one past the largest id either database stores
HUGE = 2**70

PROFILE_FIELDS = [
    "first_name",
    "last_name",
    "headline",
    "location",
    "about",
    "pronouns",
    "visibility",
    "open_to_mentoring",
    "mentee_capacity",
    "wants_copilot",
]


def problems(response) -> list[tuple[str, ...]]:
    """The (where, field) of each problem a 422 names."""
    assert response.status_code == 422, response.content
    return [tuple(item["loc"]) for item in response.json()["detail"]]


@pytest.mark.parametrize("field", PROFILE_FIELDS)
def test_null_profile_field_is_refused_and_changes_nothing(mentee, field):
    before = Member.objects.filter(pk=mentee.pk).values().get()
    response = bearer(mentee).patch(
        "/api/v1/me", json.dumps({field: None}), content_type="application/json"
    )
    assert problems(response) == [("body", "payload", field)]
    assert Member.objects.filter(pk=mentee.pk).values().get() == before


def test_profile_patch_still_changes_only_what_is_sent(mentee):
    response = bearer(mentee).patch(
        "/api/v1/me", json.dumps({"headline": "", "pronouns": "she/her"}), "application/json"
    )
    assert response.status_code == 200
    mentee.refresh_from_db()
    assert (mentee.first_name, mentee.headline, mentee.pronouns) == ("Maya", "", "she/her")


PATH_IDS = [
    ("get", "/api/v1/members/{}", "member_id"),
    ("delete", "/api/v1/mentorships/blocks/{}", "member_id"),
    ("get", "/api/v1/imports/{}", "job_id"),
    ("post", "/api/v1/notifications/{}/read", "notification_id"),
    ("get", "/api/v1/mentorships/{}", "mentorship_id"),
    ("get", "/api/v1/mentorships/{}/milestones", "mentorship_id"),
    ("delete", "/api/v1/me/interactions/{}", "interaction_id"),
    ("delete", "/api/v1/me/positions/{}", "position_id"),
    ("get", "/api/v1/programmes/{}", "programme_id"),
]


@pytest.mark.parametrize("method, path, field", PATH_IDS)
@pytest.mark.parametrize("value", [TOO_BIG, HUGE, 0, -1])
def test_id_out_of_range_in_the_path_is_422(mentee, method, path, field, value):
    response = getattr(bearer(mentee), method)(path.format(value))
    assert problems(response) == [("path", field)]


@pytest.mark.parametrize("method, path, field", PATH_IDS)
def test_the_largest_id_is_an_ordinary_unknown_id(mentee, method, path, field):
    assert getattr(bearer(mentee), method)(path.format(MAX_ID)).status_code == 404


@pytest.mark.parametrize(
    "who, path",
    [
        ("mentee", "/api/v1/me/contacts"),
        ("mentee", "/api/v1/notifications"),
        ("coordinator", "/api/v1/mentorships/overview"),
    ],
)
def test_offsets_and_limits_are_bounded(request, who, path):
    client = bearer(request.getfixturevalue(who))
    for query, field in [
        (f"offset={TOO_BIG}", "offset"),
        (f"offset={MAX_OFFSET + 1}", "offset"),
        ("offset=-1", "offset"),
        (f"limit={TOO_BIG}", "limit"),
        ("limit=0", "limit"),
    ]:
        assert problems(client.get(f"{path}?{query}")) == [("query", field)], query
    answer = client.get(f"{path}?offset={MAX_OFFSET}&limit=1000")
    assert (answer.status_code, answer.json()) == (200, [])


BODY_IDS = [
    ("/api/v1/mentorships/blocks", {"member_id": None}, "member_id", Block),
    ("/api/v1/mentorships", {"recipient_id": None}, "recipient_id", Mentorship),
    ("/api/v1/me/interactions", {"member_id": None, "kind": "lunch"}, "member_id", Interaction),
    (
        "/api/v1/introductions",
        {"target_id": 1, "introducer_id": None, "message": "Hi"},
        "introducer_id",
        Introduction,
    ),
]


@pytest.mark.parametrize("path, body, field, model", BODY_IDS)
@pytest.mark.parametrize("value", [TOO_BIG, HUGE, 0, None])
def test_id_out_of_range_in_the_body_is_422_and_writes_nothing(
    mentee, path, body, field, model, value
):
    response = bearer(mentee).post(path, json.dumps({**body, field: value}), "application/json")
    assert problems(response) == [("body", "payload", field)]
    assert model.objects.count() == 0


def test_a_list_of_ids_is_bounded_item_by_item(mentee, mentor):
    response = bearer(mentee).post(
        "/api/v1/mentorships",
        json.dumps({"recipient_id": mentor.pk, "goal_ids": [1, TOO_BIG]}),
        "application/json",
    )
    assert problems(response) == [("body", "payload", "goal_ids", 1)]
    assert Mentorship.objects.count() == 0


@pytest.mark.parametrize(
    "body, field",
    [({"mentee_capacity": -1}, "mentee_capacity"), ({"first_name": ""}, "first_name")],
)
def test_profile_values_out_of_range_are_refused(mentee, body, field):
    response = bearer(mentee).patch("/api/v1/me", json.dumps(body), "application/json")
    assert problems(response) == [("body", "payload", field)]
    mentee.refresh_from_db()
    assert (mentee.first_name, mentee.mentee_capacity) == ("Maya", 0)
