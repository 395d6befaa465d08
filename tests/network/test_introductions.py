"""Warm introductions: who is told what, and who is offered as the introducer, in which order.

Maya (the requester) wants to meet Daniel (the target). Lee worked with Maya
at Globex for years and with Daniel at Initech for years; Kim studied with
Maya and overlapped with Daniel at Initech for a few months only, so Kim's
weaker tie ranks Kim below Lee. Daniel logged a lunch with Kim: it is private
to Daniel and never counts, names or ranks anything for Maya.
"""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from deskmate.network import services as network_services
from deskmate.network.acquaintance import (
    introducers_ranked,
    shared_history_strength,
    tie_reasons,
)
from deskmate.network.models import Introduction, Tie
from deskmate.network.tie_store import ties_refresh_all
from deskmate.notifications import services as notification_services
from deskmate.notifications.models import EmailDelivery, Notification, Preference
from deskmate.people.selectors import members_visible_to
from tests.conftest import client_for, make_member
from tests.network.test_privacy import position, study

pytestmark = pytest.mark.django_db
TODAY = dt.date(2024, 3, 1)


@pytest.fixture
def circle(mentee, mentor, stranger):
    lee = make_member("lee@example.org", "Lee", "Chen")
    kim = make_member("kim@example.org", "Kim", "Berg")
    position(mentee, "Globex", "Design", dt.date(2018, 1, 1))
    position(lee, "Globex", "Design", dt.date(2018, 3, 1))
    position(lee, "Initech", "Research", dt.date(2012, 1, 1), dt.date(2017, 12, 31))
    position(mentor, "Initech", "Research", dt.date(2012, 1, 1))
    position(kim, "Initech", "Research", dt.date(2017, 10, 1), dt.date(2017, 12, 31))
    study(mentee, dt.date(2012, 9, 1), dt.date(2015, 6, 30))
    study(kim, dt.date(2012, 9, 1), dt.date(2015, 6, 30))
    network_services.interaction_log(
        logged_by=mentor, other=kim, kind="lunch", happened_on=TODAY - dt.timedelta(days=3)
    )
    ties_refresh_all(as_of=TODAY)
    return {"maya": mentee, "daniel": mentor, "lee": lee, "kim": kim, "sam": stranger}


def deliver() -> None:
    """Send every queued e-mail as the worker would."""
    for delivery in EmailDelivery.objects.filter(status=EmailDelivery.Status.PENDING):
        assert notification_services.email_delivery_attempt(delivery.pk, retry=lambda *a: None)


def _evidence(a, b):
    low, high = sorted((a.pk, b.pk))
    return Tie.objects.get(member_low_id=low, member_high_id=high).evidence


def test_introducers_are_ranked_by_the_weaker_of_their_two_visible_ties(circle):
    maya, daniel, lee, kim = circle["maya"], circle["daniel"], circle["lee"], circle["kim"]
    candidates = members_visible_to(maya).filter(pk__in=[lee.pk, kim.pk])
    ranked = introducers_ranked(maya, daniel, candidates)
    assert [item.member for item in ranked] == [lee, kim]
    # Kim's side with Daniel counts the shared stint only, never Daniel's private lunch.
    assert any(item.get("private_to") == daniel.pk for item in _evidence(kim, daniel))
    kim_daniel = shared_history_strength(_evidence(kim, daniel))
    assert ranked[1].strength == pytest.approx(kim_daniel)
    assert ranked[0].strength > ranked[1].strength
    assert ranked[0].reason == (
        "You work together on the Design team at Globex since 2018"
        " · Lee and Daniel: Former colleague"
    )
    assert ranked[1].reason == (
        "You studied BSc, Computer Science at Northfield University together, 2012–2015"
        " · Kim and Daniel: Former colleague"
    )
    assert "lunch" not in " ".join(item.reason for item in ranked)


def test_the_form_offers_introducers_best_first_with_the_reason(circle):
    page = client_for(circle["maya"]).get(reverse("introduction_ask", args=[circle["daniel"].pk]))
    assert page.status_code == 200
    choices = page.context["form"].fields["introducer"].choices
    assert [pk for pk, _ in choices] == [circle["lee"].pk, circle["kim"].pk]
    assert choices[0][1].startswith("Lee Chen — You work together on the Design team at Globex")
    assert "Lee Chen — You work together" in page.content.decode()


