import datetime as dt

import pytest
from django.urls import reverse

from deskmate.core.models import AuditEntry
from deskmate.people.models import Position

pytestmark = pytest.mark.django_db


def test_add_position_through_the_form(as_mentee, mentee):
    response = as_mentee.post(
        reverse("position_add"),
        {
            "organisation": "Acme Inc.",
            "unit": "Payments",
            "title": "Engineer",
            "start": "2020-02-01",
            "end": "",
        },
    )
    assert response.status_code == 302
    position = Position.objects.get(member=mentee)
    assert (
        position.organisation.name,
        position.unit.name,
        position.title,
        position.start,
        position.end,
    ) == (
        "Acme Inc.",
        "Payments",
        "Engineer",
        dt.date(2020, 2, 1),
        None,
    )


@pytest.mark.parametrize(
    "data, field, message",
    [
        (
            {
                "organisation": "Acme",
                "title": "Engineer",
                "start": "2021-01-01",
                "end": "2020-01-01",
            },
            "end",
            "The end date is before the start date.",
        ),
        (
            {"organisation": "Acme", "title": "Engineer", "start": "2999-01-01"},
            "start",
            "The start date is in the future.",
        ),
        (
            {"organisation": "   ", "title": "Engineer", "start": "2020-01-01"},
            "organisation",
            "This field is required.",
        ),
        (
            {"organisation": "Acme", "title": "Engineer", "start": "soon"},
            "start",
            "Enter a valid date.",
        ),
    ],
)
def test_bad_position_is_explained_and_nothing_is_saved(as_mentee, data, field, message):
    response = as_mentee.post(reverse("position_add"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert Position.objects.count() == 0
    assert AuditEntry.objects.filter(action="position_create").count() == 0


def test_edit_profile(as_mentee, mentee):
    response = as_mentee.post(
        reverse("profile_edit"),
        {
            "first_name": "Maya",
            "last_name": "Patel",
            "pronouns": "she/her",
            "headline": "Senior Engineer",
            "location": "Leeds",
            "about": "",
            "visibility": "ties",
            "mentee_capacity": "0",
        },
    )
    assert response.status_code == 302
    mentee.refresh_from_db()
    assert (mentee.headline, mentee.pronouns, mentee.visibility) == (
        "Senior Engineer",
        "she/her",
        "ties",
    )


def test_edit_position_keeps_it_one_row(as_mentee, mentee):
    as_mentee.post(
        reverse("position_add"),
        {"organisation": "Acme", "title": "Engineer", "start": "2020-02-01"},
    )
    position = Position.objects.get()
    response = as_mentee.post(
        reverse("position_edit", args=[position.pk]),
        {
            "organisation": "Acme",
            "title": "Senior Engineer",
            "start": "2020-02-01",
            "end": "2023-01-31",
        },
    )
    assert response.status_code == 302
    position.refresh_from_db()
    assert (position.title, position.end) == ("Senior Engineer", dt.date(2023, 1, 31))
    assert Position.objects.count() == 1


def test_skills_goals_offers_pages(as_mentee, mentee):
    as_mentee.post(reverse("skill_add"), {"name": "Python"})
    as_mentee.post(
        reverse("goal_add"), {"text": "Lead a team", "target_role": "Engineering Manager"}
    )
    as_mentee.post(reverse("offer_add"), {"text": "Code reviews"})
    page = as_mentee.get(reverse("my_profile")).content.decode()
    for text in ("Python", "Lead a team", "Engineering Manager", "Code reviews"):
        assert text in page


def test_api_token_is_shown_once(as_mentee, mentee):
    response = as_mentee.post(reverse("api_tokens"), {"name": "laptop"})
    key = response.context["new_key"]
    assert key.startswith("dm_") and key in response.content.decode()
    assert key not in as_mentee.get(reverse("api_tokens")).content.decode()


def test_sign_in_with_email(client, mentee):
    from tests.conftest import PASSWORD

    response = client.post(reverse("login"), {"username": "maya@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_sign_in_with_wrong_password_is_refused(client, mentee):
    response = client.post(reverse("login"), {"username": "maya@example.org", "password": "nope"})
    assert response.status_code == 200
    assert "do not match" in response.content.decode()
