"""The People directory in the API: the page's filters and visibility, paged by offset and limit."""

import pytest

from deskmate.people.models import Member
from tests.conftest import make_member
from tests.people.test_api import bearer

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Lee Chen", "Daniel Okafor", "Maya Patel"]),
        ({"q": "dan"}, ["Daniel Okafor"]),
        ({"skill": "pyth"}, ["Daniel Okafor"]),
        ({"organisation": "acme"}, ["Daniel Okafor"]),
        ({"unit": "Payments"}, ["Daniel Okafor"]),
        ({"school": "Northfield"}, ["Lee Chen"]),
        ({"graduation_year": 2015}, ["Lee Chen"]),
        ({"graduation_year": 2014}, []),
        ({"open_to_mentoring": "true"}, ["Daniel Okafor"]),
        ({"organisation": "acme", "skill": "java"}, []),
    ],
)
def test_the_filters_are_the_pages_and_hide_who_the_page_hides(people, params, expected):
    response = bearer(people["maya"]).get("/api/v1/people", params)

    assert names(response) == expected
    assert response.json()["count"] == len(expected)
    assert "Hana Acme" not in response.content.decode()


def test_a_coordinator_sees_the_hidden_member_as_on_the_page(people, coordinator):
    response = bearer(coordinator).get("/api/v1/people", {"organisation": "acme"})
    assert names(response) == ["Hana Acme", "Daniel Okafor"]


def test_pages_by_offset_and_limit(mentee):
    for number in range(5):
        make_member(f"p{number}@example.org", "Person", f"P{number}")
    make_member("hidden@example.org", "Person", "Hidden", visibility=Member.Visibility.COORDINATORS)
    api = bearer(mentee)

    first = api.get("/api/v1/people", {"q": "person", "limit": 2})
    second = api.get("/api/v1/people", {"q": "person", "limit": 2, "offset": 4})

    assert (first.json()["count"], names(first)) == (5, ["Person P0", "Person P1"])
    assert (second.json()["offset"], names(second)) == (4, ["Person P4"])
    assert first.json()["results"][0].keys() == {
        "id",
        "name",
        "headline",
        "location",
        "open_to_mentoring",
        "wants_copilot",
    }


def test_someone_not_signed_in_is_refused(client, mentee):
    response = client.get("/api/v1/people")
    assert response.status_code == 401
    assert "Maya" not in response.content.decode()


def test_a_stranger_sees_only_profiles_open_to_them(mentee, stranger):
    mentee.visibility = Member.Visibility.COORDINATORS
    mentee.save()
    response = bearer(stranger).get("/api/v1/people", {"q": "maya"})
    assert (names(response), response.json()["count"]) == ([], 0)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"graduation_year": "soon"}, "graduation_year"),
        ({"graduation_year": 1850}, "graduation_year"),
        ({"school": "x" * 101}, "school"),
        ({"q": "a\x00b"}, "q"),
        ({"limit": 0}, "limit"),
        ({"offset": -1}, "offset"),
    ],
)
def test_bad_input_is_refused_naming_the_field(mentee, params, field):
    response = bearer(mentee).get("/api/v1/people", params)
    assert response.status_code == 422
    assert [error["loc"][-1] for error in response.json()["detail"]] == [field]


def test_the_schema_describes_the_directory(client):
    schema = client.get("/api/v1/openapi.json").json()
    parameters = {p["name"] for p in schema["paths"]["/api/v1/people"]["get"]["parameters"]}
    assert {"q", "skill", "organisation", "unit", "school", "graduation_year"} <= parameters
