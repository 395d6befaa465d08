"""The invited list: name, status (sent, opened, joined, declined) from a tracked link, and resending."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from deskmate.core.models import AuditEntry
from deskmate.notifications.models import Notification
from deskmate.programmes import services
from deskmate.programmes.models import Invitation
from deskmate.programmes.selectors import invitations_of
from tests.conftest import client_for
from tests.people.test_api import bearer
from tests.programmes.conftest import apply

pytestmark = pytest.mark.django_db


def statuses(programme) -> dict[str, tuple[str, str]]:
    return {row.invitation.email: (row.name, row.status) for row in invitations_of(programme)}


def tracked_path(body: str) -> str:
    link = re.search(r"https?://\S+/invitations/\S+/", body).group(0)
    return re.sub(r"^https?://[^/]+", "", link)


@pytest.fixture
def invited(programme, coordinator, stranger, django_capture_on_commit_callbacks):
    """Ann and Zoe have no account; Sam (the stranger) is a member."""
    with django_capture_on_commit_callbacks(execute=True):
        services.invitations_send(
            programme=programme,
            actor=coordinator,
            emails=["ann@example.org", "zoe@example.org", "sam@example.org"],
        )
    return programme


def test_statuses_follow_the_tracked_link(invited, stranger):
    assert statuses(invited) == {
        "ann@example.org": ("", "sent"),
        "zoe@example.org": ("", "sent"),
        "sam@example.org": ("Sam Stranger", "sent"),
    }
    ann = next(m for m in mail.outbox if m.to == ["ann@example.org"])
    visitor = Client()
    landing = visitor.get(tracked_path(ann.body))
    assert landing.status_code == 200
    assert 'id="invitation-join"' in landing.content.decode()
    assert statuses(invited)["ann@example.org"] == ("", "opened")
    # A second visit keeps the first time.
    opened_at = Invitation.objects.get(email="ann@example.org").opened_at
    visitor.get(tracked_path(ann.body))
    assert Invitation.objects.get(email="ann@example.org").opened_at == opened_at

    zoe = next(m for m in mail.outbox if m.to == ["zoe@example.org"])
    declined = Client().post(tracked_path(zoe.body), {"answer": "decline"})
    assert declined.status_code == 200 and 'id="invitation-declined"' in declined.content.decode()
    assert statuses(invited)["zoe@example.org"] == ("", "declined")
    assert AuditEntry.objects.filter(action="invitation_decline").count() == 1

    # Sam, a member, was told in deskmate; the notification's link is the tracked one.
    told = Notification.objects.get(recipient=stranger, kind="programme_invitation")
    as_sam = client_for(stranger)
    assert as_sam.get(told.url).status_code == 200
    apply(invited, stranger, "mentee")
    assert statuses(invited)["sam@example.org"] == ("Sam Stranger", "joined")


def test_a_forged_link_is_404_and_marks_nothing(invited):
    assert Client().get("/invitations/1:forged/").status_code == 404
    assert Client().post("/invitations/1:forged/", {"answer": "decline"}).status_code == 404
    assert not Invitation.objects.filter(opened_at__isnull=False).exists()
    assert not Invitation.objects.filter(declined_at__isnull=False).exists()


def test_a_decline_needs_the_decline_answer(invited):
    ann = next(m for m in mail.outbox if m.to == ["ann@example.org"])
    response = Client().post(tracked_path(ann.body), {"answer": "maybe"})
    assert response.status_code == 422
    assert not Invitation.objects.filter(declined_at__isnull=False).exists()


def test_the_invite_page_lists_name_status_and_resend(invited, as_coordinator):
    page = re.sub(
        r"\s+", " ", as_coordinator.get(f"/programmes/{invited.pk}/invite/").content.decode()
    )
    sam = Invitation.objects.get(email="sam@example.org")
    assert f'<tr id="invitation-{sam.pk}"> <td>Sam Stranger</td> <td>sam@example.org</td>' in page
    assert 'data-status="sent">Sent<' in page
    assert page.count("Resend</button>") == 3


def test_resending_sends_again_and_counts(
    invited, coordinator, stranger, as_coordinator, django_capture_on_commit_callbacks
):
    ann = Invitation.objects.get(email="ann@example.org")
    sam = Invitation.objects.get(email="sam@example.org")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_coordinator.post(f"/programmes/{invited.pk}/invitations/{ann.pk}/resend/")
        as_coordinator.post(f"/programmes/{invited.pk}/invitations/{sam.pk}/resend/")
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["ann@example.org"]]
    assert "/invitations/" in mail.outbox[0].body
    ann.refresh_from_db()
    assert ann.sends == 2
    # Sam is told in deskmate a second time (a first notification would not be repeated).
    assert Notification.objects.filter(recipient=stranger, kind="programme_invitation").count() == 2
    assert AuditEntry.objects.filter(action="invitation_resend").count() == 2


def test_no_resend_after_a_decline_or_an_application(invited, coordinator, stranger):
    zoe = Invitation.objects.get(email="zoe@example.org")
    services.invitation_decline(invitation=zoe)
    with pytest.raises(ValidationError) as declined:
        services.invitation_resend(invitation=zoe, actor=coordinator)
    assert declined.value.messages == [services.INVITATION_DECLINED.format(email="zoe@example.org")]
    apply(invited, stranger, "mentee")
    sam = Invitation.objects.get(email="sam@example.org")
    with pytest.raises(ValidationError) as joined:
        services.invitation_resend(invitation=sam, actor=coordinator)
    assert joined.value.messages == [services.INVITATION_JOINED.format(name="Sam Stranger")]
    assert set(Invitation.objects.values_list("email", "sends")) == {
        ("ann@example.org", 1),
        ("zoe@example.org", 1),
        ("sam@example.org", 1),
    }


def test_resending_is_rate_limited(invited, as_coordinator, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "invitations": ("2/h", "100/h")}
    ann = Invitation.objects.get(email="ann@example.org")
    url = f"/programmes/{invited.pk}/invitations/{ann.pk}/resend/"
    answers = [as_coordinator.post(url).status_code for _ in range(3)]
    assert answers == [302, 302, 429]
    ann.refresh_from_db()
    assert ann.sends == 3


@pytest.mark.parametrize("who", ["stranger", "mentee"])
def test_members_cannot_list_or_resend(request, invited, who):
    member = request.getfixturevalue(who)
    ann = Invitation.objects.get(email="ann@example.org")
    assert (
        client_for(member)
        .post(f"/programmes/{invited.pk}/invitations/{ann.pk}/resend/")
        .status_code
        == 404
    )
    api = bearer(member)
    assert api.get(f"/api/v1/programmes/{invited.pk}/invitations").status_code == 404
    assert (
        api.post(f"/api/v1/programmes/{invited.pk}/invitations/{ann.pk}/resend").status_code == 404
    )
    assert set(Invitation.objects.values_list("sends", flat=True)) == {1}
    assert AuditEntry.objects.filter(action="invitation_resend").count() == 0


def test_the_invitations_api(invited, coordinator):
    client = bearer(coordinator)
    rows = client.get(f"/api/v1/programmes/{invited.pk}/invitations").json()
    assert {(row["email"], row["name"], row["status"]) for row in rows} == {
        ("ann@example.org", "", "sent"),
        ("zoe@example.org", "", "sent"),
        ("sam@example.org", "Sam Stranger", "sent"),
    }
    ann = Invitation.objects.get(email="ann@example.org")
    again = client.post(f"/api/v1/programmes/{invited.pk}/invitations/{ann.pk}/resend")
    assert again.status_code == 200 and again.json()["sends"] == 2
    missing = client.post(f"/api/v1/programmes/{invited.pk}/invitations/999999/resend")
    assert missing.status_code == 404
