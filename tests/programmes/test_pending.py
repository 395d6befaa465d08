"""Mentors and mentees in two files with no role column, and mentees without addresses.

The pending applicants take part in the match run; publishing waits until the
coordinator adds each one's real address (typed, or from a second file) or
leaves them out.
"""

from html import escape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from deskmate.mentoring.models import Mentorship
from deskmate.people.models import Member
from deskmate.programmes import services
from deskmate.programmes.models import Application, ProposedPair
from tests.conftest import client_for
from tests.programmes import form_exports
from tests.programmes.test_form_exports import map_as_guessed, upload_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_files(programme, coordinator, mentor, second_mentee):
    """Mentors.xlsx (Microsoft Forms) and typeform mentees.csv (no addresses), as guessed."""
    client = client_for(coordinator)
    for content, name in (
        (form_exports.microsoft_forms(), "Mentors.xlsx"),
        (form_exports.typeform(), "typeform mentees.csv"),
    ):
        upload = upload_file(client, programme, content, name)
        _, upload = map_as_guessed(client, programme, upload)
        assert upload.status == "done", upload.errors
    return programme


def pending_member(programme, name):
    return next(
        a.member for a in programme.applications.select_related("member") if a.member.name == name
    )


def test_the_two_files_give_each_side_its_role(two_files):
    roles = {a.member.name: a.role for a in two_files.applications.select_related("member")}
    assert roles == {
        "Li Wei": "mentor",
        "Daniel Okafor": "mentor",
        "Nina Berg": "mentee",
        "Tomás Ruiz": "mentee",
        "Aiko Tanaka": "mentee",
    }


def test_pending_applicants_are_matched_and_publishing_waits_for_their_address(
    two_files, coordinator, run_tasks
):
    run = services.match_run_start(programme=two_files, actor=coordinator)
    pairs = list(ProposedPair.objects.filter(run=run).select_related("mentee").order_by("id"))
    assert {pair.mentee.name for pair in pairs} == {"Nina Berg", "Tomás Ruiz", "Aiko Tanaka"}
    client = client_for(coordinator)
    page = client.get(f"/programmes/{two_files.pk}/runs/{run.pk}/").content.decode()
    assert 'id="pending-notice"' in page and "2 pending applicants" in page
    publish = f"/programmes/{two_files.pk}/runs/{run.pk}/publish/"
    response = client.post(publish, {"confirm": "on"}, follow=True)
    waiting = [p.mentee.name for p in pairs if p.mentee.name != "Nina Berg"]
    refusal = services.PENDING_IN_PAIRS.format(names=", ".join(waiting))
    assert escape(refusal) in response.content.decode()
    assert Mentorship.objects.count() == 0

    tomas, aiko = pending_member(two_files, "Tomás Ruiz"), pending_member(two_files, "Aiko Tanaka")
    pending_page = f"/programmes/{two_files.pk}/pending/"
    client.post(
        pending_page, {"action": "email", "member": tomas.pk, "email": "Tomas.Ruiz@example.edu"}
    )
    client.post(pending_page, {"action": "leave_out", "member": aiko.pk})
    tomas.refresh_from_db()
    tomas.user.refresh_from_db()
    assert (tomas.user.email, tomas.is_pending) == ("tomas.ruiz@example.edu", False)
    assert tomas.visibility == Member.Visibility.COMMUNITY
    assert Application.objects.get(programme=two_files, member=aiko).status == "withdrawn"
    # Nobody's address was made up: Aiko still has none.
    assert Member.objects.get(pk=aiko.pk).user.email is None

    client.post(publish, {"confirm": "on"})
    run_tasks()
    published = ProposedPair.objects.filter(run=run, mentorship__isnull=False)
    made = {(p.mentee.name, p.mentor.name) for p in published.select_related("mentee", "mentor")}
    expected = {(p.mentee.name, p.mentor.name) for p in pairs if p.mentee.name != "Aiko Tanaka"}
    assert made == expected and len(made) == 2
    assert Mentorship.objects.count() == 2


