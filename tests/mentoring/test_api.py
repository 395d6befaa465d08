"""The API: same services, same access. Every endpoint refuses the stranger and the coordinator."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from deskmate.mentoring import services
from deskmate.mentoring.models import InfoRequest, Mentorship, SurveyResponse
from deskmate.mentoring.states import State
from tests.people.test_api import bearer

pytestmark = pytest.mark.django_db
SECRET = "My manager is leaving in March"


@pytest.fixture
def lived_in(active, mentee, mentor):
    milestone = services.milestone_create(mentorship=active, actor=mentee, title="Run a retro")
    services.checkin_record(
        mentorship=active, actor=mentor, held_on=timezone.localdate(), notes=SECRET
    )
    services.feedback_give(mentorship=active, actor=mentor, text=SECRET)
    return active, milestone


def _post(client, path, body=None, method="post"):
    return getattr(client, method)(path, json.dumps(body or {}), content_type="application/json")


GETS = [
    "",
    "/timeline",
    "/agreement",
    "/milestones",
    "/checkins",
    "/checkins/next.ics",
    "/feedback",
    "/surveys",
]
# What each read must contain for the two people.
READS_SHOW = {
    "": lambda body, mentee, mentor: mentee.name in body and mentor.name in body,
    "/timeline": lambda body, *_: "Run a retro" in body and "gave feedback" in body,
    "/agreement": lambda body, *_: json.loads(body)["version"] == 1,
    "/milestones": lambda body, *_: json.loads(body)[0]["title"] == "Run a retro",
    "/checkins": lambda body, *_: json.loads(body)[0]["notes"] == SECRET,
    "/checkins/next.ics": lambda body, *_: body.startswith("BEGIN:VCALENDAR"),
    "/feedback": lambda body, *_: json.loads(body)[0]["text"] == SECRET,
    "/surveys": lambda body, *_: (
        json.loads(body) == {"due_kind": None, "due_on": None, "answered": []}
    ),
}
WRITES = [
    ("post", "/accept", {}),
    ("post", "/decline", {"reason": "x"}),
    ("post", "/ask-info", {"question": "x"}),
    ("post", "/answer-info", {"answer": "x"}),
    ("post", "/withdraw", {}),
    ("post", "/complete", {}),
    ("post", "/end", {"reason": "x"}),
    ("put", "/agreement", {"cadence": "weekly", "duration_weeks": 8}),
    ("post", "/milestones", {"title": "x"}),
    ("post", "/milestones/{milestone}/complete", {}),
    ("post", "/checkins", {"held_on": "2024-01-01"}),
    ("post", "/feedback", {"text": "x"}),
    ("post", "/surveys", {"satisfaction": 3}),
]


def test_schema_lists_the_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/mentorships",
        "/api/v1/mentorships/{mentorship_id}",
        "/api/v1/mentorships/{mentorship_id}/accept",
        "/api/v1/mentorships/{mentorship_id}/checkins",
        "/api/v1/mentorships/{mentorship_id}/timeline",
        "/api/v1/mentorships/{mentorship_id}/checkins/next.ics",
        "/api/v1/mentorships/overview",
        "/api/v1/mentorships/blocks",
        "/api/v1/mentorships/reports",
        "/api/v1/notifications",
        "/api/v1/notifications/unread-count",
        "/api/v1/notifications/preferences",
    ):
        assert path in paths


@pytest.mark.parametrize("suffix", GETS)
def test_the_two_people_read_everything(lived_in, mentee, mentor, suffix):
    active, _ = lived_in
    for member in (mentee, mentor):
        response = bearer(member).get(f"/api/v1/mentorships/{active.pk}{suffix}")
        assert response.status_code == 200
        assert READS_SHOW[suffix](response.content.decode(), mentee, mentor)


@pytest.mark.parametrize("suffix", GETS)
def test_stranger_and_coordinator_read_nothing(lived_in, stranger, coordinator, suffix):
    active, _ = lived_in
    for member in (stranger, coordinator):
        response = bearer(member).get(f"/api/v1/mentorships/{active.pk}{suffix}")
        assert response.status_code == 404
        assert SECRET not in response.content.decode()


@pytest.mark.parametrize("method, suffix, body", WRITES)
def test_stranger_and_coordinator_write_nothing(
    lived_in, stranger, coordinator, method, suffix, body
):
    active, milestone = lived_in
    path = f"/api/v1/mentorships/{active.pk}{suffix.format(milestone=milestone.pk)}"
    for member in (stranger, coordinator):
        assert _post(bearer(member), path, body, method).status_code == 404
    active.refresh_from_db()
    milestone.refresh_from_db()
    assert (
        active.state,
        active.checkins.count(),
        active.feedback.count(),
        active.agreement_versions.count(),
        active.milestones.count(),
        milestone.done_at,
        InfoRequest.objects.count(),
        SurveyResponse.objects.count(),
    ) == (State.ACTIVE, 1, 1, 1, 1, None, 0, 0)


def test_request_accept_and_work_through_the_api(mentee, mentor, goal):
    maya, daniel = bearer(mentee), bearer(mentor)
    created = _post(
        maya,
        "/api/v1/mentorships",
        {
            "recipient_id": mentor.pk,
            "message": "Would you?",
            "goal_ids": [goal.pk],
            "cadence": "weekly",
            "duration_weeks": 8,
        },
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["state"], body["goals"], body["requester"]["name"]) == (
        "requested",
        [{"id": goal.pk, "text": "Lead a team"}],
        "Maya Patel",
    )
    pk = body["id"]
    assert _post(maya, f"/api/v1/mentorships/{pk}/accept").status_code == 403
    assert _post(daniel, f"/api/v1/mentorships/{pk}/accept").json()["state"] == "active"
    milestone = _post(maya, f"/api/v1/mentorships/{pk}/milestones", {"title": "Run a retro"}).json()
    done = _post(daniel, f"/api/v1/mentorships/{pk}/milestones/{milestone['id']}/complete").json()
    assert done["done_by"]["name"] == "Daniel Okafor"
    checkin = _post(
        maya,
        f"/api/v1/mentorships/{pk}/checkins",
        {
            "held_on": timezone.localdate().isoformat(),
            "topics": "Hiring",
            "next_checkin_on": (timezone.localdate() + dt.timedelta(days=7)).isoformat(),
        },
    )
    assert checkin.status_code == 201
    agreement = _post(
        daniel,
        f"/api/v1/mentorships/{pk}/agreement",
        {
            "cadence": "monthly",
            "duration_weeks": 13,
            "goals": "Lead a team",
            "meeting": "Lunch",
        },
        "put",
    ).json()
    assert (agreement["version"], agreement["updated_by"]["name"]) == (2, "Daniel Okafor")
    timeline = maya.get(f"/api/v1/mentorships/{pk}/timeline").json()
    assert [e["kind"] for e in timeline] == [
        "agreement",
        "checkin",
        "milestone_done",
        "milestone_added",
        "accepted",
        "requested",
    ]
    assert timeline[2]["celebrated"] is True
    ics = maya.get(f"/api/v1/mentorships/{pk}/checkins/next.ics")
    assert ics["Content-Type"] == "text/calendar; charset=utf-8"


def test_refusals_come_back_as_422_with_the_message(asked, mentee, mentor):
    daniel = bearer(mentor)
    _post(daniel, f"/api/v1/mentorships/{asked.pk}/decline")
    response = _post(daniel, f"/api/v1/mentorships/{asked.pk}/accept")
    assert response.status_code == 422
    assert response.json() == {
        "detail": [{"loc": [], "msg": "This request was declined; it can no longer be accepted."}]
    }
    asked.refresh_from_db()
    assert (asked.state, asked.agreement_versions.count()) == (State.DECLINED, 0)


def test_cannot_use_someone_elses_goals(mentee, mentor):
    from deskmate.people.services import goal_create

    theirs = goal_create(member=mentor, actor=mentor, text="Write a book")
    response = _post(
        bearer(mentee), "/api/v1/mentorships", {"recipient_id": mentor.pk, "goal_ids": [theirs.pk]}
    )
    assert response.status_code == 422
    assert Mentorship.objects.count() == 0


def test_request_to_someone_invisible_is_404(mentee, mentor):
    mentor.visibility = "coordinators"
    mentor.save()
    response = _post(bearer(mentee), "/api/v1/mentorships", {"recipient_id": mentor.pk})
    assert response.status_code == 404
    assert Mentorship.objects.count() == 0


def test_list_is_scoped_to_the_viewer(asked, mentee, stranger):
    assert [m["id"] for m in bearer(mentee).get("/api/v1/mentorships").json()] == [asked.pk]
    assert bearer(stranger).get("/api/v1/mentorships").json() == []


def test_overview_is_for_coordinators_and_has_no_content(lived_in, coordinator, stranger):
    rows = bearer(coordinator).get("/api/v1/mentorships/overview").json()
    assert (rows[0]["checkin_count"], rows[0]["feedback_count"], rows[0]["milestone_count"]) == (
        1,
        1,
        1,
    )
    assert SECRET not in json.dumps(rows) and "message" not in rows[0]
    assert bearer(stranger).get("/api/v1/mentorships/overview").status_code == 403


def test_availability_api(mentor, stranger):
    response = _post(
        bearer(mentor), "/api/v1/mentorships/availability", {"unavailable": True}, "put"
    )
    assert response.json() == {"unavailable": True, "inactive": False}
    assert bearer(stranger).get("/api/v1/mentorships/availability").json() == {
        "unavailable": False,
        "inactive": False,
    }


def test_anonymous_is_refused(client, active):
    assert client.get(f"/api/v1/mentorships/{active.pk}").status_code == 401
