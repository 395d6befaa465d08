"""Reads about mentorships, scoped to the viewer.

A mentorship's content (its request, agreement, milestones, check-ins,
feedback and surveys) is for its two people only: `access_mentorship` is the
single gate, and answers 404 to anyone else, coordinators and admins included.
Coordinators see counts and dates through `mentorship_overview`.

A mentoring group's content (its agreement, milestones, check-ins and
conversation) is likewise for its mentor and its current mentees only
(`access_group`); a mentee who left sees it no more. Coordinators see that a
group exists and its health through `group_overview`, never its content.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from deskmate.mentoring import rules
from deskmate.mentoring.models import (
    AgreementVersion,
    Availability,
    Block,
    CalendarFeed,
    CheckIn,
    Event,
    Feedback,
    GroupAgreementVersion,
    GroupCheckIn,
    GroupMembership,
    GroupMilestone,
    InfoRequest,
    MentoringGroup,
    Mentorship,
    Message,
    MessageReceipt,
    Milestone,
    MilestoneFields,
    PlannedCheckIn,
    Report,
    SurveyResponse,
)
from deskmate.mentoring.states import OPEN_STATES, State
from deskmate.network import selectors as network_selectors
from deskmate.network.models import Introduction
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
    today = today or member.local_date()
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


def milestone_overdue_since(
    milestone: MilestoneFields, today: dt.date | None = None
) -> dt.date | None:
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


# ---------------------------------------------------------------- conversations

THREAD_NOT_FOUND = "No such conversation, or it is not yours."


@dataclass(frozen=True)
class Thread:
    """A conversation: a mentorship's (from its request on) or an introduction's.

    ``participants`` are the only people who may read it; coordinators and
    admins are never among them unless they are one of the people.
    """

    kind: str  # "mentorship", "group" or "introduction"
    subject: Mentorship | MentoringGroup | Introduction
    participants: tuple[Member, ...]

    @property
    def key(self) -> dict[str, Any]:
        return {self.kind: self.subject}

    @property
    def url(self) -> str:
        return reverse(f"{self.kind}_messages", args=[self.subject.pk])

    @property
    def fragment_url(self) -> str:
        return reverse(f"{self.kind}_messages_fragment", args=[self.subject.pk])

    def others(self, member: Member) -> list[Member]:
        return [person for person in self.participants if person.pk != member.pk]

    def title_for(self, member: Member) -> str:
        names = " and ".join(person.name for person in self.others(member))
        if isinstance(self.subject, Mentorship):
            if self.subject.state in OPEN_STATES:
                return f"Request with {names}"
            return f"{self.subject.get_kind_display()} with {names}"
        if isinstance(self.subject, MentoringGroup):
            return f"Group: {self.subject.name}"
        return f"Introduction: {names}"


def introduction_participants(introduction: Introduction) -> tuple[Member, ...]:
    """The requester and the introducer; the person introduced to once it is passed on to them."""
    people = [introduction.requester, introduction.introducer]
    if introduction.status in TARGET_READS_THREAD:
        people.append(introduction.target)
    return tuple(people)


TARGET_READS_THREAD = frozenset({Introduction.Status.FORWARDED, Introduction.Status.MADE})


def thread_of_mentorship(mentorship: Mentorship) -> Thread:
    return Thread("mentorship", mentorship, (mentorship.requester, mentorship.recipient))


def thread_of_introduction(introduction: Introduction) -> Thread:
    return Thread("introduction", introduction, introduction_participants(introduction))


def access_mentorship_thread(viewer: Member, mentorship_id: int) -> Thread:
    """A mentorship's conversation, for its two people only; 404 for everyone else."""
    return thread_of_mentorship(access_mentorship(viewer, mentorship_id))


def access_introduction_thread(viewer: Member, introduction_id: int) -> Thread:
    """An introduction's conversation, for its participants only; 404 for everyone else."""
    try:
        introduction = network_selectors.access_introduction(viewer, introduction_id)
    except Http404:
        raise Http404(THREAD_NOT_FOUND) from None
    thread = thread_of_introduction(introduction)
    if viewer.pk not in {person.pk for person in thread.participants}:
        raise Http404(THREAD_NOT_FOUND)
    return thread


