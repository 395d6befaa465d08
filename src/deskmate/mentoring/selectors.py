"""Reads about mentorships, scoped to the viewer.

A mentorship's content (its request, agreement, milestones, check-ins,
feedback and surveys) is for its two people only: `access_mentorship` is the
single gate, and answers 404 to anyone else, coordinators and admins included.
Coordinators see counts and dates through `mentorship_overview`.
"""

import datetime as dt

from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from deskmate.mentoring import rules
from deskmate.mentoring.models import (
    AgreementVersion,
    Availability,
    Block,
    CheckIn,
    Event,
    Feedback,
    InfoRequest,
    Mentorship,
    Milestone,
    Report,
    SurveyResponse,
)
from deskmate.mentoring.states import OPEN_STATES, State
from deskmate.people.models import Member

MENTORSHIP_NOT_FOUND = "No such mentorship, or it is not yours."
REPORT_NOT_FOUND = "No such report."


def mentorships_of(member: Member) -> QuerySet[Mentorship]:
    return Mentorship.objects.filter(Q(requester=member) | Q(recipient=member)).select_related(
        "requester", "recipient"
    )


def access_mentorship(viewer: Member, mentorship_id: int) -> Mentorship:
    """The mentorship if the viewer is one of its two people; 404 for everyone else."""
    try:
        return mentorships_of(viewer).get(pk=mentorship_id)
    except (Mentorship.DoesNotExist, ValueError, TypeError):
        raise Http404(MENTORSHIP_NOT_FOUND) from None


def requests_received(member: Member) -> QuerySet[Mentorship]:
    return mentorships_of(member).filter(recipient=member, state__in=OPEN_STATES)


def requests_sent(member: Member) -> QuerySet[Mentorship]:
    return mentorships_of(member).filter(requester=member, state__in=OPEN_STATES)


def active_mentorships(member: Member) -> QuerySet[Mentorship]:
    return mentorships_of(member).filter(state=State.ACTIVE)


def past_mentorships(member: Member) -> QuerySet[Mentorship]:
    return mentorships_of(member).exclude(state__in=[*OPEN_STATES, State.ACTIVE])


def open_request_count(member: Member) -> int:
    return Mentorship.objects.filter(requester=member, state__in=OPEN_STATES).count()


def active_mentee_count(mentor: Member) -> int:
    return Mentorship.objects.filter(
        kind=Mentorship.Kind.MENTORSHIP, state=State.ACTIVE, recipient=mentor
    ).count()


def blocked_member_ids(member: Member) -> set[int]:
    """Members this one blocked or was blocked by: never suggested or asked, either way."""
    pairs = Block.objects.filter(Q(blocker=member) | Q(blocked=member)).values_list(
        "blocker_id", "blocked_id"
    )
    return {other for pair in pairs for other in pair} - {member.pk}


def is_blocked_pair(first: Member | int, second: Member | int) -> bool:
    a, b = getattr(first, "pk", first), getattr(second, "pk", second)
    return Block.objects.filter(
        Q(blocker_id=a, blocked_id=b) | Q(blocker_id=b, blocked_id=a)
    ).exists()


def inactive_mentor_ids() -> set[int]:
    """Members who stopped answering requests; not suggested until they come back."""
    return set(
        Availability.objects.filter(inactive_since__isnull=False).values_list(
            "member_id", flat=True
        )
    )


def availability_of(member: Member) -> Availability:
    return Availability.objects.filter(member=member).first() or Availability(member=member)


def blocks_of(member: Member) -> QuerySet[Block]:
    return Block.objects.filter(blocker=member).select_related("blocked")


def access_block(viewer: Member, blocked_id: int) -> Block:
    try:
        return blocks_of(viewer).get(blocked_id=blocked_id)
    except (Block.DoesNotExist, ValueError, TypeError):
        raise Http404("You have not blocked this member.") from None


def current_agreement(mentorship: Mentorship) -> AgreementVersion | None:
    return mentorship.agreement_versions.select_related("updated_by").order_by("-version").first()


def agreement_history(mentorship: Mentorship) -> QuerySet[AgreementVersion]:
    return mentorship.agreement_versions.select_related("updated_by").order_by("-version")


def milestones_of(mentorship: Mentorship) -> QuerySet[Milestone]:
    return mentorship.milestones.select_related("done_by")


def access_milestone(mentorship: Mentorship, milestone_id: int) -> Milestone:
    try:
        return milestones_of(mentorship).get(pk=milestone_id)
    except (Milestone.DoesNotExist, ValueError, TypeError):
        raise Http404("No such milestone in this mentorship.") from None


def checkins_of(mentorship: Mentorship) -> QuerySet[CheckIn]:
    return mentorship.checkins.select_related("recorded_by")


def feedback_of(mentorship: Mentorship) -> QuerySet[Feedback]:
    return mentorship.feedback.select_related("author")


def surveys_of(mentorship: Mentorship, member: Member) -> QuerySet[SurveyResponse]:
    """A member's own survey answers in a mentorship."""
    return mentorship.survey_responses.filter(respondent=member)


def info_requests_of(mentorship: Mentorship) -> QuerySet[InfoRequest]:
    return mentorship.info_requests.all()


def timeline_of(mentorship: Mentorship) -> QuerySet[Event]:
    return mentorship.events.select_related("actor").order_by("-at", "-id")


