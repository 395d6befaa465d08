"""API endpoints for mentorships and everything inside them; same services and access rules as the pages."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.urls import reverse
from ninja import Field, Router, Schema, Status

from deskmate.core.api_types import Id, IdList, Limit, Offset
from deskmate.mentoring import rules, selectors, services
from deskmate.mentoring.calendar import next_checkin_ics, planned_checkin_ics, planned_checkin_uid
from deskmate.mentoring.models import Cadence, Mentorship, Report
from deskmate.mentoring.views import NO_CHECKIN_PLANNED
from deskmate.people import selectors as people_selectors
from deskmate.people.decorators import COORDINATORS_ONLY

router = Router(tags=["mentoring"])


class PersonOut(Schema):
    id: int
    name: str


class GoalRef(Schema):
    id: int
    text: str


class InfoRequestOut(Schema):
    question: str
    answer: str
    asked_at: dt.datetime
    answered_at: dt.datetime | None


class MentorshipOut(Schema):
    id: int
    kind: str
    state: str
    origin: str
    programme_id: int | None
    requester: PersonOut
    recipient: PersonOut
    message: str
    goals: list[GoalRef]
    cadence: str
    duration_weeks: int
    created_at: dt.datetime
    expires_at: dt.datetime | None
    started_on: dt.date | None
    ends_on: dt.date | None
    ended_at: dt.datetime | None
    next_checkin_on: dt.date | None
    info_requests: list[InfoRequestOut]

    @staticmethod
    def resolve_goals(mentorship):
        return list(mentorship.goals.all())

    @staticmethod
    def resolve_info_requests(mentorship):
        return list(selectors.info_requests_of(mentorship))


class MentorshipIn(Schema):
    recipient_id: Id
    kind: Mentorship.Kind = Mentorship.Kind.MENTORSHIP
    message: str = ""
    goal_ids: IdList = []
    cadence: Cadence = Cadence.FORTNIGHTLY
    duration_weeks: int = Field(26, ge=rules.MIN_DURATION_WEEKS, le=rules.MAX_DURATION_WEEKS)


class ReasonIn(Schema):
    reason: str = ""


class QuestionIn(Schema):
    question: str


class AnswerIn(Schema):
    answer: str


class AgreementOut(Schema):
    version: int
    cadence: str
    duration_weeks: int
    goals: str
    meeting: str
    confidentiality: str
    updated_by: PersonOut | None
    updated_at: dt.datetime


class AgreementIn(Schema):
    cadence: Cadence
    duration_weeks: int = Field(..., ge=rules.MIN_DURATION_WEEKS, le=rules.MAX_DURATION_WEEKS)
    goals: str = ""
    meeting: str = ""
    confidentiality: str = ""


class MilestoneOut(Schema):
    id: int
    title: str
    due_on: dt.date | None
    done_at: dt.datetime | None
    done_by: PersonOut | None


class MilestoneIn(Schema):
    title: str
    due_on: dt.date | None = None


class CheckInOut(Schema):
    id: int
    held_on: dt.date
    topics: str
    notes: str
    next_steps: str
    next_checkin_on: dt.date | None
    recorded_by: PersonOut | None
    created_at: dt.datetime


class CheckInIn(Schema):
    held_on: dt.date
    topics: str = ""
    notes: str = ""
    next_steps: str = ""
    next_checkin_on: dt.date | None = None


class FeedbackOut(Schema):
    id: int
    author: PersonOut
    text: str
    topic: str
    unplanned: bool
    created_at: dt.datetime


class FeedbackIn(Schema):
    text: str
    topic: str = ""
    unplanned: bool = False


class SurveyOut(Schema):
    id: int
    kind: str
    due_on: dt.date
    satisfaction: int
    comment: str
    answered_at: dt.datetime


class SurveysOut(Schema):
    due_kind: str | None
    due_on: dt.date | None
    answered: list[SurveyOut]


class SurveyIn(Schema):
    satisfaction: int = Field(..., ge=1, le=5)
    comment: str = ""


class EventOut(Schema):
    kind: str
    text: str
    at: dt.datetime
    celebrated: bool
    actor: PersonOut | None


class OverviewOut(Schema):
    """Counts and dates only: coordinators never see a mentorship's content."""

    id: int
    kind: str
    state: str
    origin: str
    programme_id: int | None
    requester: PersonOut
    recipient: PersonOut
    created_at: dt.datetime
    started_on: dt.date | None
    ends_on: dt.date | None
    ended_at: dt.datetime | None
    next_checkin_on: dt.date | None
    checkin_count: int
    last_checkin_on: dt.date | None
    milestone_count: int
    milestones_done: int
    feedback_count: int
    survey_count: int