def test_addresses_from_a_second_file(two_files, coordinator):
    client = client_for(coordinator)
    second = (
        b"#,Email\r\nq9w8e7r6t5y4u3i2,tomas@example.edu\r\nz1x2c3v4b5n6m7l8,aiko@example.edu\r\n"
    )
    client.post(
        f"/programmes/{two_files.pk}/pending/",
        {"action": "file", "file": SimpleUploadedFile("addresses.csv", second)},
    )
    emails = {
        a.member.name: a.member.user.email
        for a in two_files.applications.select_related("member__user")
    }
    assert emails["Tomás Ruiz"] == "tomas@example.edu"
    assert emails["Aiko Tanaka"] == "aiko@example.edu"
    assert not Member.objects.filter(user__email__isnull=True).exists()


def test_a_second_file_naming_someone_unknown_changes_nothing(two_files, coordinator):
    client = client_for(coordinator)
    second = b"#,Email\r\nq9w8e7r6t5y4u3i2,tomas@example.edu\r\nnot-a-token,x@example.edu\r\n"
    response = client.post(
        f"/programmes/{two_files.pk}/pending/",
        {"action": "file", "file": SimpleUploadedFile("addresses.csv", second)},
        follow=True,
    )
    expected = 'addresses.csv, row 3, "#": ' + services.PENDING_UNKNOWN.format(value="not-a-token")
    assert escape(expected) in response.content.decode()
    assert Member.objects.filter(user__email__isnull=True).count() == 2


def test_an_address_of_an_existing_member_is_refused(two_files, coordinator, mentee):
    tomas = pending_member(two_files, "Tomás Ruiz")
    response = client_for(coordinator).post(
        f"/programmes/{two_files.pk}/pending/",
        {"action": "email", "member": tomas.pk, "email": "maya@example.org"},
        follow=True,
    )
    message = services.ADDRESS_IS_A_MEMBER.format(email="maya@example.org", name="Maya Patel")
    assert escape(message) in response.content.decode()
    assert Member.objects.get(pk=tomas.pk).user.email is None


def test_the_stranger_cannot_see_or_change_pending_applicants(two_files, stranger):
    tomas = pending_member(two_files, "Tomás Ruiz")
    client = client_for(stranger)
    assert client.get(f"/programmes/{two_files.pk}/pending/").status_code == 404
    refused = client.post(
        f"/programmes/{two_files.pk}/pending/",
        {"action": "email", "member": tomas.pk, "email": "sam.other@example.org"},
    )
    assert refused.status_code == 404
    refused = client.post(
        f"/programmes/{two_files.pk}/pending/", {"action": "leave_out", "member": tomas.pk}
    )
    assert refused.status_code == 404
    assert Member.objects.filter(user__email__isnull=True).count() == 2
    assert two_files.applications.filter(status="withdrawn").count() == 0


def test_a_pending_applicant_is_hidden_from_members_and_seen_by_coordinators(
    two_files, mentee, coordinator
):
    tomas = pending_member(two_files, "Tomás Ruiz")
    assert tomas.user.has_usable_password() is False
    assert client_for(mentee).get(f"/members/{tomas.pk}/").status_code == 404
    seen = client_for(coordinator).get(f"/members/{tomas.pk}/")
    assert seen.status_code == 200 and "Tomás Ruiz" in seen.content.decode()


def test_importing_the_file_again_after_an_address_was_added_changes_nothing(
    two_files, coordinator
):
    tomas = pending_member(two_files, "Tomás Ruiz")
    services.pending_applicant_add_email(
        programme=two_files, member=tomas, email="tomas@example.edu", actor=coordinator
    )
    members = Member.objects.count()
    client = client_for(coordinator)
    upload = upload_file(client, two_files, form_exports.typeform(), "typeform again.csv")
    _, upload = map_as_guessed(client, two_files, upload, file_role="mentee")
    assert upload.status == "done", upload.errors
    assert upload.summary["members_found"] == 3
    assert (upload.summary["created"], upload.summary["pending"]) == (0, 0)
    assert Member.objects.count() == members
    assert Member.objects.get(pk=tomas.pk).user.email == "tomas@example.edu"