def messages_in(thread: Thread) -> QuerySet[Message]:
    return (
        Message.objects.filter(**thread.key).select_related("author").order_by("created_at", "id")
    )


def unread_in(thread: Thread, member: Member) -> int:
    return MessageReceipt.objects.filter(
        recipient=member, read_at__isnull=True, **{f"message__{thread.kind}": thread.subject}
    ).count()


def unread_message_count(member: Member | None) -> int:
    """Messages waiting for the member across all their conversations (shown in the navigation)."""
    if member is None:
        return 0
    return MessageReceipt.objects.filter(recipient=member, read_at__isnull=True).count()


@dataclass(frozen=True)
class ThreadSummary:
    thread: Thread
    title: str
    unread: int
    message_count: int
    last_message_at: dt.datetime | None


def threads_of(member: Member, *, limit: int = 100) -> list[ThreadSummary]:
    """The member's conversations: every open or active mentorship and introduction, and any
    other with messages, the most recent first."""
    unread_by_mentorship = _unread_by(member, "mentorship")
    unread_by_group = _unread_by(member, "group")
    unread_by_introduction = _unread_by(member, "introduction")
    mentorships = (
        mentorships_of(member)
        .annotate(message_count=Count("messages"), last_message_at=Max("messages__created_at"))
        .filter(Q(state__in=sorted({*OPEN_STATES, State.ACTIVE})) | Q(message_count__gt=0))
    )
    introductions = network_selectors.introductions_involving(member).filter(
        Q(status__in=[Introduction.Status.ASKED, Introduction.Status.FORWARDED])
        | Q(pk__in=_introductions_with_messages())
    )
    summaries: list[ThreadSummary] = []
    for mentorship in mentorships[:limit]:
        thread = thread_of_mentorship(mentorship)
        summaries.append(
            ThreadSummary(
                thread,
                thread.title_for(member),
                unread_by_mentorship.get(mentorship.pk, 0),
                mentorship.message_count,
                mentorship.last_message_at,
            )
        )
    groups = groups_of(member).annotate(
        message_count=Count("messages"), last_message_at=Max("messages__created_at")
    )
    for group in groups[:limit]:
        thread = thread_of_group(group)
        summaries.append(
            ThreadSummary(
                thread,
                thread.title_for(member),
                unread_by_group.get(group.pk, 0),
                group.message_count,
                group.last_message_at,
            )
        )
    last_by_introduction = dict(
        Message.objects.filter(introduction__isnull=False)
        .values("introduction_id")
        .annotate(last=Max("created_at"))
        .values_list("introduction_id", "last")
    )
    for introduction in introductions[:limit]:
        thread = thread_of_introduction(introduction)
        if member.pk not in {person.pk for person in thread.participants}:
            continue
        summaries.append(
            ThreadSummary(
                thread,
                thread.title_for(member),
                unread_by_introduction.get(introduction.pk, 0),
                Message.objects.filter(introduction=introduction).count(),
                last_by_introduction.get(introduction.pk),
            )
        )
    far_past = dt.datetime.min.replace(tzinfo=dt.UTC)
    summaries.sort(
        key=lambda item: (item.unread > 0, item.last_message_at or far_past), reverse=True
    )
    return summaries[:limit]


def _introductions_with_messages():
    return Message.objects.filter(introduction__isnull=False).values("introduction_id")


def unread_by_mentorship(member: Member) -> dict[int, int]:
    """Unread messages per mentorship, for the member."""
    return _unread_by(member, "mentorship")


def unread_by_group(member: Member) -> dict[int, int]:
    """Unread messages per mentoring group, for the member."""
    return _unread_by(member, "group")


def next_times_by_mentorship(
    mentorship_ids, now: dt.datetime | None = None
) -> dict[int, dt.datetime]:
    """The start of the soonest accepted check-in still to come, per mentorship."""
    now = now or timezone.now()
    rows = (
        PlannedCheckIn.objects.filter(
            mentorship_id__in=list(mentorship_ids),
            status=PlannedCheckIn.Status.ACCEPTED,
            starts_at__gte=now - dt.timedelta(hours=1),
        )
        .values("mentorship_id")
        .annotate(first=Min("starts_at"))
        .values_list("mentorship_id", "first")
    )
    return dict(rows)


