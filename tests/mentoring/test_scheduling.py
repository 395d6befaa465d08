"""Check-ins at a time: proposed in a time zone, accepted or moved by the other person, one
calendar event that clients update (stable UID, rising SEQUENCE, REQUEST then CANCEL), and each
member's private, revocable calendar feed."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from icalendar import Calendar

from deskmate.core.models import AuditEntry
from deskmate.mentoring import selectors, services
from deskmate.mentoring.models import CalendarFeed, Event, PlannedCheckIn
from deskmate.notifications.models import Notification
from deskmate.people.services import profile_update
from tests.conftest import client_for
from tests.people.test_api import bearer

pytestmark = pytest.mark.django_db

NEXT_YEAR = timezone.now().year + 1
# 12:30 in Berlin on a winter Tuesday is 11:30 UTC and 06:30 in New York.
DAY = next(
    dt.date(NEXT_YEAR, 1, d) for d in range(12, 19) if dt.date(NEXT_YEAR, 1, d).weekday() == 1
)
ON = f"Tuesday {DAY.day} January"
TIME = dt.time(12, 30)


@pytest.fixture
def zoned(mentee, mentor):
    profile_update(member=mentee, actor=mentee, time_zone="Europe/Berlin")
    profile_update(member=mentor, actor=mentor, time_zone="America/New_York")
    return mentee, mentor


@pytest.fixture
def proposed(active, zoned, mentee):
    return services.checkin_propose(
        mentorship=active, actor=mentee, day=DAY, time=TIME, time_zone="Europe/Berlin"
    )


def _events(ics: bytes):
    return [c for c in Calendar.from_ical(ics).walk() if c.name == "VEVENT"]


def test_a_proposal_is_stored_in_utc_and_told_in_the_other_persons_zone(proposed, mentor):
    assert proposed.starts_at == dt.datetime(NEXT_YEAR, 1, DAY.day, 11, 30, tzinfo=dt.UTC)
    assert (proposed.status, proposed.sequence, proposed.time_zone) == (
        "proposed",
        0,
        "Europe/Berlin",
    )
    told = Notification.objects.get(recipient=mentor, kind="checkin_proposed")
    assert told.title == (f"Maya Patel proposed a check-in on {ON} at 06:30 (America/New_York)")
    event = Event.objects.get(kind=Event.Kind.CHECKIN_PROPOSED)
    assert event.text == (f"Maya Patel proposed a check-in on {ON} at 12:30 (Europe/Berlin).")
    assert AuditEntry.objects.filter(action="checkin_propose", subject_id=proposed.pk).exists()


def test_the_proposer_cannot_accept_their_own_time(proposed, mentee):
    with pytest.raises(ValidationError) as refused:
        services.checkin_accept(planned=proposed, actor=mentee)
    assert refused.value.messages == [services.NOT_YOURS_TO_ACCEPT]
    proposed.refresh_from_db()
    assert proposed.status == "proposed"


def test_accepting_makes_it_the_next_checkin_and_raises_the_sequence(proposed, active, mentor):
    accepted = services.checkin_accept(planned=proposed, actor=mentor)
    assert (accepted.status, accepted.sequence) == ("accepted", 1)
    active.refresh_from_db()
    assert active.next_checkin_on == DAY
    assert Notification.objects.filter(recipient=proposed.proposed_by, kind="checkin_accepted")


def test_the_invitation_is_one_event_updated_then_cancelled(proposed, active, mentee, mentor):
    first = Calendar.from_ical(services_ics(proposed))
    (event,) = _events(services_ics(proposed))
    assert first["METHOD"] == "REQUEST"
    assert event["STATUS"] == "TENTATIVE"
    assert int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == dt.datetime(NEXT_YEAR, 1, DAY.day, 11, 30, tzinfo=dt.UTC)
    assert event.decoded("DTEND") == dt.datetime(NEXT_YEAR, 1, DAY.day, 12, 15, tzinfo=dt.UTC)
    assert f"DTSTART:{DAY:%Y%m%d}T113000Z".encode() in services_ics(proposed)
    uid = str(event["UID"])

    moved = services.checkin_move(
        planned=proposed, actor=mentor, day=DAY, time=dt.time(9, 0), time_zone="America/New_York"
    )
    (event,) = _events(services_ics(moved))
    assert (str(event["UID"]), int(event["SEQUENCE"])) == (uid, 1)
    assert event.decoded("DTSTART") == dt.datetime(NEXT_YEAR, 1, DAY.day, 14, 0, tzinfo=dt.UTC)
    assert moved.proposed_by == mentor

    accepted = services.checkin_accept(planned=moved, actor=mentee)
    (event,) = _events(services_ics(accepted))
    assert (event["STATUS"], int(event["SEQUENCE"])) == ("CONFIRMED", 2)
    partstats = sorted(str(a.params["PARTSTAT"]) for a in event["ATTENDEE"])
    assert partstats == ["ACCEPTED", "ACCEPTED"]

    cancelled = services.checkin_cancel(planned=accepted, actor=mentor)
    calendar = Calendar.from_ical(services_ics(cancelled))
    (event,) = _events(services_ics(cancelled))
    assert calendar["METHOD"] == "CANCEL"
    assert (str(event["UID"]), event["STATUS"], int(event["SEQUENCE"])) == (uid, "CANCELLED", 3)


def services_ics(planned) -> bytes:
    from deskmate.mentoring.calendar import planned_checkin_ics

    return planned_checkin_ics(planned)


def test_a_time_in_the_past_or_in_a_clock_change_gap_is_refused(active, zoned, mentee):
    with pytest.raises(ValidationError) as past:
        services.checkin_propose(
            mentorship=active,
            actor=mentee,
            day=timezone.localdate() - dt.timedelta(days=1),
            time=TIME,
            time_zone="Europe/Berlin",
        )
    assert past.value.message_dict == {"day": [services.CHECKIN_IN_PAST]}
    with pytest.raises(ValidationError) as gap:
        # Berlin's clocks jump from 02:00 to 03:00 on the last Sunday of March.
        last_sunday = max(
            dt.date(NEXT_YEAR, 3, d)
            for d in range(25, 32)
            if dt.date(NEXT_YEAR, 3, d).weekday() == 6
        )
        services.checkin_propose(
            mentorship=active,
            actor=mentee,
            day=last_sunday,
            time=dt.time(2, 30),
            time_zone="Europe/Berlin",
        )
    assert gap.value.message_dict == {"time": [services.CLOCK_CHANGE]}
    with pytest.raises(ValidationError) as zone:
        services.checkin_propose(
            mentorship=active, actor=mentee, day=DAY, time=TIME, time_zone="Mars/Olympus"
        )
    assert "time_zone" in zone.value.message_dict
    with pytest.raises(ValidationError) as far:
        services.checkin_propose(
            mentorship=active,
            actor=mentee,
            day=dt.date(9999, 12, 31),
            time=dt.time(23, 59),
            time_zone="Pacific/Kiritimati",
        )
    assert far.value.message_dict == {"day": ["Choose a date within 366 days from today."]}
    assert PlannedCheckIn.objects.count() == 0


def test_the_page_proposes_and_the_other_accepts(active, zoned, mentee, mentor):
    as_mentee, as_mentor = client_for(mentee), client_for(mentor)
    form = as_mentee.get(f"/mentorships/{active.pk}/checkins/propose/").content.decode()
    assert '<option value="Europe/Berlin" selected>' in form
    response = as_mentee.post(
        f"/mentorships/{active.pk}/checkins/propose/",
        {"day": DAY.isoformat(), "time": "12:30", "time_zone": "Europe/Berlin"},
    )
    assert response.status_code == 302
    planned = PlannedCheckIn.objects.get()
    page = as_mentor.get(f"/mentorships/{active.pk}/checkins/").content.decode()
    assert f"{ON} {NEXT_YEAR}, 06:30" in page
    assert "Waiting for you" in page
    as_mentor.post(f"/mentorships/{active.pk}/checkins/planned/{planned.pk}/accept/")
    planned.refresh_from_db()
    assert planned.status == "accepted"
    bad = as_mentee.post(
        f"/mentorships/{active.pk}/checkins/propose/",
        {"day": DAY.isoformat(), "time": "25:00", "time_zone": "Europe/Berlin"},
    )
    assert bad.status_code == 200
    assert "Enter a valid time." in bad.content.decode()
    assert PlannedCheckIn.objects.count() == 1


def test_the_api_proposes_in_your_own_zone_by_default(active, zoned, mentee, mentor):
    response = bearer(mentor).post(
        f"/api/v1/mentorships/{active.pk}/planned-checkins",
        json.dumps({"day": DAY.isoformat(), "time": "06:30"}),
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["time_zone"], body["status"], body["sequence"]) == (
        "America/New_York",
        "proposed",
        0,
    )
    assert dt.datetime.fromisoformat(body["starts_at"]) == dt.datetime(
        NEXT_YEAR, 1, DAY.day, 11, 30, tzinfo=dt.UTC
    )
    accepted = bearer(mentee).post(
        f"/api/v1/mentorships/{active.pk}/planned-checkins/{body['id']}/accept"
    )
    assert accepted.json()["status"] == "accepted"
    bad = bearer(mentee).post(
        f"/api/v1/mentorships/{active.pk}/planned-checkins",
        json.dumps({"day": DAY.isoformat(), "time": "06:30", "time_zone": "Nowhere/Else"}),
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert "time_zone" in bad.content.decode()
    assert PlannedCheckIn.objects.count() == 1


def test_the_reminder_says_the_time_in_each_members_own_zone(proposed, mentor, mentee):
    services.checkin_accept(planned=proposed, actor=mentor)
    the_day_before = proposed.starts_at - dt.timedelta(hours=20)
    services.reminders_send(now=the_day_before)
    services.reminders_send(now=the_day_before + dt.timedelta(hours=1))
    titles = dict(
        Notification.objects.filter(kind="checkin_soon").values_list("recipient_id", "title")
    )
    assert titles == {
        mentee.pk: f"Check-in with Daniel Okafor: {ON} at 12:30 (Europe/Berlin)",
        mentor.pk: f"Check-in with Maya Patel: {ON} at 06:30 (America/New_York)",
    }


# ---------------------------------------------------------------- the feed


def _feed_token(client) -> str:
    page = client.post("/settings/calendar/", {"action": "create"}).content.decode()
    start = page.index("/calendar/") + len("/calendar/")
    return page[start : page.index(".ics", start)]


def test_the_feed_has_the_timed_event_in_utc_for_a_member_in_another_zone(
    proposed, mentor, mentee, active
):
    services.checkin_accept(planned=proposed, actor=mentor)
    services.milestone_create(
        mentorship=active, actor=mentee, title="Run a retro", due_on=DAY + dt.timedelta(days=3)
    )
    token = _feed_token(client_for(mentor))
    anonymous = client_for(mentor).__class__()
    response = anonymous.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    checkin, milestone = _events(response.content)
    assert checkin.decoded("DTSTART") == dt.datetime(NEXT_YEAR, 1, DAY.day, 11, 30, tzinfo=dt.UTC)
    assert f"DTSTART:{DAY:%Y%m%d}T113000Z".encode() in response.content
    assert checkin["STATUS"] == "CONFIRMED"
    assert str(checkin["SUMMARY"]) == "Check-in: Maya Patel & Daniel Okafor"
    assert milestone.decoded("DTSTART") == DAY + dt.timedelta(days=3)
    assert str(milestone["SUMMARY"]) == "Milestone due: Run a retro"
    assert CalendarFeed.objects.get(member=mentor).last_used_at is not None


def test_a_replaced_or_revoked_feed_address_stops_working(active, mentor):
    as_mentor = client_for(mentor)
    first = _feed_token(as_mentor)
    second = _feed_token(as_mentor)
    anonymous = as_mentor.__class__()
    assert anonymous.get(f"/calendar/{first}.ics").status_code == 404
    assert anonymous.get(f"/calendar/{second}.ics").status_code == 200
    as_mentor.post("/settings/calendar/", {"action": "revoke"})
    assert anonymous.get(f"/calendar/{second}.ics").status_code == 404
    assert CalendarFeed.objects.count() == 0
    assert AuditEntry.objects.filter(action="calendar_feed_revoke").count() == 1


def test_the_feed_secret_is_kept_only_hashed(active, mentor):
    token = _feed_token(client_for(mentor))
    feed = CalendarFeed.objects.get()
    assert feed.token_hash == selectors.feed_token_hash(token) != token
    assert token not in json.dumps(list(AuditEntry.objects.values("details")))


def test_the_api_makes_and_revokes_a_feed(mentor):
    as_mentor = bearer(mentor)
    made = as_mentor.post("/api/v1/me/calendar-feed")
    assert made.status_code == 201
    url = made.json()["url"]
    path = url[url.index("/calendar/") :]
    assert as_mentor.get(path).status_code == 200
    assert as_mentor.delete("/api/v1/me/calendar-feed").status_code == 204
    assert as_mentor.get(path).status_code == 404


@pytest.mark.parametrize("who", ["stranger", "coordinator"])
def test_no_one_else_sees_or_changes_planned_checkins(who, request, proposed, active):
    member = request.getfixturevalue(who)
    page_client, api_client = client_for(member), bearer(member)
    before = list(PlannedCheckIn.objects.values_list("status", "sequence", "starts_at"))
    base = f"/mentorships/{active.pk}/checkins/"
    planned = f"{base}planned/{proposed.pk}/"
    for path in (base, base + "propose/", planned + "move/", planned + "invitation.ics"):
        assert page_client.get(path).status_code == 404, path
    for path in (base + "propose/", planned + "move/", planned + "accept/", planned + "cancel/"):
        response = page_client.post(
            path, {"day": DAY.isoformat(), "time": "10:00", "time_zone": "UTC"}
        )
        assert response.status_code == 404, path
    api = f"/api/v1/mentorships/{active.pk}/planned-checkins"
    assert api_client.get(api).status_code == 404
    body = json.dumps({"day": DAY.isoformat(), "time": "10:00"})
    assert api_client.post(api, body, content_type="application/json").status_code == 404
    for action in ("accept", "cancel"):
        assert api_client.post(f"{api}/{proposed.pk}/{action}").status_code == 404
    moved = api_client.post(f"{api}/{proposed.pk}/move", body, content_type="application/json")
    assert moved.status_code == 404
    assert api_client.get(f"{api}/{proposed.pk}/invitation.ics").status_code == 404
    assert list(PlannedCheckIn.objects.values_list("status", "sequence", "starts_at")) == before
    assert anonymous_feed_refused()


def anonymous_feed_refused() -> bool:
    from django.test import Client

    return Client().get("/calendar/not-a-real-secret.ics").status_code == 404


def test_a_time_zone_is_a_profile_field_defaulting_to_the_sites(mentee, settings):
    assert mentee.time_zone == ""
    assert mentee.zone.key == settings.TIME_ZONE
    as_mentee = bearer(mentee)
    bad = as_mentee.patch(
        "/api/v1/me", json.dumps({"time_zone": "Atlantis/Capital"}), content_type="application/json"
    )
    assert bad.status_code == 422
    assert "time_zone" in bad.content.decode()
    good = as_mentee.patch(
        "/api/v1/me", json.dumps({"time_zone": "Asia/Tokyo"}), content_type="application/json"
    )
    assert good.json()["time_zone"] == "Asia/Tokyo"
    mentee.refresh_from_db()
    assert mentee.zone.key == "Asia/Tokyo"


def test_the_next_checkin_invitation_is_timed_once_a_time_is_accepted(proposed, active, mentor):
    path = f"/mentorships/{active.pk}/checkins/next.ics"
    services.checkin_accept(planned=proposed, actor=mentor)
    for response in (client_for(mentor).get(path), bearer(mentor).get(f"/api/v1{path}")):
        assert response.status_code == 200
        (event,) = _events(response.content)
        start = dt.datetime(NEXT_YEAR, 1, DAY.day, 11, 30, tzinfo=dt.UTC)
        assert (event.decoded("DTSTART"), int(event["SEQUENCE"])) == (start, 1)


def test_the_home_page_shows_the_accepted_time_in_each_members_zone(proposed, mentee, mentor):
    services.checkin_accept(planned=proposed, actor=mentor)
    date = f"{DAY.day} Jan {NEXT_YEAR}"
    assert f"Next check-in {date}, 12:30" in client_for(mentee).get("/").content.decode()
    assert f"Next check-in {date}, 06:30" in client_for(mentor).get("/").content.decode()


def test_the_move_form_starts_from_the_current_time_in_the_viewers_zone(proposed, active, mentor):
    page = client_for(mentor).get(f"/mentorships/{active.pk}/checkins/planned/{proposed.pk}/move/")
    body = page.content.decode()
    assert f'value="{DAY.isoformat()}"' in body
    assert 'value="06:30"' in body
    assert '<option value="America/New_York" selected>' in body
    response = client_for(mentor).post(
        f"/mentorships/{active.pk}/checkins/planned/{proposed.pk}/move/",
        {"day": DAY.isoformat(), "time": "08:00", "time_zone": "America/New_York"},
    )
    assert response.status_code == 302
    proposed.refresh_from_db()
    assert (proposed.starts_at, proposed.sequence, proposed.proposed_by) == (
        dt.datetime(NEXT_YEAR, 1, DAY.day, 13, 0, tzinfo=dt.UTC),
        1,
        mentor,
    )


def _sent_for(notification):
    from django.core import mail

    from deskmate.notifications.models import EmailDelivery
    from deskmate.notifications.services import email_delivery_attempt

    delivery = EmailDelivery.objects.get(notification=notification)
    assert email_delivery_attempt(delivery.pk, retry=lambda *_: None) == "sent"
    return mail.outbox[-1]


def test_each_e_mail_about_a_planned_checkin_carries_its_invitation(proposed, mentee, mentor):
    proposal = _sent_for(Notification.objects.get(recipient=mentor, kind="checkin_proposed"))
    services.checkin_cancel(planned=proposed, actor=mentee)
    cancellation = _sent_for(Notification.objects.get(recipient=mentor, kind="checkin_cancelled"))
    found = []
    for email in (proposal, cancellation):
        (part,) = [p for p in email.message().walk() if p.get_content_type() == "text/calendar"]
        calendar = Calendar.from_ical(part.get_payload(decode=True))
        (event,) = _events(calendar.to_ical())
        found.append((part.get_param("method"), str(calendar["METHOD"]), int(event["SEQUENCE"])))
        assert part.get_filename() == "invitation.ics"
    assert found == [("REQUEST", "REQUEST", 0), ("CANCEL", "CANCEL", 1)]


def test_an_invitation_e_mail_sent_late_carries_the_checkins_current_state(
    proposed, mentee, mentor
):
    notice = Notification.objects.get(recipient=mentor, kind="checkin_proposed")
    services.checkin_cancel(planned=proposed, actor=mentee)
    email = _sent_for(notice)
    (part,) = [p for p in email.message().walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "CANCEL"
    assert b"SEQUENCE:1" in part.get_payload(decode=True)


def test_the_invitation_e_mail_of_a_fresh_proposal_is_a_request(proposed, mentor):
    email = _sent_for(Notification.objects.get(recipient=mentor, kind="checkin_proposed"))
    (part,) = [p for p in email.message().walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "REQUEST"
    assert b"METHOD:REQUEST" in part.get_payload(decode=True)
    assert b"STATUS:TENTATIVE" in part.get_payload(decode=True)
