"""Conversations inside a mentorship, a request and an introduction: private to their people,
told once by notification (never the text), counted unread, and refused to everyone else."""

import datetime as dt
import json

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from deskmate.mentoring import selectors, services
from deskmate.mentoring.models import Message, MessageReceipt
from deskmate.network.models import Introduction
from deskmate.notifications import services as notification_services
from deskmate.notifications.models import EmailDelivery, Notification, Preference
from tests.conftest import client_for, make_member
from tests.mentoring.conftest import in_state
from tests.people.test_api import bearer

pytestmark = pytest.mark.django_db
SECRET = "I am thinking of leaving Acme in spring"


def _thread(mentorship):
    return selectors.thread_of_mentorship(mentorship)


def _page(mentorship_id):
    return f"/mentorships/{mentorship_id}/messages/"


def test_the_mentee_writes_and_the_mentor_is_told_once_without_the_text(active, mentee, mentor):
    thread = _thread(active)
    first = services.message_post(thread=thread, author=mentee, text=SECRET)
    services.message_post(thread=thread, author=mentee, text="And a second thought.")

    assert list(Message.objects.filter(mentorship=active).values_list("text", flat=True)) == [
        SECRET,
        "And a second thought.",
    ]
    assert first.author == mentee
    told = Notification.objects.filter(recipient=mentor, kind="message")
    assert told.count() == 1
    (notice,) = told
    assert notice.title == "Maya Patel wrote to you (Mentorship with Maya Patel)"
    assert notice.url == f"/mentorships/{active.pk}/messages/"
    assert SECRET not in notice.title + notice.body
    assert not Notification.objects.filter(recipient=mentee, kind="message").exists()
    assert selectors.unread_message_count(mentor) == 2
    assert selectors.unread_message_count(mentee) == 0


def test_reading_the_page_marks_it_read_and_the_next_message_tells_again(active, mentee, mentor):
    thread = _thread(active)
    services.message_post(thread=thread, author=mentee, text=SECRET)
    as_mentor = client_for(mentor)
    assert "Messages (1 unread)" in as_mentor.get("/mentorships/").content.decode()

    page = as_mentor.get(_page(active.pk)).content.decode()
    assert SECRET in page
    assert selectors.unread_message_count(mentor) == 0
    assert Notification.objects.get(recipient=mentor, kind="message").read_at is not None
    assert "unread)" not in as_mentor.get("/mentorships/").content.decode()

    services.message_post(thread=thread, author=mentee, text="Are you free on Tuesday?")
    assert Notification.objects.filter(recipient=mentor, kind="message").count() == 2


def test_the_mentor_answers_through_the_page_form(active, mentee, mentor):
    response = client_for(mentor).post(_page(active.pk), {"text": "  Happy to talk it through. "})
    assert response.status_code == 302
    assert response["Location"] == _page(active.pk) + "#message-form"
    (message,) = Message.objects.filter(mentorship=active)
    assert (message.author, message.text) == (mentor, "Happy to talk it through.")
    assert MessageReceipt.objects.get(message=message).recipient == mentee