def _unread_by(member: Member, kind: str) -> dict[int, int]:
    rows = (
        MessageReceipt.objects.filter(
            recipient=member, read_at__isnull=True, **{f"message__{kind}__isnull": False}
        )
        .values(f"message__{kind}_id")
        .annotate(unread=Count("id"))
        .values_list(f"message__{kind}_id", "unread")
    )
    return dict(rows)


# ---------------------------------------------------------------- scheduling

PLANNED_CHECKIN_NOT_FOUND = "No such planned check-in in this mentorship."
FEED_NOT_FOUND = "No such calendar feed: it may have been turned off or replaced."
#: How far back a calendar feed still shows a check-in or a milestone.
FEED_LOOKBACK_DAYS = 7


def planned_checkins_of(mentorship: Mentorship) -> QuerySet[PlannedCheckIn]:
    return mentorship.planned_checkins.select_related("proposed_by")


def upcoming_planned_checkins(
    mentorship: Mentorship, now: dt.datetime | None = None
) -> QuerySet[PlannedCheckIn]:
    now = now or timezone.now()
    return planned_checkins_of(mentorship).filter(
        status__in=[PlannedCheckIn.Status.PROPOSED, PlannedCheckIn.Status.ACCEPTED],
        starts_at__gte=now - dt.timedelta(hours=1),
    )


def next_accepted_checkin(
    mentorship: Mentorship, now: dt.datetime | None = None
) -> PlannedCheckIn | None:
    """The soonest accepted check-in still to come: the next check-in has a time."""
    return (
        upcoming_planned_checkins(mentorship, now)
        .filter(status=PlannedCheckIn.Status.ACCEPTED)
        .first()
    )


def access_planned_checkin(mentorship: Mentorship, planned_id: int) -> PlannedCheckIn:
    try:
        return planned_checkins_of(mentorship).get(pk=planned_id)
    except (PlannedCheckIn.DoesNotExist, ValueError, TypeError):
        raise Http404(PLANNED_CHECKIN_NOT_FOUND) from None


def feed_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def access_calendar_feed(token: str) -> CalendarFeed:
    """The feed whose secret is ``token``; 404 for a wrong, replaced or turned-off one."""
    if not token or len(token) > 100:
        raise Http404(FEED_NOT_FOUND)
    try:
        return CalendarFeed.objects.select_related("member__user").get(
            token_hash=feed_token_hash(token), member__user__is_active=True
        )
    except CalendarFeed.DoesNotExist:
        raise Http404(FEED_NOT_FOUND) from None


def calendar_feed_of(member: Member) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(member=member).first()


def feed_checkins(member: Member, now: dt.datetime | None = None) -> QuerySet[PlannedCheckIn]:
    """The member's planned check-ins from a week ago on, in active mentorships."""
    now = now or timezone.now()
    return (
        PlannedCheckIn.objects.filter(
            Q(mentorship__requester=member) | Q(mentorship__recipient=member),
            mentorship__state=State.ACTIVE,
            starts_at__gte=now - dt.timedelta(days=FEED_LOOKBACK_DAYS),
        )
        .exclude(status=PlannedCheckIn.Status.CANCELLED)
        .select_related("mentorship__requester", "mentorship__recipient", "proposed_by")
        .order_by("starts_at", "id")
    )


def feed_milestones(member: Member, today: dt.date | None = None) -> QuerySet[Milestone]:
    """Milestones not done, due from a week ago on, in the member's active mentorships."""
    today = today or timezone.localdate()
    return (
        Milestone.objects.filter(
            Q(mentorship__requester=member) | Q(mentorship__recipient=member),
            mentorship__state=State.ACTIVE,
            done_at__isnull=True,
            due_on__gte=today - dt.timedelta(days=FEED_LOOKBACK_DAYS),
        )
        .select_related("mentorship__requester", "mentorship__recipient")
        .order_by("due_on", "id")
    )


# ---------------------------------------------------------------- mentoring groups

