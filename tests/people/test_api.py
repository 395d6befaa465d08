import datetime as dt
import json

import pytest
from django.test import Client

from deskmate.people import services
from deskmate.people.models import Member, Position

pytestmark = pytest.mark.django_db


def bearer(member) -> Client:
    _, key = services.api_token_create(member=member, name="test")
    return Client(headers={"Authorization": f"Bearer {key}"})


def test_schema_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "deskmate API"
    for path in (
        "/api/v1/me",
        "/api/v1/me/positions",
        "/api/v1/members/{member_id}",
        "/api/v1/imports",
    ):
        assert path in schema["paths"]


@pytest.mark.parametrize(
    "path", ["/api/v1/me", "/api/v1/me/positions", "/api/v1/members", "/api/v1/imports"]
)
def test_anonymous_is_refused(client, path):
    assert client.get(path).status_code == 401


def test_bad_token_is_refused(client, mentee):
    assert client.get("/api/v1/me", headers={"Authorization": "Bearer dm_nope"}).status_code == 401


def test_me_with_token(mentee):
    response = bearer(mentee).get("/api/v1/me")
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["email"], body["role"], body["positions"]) == (
        "Maya Patel",
        "maya@example.org",
        "member",
        [],
    )


def test_me_with_session(as_mentee):
    assert as_mentee.get("/api/v1/me").json()["first_name"] == "Maya"


def test_session_writes_need_csrf(mentee):
    client = Client(enforce_csrf_checks=True)
    client.force_login(mentee.user)
    response = client.post(
        "/api/v1/me/goals", json.dumps({"text": "Lead a team"}), content_type="application/json"
    )
    assert response.status_code == 403
    assert mentee.goals.count() == 0


def test_patch_profile(mentee):
    response = bearer(mentee).patch(
        "/api/v1/me", json.dumps({"headline": "Staff Engineer"}), content_type="application/json"
    )
    assert response.status_code == 200
    mentee.refresh_from_db()
    assert mentee.headline == "Staff Engineer"


def test_patch_profile_refuses_bad_visibility(mentee):
    response = bearer(mentee).patch(
        "/api/v1/me", json.dumps({"visibility": "everyone"}), content_type="application/json"
    )
    assert response.status_code == 422
    mentee.refresh_from_db()
    assert mentee.visibility == Member.Visibility.COMMUNITY


def test_position_crud(mentee):
    api = bearer(mentee)
    created = api.post(
        "/api/v1/me/positions",
        json.dumps(
            {"organisation": "Acme", "unit": "Payments", "title": "Engineer", "start": "2020-01-01"}
        ),
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["organisation"], body["unit"], body["end"]) == ("Acme", "Payments", None)
    updated = api.put(
        f"/api/v1/me/positions/{body['id']}",
        json.dumps(
            {
                "organisation": "Acme",
                "title": "Senior Engineer",
                "start": "2020-01-01",
                "end": "2022-01-01",
            }
        ),
        content_type="application/json",
    )
    assert updated.json()["title"] == "Senior Engineer"
    assert api.delete(f"/api/v1/me/positions/{body['id']}").status_code == 204
    assert Position.objects.count() == 0


def test_bad_position_gets_422_naming_the_field(mentee):
    response = bearer(mentee).post(
        "/api/v1/me/positions",
        json.dumps(
            {
                "organisation": "Acme",
                "title": "Engineer",
                "start": "2021-01-01",
                "end": "2020-01-01",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": [{"loc": ["end"], "msg": "The end date is before the start date."}]
    }
    assert Position.objects.count() == 0


def test_stranger_cannot_change_or_delete_anothers_position(mentee, stranger):
    position = services.position_create(
        member=mentee,
        actor=mentee,
        organisation="Acme",
        title="Engineer",
        start=dt.date(2020, 1, 1),
    )
    api = bearer(stranger)
    payload = json.dumps({"organisation": "Evil", "title": "Hacked", "start": "2020-01-01"})
    assert (
        api.put(
            f"/api/v1/me/positions/{position.pk}", payload, content_type="application/json"
        ).status_code
        == 404
    )
    assert api.delete(f"/api/v1/me/positions/{position.pk}").status_code == 404
    position.refresh_from_db()
    assert position.title == "Engineer"


def test_member_detail_respects_visibility(mentee, stranger, coordinator):
    services.profile_update(member=mentee, actor=mentee, visibility=Member.Visibility.COORDINATORS)
    assert bearer(stranger).get(f"/api/v1/members/{mentee.pk}").status_code == 404
    response = bearer(coordinator).get(f"/api/v1/members/{mentee.pk}")
    assert response.status_code == 200
    assert "email" not in response.json()


def test_goals_skills_offers(mentee):
    api = bearer(mentee)
    assert (
        api.post(
            "/api/v1/me/goals",
            json.dumps({"text": "Lead a team", "target_skill": "Management"}),
            content_type="application/json",
        ).status_code
        == 201
    )
    assert (
        api.post(
            "/api/v1/me/skills", json.dumps({"name": "Python"}), content_type="application/json"
        ).status_code
        == 201
    )
    assert (
        api.post(
            "/api/v1/me/offers",
            json.dumps({"text": "Mock interviews"}),
            content_type="application/json",
        ).status_code
        == 201
    )
    me = api.get("/api/v1/me").json()
    assert [g["target_skill"] for g in me["goals"]] == ["Management"]
    assert [s["name"] for s in me["skills"]] == ["Python"]
    assert [o["text"] for o in me["offers"]] == ["Mock interviews"]