class AvailabilityIO(Schema):
    unavailable: bool


class AvailabilityOut(AvailabilityIO):
    inactive: bool


class BlockIn(Schema):
    member_id: Id


class BlockOut(Schema):
    blocked: PersonOut
    created_at: dt.datetime


class ReportIn(Schema):
    text: str
    member_id: Id | None = None
    mentorship_id: Id | None = None


class ReportOut(Schema):
    id: int
    status: str
    text: str
    outcome: str
    about_member: PersonOut | None
    about_mentorship_id: int | None
    created_at: dt.datetime
    resolved_at: dt.datetime | None


class ReportQueueOut(ReportOut):
    reporter: PersonOut


class ResolveIn(Schema):
    outcome: str
    dismissed: bool = False


def _availability(member):
    availability = selectors.availability_of(member)
    return {
        "unavailable": availability.unavailable,
        "inactive": availability.inactive_since is not None,
    }


# ---------------------------------------------------------------- member-level


@router.get(
    "/mentorships",
    response=list[MentorshipOut],
    summary="Your mentorships and requests, newest first",
)
def mentorship_list(request, state: str = ""):
    found = selectors.mentorships_of(request.auth).prefetch_related("goals", "info_requests")
    if state:
        found = found.filter(state=state)
    return list(found[:200])


@router.post(
    "/mentorships",
    response={201: MentorshipOut},
    summary="Ask a member for mentorship or copiloting",
)
def mentorship_request(request, payload: MentorshipIn):
    recipient = people_selectors.access_member(request.auth, payload.recipient_id)
    goals = people_selectors.goals_of(request.auth).filter(pk__in=payload.goal_ids)
    if goals.count() != len(set(payload.goal_ids)):
        raise ValidationError({"goals": services.NOT_YOUR_GOAL})
    mentorship = services.mentorship_request(
        requester=request.auth,
        recipient=recipient,
        kind=payload.kind,
        message=payload.message,
        goals=goals,
        cadence=payload.cadence,
        duration_weeks=payload.duration_weeks,
    )
    return Status(201, mentorship)


@router.get(
    "/mentorships/availability", response=AvailabilityOut, summary="Whether you take new requests"
)
def availability_get(request):
    return _availability(request.auth)


@router.put("/mentorships/availability", response=AvailabilityOut)
def availability_put(request, payload: AvailabilityIO):
    services.availability_update(
        member=request.auth, unavailable=payload.unavailable, actor=request.auth
    )
    return _availability(request.auth)


@router.get(
    "/mentorships/overview",
    response=list[OverviewOut],
    summary="Coordinators: counts and dates of every mentorship",
)
def mentorship_overview(request, offset: Offset = 0, limit: Limit = 100):
    if not request.auth.is_coordinator:
        raise PermissionDenied(COORDINATORS_ONLY)
    offset, limit = max(offset, 0), min(max(limit, 1), 500)
    return list(selectors.mentorship_overview(request.auth)[offset : offset + limit])


@router.get("/mentorships/blocks", response=list[BlockOut], summary="Members you have blocked")
def block_list(request):
    return list(selectors.blocks_of(request.auth))


@router.post("/mentorships/blocks", response={201: BlockOut}, summary="Block a member, silently")
def block_create(request, payload: BlockIn):
    member = people_selectors.access_member(request.auth, payload.member_id)
    return Status(201, services.block_create(blocker=request.auth, blocked=member))


