"""Calendar invitations (.ics) for a mentorship's next check-in."""

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress

from deskmate.mentoring.models import Mentorship


def next_checkin_ics(mentorship: Mentorship) -> bytes:
    """An all-day invitation for the next check-in; the two pick the hour themselves."""
    day = mentorship.next_checkin_on
    calendar = Calendar()
    calendar.add("prodid", "-//deskmate//mentoring//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"checkin-{mentorship.pk}-{day.isoformat()}@deskmate")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    names = f"{mentorship.requester.name} & {mentorship.recipient.name}"
    event.add("summary", f"Check-in: {names}")
    link = f"{settings.SITE_URL}{reverse('mentorship_checkins', args=[mentorship.pk])}"
    event.add("description", f"Your next check-in. Notes and next steps: {link}")
    event.add("url", link)
    for member in (mentorship.requester, mentorship.recipient):
        attendee = vCalAddress(f"mailto:{member.user.email}")
        attendee.params["cn"] = member.name
        event.add("attendee", attendee, encode=0)
    calendar.add_component(event)
    return calendar.to_ical()
