"""A member downloads everything deskmate holds about them, and deletes their account.

Daniel (a mentor) has a lived-in account: history, contacts, ties, an import, a mentorship with
Maya full of shared work, a programme application and pair, notifications that name him in
Maya's inbox, a session, failed sign-ins and rate-limit counters. After his erasure no row of
any table names him, and Maya keeps her side of everything.
"""

import datetime as dt
import io
import json
import zipfile

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import models
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone

from deskmate.core.models import AuditEntry
from deskmate.mentoring import selectors as mentoring_selectors
from deskmate.mentoring import services as mentoring
from deskmate.mentoring.models import (
    CalendarFeed,
    CheckIn,
    Feedback,
    Mentorship,
    Message,
    MessageReceipt,
    Milestone,
    PlannedCheckIn,
    SurveyResponse,
)
from deskmate.network.models import Contact, ImportJob, Interaction, Tie
from deskmate.network.services import interaction_log
from deskmate.notifications.models import Notification
from deskmate.notifications.services import notify
from deskmate.people import data_rights
from deskmate.people.models import Member
from deskmate.people.services import goal_create, offer_create, position_create, profile_update
from deskmate.people.views import ACCOUNT_DELETED
from deskmate.programmes import services as programmes
from deskmate.programmes.models import Application, Invitation, MatchRun, Programme
from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db

NAME, EMAIL = "Daniel Okafor", "daniel@example.org"
#: Rows that may still carry Daniel's name or address after erasure, and why.
MAY_STILL_NAME_HIM = {
    # Maya's own address book: what her file said, no longer linked to him.
    "network.Contact": lambda row: row.owner.user.email != EMAIL and row.member_id is None,
}


@pytest.fixture
def lived_in(mentee, mentor, coordinator):
    position_create(
        member=mentor,
        actor=mentor,
        organisation="Acme",
        unit="Payments",
        title="Engineering Manager",
        start=timezone.localdate().replace(year=2019),
    )
    goal_create(member=mentor, actor=mentor, text="Write a book")
    offer_create(member=mentor, actor=mentor, text="Hiring your first engineers")
    Contact.objects.create(
        owner=mentee, member=mentor, source="vcard", first_name="Daniel", last_name="Okafor",
        email=EMAIL, match_key=f"email:{EMAIL}",
    )  # fmt: skip
    Contact.objects.create(
        owner=mentor, member=mentee, source="vcard", first_name="Maya", last_name="Patel",
        email="maya@example.org", match_key="email:maya@example.org",
    )  # fmt: skip
    ImportJob.objects.create(
        owner=mentor, kind="vcard", file_name="daniel.vcf", payload=b"BEGIN:VCARD\r\nEND:VCARD"
    )
    interaction_log(logged_by=mentee, other=mentor, kind="lunch", note="Lunch with Daniel Okafor")
    interaction_log(logged_by=mentor, other=mentee, kind="call", note="Called Maya")
    request = mentoring.mentorship_request(
        requester=mentee, recipient=mentor, message="Daniel Okafor, would you mentor me?"
    )
    active = mentoring.mentorship_accept(mentorship=request, actor=mentor)
    mentoring.milestone_create(mentorship=active, actor=mentee, title="Run a retro")
    mentoring.checkin_record(
        mentorship=active, actor=mentor, held_on=timezone.localdate(), notes="Daniel's notes"
    )
    mentoring.feedback_give(mentorship=active, actor=mentor, text="Keep going, Maya")
    thread = mentoring_selectors.thread_of_mentorship(active)
    mentoring.message_post(thread=thread, author=mentor, text="Daniel here: my number is 0123")
    mentoring.message_post(thread=thread, author=mentee, text="Thanks, Daniel Okafor!")
    mentoring.checkin_propose(
        mentorship=active,
        actor=mentor,
        day=timezone.localdate() + dt.timedelta(days=7),
        time=dt.time(12, 30),
        time_zone="Europe/London",
    )
    mentoring.calendar_feed_create(member=mentor, actor=mentor)
    SurveyResponse.objects.create(
        mentorship=active, respondent=mentor, kind="pulse", due_on=timezone.localdate(),
        satisfaction=4, comment="Good",
    )  # fmt: skip
    notify(recipient=mentee, kind="note", title="Daniel Okafor sent you a note")
    notify(recipient=mentor, kind="note", title="Maya logged a check-in")
    programme = programmes.programme_create(
        actor=coordinator, name="Spring", kind=Programme.Kind.ONE_TO_ONE, topics=["Leadership"]
    )
    programmes.invitations_send(programme=programme, actor=coordinator, emails=[EMAIL])
    programmes.application_submit(
        programme=programme, member=mentor, actor=mentor, role="mentor", goals="Give back"
    )
    programmes.application_submit(programme=programme, member=mentee, actor=mentee, role="mentee")
    programmes.match_run_start(programme=programme, actor=coordinator, background=False)
    call_command("refresh_ties")
    client = client_for(mentor)
    client.get(reverse("home"))
    client_for(mentee).post(reverse("login"), {"username": EMAIL, "password": "wrong"})
    client.post(reverse("api_tokens"), {"name": "Laptop", "expires_in_days": "30"})
    return active


