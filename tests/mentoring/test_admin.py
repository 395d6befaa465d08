"""The admin site names private objects without their private text (docs/mentoring.md, "Who sees what")."""

import datetime as dt

import pytest
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
