"""Programme health and the programme report: counts and aggregates only, never content.

What two people write in their mentorship (check-in notes, feedback, survey
comments) stays between them; a coordinator sees how many, how often and, for
pulse surveys, the average satisfaction of months with enough answers that no
one's answer can be picked out.
"""

import csv
import datetime as dt
import io
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, Max
from django.db.models.functions import TruncMonth
from django.utils import timezone

from deskmate.mentoring import rules
from deskmate.mentoring.models import (
    Cadence,
    CheckIn,
    InfoRequest,
    Mentorship,
    Milestone,
    SurveyResponse,
)
from deskmate.mentoring.selectors import mentorship_overview
from deskmate.mentoring.states import State
from deskmate.people.models import Member
from deskmate.programmes.matching import published_pairs
from deskmate.programmes.models import Application, Programme

#: Months with fewer pulse answers than this show no average.
MIN_RESPONSES_SHOWN = 3
#: Cells a spreadsheet would read as a formula start with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """A cell that a spreadsheet shows as text, never runs: risky text gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    months, current = [], _month(first)
    while current <= last:
        months.append(current)
        current = (current + dt.timedelta(days=32)).replace(day=1)
    return months


def _week(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def programme_health(programme: Programme) -> dict:
    today = timezone.localdate()
    applications = list(programme.applications.values_list("created_at", "role", "status"))
    # Enrolment over time: applicants so far, week by week.
    weekly = Counter(_week(timezone.localtime(created).date()) for created, _, _ in applications)
    enrolment, total = [], 0
    if weekly:
        week = min(weekly)
        while week <= _week(today):
            total += weekly.get(week, 0)
            enrolment.append({"label": week.isoformat(), "value": total})
            week += dt.timedelta(days=7)

    seekers = Application.Role.PEER if programme.is_peer else Application.Role.MENTEE
    seeking = {
        member_id
        for member_id in programme.applications.filter(
            role=seekers, status=Application.Status.APPLIED
        ).values_list("member_id", flat=True)
    }
    standing = published_pairs(programme)
    matched = {mentee for mentee, _ in standing} | (
        {mentor for _, mentor in standing} if programme.is_peer else set()
    )
    matched_share = len(matched & seeking) / len(seeking) if seeking else 0.0

    mentorships = Mentorship.objects.filter(programme_id=programme.pk)
    states = dict(mentorships.values_list("state").annotate(n=Count("pk")))
    state_rows = [
        {"label": label, "value": states.get(value, 0)}
        for value, label in State.choices
        if states.get(value)
    ]

    checkins_by_month = dict(
        CheckIn.objects.filter(mentorship__programme_id=programme.pk)
        .annotate(month=TruncMonth("held_on"))
        .values_list("month")
        .annotate(n=Count("pk"))
    )
    spans = list(mentorships.exclude(started_on__isnull=True).values_list("started_on", "ended_at"))
    checkins = []
    if spans:
        for month in _months(min(start for start, _ in spans), today):
            month_end = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
            pairs = sum(
                1
                for start, ended in spans
                if start <= month_end
                and (ended is None or timezone.localtime(ended).date() >= month)
            )
            count = checkins_by_month.get(month, 0)
            checkins.append(
                {
                    "label": month.strftime("%Y-%m"),
                    "value": round(count / pairs, 2) if pairs else 0.0,
                    "checkins": count,
                    "pairs": pairs,
                }
            )

    milestones = Milestone.objects.filter(mentorship__programme_id=programme.pk)
    milestone_total = milestones.count()
    milestones_done_by_month = dict(
        milestones.filter(done_at__isnull=False)
        .annotate(month=TruncMonth("done_at"))
        .values_list("month")
        .annotate(n=Count("pk"))
    )
    done_rows, running = [], 0
    for month in sorted(milestones_done_by_month):
        running += milestones_done_by_month[month]
        label = month.date() if isinstance(month, dt.datetime) else month
        done_rows.append({"label": label.strftime("%Y-%m"), "value": running})

    pulses: dict[dt.date, list[int]] = defaultdict(list)
    for due_on, satisfaction in SurveyResponse.objects.filter(
        mentorship__programme_id=programme.pk, kind=SurveyResponse.Kind.PULSE
    ).values_list("due_on", "satisfaction"):
        pulses[_month(due_on)].append(satisfaction)
    satisfaction = []
    for month in sorted(pulses):
        answers = pulses[month]
        shown = len(answers) >= MIN_RESPONSES_SHOWN
        satisfaction.append(
            {
                "label": month.strftime("%Y-%m"),
                "value": round(sum(answers) / len(answers), 2) if shown else None,
                "answers": len(answers),
            }
        )

    return {
        "applicants": sum(
            1 for _, _, status in applications if status == Application.Status.APPLIED
        ),
        "seeking": len(seeking),
        "matched": len(matched & seeking),
        "matched_share": round(matched_share, 4),
        "active_mentorships": states.get(State.ACTIVE, 0),
        "milestones_done": sum(milestones_done_by_month.values()),
        "milestones_total": milestone_total,
        "enrolment": enrolment,
        "mentorship_states": state_rows,
        "checkins_per_pair": checkins,
        "milestones_done_over_time": done_rows,
        "satisfaction": satisfaction,
        "min_responses_shown": MIN_RESPONSES_SHOWN,
    }


#: A pulse answer at or below this (of 5) puts a pair at risk, when its respondent was told so.
LOW_PULSE = 2
#: A request or question in a programme's mentorship waits this long before it puts a pair at risk.
UNANSWERED_AFTER_DAYS = 7

NO_CHECKIN_YET = "No check-in in the {days} days since they started; they agreed to meet {cadence}."
NO_CHECKIN_SINCE = (
    "No check-in since {last:%-d %B %Y} ({days} days); they agreed to meet {cadence}."
)
LOW_PULSE_WORDS = "A low score in the latest pulse survey of one of them."
REQUEST_WAITING = "A request has waited {days} days for an answer."
QUESTION_WAITING = "A question has waited {days} days for an answer."


#: Why a pair is at risk: ``PairAtRisk.kinds`` holds these.
CHECKIN, LOW_PULSE_KIND, WAITING = "checkin", "pulse", "waiting"


@dataclass(frozen=True)
class PairAtRisk:
    mentorship: Mentorship
    reasons: tuple[str, ...]
    kinds: frozenset[str]


def _checkin_reason(mentorship: Mentorship, last: dt.date | None, today: dt.date) -> str | None:
    cadence_days = rules.CADENCE_DAYS.get(mentorship.cadence, 14)
    since = last or mentorship.started_on
    if since is None or (today - since).days <= cadence_days:
        return None
    cadence = dict(Cadence.choices)[mentorship.cadence].lower()
    days = (today - since).days
    if last is None:
        return NO_CHECKIN_YET.format(days=days, cadence=cadence)
    return NO_CHECKIN_SINCE.format(last=last, days=days, cadence=cadence)


def _low_pulse(programme: Programme) -> set[int]:
    """Pairs whose respondent's latest pulse answer is low, counting only answers shared so."""
    latest: dict[tuple[int, int], tuple[dt.date, int, bool]] = {}
    for mentorship_id, respondent_id, due_on, satisfaction, shared in (
        SurveyResponse.objects.filter(
            mentorship__programme_id=programme.pk,
            mentorship__state=State.ACTIVE,
            kind=SurveyResponse.Kind.PULSE,
        )
        .order_by("due_on", "id")
        .values_list("mentorship_id", "respondent_id", "due_on", "satisfaction", "low_score_shared")
    ):
        latest[(mentorship_id, respondent_id)] = (due_on, satisfaction, shared)
    return {
        mentorship_id
        for (mentorship_id, _), (_, satisfaction, shared) in latest.items()
        if shared and satisfaction <= LOW_PULSE
    }


def _waiting(programme: Programme, today: dt.date) -> dict[int, str]:
    """Requests and questions in the programme's mentorships left unanswered for a week or more."""
    cutoff = timezone.now() - dt.timedelta(days=UNANSWERED_AFTER_DAYS)
    waiting: dict[int, str] = {}
    for mentorship_id, created in Mentorship.objects.filter(
        programme_id=programme.pk, state=State.REQUESTED, created_at__lte=cutoff
    ).values_list("pk", "created_at"):
        days = (today - timezone.localtime(created).date()).days
        waiting[mentorship_id] = REQUEST_WAITING.format(days=days)
    for mentorship_id, asked in (
        InfoRequest.objects.filter(
            mentorship__programme_id=programme.pk,
            mentorship__state__in=[State.REQUESTED, State.ACTIVE],
            answered_at__isnull=True,
            asked_at__lte=cutoff,
        )
        .order_by("asked_at")
        .values_list("mentorship_id", "asked_at")
    ):
        days = (today - timezone.localtime(asked).date()).days
        waiting.setdefault(mentorship_id, QUESTION_WAITING.format(days=days))
    return waiting


def pairs_at_risk(programme: Programme, *, today: dt.date | None = None) -> list[PairAtRisk]:
    """The programme's pairs that may need a hand, each with its reasons in words.

    No check-in within the agreed cadence (counted from the start while there is none),
    a low pulse score that its respondent was told would be shared, or a request or
    question left unanswered for a week. Only facts about the pair, never what they wrote.
    """
    today = today or timezone.localdate()
    low = _low_pulse(programme)
    waiting = _waiting(programme, today)
    mentorships = (
        Mentorship.objects.filter(
            programme_id=programme.pk, state__in=[State.ACTIVE, State.REQUESTED]
        )
        .select_related("requester", "recipient")
        .annotate(last_checkin=Max("checkins__held_on"))
        .order_by("started_on", "id")
    )
    found = []
    for mentorship in mentorships:
        reasons: dict[str, str] = {}
        if mentorship.state == State.ACTIVE and (
            mentorship.started_on is None or mentorship.started_on <= today
        ):
            checkin = _checkin_reason(mentorship, mentorship.last_checkin, today)
            if checkin:
                reasons[CHECKIN] = checkin
        if mentorship.pk in low:
            reasons[LOW_PULSE_KIND] = LOW_PULSE_WORDS
        if mentorship.pk in waiting:
            reasons[WAITING] = waiting[mentorship.pk]
        if reasons:
            found.append(PairAtRisk(mentorship, tuple(reasons.values()), frozenset(reasons)))
    return found


REPORT_HEADER = [
    "Programme",
    "Mentee",
    "Mentee e-mail",
    "Mentor",
    "Mentor e-mail",
    "Kind",
    "State",
    "Started",
    "Check-ins",
    "Last check-in",
    "Milestones done",
    "Milestones",
    "Feedback given",
    "Surveys answered",
]


def report_rows(programme: Programme, viewer: Member) -> list[list]:
    """One row per mentorship the programme made, then one per applicant still unmatched."""
    rows = []
    mentorships = (
        mentorship_overview(viewer).filter(programme_id=programme.pk).order_by("started_on", "id")
    )
    emails = dict(
        Member.objects.filter(programme_applications__programme=programme).values_list(
            "pk", "user__email"
        )
    )
    matched = set()
    for m in mentorships:
        matched |= {m.requester_id, m.recipient_id}
        rows.append(
            [
                programme.name,
                m.requester.name,
                emails.get(m.requester_id, ""),
                m.recipient.name,
                emails.get(m.recipient_id, ""),
                m.get_kind_display(),
                m.get_state_display(),
                m.started_on.isoformat() if m.started_on else "",
                m.checkin_count,
                m.last_checkin_on.isoformat() if m.last_checkin_on else "",
                m.milestones_done,
                m.milestone_count,
                m.feedback_count,
                m.survey_count,
            ]
        )
    for application in programme.applications.filter(
        status=Application.Status.APPLIED
    ).select_related("member__user"):
        if application.member_id in matched or application.role == Application.Role.MENTOR:
            continue
        rows.append(
            [
                programme.name,
                application.member.name,
                application.member.user.email,
                "",
                "",
                application.get_role_display(),
                "Not matched",
                "",
                0,
                "",
                0,
                0,
                0,
                0,
            ]
        )
    return rows


def report_csv(programme: Programme, viewer: Member) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(REPORT_HEADER)
    for row in report_rows(programme, viewer):
        writer.writerow([csv_safe(cell) for cell in row])
    return buffer.getvalue()
