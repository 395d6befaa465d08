"""The People directory: search, filters, pages, and only members the viewer may open.

Maya searches the ``people`` of tests/people/conftest.py.
"""

import datetime as dt

import pytest
from django.urls import reverse

from deskmate.network.tie_store import ties_refresh_all
from deskmate.people.selectors import DIRECTORY_PAGE_SIZE, member_directory, members_visible_to
from tests.conftest import client_for, make_member
from tests.network.test_privacy import position

pytestmark = pytest.mark.django_db
TODAY = dt.date(2024, 3, 1)


def listed(viewer, **params) -> list[str]:
    response = client_for(viewer).get(reverse("member_list"), params)
    assert response.status_code == 200
    return [m.name for m in response.context["page"]]


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({}, ["Lee Chen", "Daniel Okafor", "Maya Patel"]),
        ({"q": "dan"}, ["Daniel Okafor"]),
        ({"q": "maya patel"}, ["Maya Patel"]),
        ({"skill": "pyth"}, ["Daniel Okafor"]),
        ({"organisation": "acme"}, ["Daniel Okafor"]),
        ({"unit": "Payments"}, ["Daniel Okafor"]),
        ({"school": "Northfield"}, ["Lee Chen"]),
        ({"graduation_year": "2015"}, ["Lee Chen"]),
        ({"graduation_year": "2014"}, []),
        ({"school": "Northfield", "graduation_year": "2015", "wants_copilot": "on"}, ["Lee Chen"]),
        ({"open_to_mentoring": "on"}, ["Daniel Okafor"]),
        ({"organisation": "acme", "skill": "java"}, []),
    ],
)
def test_search_and_filters_list_only_visible_matches_in_name_order(people, params, names):
    got = listed(people["maya"], **params)
    assert got == names
    assert "Hana Acme" not in got


def test_a_hidden_member_is_never_listed_nor_counted(people):
    page = client_for(people["maya"]).get(reverse("member_list"), {"organisation": "acme"})
    assert page.context["page"].paginator.count == 1
    assert "1 member found" in page.content.decode()
    assert "Hana" not in page.content.decode()
    # A coordinator may open Hana's profile, so she is listed for them.
    assert listed(
        make_member("c@example.org", "Cleo", "Coord", role="coordinator"), unit="pay"
    ) == [
        "Hana Acme",
        "Daniel Okafor",
    ]


def test_a_member_with_two_matching_positions_is_listed_once(people):
    assert list(member_directory(people["maya"], {"organisation": "Acme"})) == [people["daniel"]]


def test_pages_of_25_and_a_bad_page_number(mentee):
    for number in range(DIRECTORY_PAGE_SIZE + 1):
        make_member(f"p{number:02}@example.org", "Person", f"P{number:02}")
    make_member("hidden@example.org", "Person", "Hidden", visibility="coordinators")
    visible = members_visible_to(mentee).count()
    assert visible == DIRECTORY_PAGE_SIZE + 2
    as_maya = client_for(mentee)
    first = as_maya.get(reverse("member_list"), {"q": "person"})
    assert len(first.context["page"]) == DIRECTORY_PAGE_SIZE
    assert first.context["page"].paginator.count == DIRECTORY_PAGE_SIZE + 1
    assert 'href="?q=person&amp;page=2"' in first.content.decode()
    second = as_maya.get(reverse("member_list"), {"q": "person", "page": "2"})
    assert [m.last_name for m in second.context["page"]] == ["P25"]
    assert 'href="?q=person&amp;page=1"' in second.content.decode()
    past_the_end = as_maya.get(reverse("member_list"), {"q": "person", "page": "99"})
    assert past_the_end.status_code == 200
    assert past_the_end.context["page"].number == 2
    not_a_number = as_maya.get(reverse("member_list"), {"q": "person", "page": "x"})
    assert not_a_number.status_code == 200
    assert not_a_number.context["page"].number == 1


@pytest.mark.parametrize("year", ["soon", "1850", "99999999999999999999"])
def test_a_bad_graduation_year_is_refused_with_the_field_named(people, year):
    response = client_for(people["maya"]).get(reverse("member_list"), {"graduation_year": year})
    assert response.status_code == 422
    assert list(response.context["form"].errors) == ["graduation_year"]
    assert response.context["page"] is None
    assert "Daniel" not in response.content.decode()


def test_the_profile_says_how_the_viewer_knows_the_person(people):
    maya, daniel, lee = people["maya"], people["daniel"], people["lee"]
    position(maya, "Acme", "Payments", dt.date(2020, 1, 1))
    ties_refresh_all(as_of=TODAY)
    page = client_for(maya).get(reverse("member_profile", args=[daniel.pk])).content.decode()
    assert "How you know Daniel" in page
    assert "<li>You work together on the Payments team at Acme since 2020</li>" in page
    unknown = client_for(maya).get(reverse("member_profile", args=[lee.pk])).content.decode()
    assert "No shared history on record." in unknown
    own = client_for(maya).get(reverse("my_profile")).content.decode()
    assert "How you know" not in own


def test_a_stranger_cannot_open_a_hidden_profile_from_the_directory(people, stranger):
    response = client_for(stranger).get(reverse("member_profile", args=[people["hana"].pk]))
    assert response.status_code == 404
    assert "Hana" not in " ".join(listed(stranger))