def test_a_request_tells_the_introducer_and_a_forward_tells_the_person_introduced(
    circle, django_capture_on_commit_callbacks
):
    maya, daniel, lee = circle["maya"], circle["daniel"], circle["lee"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(maya).post(
            reverse("introduction_ask", args=[daniel.pk]),
            {"introducer": lee.pk, "message": "I would love to hear how research teams plan."},
        )
    assert response.status_code == 302
    introduction = Introduction.objects.get()
    told = Notification.objects.get()
    assert (told.recipient, told.kind, told.title) == (
        lee,
        "introduction_asked",
        network_services.INTRODUCTION_ASKED.format(requester="Maya Patel", target="Daniel Okafor"),
    )
    assert told.body == "I would love to hear how research teams plan."
    deliver()
    assert [m.to for m in mail.outbox] == [["lee@example.org"]]
    assert "Maya Patel asks you to introduce them to Daniel Okafor" in mail.outbox[0].subject

    with django_capture_on_commit_callbacks(execute=True):
        client_for(lee).post(
            reverse("introduction_answer", args=[introduction.pk]),
            {"answer": "agree", "note": "Maya is great."},
        )
    forwarded = Notification.objects.get(kind="introduction_forwarded")
    assert forwarded.recipient == daniel
    assert forwarded.title == "Lee Chen would like to introduce Maya Patel to you"
    deliver()
    assert forwarded.body.split("\n") == [
        "Maya wrote: I would love to hear how research teams plan.",
        "Lee adds: Maya is great.",
        "How you know Lee: You overlapped on the Research team at Initech, 2012–2017",
        "How Lee knows Maya: Current colleague",
    ]
    assert [m.to for m in mail.outbox] == [["lee@example.org"], ["daniel@example.org"]]
    assert "How Lee knows Maya: Current colleague" in mail.outbox[1].body

    with django_capture_on_commit_callbacks(execute=True):
        client_for(daniel).post(
            reverse("introduction_answer", args=[introduction.pk]), {"answer": "agree"}
        )
    made = Notification.objects.get(kind="introduction_made")
    assert (made.recipient, made.title, made.url) == (
        maya,
        "Daniel Okafor accepted your introduction",
        reverse("member_profile", args=[daniel.pk]),
    )
    assert Notification.objects.count() == 3
    deliver()
    assert [m.to for m in mail.outbox][-1] == ["maya@example.org"]


def test_an_introducer_on_the_daily_digest_gets_no_email_at_once(circle):
    maya, daniel, lee = circle["maya"], circle["daniel"], circle["lee"]
    notification_services.preference_update(member=lee, email=Preference.Email.DAILY, actor=lee)
    network_services.introduction_request(
        requester=maya, introducer=lee, target=daniel, message="Hello"
    )
    assert Notification.objects.get().recipient == lee
    assert EmailDelivery.objects.count() == 0


def test_the_person_introduced_never_reads_a_third_persons_private_evidence(
    circle, django_capture_on_commit_callbacks
):
    """Kim introduces Daniel to Maya: Maya reads nothing of Daniel's lunch with Kim."""
    maya, daniel, kim = circle["maya"], circle["daniel"], circle["kim"]
    introduction = network_services.introduction_request(
        requester=daniel, introducer=kim, target=maya, message="Hello"
    )
    network_services.introduction_answer(introduction=introduction, actor=kim, agree=True)
    body = Notification.objects.get(kind="introduction_forwarded", recipient=maya).body
    assert "How Kim knows Daniel: Former colleague" in body
    assert "lunch" not in body
    # Daniel's own view of his tie with Kim does name his lunch.
    assert "You had lunch 3 days ago" in tie_reasons(daniel, [kim.pk], as_of=TODAY)[kim.pk]


def test_a_stranger_can_neither_ask_nor_answer(circle, django_capture_on_commit_callbacks):
    maya, daniel, lee, sam = circle["maya"], circle["daniel"], circle["lee"], circle["sam"]
    introduction = network_services.introduction_request(
        requester=maya, introducer=lee, target=daniel, message="Hello"
    )
    before = (Introduction.objects.count(), Notification.objects.count())
    as_sam = client_for(sam)
    asked = as_sam.post(
        reverse("introduction_ask", args=[daniel.pk]), {"introducer": lee.pk, "message": "Hi"}
    )
    assert asked.status_code == 422
    assert "introducer" in asked.context["form"].errors
    answered = as_sam.post(
        reverse("introduction_answer", args=[introduction.pk]), {"answer": "agree"}
    )
    assert answered.status_code == 404
    assert (Introduction.objects.count(), Notification.objects.count()) == before
    assert Introduction.objects.get().status == Introduction.Status.ASKED
    assert mail.outbox == []


def test_introductions_are_in_the_navigation_and_on_the_home_page(circle):
    maya, daniel, lee = circle["maya"], circle["daniel"], circle["lee"]
    network_services.introduction_request(
        requester=maya, introducer=lee, target=daniel, message="Hello"
    )
    home = client_for(lee).get(reverse("home")).content.decode()
    assert f'<a href="{reverse("introductions")}">Introductions</a>' in home
    assert "Maya Patel asks you to introduce them to Daniel Okafor" in home


def test_ranking_reads_the_same_few_statements_whatever_the_number_of_introducers(circle):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    maya, daniel, lee, kim = circle["maya"], circle["daniel"], circle["lee"], circle["kim"]
    counts = []
    for introducers in ([lee], [lee, kim]):
        with CaptureQueriesContext(connection) as queries:
            introducers_ranked(maya, daniel, introducers)
        counts.append(len(queries))
    assert counts[0] == counts[1]