@router.delete("/mentorships/blocks/{member_id}", response={204: None})
def block_remove(request, member_id: Id):
    services.block_remove(block=selectors.access_block(request.auth, member_id), actor=request.auth)
    return Status(204, None)


@router.post(
    "/mentorships/reports",
    response={201: ReportOut},
    summary="Report a concern about a member or a mentorship",
)
def report_create(request, payload: ReportIn):
    member = (
        people_selectors.access_member(request.auth, payload.member_id)
        if payload.member_id
        else None
    )
    mentorship = (
        selectors.access_mentorship(request.auth, payload.mentorship_id)
        if payload.mentorship_id
        else None
    )
    report = services.report_create(
        reporter=request.auth, text=payload.text, member=member, mentorship=mentorship
    )
    return Status(201, report)


@router.get(
    "/mentorships/reports",
    response=list[ReportQueueOut],
    summary="Coordinators: the queue of reports",
)
def report_queue(request, status: Report.Status = Report.Status.OPEN):
    if not request.auth.is_coordinator:
        raise PermissionDenied(COORDINATORS_ONLY)
    return list(selectors.reports_queue(request.auth, status=status)[:200])


@router.get(
    "/mentorships/reports/mine",
    response=list[ReportOut],
    summary="Reports you made and their outcome",
)
def report_mine(request):
    return list(selectors.reports_by(request.auth))


@router.post("/mentorships/reports/{report_id}/resolve", response=ReportQueueOut)
def report_resolve(request, report_id: Id, payload: ResolveIn):
    report = selectors.access_report(request.auth, report_id)
    return services.report_resolve(report=report, actor=request.auth, **payload.dict())


# ---------------------------------------------------------------- one mentorship


@router.get("/mentorships/{mentorship_id}", response=MentorshipOut)
def mentorship_detail(request, mentorship_id: Id):
    return selectors.access_mentorship(request.auth, mentorship_id)


@router.post("/mentorships/{mentorship_id}/accept", response=MentorshipOut)
def mentorship_accept(request, mentorship_id: Id):
    mentorship = selectors.access_mentorship(request.auth, mentorship_id)
    return services.mentorship_accept(mentorship=mentorship, actor=request.auth)


@router.post("/mentorships/{mentorship_id}/decline", response=MentorshipOut)
def mentorship_decline(request, mentorship_id: Id, payload: ReasonIn):
    mentorship = selectors.access_mentorship(request.auth, mentorship_id)
    return services.mentorship_decline(
        mentorship=mentorship, actor=request.auth, reason=payload.reason
    )


@router.post("/mentorships/{mentorship_id}/ask-info", response=MentorshipOut)
def mentorship_ask_info(request, mentorship_id: Id, payload: QuestionIn):
    mentorship = selectors.access_mentorship(request.auth, mentorship_id)
    return services.mentorship_ask_info(
        mentorship=mentorship, actor=request.auth, question=payload.question
    )


@router.post("/mentorships/{mentorship_id}/answer-info", response=MentorshipOut)
def mentorship_answer_info(request, mentorship_id: Id, payload: AnswerIn):
    mentorship = selectors.access_mentorship(request.auth, mentorship_id)
    return services.mentorship_answer_info(
        mentorship=mentorship, actor=request.auth, answer=payload.answer
    )


@router.post("/mentorships/{mentorship_id}/withdraw", response=MentorshipOut)
def mentorship_withdraw(request, mentorship_id: Id):
    mentorship = selectors.access_mentorship(request.auth, mentorship_id)
    return services.mentorship_withdraw(mentorship=mentorship, actor=request.auth)


@router.post("/mentorships/{mentorship_id}/complete", response=MentorshipOut)
def mentorship_complete(request, mentorship_id: Id):
    mentorship = selectors.access_mentorship(request.auth, mentorship_id)
    return services.mentorship_complete(mentorship=mentorship, actor=request.auth)


@router.post("/mentorships/{mentorship_id}/end", response=MentorshipOut)
def mentorship_end_early(request, mentorship_id: Id, payload: ReasonIn):
    mentorship = selectors.access_mentorship(request.auth, mentorship_id)
    return services.mentorship_end_early(
        mentorship=mentorship, actor=request.auth, reason=payload.reason
    )


