"""A daily digest covers the member's own day and leaves after their own midnight, once."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from deskmate.notifications import services
from deskmate.notifications.models import EmailDelivery, Notification, Preference
from deskmate.people.services import profile_update

pytestmark = pytest.mark.django_db

AUCKLAND = zoneinfo.ZoneInfo("Pacific/Auckland")
LOS_ANGELES = zoneinfo.ZoneInfo("America/Los_Angeles")
D = timezone.now().date() + dt.timedelta(days=10)
# 05:00 UTC on D is the evening of D in Auckland and the evening of the day before in Los Angeles.
TOLD_AT = dt.datetime.combine(D, dt.time(5), tzinfo=dt.UTC)
DAY_BEFORE = D - dt.timedelta(days=1)


def midnight(day: dt.date, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone)


@pytest.fixture
def both_daily(mentee, mentor):
    """Maya in Auckland and Daniel in Los Angeles, each told one thing at the same instant."""
    profile_update(member=mentee, actor=mentee, time_zone="Pacific/Auckland")
    profile_update(member=mentor, actor=mentor, time_zone="America/Los_Angeles")
    for member in (mentee, mentor):
        Preference.objects.create(member=member, email=Preference.Email.DAILY)
        services.notify(recipient=member, kind="test", title=f"Hello {member.first_name}")
    Notification.objects.update(created_at=TOLD_AT)
    return mentee, mentor


def _digests():
    return sorted(
        EmailDelivery.objects.filter(kind="digest").values_list(
            "recipient__first_name", "digest_date"
        )
    )


def test_each_digest_leaves_after_its_members_own_midnight(both_daily):
    minute = dt.timedelta(minutes=1)
    queued = [
        services.digests_schedule(now=now)
        for now in (
            midnight(D, LOS_ANGELES) - minute,
            midnight(D, LOS_ANGELES),
            midnight(D + dt.timedelta(days=1), AUCKLAND) - minute,
            midnight(D + dt.timedelta(days=1), AUCKLAND),
            midnight(D + dt.timedelta(days=1), dt.UTC),
        )
    ]
    assert queued == [0, 1, 0, 1, 0]
    assert _digests() == [("Daniel", DAY_BEFORE), ("Maya", D)]
    subjects = {
        delivery.recipient.first_name: services._email_for(delivery)
        for delivery in EmailDelivery.objects.filter(kind="digest").select_related("recipient")
    }
    assert subjects["Maya"].subject == f"[deskmate] Your day on deskmate, {D.day} {D:%B %Y}"
    assert "- Hello Maya" in subjects["Maya"].body
    assert (
        subjects["Daniel"].subject
        == f"[deskmate] Your day on deskmate, {DAY_BEFORE.day} {DAY_BEFORE:%B %Y}"
    )
    assert "- Hello Daniel" in subjects["Daniel"].body


def test_at_the_servers_midnight_each_gets_the_digest_of_their_own_yesterday(both_daily):
    """At 00:00 UTC on D+1 it is the afternoon of D in Los Angeles and of D+1 in Auckland."""
    assert services.digests_schedule(now=midnight(D + dt.timedelta(days=1), dt.UTC)) == 2
    assert _digests() == [("Daniel", DAY_BEFORE), ("Maya", D)]


def test_moving_west_never_sends_a_day_already_covered(both_daily, mentee):
    services.digests_schedule(now=midnight(D + dt.timedelta(days=1), AUCKLAND))
    assert _digests() == [("Daniel", DAY_BEFORE), ("Maya", D)]
    profile_update(member=mentee, actor=mentee, time_zone="America/Los_Angeles")
    # Her yesterday is now DAY_BEFORE, which her Auckland digest of D already covered.
    assert services.digests_schedule(now=midnight(D + dt.timedelta(days=1), AUCKLAND)) == 0
    assert _digests() == [("Daniel", DAY_BEFORE), ("Maya", D)]
