import datetime as dt
import re

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from deskmate.notifications import selectors, services
from deskmate.notifications.models import EmailDelivery, Notification, Preference
from deskmate.people.services import WAY_IN, member_create
from tests.people.test_api import bearer

pytestmark = pytest.mark.django_db


def _tell(member, title="Hello", key=""):
    with transaction.atomic():
        return services.notify(
            recipient=member, kind="test", title=title, url="/mentorships/", key=key
        )


def test_a_key_is_told_once(mentee):
    assert _tell(mentee, key="checkin_upcoming:1:2025-05-03") is not None
    assert _tell(mentee, key="checkin_upcoming:1:2025-05-03") is None
    assert Notification.objects.count() == 1
    assert EmailDelivery.objects.count() == 1


def test_email_follows_the_preference(mentee, mentor, stranger):
    services.preference_update(member=mentor, email=Preference.Email.DAILY, actor=mentor)
    services.preference_update(member=stranger, email=Preference.Email.NONE, actor=stranger)
    for member in (mentee, mentor, stranger):
        _tell(member)
    assert list(EmailDelivery.objects.values_list("recipient", "kind")) == [
        (mentee.pk, "immediate")
    ]


def test_unread_count(mentee, stranger):
    _tell(mentee)
    _tell(mentee, "Second")
    assert (
        selectors.unread_count(mentee),
        selectors.unread_count(stranger),
        selectors.unread_count(None),
    ) == (2, 0, 0)
    services.notifications_mark_all_read(member=mentee)
    assert selectors.unread_count(mentee) == 0


def test_notifications_page_and_opening_one(mentee, as_mentee, as_stranger):
    told = _tell(mentee, "Daniel accepted")
    page = as_mentee.get(reverse("notifications"))
    assert "Daniel accepted" in page.content.decode()
    assert "Daniel accepted" not in as_stranger.get(reverse("notifications")).content.decode()
    assert as_stranger.post(reverse("notification_open", args=[told.pk])).status_code == 404
    told.refresh_from_db()
    assert told.read_at is None
    response = as_mentee.post(reverse("notification_open", args=[told.pk]))
    assert (response.status_code, response.url) == (302, "/mentorships/")
    told.refresh_from_db()
    assert told.read_at is not None


def test_preference_page(as_mentee, mentee, as_stranger):
    assert as_mentee.get(reverse("notification_preferences")).status_code == 200
    as_mentee.post(reverse("notification_preferences"), {"email": "daily"})
    assert selectors.email_preference(mentee) == "daily"
    as_stranger.post(reverse("notification_preferences"), {"email": "none"})
    assert selectors.email_preference(mentee) == "daily"


def test_api(mentee, stranger):
    told = _tell(mentee, "Daniel accepted")
    maya, sam = bearer(mentee), bearer(stranger)
    assert [n["title"] for n in maya.get("/api/v1/notifications").json()] == ["Daniel accepted"]
    assert sam.get("/api/v1/notifications").json() == []
    assert maya.get("/api/v1/notifications/unread-count").json() == {"unread": 1}
    assert sam.post(f"/api/v1/notifications/{told.pk}/read").status_code == 404
    told.refresh_from_db()
    assert told.read_at is None
    assert maya.post(f"/api/v1/notifications/{told.pk}/read").json()["read_at"] is not None
    response = maya.put(
        "/api/v1/notifications/preferences", '{"email": "none"}', content_type="application/json"
    )
    assert response.json() == {"email": "none"}
    assert sam.get("/api/v1/notifications/preferences").json() == {"email": "immediate"}


def test_only_local_links(mentee):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.notify(recipient=mentee, kind="x", title="x", url="https://evil.example/")


def test_every_e_mail_to_someone_without_a_password_carries_a_way_in(db, mentee):
    """The digest too: a newcomer an import created can sign in from any e-mail deskmate sends."""
    newcomer = member_create(
        email="ines@example.org", password=None, first_name="Inès", last_name="Moreau"
    )
    for member in (newcomer, mentee):
        services.preference_update(member=member, email="daily", actor=member)
        services.notify(recipient=member, kind="test", title="Something happened")
    tomorrow = timezone.now() + dt.timedelta(days=1)
    assert services.digests_schedule(now=tomorrow) == 2
    for delivery in EmailDelivery.objects.filter(kind="digest"):
        assert services.email_delivery_attempt(delivery.pk, retry=lambda *a: None) == "sent"
    by_address = {message.to[0]: message.body for message in mail.outbox}
    assert re.search(re.escape(WAY_IN) + r" http://\S+", by_address["ines@example.org"])
    assert WAY_IN not in by_address["maya@example.org"]


def test_marking_one_read_in_place_swaps_the_item(mentee, as_mentee):
    told = _tell(mentee, "Daniel accepted")
    other = _tell(mentee, "Olivia wrote")
    page = as_mentee.get(reverse("notifications")).content.decode()
    url = reverse("notification_read", args=[told.pk])
    assert f'hx-post="{url}" hx-target="#notification-{told.pk}" hx-swap="outerHTML"' in page

    response = as_mentee.post(url, HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<li class="read" id="notification-{told.pk}">')
    assert "Daniel accepted" in body and "Mark as read" not in body and "<html" not in body
    told.refresh_from_db()
    other.refresh_from_db()
    assert told.read_at is not None and other.read_at is None
    assert selectors.unread_count(mentee) == 1


def test_marking_one_read_without_javascript_comes_back_to_the_list(mentee, as_mentee):
    told = _tell(mentee, "Daniel accepted")
    response = as_mentee.post(reverse("notification_read", args=[told.pk]), follow=True)

    page = response.content.decode()
    assert response.redirect_chain == [(reverse("notifications"), 302)]
    assert "Marked as read." in page
    assert f'<li class="read" id="notification-{told.pk}">' in page
    assert selectors.unread_count(mentee) == 0


def test_a_stranger_cannot_mark_someone_elses_notification_read(mentee, as_stranger):
    told = _tell(mentee, "Daniel accepted")
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = as_stranger.post(reverse("notification_read", args=[told.pk]), **headers)
        assert response.status_code == 404
        assert "Daniel accepted" not in response.content.decode()
    told.refresh_from_db()
    assert told.read_at is None
    assert as_stranger.get(reverse("notification_read", args=[told.pk])).status_code == 405
