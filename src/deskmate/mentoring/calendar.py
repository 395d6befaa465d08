"""Calendar files (.ics): invitations to a check-in, and each member's private feed.

A planned check-in is one calendar event for its whole life: its UID never
changes and every change the two people can see raises its SEQUENCE, so a
calendar client that received the first invitation updates the same event
instead of adding another (RFC 5545 §3.8.7.4, RFC 5546 §2.1.4). iTIP has no
UPDATE method: an update is a ``METHOD:REQUEST`` with a higher sequence, and a
cancellation is ``METHOD:CANCEL`` with ``STATUS:CANCELLED``.

Times are written in UTC (``DTSTART:20260310T113000Z``), which every client
reads the same way; each client shows them in its own user's zone.
"""

import datetime as dt
from collections.abc import Iterable
from email.mime.base import MIMEBase
from email.mime.text import MIMEText
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from deskmate.mentoring.models import Mentorship, Milestone, PlannedCheckIn
from deskmate.people.models import Member

PRODID = "-//deskmate//mentoring//EN"

#: iCalendar STATUS of a planned check-in.
_STATUS: dict[str, str] = {
    PlannedCheckIn.Status.PROPOSED: "TENTATIVE",
    PlannedCheckIn.Status.ACCEPTED: "CONFIRMED",
    PlannedCheckIn.Status.CANCELLED: "CANCELLED",
}


def _calendar(method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    return calendar


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "deskmate"


def _checkins_link(mentorship: Mentorship) -> str:
    return f"{settings.SITE_URL}{reverse('mentorship_checkins', args=[mentorship.pk])}"


def _attendee(member: Member, partstat: str) -> vCalAddress:
    attendee = vCalAddress(f"mailto:{member.user.email}")
    attendee.params["cn"] = vText(member.name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText(partstat)
    return attendee


def next_checkin_ics(mentorship: Mentorship) -> bytes:
    """An all-day invitation for the next check-in's date, when no time has been agreed."""
    day = mentorship.next_checkin_on
    calendar = _calendar("PUBLISH")
    event = Event()
    event.add("uid", f"checkin-{mentorship.pk}-{day.isoformat()}@deskmate")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    names = f"{mentorship.requester.name} & {mentorship.recipient.name}"
    event.add("summary", f"Check-in: {names}")
    link = _checkins_link(mentorship)
    event.add("description", f"Your next check-in. Notes and next steps: {link}")
    event.add("url", link)
    for member in (mentorship.requester, mentorship.recipient):
        attendee = vCalAddress(f"mailto:{member.user.email}")
        attendee.params["cn"] = member.name
        event.add("attendee", attendee, encode=0)
    calendar.add_component(event)
    return calendar.to_ical()


def planned_checkin_uid(planned: PlannedCheckIn) -> str:
    return f"checkin-{planned.uid}@{_host()}"


def planned_checkin_event(planned: PlannedCheckIn, *, invitation: bool) -> Event:
    """The check-in as one VEVENT: timed, in UTC, with its stable UID and current SEQUENCE."""
    mentorship = planned.mentorship
    event = Event()
    event.add("uid", planned_checkin_uid(planned))
    event.add("sequence", planned.sequence)
    event.add("dtstamp", timezone.now())
    event.add("last-modified", planned.updated_at)
    event.add("dtstart", planned.starts_at.astimezone(dt.UTC))
    event.add("dtend", planned.ends_at.astimezone(dt.UTC))
    event.add("status", _STATUS[planned.status])
    names = f"{mentorship.requester.name} & {mentorship.recipient.name}"
    event.add("summary", f"Check-in: {names}")
    link = _checkins_link(mentorship)
    event.add("description", f"Your check-in on deskmate. Notes and next steps: {link}")
    event.add("url", link)
    if invitation:
        organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
        organizer.params["cn"] = vText("deskmate")
        event.add("organizer", organizer)
        for member in (mentorship.requester, mentorship.recipient):
            accepted = (
                planned.status == PlannedCheckIn.Status.ACCEPTED
                or member.pk == planned.proposed_by_id
            )
            event.add("attendee", _attendee(member, "ACCEPTED" if accepted else "NEEDS-ACTION"))
    return event


def invitation_method(planned: PlannedCheckIn) -> str:
    """REQUEST for a new or changed check-in (the sequence says which), CANCEL once cancelled."""
    return "CANCEL" if planned.status == PlannedCheckIn.Status.CANCELLED else "REQUEST"


def planned_checkin_ics(planned: PlannedCheckIn) -> bytes:
    calendar = _calendar(invitation_method(planned))
    calendar.add_component(planned_checkin_event(planned, invitation=True))
    return calendar.to_ical()


#: The notices about a planned check-in, whose e-mails carry its invitation.
INVITATION_KINDS = ("checkin_proposed", "checkin_accepted", "checkin_moved", "checkin_cancelled")


def invitation_key(planned: PlannedCheckIn) -> str:
    """A notice's key naming the check-in and the version of it the notice is about."""
    return f"planned_checkin:{planned.pk}:{planned.sequence}"


def invitation_attachment(notification: Any) -> MIMEBase | None:
    """The check-in's invitation as an iMIP part (``text/calendar; method=…``), so that a mail
    client offers to add, update or remove the event; the current state, if it moved on since."""
    kind, _, rest = notification.key.partition(":")
    planned_id = rest.split(":")[0]
    if kind != "planned_checkin" or not planned_id.isdigit():
        return None
    planned = (
        PlannedCheckIn.objects.select_related(
            "mentorship__requester__user", "mentorship__recipient__user"
        )
        .filter(pk=int(planned_id))
        .filter(
            Q(mentorship__requester=notification.recipient_id)
            | Q(mentorship__recipient=notification.recipient_id)
        )
        .first()
    )
    if planned is None:
        return None
    part = MIMEText(planned_checkin_ics(planned).decode(), "calendar", "utf-8")
    part.set_param("method", invitation_method(planned))
    part.add_header("Content-Disposition", "attachment", filename="invitation.ics")
    return part


def _milestone_event(milestone: Milestone, due: dt.date) -> Event:
    mentorship = milestone.mentorship
    event = Event()
    event.add("uid", f"milestone-{milestone.pk}@{_host()}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", due)
    event.add("dtend", due + dt.timedelta(days=1))
    event.add("summary", f"Milestone due: {milestone.title}")
    event.add("transp", "TRANSPARENT")
    link = f"{settings.SITE_URL}{reverse('mentorship_milestones', args=[mentorship.pk])}"
    event.add("description", f"{mentorship.requester.name} & {mentorship.recipient.name}: {link}")
    event.add("url", link)
    return event


def member_feed_ics(
    member: Member, checkins: Iterable[PlannedCheckIn], milestones: Iterable[Milestone]
) -> bytes:
    """A member's subscription: their planned check-ins (timed) and milestones due (all day)."""
    calendar = _calendar()
    calendar.add("x-wr-calname", "deskmate: check-ins and milestones")
    calendar.add("x-wr-timezone", member.zone.key)
    calendar.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for planned in checkins:
        calendar.add_component(planned_checkin_event(planned, invitation=False))
    for milestone in milestones:
        if milestone.due_on is not None:
            calendar.add_component(_milestone_event(milestone, milestone.due_on))
    return calendar.to_ical()