GROUP_NOT_FOUND = "No such group, or you are not in it."


def _current_membership(member: Member):
    return GroupMembership.objects.filter(group=OuterRef("pk"), mentee=member, left_at__isnull=True)


def groups_of(member: Member) -> QuerySet[MentoringGroup]:
    """The groups the member leads or is a current mentee of (not those they left)."""
    return (
        MentoringGroup.objects.filter(Q(mentor=member) | Exists(_current_membership(member)))
        .select_related("mentor")
        .order_by("-created_at", "-id")
    )


def active_groups_of(member: Member) -> QuerySet[MentoringGroup]:
    return groups_of(member).filter(state=MentoringGroup.State.ACTIVE)


def access_group(viewer: Member, group_id: int) -> MentoringGroup:
    """The group if the viewer is its mentor or a current mentee; 404 for everyone else."""
    try:
        return groups_of(viewer).get(pk=group_id)
    except (MentoringGroup.DoesNotExist, ValueError, TypeError):
        raise Http404(GROUP_NOT_FOUND) from None


def current_memberships(group: MentoringGroup) -> QuerySet[GroupMembership]:
    return group.memberships.filter(left_at__isnull=True).select_related("mentee")


def current_mentees(group: MentoringGroup) -> list[Member]:
    return [membership.mentee for membership in current_memberships(group)]


def group_agreement(group: MentoringGroup) -> GroupAgreementVersion | None:
    return group.agreement_versions.select_related("updated_by").order_by("-version").first()


def group_agreement_history(group: MentoringGroup) -> QuerySet[GroupAgreementVersion]:
    return group.agreement_versions.select_related("updated_by").order_by("-version")


def group_milestones(group: MentoringGroup) -> QuerySet[GroupMilestone]:
    return group.milestones.select_related("done_by")


def access_group_milestone(group: MentoringGroup, milestone_id: int) -> GroupMilestone:
    try:
        return group_milestones(group).get(pk=milestone_id)
    except (GroupMilestone.DoesNotExist, ValueError, TypeError):
        raise Http404("No such milestone in this group.") from None


def group_checkins(group: MentoringGroup) -> QuerySet[GroupCheckIn]:
    return group.checkins.select_related("recorded_by")


def thread_of_group(group: MentoringGroup) -> Thread:
    """The group's conversation: its mentor and current mentees; a mentee who left is out."""
    return Thread("group", group, (group.mentor, *current_mentees(group)))


def access_group_thread(viewer: Member, group_id: int) -> Thread:
    """A group's conversation, for its mentor and current mentees only; 404 for everyone else."""
    return thread_of_group(access_group(viewer, group_id))


def group_health(programme_id: int) -> QuerySet[MentoringGroup]:
    """A programme's groups with counts and dates, never content, for the programme's
    coordinators (the caller has checked the viewer manages that programme)."""
    return _group_counts(MentoringGroup.objects.filter(programme_id=programme_id))


def group_overview(viewer: Member, *, programme_id: int | None = None) -> QuerySet[MentoringGroup]:
    """That groups exist and their health, for coordinators: counts and dates, never content."""
    if not viewer.is_coordinator:
        return MentoringGroup.objects.none()
    groups = MentoringGroup.objects.all()
    if programme_id is not None:
        groups = groups.filter(programme_id=programme_id)
    return _group_counts(groups)


def _group_counts(groups: QuerySet[MentoringGroup]) -> QuerySet[MentoringGroup]:
    return (
        groups.select_related("mentor")
        .only(
            "name",
            "state",
            "programme_id",
            "programme_name",
            "created_at",
            "started_on",
            "ends_on",
            "next_checkin_on",
            "mentor__first_name",
            "mentor__last_name",
        )
        .annotate(
            mentee_count=Count(
                "memberships", filter=Q(memberships__left_at__isnull=True), distinct=True
            ),
            checkin_count=Count("checkins", distinct=True),
            last_checkin_on=Max("checkins__held_on"),
            milestone_count=Count("milestones", distinct=True),
            milestones_done=Count(
                "milestones", filter=Q(milestones__done_at__isnull=False), distinct=True
            ),
        )
        .order_by("-created_at", "-id")
    )
