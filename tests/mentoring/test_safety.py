"""Blocks (silent, both ways) and reports (worked through by coordinators; the reporter hears back)."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from deskmate.mentoring import selectors, services
from deskmate.mentoring.models import Block, Report
from deskmate.mentoring.states import State
from deskmate.notifications.models import Notification
from tests.people.test_api import bearer

pytestmark = pytest.mark.django_db


def test_blocked_ids_go_both_ways(mentee, mentor, stranger):
    services.block_create(blocker=mentee, blocked=mentor)
    assert selectors.blocked_member_ids(mentee) == {mentor.pk}
    assert selectors.blocked_member_ids(mentor) == {mentee.pk}
    assert selectors.blocked_member_ids(stranger) == set()


def test_blocking_closes_open_requests_without_saying_why(asked, mentee, mentor):
    services.block_create(blocker=mentor, blocked=mentee)
    asked.refresh_from_db()
    assert asked.state == State.DECLINED
    told = Notification.objects.get(recipient=mentee, kind="request_answered")
    assert "block" not in (told.title + told.body).lower()
    assert Notification.objects.filter(recipient=mentee, title__icontains="block").count() == 0


def test_blocking_twice_is_one_block_and_unblocking_lets_requests_through(mentee, mentor):
    services.block_create(blocker=mentee, blocked=mentor)
    services.block_create(blocker=mentee, blocked=mentor)
    assert Block.objects.count() == 1
    services.block_remove(block=selectors.access_block(mentee, mentor.pk), actor=mentee)
    assert services.mentorship_request(requester=mentee, recipient=mentor).state == State.REQUESTED


def test_cannot_block_yourself(mentee):
    with pytest.raises(ValidationError) as refused:
        services.block_create(blocker=mentee, blocked=mentee)
    assert refused.value.messages == [services.CANNOT_BLOCK_YOURSELF]


def test_block_pages(as_mentee, as_stranger, mentee, mentor):
    assert as_mentee.get(reverse("member_block", args=[mentor.pk])).status_code == 200
    as_mentee.post(reverse("member_block", args=[mentor.pk]))
    assert "Daniel Okafor" in as_mentee.get(reverse("blocks")).content.decode()
    assert "Daniel Okafor" not in as_stranger.get(reverse("blocks")).content.decode()
    assert as_stranger.post(reverse("block_remove", args=[mentor.pk])).status_code == 404
    assert Block.objects.count() == 1
    as_mentee.post(reverse("block_remove", args=[mentor.pk]))
    assert Block.objects.count() == 0


def test_block_api(mentee, mentor, stranger):
    maya = bearer(mentee)
    created = maya.post(
        "/api/v1/mentorships/blocks",
        json.dumps({"member_id": mentor.pk}),
        content_type="application/json",
    )
    assert created.status_code == 201
    assert [b["blocked"]["id"] for b in maya.get("/api/v1/mentorships/blocks").json()] == [
        mentor.pk
    ]
    assert bearer(stranger).get("/api/v1/mentorships/blocks").json() == []
    assert bearer(stranger).delete(f"/api/v1/mentorships/blocks/{mentor.pk}").status_code == 404
    assert Block.objects.filter(blocker=mentee, blocked=mentor).count() == 1
    assert maya.delete(f"/api/v1/mentorships/blocks/{mentor.pk}").status_code == 204
    assert Block.objects.count() == 0


def test_report_flow(active, mentee, coordinator, stranger):
    report = services.report_create(reporter=mentee, mentorship=active, text="He keeps cancelling.")
    assert (
        Notification.objects.get(recipient=coordinator, kind="report_new").url
        == f"/safety/reports/{report.pk}/"
    )
    with pytest.raises(PermissionDenied):
        services.report_resolve(report=report, actor=stranger, outcome="x")
    services.report_resolve(
        report=report, actor=coordinator, outcome="We talked with him; sessions resume."
    )
    report.refresh_from_db()
    assert (report.status, report.resolved_by) == (Report.Status.RESOLVED, coordinator)
    told = Notification.objects.get(recipient=mentee, kind="report_outcome")
    assert (told.title, told.body) == (
        "Your report has been looked at",
        "We talked with him; sessions resume.",
    )
    with pytest.raises(ValidationError) as refused:
        services.report_resolve(report=report, actor=coordinator, outcome="Again")
    assert refused.value.messages == [services.REPORT_ALREADY_CLOSED]


def test_only_the_two_can_report_their_mentorship(active, stranger):
    with pytest.raises(PermissionDenied):
        services.report_create(reporter=stranger, mentorship=active, text="Something")
    assert Report.objects.count() == 0


def test_report_pages(active, mentor, as_mentee, as_stranger, as_coordinator):
    response = as_mentee.post(
        reverse("report_member", args=[mentor.pk]), {"text": "Rude in a check-in."}
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert as_mentee.get(reverse("reports")).status_code == 403
    assert as_stranger.get(reverse("reports")).status_code == 403
    assert as_stranger.get(reverse("report_detail", args=[report.pk])).status_code == 403
    assert (
        as_stranger.post(reverse("report_mentorship", args=[active.pk]), {"text": "x"}).status_code
        == 404
    )
    assert (
        "Rude in a check-in."
        in as_coordinator.get(reverse("report_detail", args=[report.pk])).content.decode()
    )
    assert "Daniel Okafor" in as_coordinator.get(reverse("reports")).content.decode()
    as_coordinator.post(
        reverse("report_detail", args=[report.pk]), {"outcome": "Spoken to.", "dismissed": ""}
    )
    assert "Spoken to." in as_mentee.get(reverse("my_reports")).content.decode()
    assert "Spoken to." not in as_stranger.get(reverse("my_reports")).content.decode()


def test_report_api(active, mentee, coordinator, stranger):
    created = bearer(mentee).post(
        "/api/v1/mentorships/reports",
        json.dumps({"mentorship_id": active.pk, "text": "Worried"}),
        content_type="application/json",
    )
    assert created.status_code == 201
    assert (
        bearer(stranger)
        .post(
            "/api/v1/mentorships/reports",
            json.dumps({"mentorship_id": active.pk, "text": "x"}),
            content_type="application/json",
        )
        .status_code
        == 404
    )
    assert Report.objects.count() == 1
    assert bearer(stranger).get("/api/v1/mentorships/reports").status_code == 403
    queue = bearer(coordinator).get("/api/v1/mentorships/reports").json()
    assert [r["text"] for r in queue] == ["Worried"]
    pk = queue[0]["id"]
    assert (
        bearer(stranger)
        .post(
            f"/api/v1/mentorships/reports/{pk}/resolve",
            json.dumps({"outcome": "x"}),
            content_type="application/json",
        )
        .status_code
        == 404
    )
    assert Report.objects.get(pk=pk).status == "open"
    resolved = bearer(coordinator).post(
        f"/api/v1/mentorships/reports/{pk}/resolve",
        json.dumps({"outcome": "Handled", "dismissed": True}),
        content_type="application/json",
    )
    assert resolved.json()["status"] == "dismissed"
    assert [
        r["outcome"] for r in bearer(mentee).get("/api/v1/mentorships/reports/mine").json()
    ] == ["Handled"]