@router.get(
    "/mentorships/{mentorship_id}/timeline",
    response=list[EventOut],
    summary="Everything that happened, newest first",
)
def mentorship_timeline(request, mentorship_id: Id):
    return list(
        selectors.timeline_of(selectors.access_mentorship(request.auth, mentorship_id))[:500]
    )


@router.get("/mentorships/{mentorship_id}/agreement", response=AgreementOut)
def agreement_get(request, mentorship_id: Id):
    agreement = selectors.current_agreement(
        selectors.access_mentorship(request.auth, mentorship_id)
    )
    if agreement is None:
        raise Http404("There is no agreement until the mentorship begins.")
    return agreement


@router.put("/mentorships/{mentorship_id}/agreement", response=AgreementOut)
def agreement_put(request, mentorship_id: Id, payload: AgreementIn):
    mentorship = selectors.access_mentorship(request.auth, mentorship_id)
    return services.agreement_update(mentorship=mentorship, actor=request.auth, **payload.dict())


@router.get("/mentorships/{mentorship_id}/milestones", response=list[MilestoneOut])
def milestone_list(request, mentorship_id: Id):
    return list(selectors.milestones_of(selectors.access_mentorship(request.auth, mentorship_id)))


@router.post("/mentorships/{mentorship_id}/milestones", response={201: MilestoneOut})
def milestone_create(request, mentorship_id: Id, payload: MilestoneIn):
    mentorship = selectors.access_mentorship(request.auth, mentorship_id)
    return Status(
        201, services.milestone_create(mentorship=mentorship, actor=request.auth, **payload.dict())
    )


@router.post(
    "/mentorships/{mentorship_id}/milestones/{milestone_id}/complete", response=MilestoneOut
)
def milestone_complete(request, mentorship_id: Id, milestone_id: Id):
    mentorship = selectors.access_mentorship(request.auth, mentorship_id)
    milestone = selectors.access_milestone(mentorship, milestone_id)
    return services.milestone_complete(milestone=milestone, actor=request.auth)


@router.get("/mentorships/{mentorship_id}/checkins", response=list[CheckInOut])
def checkin_list(request, mentorship_id: Id):
    return list(selectors.checkins_of(selectors.access_mentorship(request.auth, mentorship_id)))


@router.post("/mentorships/{mentorship_id}/checkins", response={201: CheckInOut})
def checkin_record(request, mentorship_id: Id, payload: CheckInIn):
    mentorship = selectors.access_mentorship(request.auth, mentorship_id)
    return Status(
        201, services.checkin_record(mentorship=mentorship, actor=request.auth, **payload.dict())
    )


@router.get(
    "/mentorships/{mentorship_id}/checkins/next.ics",
    response={200: str},
    summary="Calendar invitation (.ics) for the next check-in: timed once a time is accepted",
    openapi_extra={"responses": {200: {"content": {"text/calendar": {}}}}},
)
def checkin_calendar(request, mentorship_id: Id):
    mentorship = selectors.access_mentorship(request.auth, mentorship_id)
    timed = selectors.next_accepted_checkin(mentorship) if mentorship.is_active else None
    if timed is not None:
        return planned_checkin_calendar(request, mentorship_id, timed.pk)
    if mentorship.next_checkin_on is None or not mentorship.is_active:
        raise Http404(NO_CHECKIN_PLANNED)
    response = HttpResponse(
        next_checkin_ics(mentorship), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="check-in-{mentorship.next_checkin_on}.ics"'
    )
    return response


@router.get("/mentorships/{mentorship_id}/feedback", response=list[FeedbackOut])
def feedback_list(request, mentorship_id: Id):
    return list(selectors.feedback_of(selectors.access_mentorship(request.auth, mentorship_id)))


@router.post("/mentorships/{mentorship_id}/feedback", response={201: FeedbackOut})
def feedback_give(request, mentorship_id: Id, payload: FeedbackIn):
    mentorship = selectors.access_mentorship(request.auth, mentorship_id)
    return Status(
        201, services.feedback_give(mentorship=mentorship, actor=request.auth, **payload.dict())
    )


