"""The admin site names private objects without their private text (docs/mentoring.md, "Who sees what")."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from deskmate.mentoring import services
from deskmate.mentoring.models import CheckIn, Event, Milestone
from deskmate.network import services as network_services
from deskmate.network.models import Interaction, Introduction
from deskmate.notifications.models import Notification
from tests.conftest import client_for, make_member

pytestmark = pytest.mark.django_db
PRIVATE = [
    "Ship the payments talk",
    "Salary negotiation",
    "Nervous about the re-org",
    "Lunch by the river",
    "Please introduce me to Lee",
]


@pytest.fixture
def private_things(active, mentee, mentor):
    milestone = services.milestone_create(
        mentorship=active, actor=mentee, title="Ship the payments talk"
    )
    services.milestone_complete(milestone=milestone, actor=mentor)
    services.checkin_record(
        mentorship=active,
        actor=mentee,
        held_on=timezone.localdate() - dt.timedelta(days=1),
        topics="Salary negotiation",
        notes="Nervous about the re-org",
    )
    lee = make_member("lee@example.org", "Lee", "Chen")
    network_services.interaction_log(
        logged_by=mentee, other=mentor, kind="lunch", note="Lunch by the river"
    )
    Introduction.objects.create(
        requester=mentee, introducer=mentor, target=lee, message="Please introduce me to Lee"
    )
    return active


def test_string_forms_carry_no_private_text(private_things):
    objects = [
        *Milestone.objects.all(),
        *CheckIn.objects.all(),
        *Event.objects.all(),
        *Interaction.objects.all(),
        *Introduction.objects.all(),
        *Notification.objects.all(),
    ]
    assert {type(item).__name__ for item in objects} == {
        "Milestone",
        "CheckIn",
        "Event",
        "Interaction",
        "Introduction",
        "Notification",
    }
    texts = " ".join(str(item) for item in objects)
    assert not [text for text in PRIVATE + ["Maya", "Daniel", "Lee"] if text in texts]
    milestone = Milestone.objects.get()
    assert str(milestone) == f"Milestone {milestone.pk} of mentorship {private_things.pk}"
    # The titles and topics are still there, for the two people.
    assert "Ship the payments talk" in " ".join(Event.objects.values_list("text", flat=True))


def test_admin_delete_page_lists_no_private_text(private_things, admin_member):
    """A mentorship's delete page lists its milestones, check-ins and timeline, by kind and number."""
    url = f"/admin/mentoring/mentorship/{private_things.pk}/delete/"
    response = client_for(admin_member).get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Milestone " in text and "Check-in " in text
    assert not [private for private in PRIVATE if private in text]
    assert Milestone.objects.count() == 1


#: Private text of every other kind: an address book's names, an upload's name, feedback,
#: an agreement, a request's message, and a coordinator's pairing decision.
ELSEWHERE = [
    "Priya Hiddenname",
    "priya.hidden@elsewhere.org",
    "maya-private-phonebook",
    "Too quiet in our sessions",
    "Meet at the blue cafe",
    "Please mentor me through the re-org",
]


@pytest.fixture
def every_private_thing(private_things, mentee, mentor, coordinator):
    from deskmate.network import importers
    from deskmate.network.models import ImportJob
    from deskmate.network.tie_store import ties_refresh_all
    from deskmate.programmes import services as programme_services
    from deskmate.programmes.models import PairRule

    importers.run(
        "vcard",
        owner=mentee,
        payload=(
            b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Priya Hiddenname\r\nN:Hiddenname;Priya;;;\r\n"
            b"EMAIL;TYPE=INTERNET:priya.hidden@elsewhere.org\r\nEND:VCARD\r\n"
            b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Daniel Okafor\r\nN:Okafor;Daniel;;;\r\n"
            b"EMAIL;TYPE=INTERNET:daniel@example.org\r\nEND:VCARD\r\n"
        ),
    )
    ImportJob.objects.create(
        owner=mentee, kind="vcard", file_name="maya-private-phonebook.vcf", status="done"
    )
    services.feedback_give(
        mentorship=private_things, actor=mentor, text="Too quiet in our sessions"
    )
    services.agreement_update(
        mentorship=private_things,
        actor=mentee,
        cadence="monthly",
        duration_weeks=26,
        meeting="Meet at the blue cafe",
    )
    services.mentorship_request(
        requester=coordinator, recipient=mentor, message="Please mentor me through the re-org"
    )
    programme = programme_services.programme_create(
        actor=coordinator, name="Spring mentoring", kind="one_to_one"
    )
    PairRule.objects.create(programme=programme, mentee=mentee, mentor=mentor, kind="forbid")
    ties_refresh_all()
    return private_things


def admin_pages(client) -> dict[str, str]:
    """Every registered model's list and every object's change page, by URL."""
    from django.contrib import admin

    pages = {}
    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        ids = model._default_manager.values_list("pk", flat=True)
        for url in [base, *(f"{base}{pk}/change/" for pk in ids)]:
            response = client.get(url)
            assert response.status_code == 200, url
            pages[url] = response.content.decode()
    return pages


def test_no_admin_page_and_no_string_form_shows_private_text(
    every_private_thing, admin_member, mentee, mentor
):
    from django.apps import apps
    from django.contrib import admin

    from deskmate.network.models import Contact, ImportJob, Tie
    from deskmate.programmes.models import PairRule, ProposedPair

    assert Contact.objects.filter(owner=mentee).count() == 2
    assert Tie.objects.count() >= 1
    browser = client_for(admin_member)
    pages = admin_pages(browser)
    for url in (
        f"/admin/people/member/{mentee.pk}/delete/",
        f"/admin/people/user/{mentee.user.pk}/delete/",
        f"/admin/mentoring/mentorship/{every_private_thing.pk}/delete/",
    ):
        response = browser.get(url)
        if response.status_code == 200:
            pages[url] = response.content.decode()
    registered = {model.__name__ for model in admin.site._registry}
    assert {"Contact", "ImportJob", "Tie", "Mentorship", "Report", "EmailDelivery"} <= registered
    assert f"/admin/mentoring/mentorship/{every_private_thing.pk}/delete/" in pages
    leaks = {
        url: [text for text in PRIVATE + ELSEWHERE if text in page] for url, page in pages.items()
    }
    assert {url: found for url, found in leaks.items() if found} == {}
    # The string form of every row of every model, registered or not.
    forms = " ".join(
        str(row)
        for app in ("network", "mentoring", "programmes", "notifications", "core", "people")
        for model in apps.get_app_config(app).get_models()
        for row in model._default_manager.all()
    )
    assert [text for text in PRIVATE + ELSEWHERE if text in forms] == []
    # Private objects name no one either.
    private_forms = [
        *map(str, Contact.objects.all()),
        *map(str, ImportJob.objects.all()),
        *map(str, Tie.objects.all()),
        *map(str, PairRule.objects.all()),
        str(ProposedPair(pk=7, run_id=3, mentee=mentee, mentor=mentor, score=0.5)),
    ]
    assert not [form for form in private_forms if "Maya" in form or "Daniel" in form]
    rule = PairRule.objects.get()
    assert str(rule) == f"Forbidden pair {rule.pk} in programme {rule.programme_id}"
    # The contacts themselves are still there, for Maya.
    assert "Priya Hiddenname" in client_for(mentee).get(reverse("contacts")).content.decode()