def _tables_pointing_at_members() -> set[str]:
    user = get_user_model()
    return {
        model._meta.label
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.is_relation and not field.auto_created and field.related_model in (Member, user)
    }


def test_every_table_that_points_at_a_member_has_a_holding():
    covered = {label for holding in data_rights.holdings() for label in holding.models}
    assert _tables_pointing_at_members() - covered == set()


def _export(client) -> zipfile.ZipFile:
    response = client.post(reverse("my_data_download"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_the_download_holds_every_kind_of_row(lived_in, mentor):
    archive = _export(client_for(mentor))
    manifest = json.loads(archive.read("manifest.json"))
    exported = {h.kind for h in data_rights.holdings() if h.export is not None}
    assert set(manifest["kinds"]) == exported
    profile = json.loads(archive.read("profile.json"))[0]
    assert (profile["first_name"], profile["email"]) == ("Daniel", EMAIL)
    assert [p["title"] for p in json.loads(archive.read("positions.json"))] == [
        "Engineering Manager"
    ]
    assert [c["email"] for c in json.loads(archive.read("contacts.json"))] == ["maya@example.org"]
    (mentorship,) = json.loads(archive.read("mentorships.json"))
    assert [c["notes"] for c in mentorship["checkins"]] == ["Daniel's notes"]
    assert [m["title"] for m in mentorship["milestones"]] == ["Run a retro"]
    assert [s["comment"] for s in mentorship["my_survey_responses"]] == ["Good"]
    # Only his own interactions: Maya's lunch note about him is hers.
    assert [i["note"] for i in json.loads(archive.read("interactions.json"))] == ["Called Maya"]
    tokens = json.loads(archive.read("api_tokens.json"))
    assert [t["name"] for t in tokens] == ["Laptop"] and "key_hash" not in tokens[0]
    assert json.loads(archive.read("ties.json")), "his ties with the evidence he may see"
    upload = f"files/imports/{ImportJob.objects.get().pk}-daniel.vcf"
    assert archive.read(upload).startswith(b"BEGIN:VCARD")
    assert AuditEntry.objects.filter(action="member_export", subject_id=mentor.pk).count() == 1


def _rows_naming(needles: list[str]) -> dict[str, list]:
    found: dict[str, list] = {}
    for model in apps.get_models():
        texts = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField | models.JSONField)
        ]
        for name in texts:
            query = models.Q()
            for needle in needles:
                query |= models.Q(_text__icontains=needle)
            rows = model._default_manager.annotate(_text=Cast(name, models.TextField()))
            for row in rows.filter(query):
                allowed = MAY_STILL_NAME_HIM.get(model._meta.label)
                if allowed is None or not allowed(row):
                    found.setdefault(f"{model._meta.label}.{name}", []).append(row.pk)
    return found


def test_erasure_leaves_no_row_that_names_him_and_keeps_mayas_history(lived_in, mentor, mentee):
    assert _rows_naming([NAME, EMAIL, "Okafor"]), "the fixture names him in many places"
    before = (Mentorship.objects.count(), Milestone.objects.count(), CheckIn.objects.count())

    erasure = data_rights.member_erase(member=mentor, actor=mentor)

    assert _rows_naming([NAME, EMAIL, "Okafor"]) == {}
    assert erasure.deleted["sessions"] >= 1 and erasure.deleted["positions"] == 1
    former = Member.objects.get(pk=mentor.pk)
    assert (former.name, former.user.is_active, former.user.has_usable_password()) == (
        data_rights.FORMER_MEMBER,
        False,
        False,
    )
    # Maya's side survives: the mentorship, its milestones and check-ins, her lunch, her contact.
    assert (
        Mentorship.objects.count(),
        Milestone.objects.count(),
        CheckIn.objects.count(),
    ) == before
    assert Mentorship.objects.get().state == "ended_early"
    assert Feedback.objects.get().text == "Keep going, Maya"
    assert Interaction.objects.get(logged_by=mentee).note == "Lunch with a former member"
    assert Contact.objects.get(owner=mentee).member_id is None
    assert (
        Notification.objects.get(recipient=mentee, kind="note").title
        == "a former member sent you a note"
    )
    assert not Tie.objects.filter(member_low=mentor).exists()
    assert not Tie.objects.filter(member_high=mentor).exists()
    assert Application.objects.get(member=mentor).goals == ""
    assert not Invitation.objects.filter(email=EMAIL).exists()
    assert MatchRun.objects.count() == 1
    page = client_for(mentee).get(reverse("mentorship_detail", args=[lived_in.pk]))
    assert "A former member" in page.content.decode()