@router.get(
    "/mentorships/{mentorship_id}/surveys",
    response=SurveysOut,
    summary="The survey you owe, and your answers",
)
def survey_list(request, mentorship_id: Id):
    mentorship = selectors.access_mentorship(request.auth, mentorship_id)
    due = selectors.survey_due(mentorship, request.auth)
    return {
        "due_kind": due[0] if due else None,
        "due_on": due[1] if due else None,
        "answered": list(selectors.surveys_of(mentorship, request.auth)),
    }


@router.post("/mentorships/{mentorship_id}/surveys", response={201: SurveyOut})
def survey_answer(request, mentorship_id: Id, payload: SurveyIn):
    mentorship = selectors.access_mentorship(request.auth, mentorship_id)
    return Status(
        201, services.survey_answer(mentorship=mentorship, actor=request.auth, **payload.dict())
    )


# ---------------------------------------------------------------- conversations


class MessageOut(Schema):
    id: int
    author: PersonOut
    text: str
    created_at: dt.datetime
    removed: bool

    @staticmethod
    def resolve_removed(message):
        return message.removed_at is not None


class MessageIn(Schema):
    text: str = Field(..., max_length=services.MESSAGE_MAX_LENGTH)


class ThreadOut(Schema):
    kind: str
    id: int
    title: str
    unread: int
    message_count: int
    last_message_at: dt.datetime | None
    url: str


class UnreadOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int


@router.get("/messages", response=list[ThreadOut], summary="Your conversations, unread first")
def thread_list(request):
    return [
        {
            "kind": item.thread.kind,
            "id": item.thread.subject.pk,
            "title": item.title,
            "unread": item.unread,
            "message_count": item.message_count,
            "last_message_at": item.last_message_at,
            "url": item.thread.url,
        }
        for item in selectors.threads_of(request.auth)
    ]


@router.get("/messages/unread", response=UnreadOut, summary="How many messages wait for you")
def unread_messages(request):
    return {"unread": selectors.unread_message_count(request.auth)}


def _thread(request, kind: str, subject_id: int) -> selectors.Thread:
    if kind == "mentorship":
        return selectors.access_mentorship_thread(request.auth, subject_id)
    if kind == "group":
        return selectors.access_group_thread(request.auth, subject_id)
    return selectors.access_introduction_thread(request.auth, subject_id)


def _thread_endpoints(kind: str, prefix: str) -> None:
    """List, post and mark read, the same for a mentorship's, a group's and an introduction's
    conversation."""

    @router.get(f"{prefix}/messages", response=list[MessageOut], operation_id=f"{kind}_messages")
    def message_list(request, subject_id: Id, limit: Limit = 200, offset: Offset = 0):
        messages = selectors.messages_in(_thread(request, kind, subject_id))
        return list(messages[offset : offset + min(max(limit, 1), 500)])

    @router.post(
        f"{prefix}/messages", response={201: MessageOut}, operation_id=f"{kind}_message_post"
    )
    def message_post(request, subject_id: Id, payload: MessageIn):
        thread = _thread(request, kind, subject_id)
        return Status(
            201, services.message_post(thread=thread, author=request.auth, text=payload.text)
        )

    @router.post(
        f"{prefix}/messages/read", response=MarkedOut, operation_id=f"{kind}_messages_read"
    )
    def messages_read(request, subject_id: Id):
        thread = _thread(request, kind, subject_id)
        return {"marked": services.thread_mark_read(thread=thread, reader=request.auth)}


_thread_endpoints("mentorship", "/mentorships/{subject_id}")
_thread_endpoints("group", "/groups/{subject_id}")
_thread_endpoints("introduction", "/introductions/{subject_id}")


# ---------------------------------------------------------------- scheduling


class PlannedCheckInOut(Schema):
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    duration_minutes: int
    time_zone: str
    status: str
    proposed_by: PersonOut
    sequence: int
    uid: str

    @staticmethod
    def resolve_uid(planned):
        return planned_checkin_uid(planned)