def test_an_empty_message_is_refused_with_the_field_named(active, mentor):
    response = client_for(mentor).post(_page(active.pk), {"text": "   "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert Message.objects.count() == 0
    with pytest.raises(ValidationError) as refused:
        services.message_post(thread=_thread(active), author=mentor, text=" ")
    assert refused.value.message_dict == {"text": [services.TEXT_REQUIRED]}


def test_the_fragment_holds_the_new_messages_for_polling(active, mentee, mentor):
    as_mentor = client_for(mentor)
    as_mentor.get(_page(active.pk))
    services.message_post(thread=_thread(active), author=mentee, text=SECRET)
    fragment = as_mentor.get(f"/mentorships/{active.pk}/messages/new/")
    body = fragment.content.decode()
    assert body.lstrip().startswith('<ol class="messages-list"')
    assert SECRET in body and "<html" not in body
    assert selectors.unread_message_count(mentor) == 0


def test_people_can_talk_before_deciding_on_a_request(asked, mentee, mentor):
    services.message_post(thread=_thread(asked), author=mentor, text="What would you hope for?")
    (summary,) = selectors.threads_of(mentee)
    assert (summary.title, summary.unread, summary.message_count) == (
        "Request with Daniel Okafor",
        1,
        1,
    )
    page = client_for(mentee).get("/messages/").content.decode()
    assert "Request with Daniel Okafor" in page
    assert f'id="unread-mentorship-{asked.pk}">1 unread' in page


@pytest.mark.parametrize("state", ["declined", "completed", "withdrawn"])
def test_a_closed_mentorship_can_be_read_but_not_written_in(state, mentee, mentor):
    mentorship = in_state(state, mentee=mentee, mentor=mentor)
    with pytest.raises(ValidationError) as refused:
        services.message_post(thread=_thread(mentorship), author=mentee, text="Hello?")
    assert refused.value.messages == [services.THREAD_CLOSED]
    page = client_for(mentee).get(_page(mentorship.pk)).content.decode()
    assert 'id="thread-closed"' in page
    assert Message.objects.count() == 0


def test_a_block_closes_the_conversation(active, mentee, mentor):
    services.block_create(blocker=mentor, blocked=mentee)
    with pytest.raises(ValidationError):
        services.message_post(thread=_thread(active), author=mentee, text="Why?")
    assert Message.objects.count() == 0


def test_daily_digest_members_get_the_notice_in_the_digest_not_at_once(active, mentee, mentor):
    Preference.objects.create(member=mentor, email=Preference.Email.DAILY)
    services.message_post(thread=_thread(active), author=mentee, text=SECRET)
    notice = Notification.objects.get(recipient=mentor, kind="message")
    assert not EmailDelivery.objects.filter(notification=notice).exists()
    assert notification_services.digests_schedule(now=timezone.now() + dt.timedelta(days=1)) == 1
    digest = EmailDelivery.objects.get(recipient=mentor, kind=EmailDelivery.Kind.DIGEST)
    email = notification_services._email_for(digest)
    assert "- Maya Patel wrote to you (Mentorship with Maya Patel)" in email.body
    assert SECRET not in email.body


PAGES = ["", "new/"]
API = ["/messages", "/messages/read"]


@pytest.fixture
def persona_clients(stranger, coordinator, admin_member):
    return {
        "stranger": (stranger, client_for(stranger), bearer(stranger)),
        "coordinator": (coordinator, client_for(coordinator), bearer(coordinator)),
        "admin": (admin_member, client_for(admin_member), bearer(admin_member)),
    }


@pytest.mark.parametrize("who", ["stranger", "coordinator", "admin"])
def test_no_one_else_reads_or_writes_a_mentorship_thread(who, persona_clients, active, mentee):
    services.message_post(thread=_thread(active), author=mentee, text=SECRET)
    member, page_client, api_client = persona_clients[who]
    messages_before = Message.objects.count()
    receipts_before = MessageReceipt.objects.count()
    for path in PAGES:
        response = page_client.get(_page(active.pk) + path)
        assert response.status_code == 404, path
        assert SECRET not in response.content.decode()
    assert page_client.post(_page(active.pk), {"text": "Let me in"}).status_code == 404
    assert api_client.get(f"/api/v1/mentorships/{active.pk}/messages").status_code == 404
    posted = api_client.post(
        f"/api/v1/mentorships/{active.pk}/messages",
        json.dumps({"text": "Let me in"}),
        content_type="application/json",
    )
    assert posted.status_code == 404
    assert api_client.post(f"/api/v1/mentorships/{active.pk}/messages/read").status_code == 404
    listed = api_client.get("/api/v1/messages").json()
    assert listed == []
    assert SECRET not in page_client.get("/messages/").content.decode()
    assert Message.objects.count() == messages_before
    assert MessageReceipt.objects.count() == receipts_before
    assert MessageReceipt.objects.filter(read_at__isnull=False).count() == 0
    with pytest.raises(PermissionDenied):
        services.message_post(thread=_thread(active), author=member, text="Let me in")


def test_the_admin_site_shows_no_message_text(active, mentee, admin_member):
    services.message_post(thread=_thread(active), author=mentee, text=SECRET)
    assert not admin.site.is_registered(Message)
    assert not admin.site.is_registered(MessageReceipt)
    as_admin = client_for(admin_member)
    change = as_admin.get(f"/admin/mentoring/mentorship/{active.pk}/change/")
    assert change.status_code == 200
    assert SECRET not in change.content.decode()
    assert SECRET not in as_admin.get("/admin/core/auditentry/").content.decode()


def test_the_api_lists_posts_and_marks_read(active, mentee, mentor):
    as_mentee, as_mentor = bearer(mentee), bearer(mentor)
    posted = as_mentee.post(
        f"/api/v1/mentorships/{active.pk}/messages",
        json.dumps({"text": SECRET}),
        content_type="application/json",
    )
    assert posted.status_code == 201
    assert posted.json()["text"] == SECRET
    assert as_mentor.get("/api/v1/messages/unread").json() == {"unread": 1}
    (thread,) = as_mentor.get("/api/v1/messages").json()
    assert (thread["kind"], thread["id"], thread["unread"]) == ("mentorship", active.pk, 1)
    listed = as_mentor.get(f"/api/v1/mentorships/{active.pk}/messages").json()
    assert [(m["author"]["name"], m["text"]) for m in listed] == [("Maya Patel", SECRET)]
    marked = as_mentor.post(f"/api/v1/mentorships/{active.pk}/messages/read")
    assert marked.json() == {"marked": 1}
    assert as_mentor.get("/api/v1/messages/unread").json() == {"unread": 0}


def test_the_api_names_the_field_of_a_bad_message(active, mentee):
    as_mentee = bearer(mentee)
    for body in ({}, {"text": ""}, {"text": "x" * 5001}, {"text": 12}, {"text": "a\x00b"}):
        response = as_mentee.post(
            f"/api/v1/mentorships/{active.pk}/messages",
            json.dumps(body),
            content_type="application/json",
        )
        assert response.status_code == 422, body
        assert "text" in response.content.decode(), body
    assert Message.objects.count() == 0


@pytest.fixture
def introduction(mentee, mentor):
    """Maya asked Daniel to introduce her to Zoe."""
    zoe = make_member("zoe@example.org", "Zoe", "Lam")
    return Introduction.objects.create(
        requester=mentee, introducer=mentor, target=zoe, message="Could you introduce us?"
    )


def test_an_introduction_thread_is_the_requester_and_introducer_until_passed_on(
    introduction, mentee, mentor
):
    zoe = introduction.target
    thread = selectors.access_introduction_thread(mentee, introduction.pk)
    services.message_post(thread=thread, author=mentee, text=SECRET)
    assert [r.recipient for r in MessageReceipt.objects.all()] == [mentor]
    page = f"/introductions/{introduction.pk}/messages/"
    assert client_for(zoe).get(page).status_code == 404
    assert "Zoe Lam reads this conversation too" in client_for(mentee).get(page).content.decode()

    introduction.status = Introduction.Status.FORWARDED
    introduction.save()
    thread = selectors.access_introduction_thread(zoe, introduction.pk)
    assert SECRET in client_for(zoe).get(page).content.decode()
    services.message_post(thread=thread, author=zoe, text="Happy to meet.")
    assert selectors.unread_message_count(mentee) == 1
    assert selectors.unread_message_count(mentor) == 2


@pytest.mark.parametrize("who", ["stranger", "coordinator", "admin"])
def test_no_one_else_reads_an_introduction_thread(who, persona_clients, introduction, mentee):
    thread = selectors.access_introduction_thread(mentee, introduction.pk)
    services.message_post(thread=thread, author=mentee, text=SECRET)
    _, page_client, api_client = persona_clients[who]
    before = (Message.objects.count(), MessageReceipt.objects.count())
    base = f"/introductions/{introduction.pk}/messages/"
    for path in (base, base + "new/"):
        response = page_client.get(path)
        assert response.status_code == 404
        assert SECRET not in response.content.decode()
    assert page_client.post(base, {"text": "hi"}).status_code == 404
    api = f"/api/v1/introductions/{introduction.pk}/messages"
    assert api_client.get(api).status_code == 404
    assert (
        api_client.post(api, json.dumps({"text": "hi"}), content_type="application/json")
    ).status_code == 404
    assert api_client.post(api + "/read").status_code == 404
    assert (Message.objects.count(), MessageReceipt.objects.count()) == before


def test_the_home_page_says_how_many_messages_wait_in_each_mentorship(active, mentee, mentor):
    services.message_post(thread=_thread(active), author=mentor, text=SECRET)
    services.message_post(thread=_thread(active), author=mentor, text="Another.")
    home = client_for(mentee).get("/").content.decode()
    assert f'<a href="/mentorships/{active.pk}/messages/">2 unread messages</a>' in home
    assert SECRET not in home


HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_page_polls_its_messages_with_htmx(active, mentor):
    page = client_for(mentor).get(_page(active.pk)).content.decode()
    assert f'<div id="messages" hx-get="/mentorships/{active.pk}/messages/new/"' in page
    assert "every 15s" in page
    assert "messages.js" not in page
    assert f'hx-post="{_page(active.pk)}" hx-target="#message-form"' in page


def test_a_message_posted_in_place_answers_with_the_form_and_the_messages(active, mentee, mentor):
    response = client_for(mentor).post(_page(active.pk), {"text": "See you Tuesday"}, **HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert '<span role="status" id="message-sent">Sent.</span>' in body
    assert '<div id="messages" hx-swap-oob="innerHTML">' in body
    assert "<p>See you Tuesday</p>" in body
    assert "See you Tuesday</textarea>" not in body, "the form is emptied once sent"
    (message,) = Message.objects.filter(mentorship=active)
    assert (message.author, message.text) == (mentor, "See you Tuesday")
    assert MessageReceipt.objects.get(message=message).recipient == mentee
    follow_up = client_for(mentor).get(_page(active.pk)).content.decode()
    assert "Sent." not in follow_up, "no leftover notice on the next page"


def test_an_empty_message_posted_in_place_keeps_the_form_with_the_error(active, mentor):
    response = client_for(mentor).post(_page(active.pk), {"text": "  "}, **HTMX)

    body = response.content.decode()
    assert 'id="message-form"' in body and "This field is required." in body
    assert "hx-swap-oob" not in body
    assert Message.objects.count() == 0


def test_a_stranger_posting_in_place_is_refused(active, stranger):
    response = client_for(stranger).post(_page(active.pk), {"text": "Let me in"}, **HTMX)
    assert response.status_code == 404
    assert "message-form" not in response.content.decode()
    assert Message.objects.count() == 0
    polled = client_for(stranger).get(f"/mentorships/{active.pk}/messages/new/", **HTMX)
    assert polled.status_code == 404
