"""The numbers mentoring runs by, each overridable in settings."""

import datetime as dt

from django.conf import settings

REQUEST_EXPIRY_DAYS = 14
MAX_OPEN_REQUESTS = 5
INACTIVE_AFTER_DAYS = 30

MIN_DURATION_WEEKS = 4
MAX_DURATION_WEEKS = 52
DURATION_CHOICES = [
    (4, "4 weeks"),
    (6, "6 weeks"),
    (8, "8 weeks"),
    (13, "3 months"),
    (26, "6 months"),
    (39, "9 months"),
    (52, "12 months"),
]
CADENCE_DAYS = {"weekly": 7, "fortnightly": 14, "monthly": 30}

FIRST_PULSE_AFTER_DAYS = 30
PULSE_EVERY_DAYS = 60
REQUEST_EXPIRING_WITHIN = dt.timedelta(days=2)
CHECKIN_UPCOMING_WITHIN_DAYS = 1
ENDING_SOON_WITHIN_DAYS = 7


def request_expiry_days() -> int:
    return getattr(settings, "MENTORING_REQUEST_EXPIRY_DAYS", REQUEST_EXPIRY_DAYS)


def max_open_requests() -> int:
    return getattr(settings, "MENTORING_MAX_OPEN_REQUESTS", MAX_OPEN_REQUESTS)


def inactive_after_days() -> int:
    return getattr(settings, "MENTORING_INACTIVE_AFTER_DAYS", INACTIVE_AFTER_DAYS)


def pulse_due_dates(started_on: dt.date, until: dt.date) -> list[dt.date]:
    """Pulse surveys fall 30 days after the start, then every 60 days, up to `until`."""
    dates = []
    due = started_on + dt.timedelta(days=FIRST_PULSE_AFTER_DAYS)
    while due <= until:
        dates.append(due)
        due += dt.timedelta(days=PULSE_EVERY_DAYS)
    return dates


#: An accepted check-in is announced to both people this many hours before it starts.
PLANNED_CHECKIN_REMINDER_HOURS = 24
#: A check-in can be planned at most this many days ahead.
PLAN_CHECKIN_WITHIN_DAYS = 366