class CheckInTimeIn(Schema):
    day: dt.date
    time: dt.time
    #: An IANA zone name ("Europe/Berlin"); "" means your own zone.
    time_zone: str = ""


def _zone_or_own(request, payload: CheckInTimeIn) -> dict:
    data = payload.dict()
    data["time_zone"] = data["time_zone"] or request.auth.zone.key
    return data


@router.get("/mentorships/{mentorship_id}/planned-checkins", response=list[PlannedCheckInOut])
def planned_checkin_list(request, mentorship_id: Id):
    mentorship = selectors.access_mentorship(request.auth, mentorship_id)
    return list(selectors.upcoming_planned_checkins(mentorship))


@router.post("/mentorships/{mentorship_id}/planned-checkins", response={201: PlannedCheckInOut})
def planned_checkin_propose(request, mentorship_id: Id, payload: CheckInTimeIn):
    mentorship = selectors.access_mentorship(request.auth, mentorship_id)
    return Status(
        201,
        services.checkin_propose(
            mentorship=mentorship, actor=request.auth, **_zone_or_own(request, payload)
        ),
    )


@router.post(
    "/mentorships/{mentorship_id}/planned-checkins/{planned_id}/accept",
    response=PlannedCheckInOut,
)
def planned_checkin_accept(request, mentorship_id: Id, planned_id: Id):
    mentorship = selectors.access_mentorship(request.auth, mentorship_id)
    planned = selectors.access_planned_checkin(mentorship, planned_id)
    return services.checkin_accept(planned=planned, actor=request.auth)


@router.post(
    "/mentorships/{mentorship_id}/planned-checkins/{planned_id}/move",
    response=PlannedCheckInOut,
)
def planned_checkin_move(request, mentorship_id: Id, planned_id: Id, payload: CheckInTimeIn):
    mentorship = selectors.access_mentorship(request.auth, mentorship_id)
    planned = selectors.access_planned_checkin(mentorship, planned_id)
    return services.checkin_move(
        planned=planned, actor=request.auth, **_zone_or_own(request, payload)
    )


@router.post(
    "/mentorships/{mentorship_id}/planned-checkins/{planned_id}/cancel",
    response=PlannedCheckInOut,
)
def planned_checkin_cancel(request, mentorship_id: Id, planned_id: Id):
    mentorship = selectors.access_mentorship(request.auth, mentorship_id)
    planned = selectors.access_planned_checkin(mentorship, planned_id)
    return services.checkin_cancel(planned=planned, actor=request.auth)


