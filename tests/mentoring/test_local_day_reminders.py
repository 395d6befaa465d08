"""Reminders about a date with no time reach each person on their own day, in their time zone.

Maya lives in Auckland and Daniel in Los Angeles: Auckland's day begins 13 hours before
London's (in its summer), Los Angeles' 8 hours after. Every dated thing below first falls
due on day D, so Maya is told at Auckland's midnight, Daniel at Los Angeles', and the
server's midnight (UTC) tells no one.
"""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from deskmate.mentoring import services
from deskmate.mentoring.models import Mentorship
from deskmate.notifications.models import Notification
from deskmate.people.services import profile_update
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

AUCKLAND = zoneinfo.ZoneInfo("Pacific/Auckland")
LOS_ANGELES = zoneinfo.ZoneInfo("America/Los_Angeles")
D = timezone.now().date() + dt.timedelta(days=10)


def midnight(day: dt.date, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone)


MINUTE = dt.timedelta(minutes=1)
MOMENTS = [
    midnight(D, AUCKLAND) - MINUTE,
    midnight(D, AUCKLAND),
    midnight(D, dt.UTC),
    midnight(D, LOS_ANGELES) - MINUTE,
    midnight(D, LOS_ANGELES),
    midnight(D, LOS_ANGELES) + dt.timedelta(hours=1),
]
EACH_ON_THEIR_OWN_MIDNIGHT = [[], ["Maya"], [], [], ["Daniel"], []]


@pytest.fixture
def far_apart(active, mentee, mentor) -> Mentorship:
    """Maya and Daniel's mentorship, with no dated thing due until a test sets one."""
    profile_update(member=mentee, actor=mentee, time_zone="Pacific/Auckland")
    profile_update(member=mentor, actor=mentor, time_zone="America/Los_Angeles")
    Mentorship.objects.filter(pk=active.pk).update(
        started_on=D - dt.timedelta(days=10), next_checkin_on=None, ends_on=None
    )
    Notification.objects.all().delete()
    return Mentorship.objects.get(pk=active.pk)


def _told_at_each(moments, kind):
    """Run the reminders at each moment in turn: whom each run told of ``kind``."""
    told = []
    for now in moments:
        seen = set(Notification.objects.values_list("pk", flat=True))
        services.reminders_send(now=now)
        new = Notification.objects.filter(kind=kind).exclude(pk__in=seen)
        told.append(sorted(new.values_list("recipient__first_name", flat=True)))
    return told


@pytest.mark.parametrize(
    ("field", "day", "kind"),
    [
        ("next_checkin_on", D + dt.timedelta(days=1), "checkin_upcoming"),
        ("next_checkin_on", D - dt.timedelta(days=1), "checkin_overdue"),
        ("ends_on", D + dt.timedelta(days=7), "ending_soon"),
        ("started_on", D - dt.timedelta(days=30), "survey_due"),
    ],
)
def test_a_date_on_the_mentorship_falls_due_on_each_persons_own_day(far_apart, field, day, kind):
    Mentorship.objects.filter(pk=far_apart.pk).update(**{field: day})

    assert _told_at_each(MOMENTS, kind) == EACH_ON_THEIR_OWN_MIDNIGHT
    services.reminders_send(now=midnight(D + dt.timedelta(days=1), dt.UTC))
    told = Notification.objects.filter(kind=kind)
    assert sorted(told.values_list("recipient__first_name", flat=True)) == ["Daniel", "Maya"]


def test_a_milestone_is_overdue_from_each_persons_own_midnight(far_apart, mentee):
    due = D - dt.timedelta(days=1)
    late = services.milestone_create(mentorship=far_apart, actor=mentee, title="Talk", due_on=due)

    assert _told_at_each(MOMENTS, "milestone_overdue") == EACH_ON_THEIR_OWN_MIDNIGHT
    services.reminders_send(now=midnight(D + dt.timedelta(days=3), dt.UTC))
    assert sorted(
        Notification.objects.filter(kind="milestone_overdue").values_list(
            "recipient__first_name", "key"
        )
    ) == [
        ("Daniel", f"milestone_overdue:{late.pk}:{due}"),
        ("Maya", f"milestone_overdue:{late.pk}:{due}"),
    ]


def test_a_member_without_a_zone_is_told_on_the_sites_day(far_apart, mentor, settings):
    settings.TIME_ZONE = "Europe/London"
    profile_update(member=mentor, actor=mentor, time_zone="")
    Mentorship.objects.filter(pk=far_apart.pk).update(next_checkin_on=D - dt.timedelta(days=1))
    london = zoneinfo.ZoneInfo("Europe/London")
    moments = [midnight(D, AUCKLAND), midnight(D, london) - MINUTE, midnight(D, london)]
    assert _told_at_each(moments, "checkin_overdue") == [["Maya"], [], ["Daniel"]]


def test_the_pages_flag_a_milestone_overdue_on_the_viewers_own_day(active, mentee, mentor):
    """Kiritimati (UTC+14) is always a day or two ahead of Pago Pago (UTC-11)."""
    profile_update(member=mentee, actor=mentee, time_zone="Pacific/Kiritimati")
    profile_update(member=mentor, actor=mentor, time_zone="Pacific/Pago_Pago")
    mentee.refresh_from_db()
    due = mentee.local_date() - dt.timedelta(days=1)
    services.milestone_create(mentorship=active, actor=mentee, title="Ship the talk", due_on=due)
    overdue = f"overdue since {due.day} {due:%b %Y}"

    for page in ("/", reverse("mentorship_milestones", args=[active.pk])):
        assert overdue in client_for(mentee).get(page).content.decode()
        assert overdue not in client_for(mentor).get(page).content.decode()