def test_his_messages_are_exported_and_on_erasure_keep_their_place_without_their_text(
    lived_in, mentor, mentee
):
    archive = _export(client_for(mentor))
    (messages,) = json.loads(archive.read("messages.json"))
    assert [m["text"] for m in messages["written"]] == ["Daniel here: my number is 0123"]
    assert len(messages["received"]) == 1
    (feed,) = json.loads(archive.read("calendar_feed.json"))
    assert "token_hash" not in feed
    (mentorship,) = json.loads(archive.read("mentorships.json"))
    assert [p["time_zone"] for p in mentorship["planned_checkins"]] == ["Europe/London"]

    data_rights.member_erase(member=mentor, actor=mentor)

    his, hers = Message.objects.order_by("id")
    assert (his.author_id, his.text, his.removed_at is not None) == (mentor.pk, "", True)
    assert (hers.text, hers.removed_at) == ("Thanks, a former member!", None)
    assert not MessageReceipt.objects.filter(recipient=mentor).exists()
    assert not CalendarFeed.objects.exists()
    assert PlannedCheckIn.objects.get().status == "cancelled"
    page = client_for(mentee).get(reverse("mentorship_messages", args=[lived_in.pk]))
    body = page.content.decode()
    assert "A former member</strong>" in body and "(message removed)" in body
    assert "0123" not in body


def test_deleting_my_account_needs_my_password(lived_in, mentor):
    client = client_for(mentor)
    response = client.post(
        reverse("my_account_delete"), {"password": "not mine", "confirm": "DELETE"}
    )
    assert response.status_code == 422
    assert "That is not your password." in response.content.decode()
    response = client.post(reverse("my_account_delete"), {"password": PASSWORD, "confirm": "yes"})
    assert response.status_code == 422
    assert "Type DELETE, in capitals, to delete your account." in response.content.decode()
    mentor.refresh_from_db()
    assert (mentor.name, mentor.user.is_active, Mentorship.objects.get().state) == (
        NAME,
        True,
        "active",
    )


def test_deleting_my_account_signs_me_out_for_good(lived_in, mentor):
    client = client_for(mentor)
    response = client.post(
        reverse("my_account_delete"), {"password": PASSWORD, "confirm": "DELETE"}, follow=True
    )
    assert ACCOUNT_DELETED in response.content.decode()
    assert client.get(reverse("home")).status_code == 302
    assert not client.login(username=EMAIL, password=PASSWORD)
    assert Member.objects.get(pk=mentor.pk).name == data_rights.FORMER_MEMBER


def test_signed_out_visitors_are_sent_to_sign_in(client, mentor):
    for name in ("my_data", "my_data_download", "my_account_delete"):
        response = client.post(reverse(name))
        assert response.status_code == 302 and reverse("login") in response["Location"]
    assert Member.objects.get(pk=mentor.pk).name == NAME


def test_admins_erase_through_the_same_service_and_cannot_cascade(lived_in, mentor, admin_member):
    admin_member.user.is_staff = admin_member.user.is_superuser = True
    admin_member.user.save()
    client = client_for(admin_member)
    changelist = reverse("admin:people_member_changelist")
    ask = client.post(changelist, {"action": "erase", "_selected_action": [mentor.pk]})
    assert "Erase 1 member?" in ask.content.decode()
    assert Member.objects.get(pk=mentor.pk).name == NAME
    client.post(
        changelist, {"action": "erase", "_selected_action": [mentor.pk], "confirmed": "yes"}
    )
    assert Member.objects.get(pk=mentor.pk).name == data_rights.FORMER_MEMBER
    assert Mentorship.objects.count() == 1
    delete = client.get(reverse("admin:people_member_delete", args=[mentor.pk]))
    assert delete.status_code == 403
    assert Member.objects.filter(pk=mentor.pk).exists()


def test_erasure_clears_the_industry_an_import_filled(mentor):
    profile_update(member=mentor, actor=mentor, industry="Software Development")
    data_rights.member_erase(member=mentor, actor=mentor)
    assert Member.objects.get(pk=mentor.pk).industry == ""