def survey_due(
    mentorship: Mentorship, member: Member, today: dt.date | None = None
) -> tuple[str, dt.date] | None:
    """The survey this member owes in this mentorship now, as (kind, due date), or None."""
    today = today or timezone.localdate()
    if mentorship.state == State.ACTIVE and mentorship.started_on:
        dates = rules.pulse_due_dates(mentorship.started_on, today)
        if dates:
            due = (SurveyResponse.Kind.PULSE, dates[-1])
        else:
            return None
    elif mentorship.state == State.COMPLETED and mentorship.ended_at:
        due = (SurveyResponse.Kind.CLOSING, timezone.localdate(mentorship.ended_at))
    else:
        return None
    answered = SurveyResponse.objects.filter(
        mentorship=mentorship, respondent=member, kind=due[0], due_on=due[1]
    ).exists()
    return None if answered else due


def mentorship_overview(viewer: Member) -> QuerySet[Mentorship]:
    """Counts and dates of every mentorship, for coordinators: never any content."""
    if not viewer.is_coordinator:
        return Mentorship.objects.none()
    return (
        Mentorship.objects.select_related("requester", "recipient")
        .only(
            "kind",
            "state",
            "origin",
            "programme_id",
            "created_at",
            "started_on",
            "ends_on",
            "ended_at",
            "next_checkin_on",
            "requester__first_name",
            "requester__last_name",
            "recipient__first_name",
            "recipient__last_name",
        )
        .annotate(
            checkin_count=Count("checkins", distinct=True),
            last_checkin_on=Max("checkins__held_on"),
            milestone_count=Count("milestones", distinct=True),
            milestones_done=Count(
                "milestones", filter=Q(milestones__done_at__isnull=False), distinct=True
            ),
            feedback_count=Count("feedback", distinct=True),
            survey_count=Count("survey_responses", distinct=True),
        )
        .order_by("-created_at", "-id")
    )


def reports_queue(viewer: Member, *, status: str = Report.Status.OPEN) -> QuerySet[Report]:
    if not viewer.is_coordinator:
        return Report.objects.none()
    return Report.objects.filter(status=status).select_related(
        "reporter", "about_member", "about_mentorship"
    )


def access_report(viewer: Member, report_id: int) -> Report:
    """A report, for coordinators only."""
    if not viewer.is_coordinator:
        raise Http404(REPORT_NOT_FOUND)
    try:
        return Report.objects.select_related("reporter", "about_member", "about_mentorship").get(
            pk=report_id
        )
    except (Report.DoesNotExist, ValueError, TypeError):
        raise Http404(REPORT_NOT_FOUND) from None


def reports_by(member: Member) -> QuerySet[Report]:
    return Report.objects.filter(reporter=member).select_related("about_member")


def milestone_overdue_since(milestone: Milestone, today: dt.date | None = None) -> dt.date | None:
    """The due date of a milestone not done by then, once that date has passed; else None."""
    today = today or timezone.localdate()
    if milestone.done_at is None and milestone.due_on is not None and milestone.due_on < today:
        return milestone.due_on
    return None


def overdue_milestones(mentorship: Mentorship, today: dt.date | None = None) -> QuerySet[Milestone]:
    """Milestones of a mentorship not done by their due date, the longest overdue first."""
    today = today or timezone.localdate()
    return mentorship.milestones.filter(done_at__isnull=True, due_on__lt=today).order_by(
        "due_on", "id"
    )


def milestones_with_overdue(
    mentorship: Mentorship, today: dt.date | None = None
) -> list[Milestone]:
    """The mentorship's milestones, each with ``overdue_since`` (its due date, or None)."""
    today = today or timezone.localdate()
    milestones = list(milestones_of(mentorship))
    for milestone in milestones:
        milestone.overdue_since = milestone_overdue_since(milestone, today)  # type: ignore[attr-defined]
    return milestones


def open_milestones_by_mentorship(mentorship_ids) -> dict[int, list[Milestone]]:
    """Milestones not yet done, per mentorship, soonest due first."""
    found: dict[int, list[Milestone]] = {}
    for milestone in Milestone.objects.filter(
        mentorship_id__in=list(mentorship_ids), done_at__isnull=True
    ):
        found.setdefault(milestone.mentorship_id, []).append(milestone)
    return found


def mentorships_as_mentee(member: Member) -> QuerySet[Mentorship]:
    """Active mentorships in which the member is the one mentored (or a copilot who asked)."""
    return active_mentorships(member).filter(requester=member).order_by("next_checkin_on", "id")


def mentees_of(mentor: Member) -> QuerySet[Mentorship]:
    return (
        active_mentorships(mentor)
        .filter(recipient=mentor, kind=Mentorship.Kind.MENTORSHIP)
        .order_by("next_checkin_on", "id")
    )


def requests_to_answer(member: Member) -> QuerySet[Mentorship]:
    """Requests waiting for this member's answer (a question asked back waits for the asker)."""
    return (
        mentorships_of(member)
        .filter(recipient=member, state=State.REQUESTED)
        .order_by("created_at", "id")
    )


def questions_to_answer(member: Member) -> QuerySet[Mentorship]:
    """The member's own requests on which the other person asked for more information."""
    return mentorships_of(member).filter(requester=member, state=State.INFO_REQUESTED)