@router.get(
    "/mentorships/{mentorship_id}/planned-checkins/{planned_id}/invitation.ics",
    response={200: str},
    summary="Calendar invitation (.ics): REQUEST with its sequence, or CANCEL",
    openapi_extra={"responses": {200: {"content": {"text/calendar": {}}}}},
)
def planned_checkin_calendar(request, mentorship_id: Id, planned_id: Id):
    mentorship = selectors.access_mentorship(request.auth, mentorship_id)
    planned = selectors.access_planned_checkin(mentorship, planned_id)
    response = HttpResponse(
        planned_checkin_ics(planned), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="check-in-{planned.pk}.ics"'
    return response


class CalendarFeedOut(Schema):
    url: str


@router.post(
    "/me/calendar-feed",
    response={201: CalendarFeedOut},
    summary="A new private calendar address (any earlier one stops working)",
)
def calendar_feed_create(request):
    _, token = services.calendar_feed_create(member=request.auth, actor=request.auth)
    return Status(201, {"url": request.build_absolute_uri(reverse("calendar_feed", args=[token]))})


@router.delete("/me/calendar-feed", response={204: None}, summary="Turn your calendar address off")
def calendar_feed_revoke(request):
    services.calendar_feed_revoke(member=request.auth, actor=request.auth)
    return Status(204, None)


# ---------------------------------------------------------------- mentoring groups


class GroupMenteeOut(Schema):
    id: int
    name: str
    joined_at: dt.datetime


class GroupOut(Schema):
    id: int
    name: str
    state: str
    programme_id: int | None
    programme_name: str
    mentor: PersonOut
    mentees: list[GroupMenteeOut]
    cadence: str
    created_at: dt.datetime
    started_on: dt.date | None
    ends_on: dt.date | None
    next_checkin_on: dt.date | None

    @staticmethod
    def resolve_mentees(group):
        return [
            {"id": m.mentee_id, "name": m.mentee.name, "joined_at": m.joined_at}
            for m in selectors.current_memberships(group)
        ]


class GroupOverviewOut(Schema):
    """That a group exists and its health: coordinators never see its content."""

    id: int
    name: str
    state: str
    programme_id: int | None
    mentor: PersonOut
    mentee_count: int
    started_on: dt.date | None
    ends_on: dt.date | None
    next_checkin_on: dt.date | None
    checkin_count: int
    last_checkin_on: dt.date | None
    milestone_count: int
    milestones_done: int


@router.get("/groups", response=list[GroupOut], summary="The mentoring groups you lead or are in")
def group_list(request):
    return list(selectors.groups_of(request.auth)[:200])


@router.get(
    "/groups/overview",
    response=list[GroupOverviewOut],
    summary="Every mentoring group's health, for coordinators (counts and dates only)",
)
def group_overview(request, programme_id: Id | None = None, offset: Offset = 0, limit: Limit = 100):
    if not request.auth.is_coordinator:
        raise PermissionDenied(COORDINATORS_ONLY)
    groups = selectors.group_overview(request.auth, programme_id=programme_id)
    return list(groups[offset : offset + min(max(limit, 1), 500)])


@router.get("/groups/{group_id}", response=GroupOut)
def group_detail(request, group_id: Id):
    return selectors.access_group(request.auth, group_id)


@router.post("/groups/{group_id}/leave", response={204: None}, summary="Leave a group you are in")
def group_leave(request, group_id: Id):
    services.group_leave(group=selectors.access_group(request.auth, group_id), actor=request.auth)
    return Status(204, None)


@router.get(
    "/groups/{group_id}/agreement", response=AgreementOut, operation_id="group_agreement_get"
)
def group_agreement_get(request, group_id: Id):
    agreement = selectors.group_agreement(selectors.access_group(request.auth, group_id))
    if agreement is None:
        raise Http404("This group has no agreement yet.")
    return agreement


@router.put(
    "/groups/{group_id}/agreement", response=AgreementOut, operation_id="group_agreement_put"
)
def group_agreement_put(request, group_id: Id, payload: AgreementIn):
    group = selectors.access_group(request.auth, group_id)
    return services.group_agreement_update(group=group, actor=request.auth, **payload.dict())


@router.get("/groups/{group_id}/milestones", response=list[MilestoneOut])
def group_milestone_list(request, group_id: Id):
    return list(selectors.group_milestones(selectors.access_group(request.auth, group_id)))


@router.post("/groups/{group_id}/milestones", response={201: MilestoneOut})
def group_milestone_create(request, group_id: Id, payload: MilestoneIn):
    group = selectors.access_group(request.auth, group_id)
    return Status(
        201, services.group_milestone_create(group=group, actor=request.auth, **payload.dict())
    )


@router.post("/groups/{group_id}/milestones/{milestone_id}/complete", response=MilestoneOut)
def group_milestone_complete(request, group_id: Id, milestone_id: Id):
    group = selectors.access_group(request.auth, group_id)
    milestone = selectors.access_group_milestone(group, milestone_id)
    return services.group_milestone_complete(milestone=milestone, actor=request.auth)


@router.get("/groups/{group_id}/checkins", response=list[CheckInOut])
def group_checkin_list(request, group_id: Id):
    return list(selectors.group_checkins(selectors.access_group(request.auth, group_id)))


@router.post("/groups/{group_id}/checkins", response={201: CheckInOut})
def group_checkin_record(request, group_id: Id, payload: CheckInIn):
    group = selectors.access_group(request.auth, group_id)
    return Status(
        201, services.group_checkin_record(group=group, actor=request.auth, **payload.dict())
    )
