"""Invitations by e-mail or CSV, and the import pages from upload to result."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from deskmate.notifications.models import Notification
from deskmate.programmes import services
from deskmate.programmes.models import Application, ApplicationImport, Invitation
from tests.programmes.test_import import GOOD

pytestmark = pytest.mark.django_db


def test_invitations_by_email_and_csv(
    programme, as_coordinator, stranger, django_capture_on_commit_callbacks
):
    csv_file = SimpleUploadedFile(
        "people.csv", b"Name,E-mail address\nSam,sam@example.org\nZoe,zoe@example.org\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = as_coordinator.post(
            f"/programmes/{programme.pk}/invite/",
            {"emails": "ann@example.org, zoe@example.org", "file": csv_file},
        )
    assert response.status_code == 302
    assert sorted(Invitation.objects.values_list("email", flat=True)) == [
        "ann@example.org",
        "sam@example.org",
        "zoe@example.org",
    ]
    # Non-members get an e-mail with the link; Sam, a member, is told in deskmate.
    assert sorted(message.to[0] for message in mail.outbox if "invited" in message.subject) == [
        "ann@example.org",
        "zoe@example.org",
    ]
    assert f"/programmes/{programme.pk}/" in mail.outbox[0].body
    assert Notification.objects.get(kind="programme_invitation").recipient == stranger
    with django_capture_on_commit_callbacks(execute=True):
        again = services.invitations_send(
            programme=programme, actor=programme.created_by, emails=["ann@example.org"]
        )
    assert again == 0
    assert Invitation.objects.count() == 3


def test_a_bad_invitation_list_invites_nobody(programme, as_coordinator):
    response = as_coordinator.post(
        f"/programmes/{programme.pk}/invite/", {"emails": "ann@example.org, not-an-address"}
    )
    assert response.status_code == 200
    assert services.INVALID_EMAILS.format(emails="not-an-address") in response.content.decode()
    assert Invitation.objects.count() == 0


def test_the_import_pages_from_upload_to_refusal(programme, as_coordinator):
    bad = GOOD.replace("lena@example.org", "lena-at-example.org")
    response = as_coordinator.post(
        f"/programmes/{programme.pk}/import/",
        {"file": SimpleUploadedFile("responses.csv", bad.encode())},
    )
    upload = ApplicationImport.objects.get()
    assert response["Location"] == f"/programmes/{programme.pk}/import/{upload.pk}/"
    page = as_coordinator.get(response["Location"]).content.decode()
    assert "Map the columns of responses.csv" in page
    posted = {f"column_{n}": upload.mapping[label] for n, label in enumerate(upload.columns)}
    response = as_coordinator.post(f"/programmes/{programme.pk}/import/{upload.pk}/", posted)
    result = as_coordinator.get(response["Location"]).content.decode()
    assert "Nothing was imported" in result
    assert (
        "responses.csv, row 2, &quot;Email address&quot;: &quot;lena-at-example.org&quot; is not an email address"
        in result
    )
    assert Application.objects.count() == 0


def test_a_coordinator_edits_an_application(cohort, as_coordinator, mentee):
    application = Application.objects.get(member=mentee)
    response = as_coordinator.post(
        f"/programmes/{cohort.pk}/applications/{application.pk}/",
        {"role": "mentee", "goals": "Run a team of five", "topic_2": "1"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.goals, application.topics) == ("Run a team of five", {"Career change": 1})
