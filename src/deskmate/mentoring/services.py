"""Writes about mentorships. Each is atomic, validates, leaves an audit entry and a
timeline line, and tells the people concerned; their e-mails leave on commit.

Rules that must hold under concurrency lock rows: a request locks the
requester's member row (open-request limit), an acceptance or a programme
match locks the mentor's member row and then the mentorship (capacity). On
SQLite every transaction is IMMEDIATE, so writers are serialised anyway.
"""

import datetime as dt
import secrets
import uuid
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from deskmate.core.audit import AuditEvent, audit
from deskmate.core.generations import bump_on_commit, member_generation
from deskmate.mentoring import rules, selectors
from deskmate.mentoring.calendar import invitation_key
from deskmate.mentoring.models import (
    AgreementVersion,
    Availability,
    Block,
    Cadence,
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
    PlannedCheckIn,
    Report,
    SurveyResponse,
)
from deskmate.mentoring.states import OPEN_STATES, Action, State, next_state
from deskmate.network.models import Introduction
from deskmate.notifications.models import Notification
from deskmate.notifications.services import notify
from deskmate.people.models import UNKNOWN_TIME_ZONE, Goal, Member, validate_time_zone
from deskmate.people.services import way_in_line

UNAVAILABLE = "This person is not taking requests at the moment."
MILESTONE_OVERDUE = (
    "A milestone was due on {day} {month} {year}: mark it done or give it a new date"
)
CANNOT_ASK_YOURSELF = "You cannot send a request to yourself."
ALREADY_ASKED = "You already have an open request to this person."
THEY_ASKED_YOU = "This person has already sent you a request; answer it instead."
ALREADY_TOGETHER = "You already have an active mentorship with this person."
TOO_MANY_OPEN = (
    "You have {limit} open requests; wait for an answer or withdraw one before asking again."
)
MENTOR_FULL = "This mentor has no free place at the moment."
NOT_YOUR_GOAL = "Choose goals from your own profile."
ONLY_RECIPIENT = "Only the person who was asked can answer this request."
ONLY_REQUESTER = "Only the person who sent this request can do this."
NOT_ACTIVE = "This can only be done while the mentorship is active."
FEEDBACK_CLOSED = "Feedback can be given while the mentorship is active or once it is completed."
MILESTONE_ALREADY_DONE = "This milestone is already done."
NO_SURVEY_DUE = "No survey is due for you in this mentorship."
CHECKIN_IN_FUTURE = "A check-in can only be recorded once it has happened."
NEXT_CHECKIN_BEFORE = "The next check-in must come after this one."
TEXT_REQUIRED = "Write something first."
CANNOT_BLOCK_YOURSELF = "You cannot block yourself."
REPORT_NEEDS_SUBJECT = "Say whom or which mentorship the concern is about."
COORDINATORS_ONLY = "Only coordinators can do this."
REPORT_ALREADY_CLOSED = "This report has already been dealt with."

DEFAULT_CONFIDENTIALITY = (
    "What we discuss stays between the two of us unless we both agree otherwise."
)

KIND_WORDS = {Mentorship.Kind.MENTORSHIP: "mentorship", Mentorship.Kind.COPILOT: "copilot pairing"}


# ---------------------------------------------------------------- helpers


def _url(mentorship: Mentorship, name: str = "mentorship_detail") -> str:
    return reverse(name, args=[mentorship.pk])


def _tell(
    member: Member,
    mentorship: Mentorship,
    kind: str,
    title: str,
    *,
    key: str = "",
    name: str = "mentorship_detail",
    body: str = "",
) -> None:
    notify(recipient=member, kind=kind, title=title, body=body, url=_url(mentorship, name), key=key)


def _event(mentorship: Mentorship, kind: str, text: str, actor: Member | None = None) -> Event:
    return Event.objects.create(mentorship=mentorship, kind=kind, text=text[:500], actor=actor)


def _locked(mentorship: Mentorship) -> Mentorship:
    return Mentorship.objects.select_for_update().get(pk=mentorship.pk)


def _lock_members(*member_ids: int) -> dict[int, Member]:
    """Lock member rows in id order, so two writers never wait on each other in a circle."""
    ids = sorted(set(member_ids))
    return {m.pk: m for m in Member.objects.select_for_update().filter(pk__in=ids).order_by("pk")}


def _require_party(mentorship: Mentorship, actor: Member) -> None:
    if actor.pk not in mentorship.party_ids():
        raise PermissionDenied(selectors.MENTORSHIP_NOT_FOUND)


def _require_recipient(mentorship: Mentorship, actor: Member) -> None:
    _require_party(mentorship, actor)
    if actor.pk != mentorship.recipient_id:
        raise PermissionDenied(ONLY_RECIPIENT)


def _require_requester(mentorship: Mentorship, actor: Member) -> None:
    _require_party(mentorship, actor)
    if actor.pk != mentorship.requester_id:
        raise PermissionDenied(ONLY_REQUESTER)


def _require_active(mentorship: Mentorship) -> None:
    if mentorship.state != State.ACTIVE:
        raise ValidationError(NOT_ACTIVE)


def _require_text(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: TEXT_REQUIRED})
    return value


def _require_free_place(mentor: Member) -> None:
    if selectors.active_mentee_count(mentor) >= mentor.mentee_capacity:
        raise ValidationError(MENTOR_FULL)


def _mark_active(member: Member) -> None:
    if Availability.objects.filter(member=member, inactive_since__isnull=False).update(
        inactive_since=None
    ):
        # An update() sends no post_save: say here that this member's standing changed.
        bump_on_commit([member_generation(member.pk)])


def _mark_inactive(member_id: int, when: dt.datetime) -> bool:
    availability, _ = Availability.objects.get_or_create(member_id=member_id)
    if availability.inactive_since is None:
        availability.inactive_since = when
        availability.save(update_fields=["inactive_since", "updated_at"])
        return True
    return False


def _start(
    mentorship: Mentorship,
    *,
    actor: Member | None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    goals: str = "",
) -> None:
    """Make a mentorship active, with its first agreement taken from the request.

    It starts today, or on ``starts_on`` if that is later, and ends after its duration or on
    ``ends_on``; ``goals`` stand in the agreement when the request named none.
    """
    start = max(timezone.localdate(), starts_on or timezone.localdate())
    mentorship.state = State.ACTIVE
    mentorship.started_on = start
    if ends_on is not None and ends_on > start:
        mentorship.ends_on = ends_on
        weeks = -(-(ends_on - start).days // 7)
        mentorship.duration_weeks = min(
            max(weeks, rules.MIN_DURATION_WEEKS), rules.MAX_DURATION_WEEKS
        )
    else:
        mentorship.ends_on = start + dt.timedelta(weeks=mentorship.duration_weeks)
    mentorship.next_checkin_on = start + dt.timedelta(days=rules.CADENCE_DAYS[mentorship.cadence])
    mentorship.full_clean(validate_constraints=False)
    mentorship.save()
    goals = "\n".join(goal.text for goal in mentorship.goals.all()) or goals
    AgreementVersion.objects.create(
        mentorship=mentorship,
        version=1,
        cadence=mentorship.cadence,
        duration_weeks=mentorship.duration_weeks,
        goals=goals,
        confidentiality=DEFAULT_CONFIDENTIALITY,
        updated_by=actor,
    )


# ---------------------------------------------------------------- requests


def member_is_available(*, asker: Member, asked: Member, kind: str) -> bool:
    """Whether `asked` takes requests of this kind from `asker`. A block reads as unavailability."""
    if not asked.user.is_active or asker.pk == asked.pk:
        return False
    if kind == Mentorship.Kind.MENTORSHIP and not asked.open_to_mentoring:
        return False
    if selectors.availability_of(asked).unavailable:
        return False
    return not selectors.is_blocked_pair(asker, asked)


@transaction.atomic
def mentorship_request(
    *,
    requester: Member,
    recipient: Member,
    kind: str = Mentorship.Kind.MENTORSHIP,
    message: str = "",
    goals: Iterable[Goal] = (),
    cadence: str = Cadence.FORTNIGHTLY,
    duration_weeks: int = 26,
) -> Mentorship:
    if requester.pk == recipient.pk:
        raise ValidationError(CANNOT_ASK_YOURSELF)
    # The requester's row is the lock that makes the open-request limit hold.
    _lock_members(requester.pk)
    if not member_is_available(asker=requester, asked=recipient, kind=kind):
        raise ValidationError(UNAVAILABLE)
    goals = list(goals)
    if any(goal.member_id != requester.pk for goal in goals):
        raise ValidationError({"goals": NOT_YOUR_GOAL})
    limit = rules.max_open_requests()
    if selectors.open_request_count(requester) >= limit:
        raise ValidationError(TOO_MANY_OPEN.format(limit=limit))
    between = Mentorship.objects.filter(state__in=OPEN_STATES)
    if between.filter(requester=requester, recipient=recipient).exists():
        raise ValidationError(ALREADY_ASKED)
    if between.filter(requester=recipient, recipient=requester).exists():
        raise ValidationError(THEY_ASKED_YOU)
    if (
        selectors.active_mentorships(requester)
        .filter(
            kind=kind, requester__in=[requester, recipient], recipient__in=[requester, recipient]
        )
        .exists()
    ):
        raise ValidationError(ALREADY_TOGETHER)
    if kind == Mentorship.Kind.MENTORSHIP:
        _require_free_place(recipient)

    now = timezone.now()
    mentorship = Mentorship(
        kind=kind,
        requester=requester,
        recipient=recipient,
        message=(message or "").strip(),
        cadence=cadence,
        duration_weeks=duration_weeks,
        created_at=now,
        expires_at=now + dt.timedelta(days=rules.request_expiry_days()),
    )
    mentorship.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            mentorship.save()
    except IntegrityError:
        # The same request, sent twice at once: the partial unique index kept one.
        raise ValidationError(ALREADY_ASKED) from None
    mentorship.goals.set(goals)
    words = KIND_WORDS[kind]
    _event(
        mentorship,
        Event.Kind.REQUESTED,
        f"{requester.name} asked {recipient.name} for {words}.",
        requester,
    )
    audit(
        actor=requester,
        action=AuditEvent.MENTORSHIP_REQUEST,
        subject=mentorship,
        recipient=recipient.pk,
        kind=kind,
    )
    _tell(recipient, mentorship, "request_new", f"{requester.name} asks you for {words}")
    return mentorship


@transaction.atomic
def mentorship_accept(*, mentorship: Mentorship, actor: Member) -> Mentorship:
    _require_recipient(mentorship, actor)
    # Mentor row first, then the request: the same order as every other capacity writer.
    mentor = _lock_members(mentorship.recipient_id)[mentorship.recipient_id]
    mentorship = _locked(mentorship)
    next_state(mentorship.state, Action.ACCEPT)
    if mentorship.kind == Mentorship.Kind.MENTORSHIP:
        _require_free_place(mentor)
    mentorship.answered_at = timezone.now()
    _start(mentorship, actor=actor)
    _mark_active(actor)
    _event(
        mentorship,
        Event.Kind.ACCEPTED,
        f"{actor.name} accepted. The {KIND_WORDS[mentorship.kind]} has begun.",
        actor,
    )
    audit(actor=actor, action=AuditEvent.MENTORSHIP_ACCEPT, subject=mentorship)
    _tell(
        mentorship.requester, mentorship, "request_answered", f"{actor.name} accepted your request"
    )
    return mentorship


@transaction.atomic
def mentorship_decline(*, mentorship: Mentorship, actor: Member, reason: str = "") -> Mentorship:
    _require_recipient(mentorship, actor)
    mentorship = _locked(mentorship)
    mentorship.state = next_state(mentorship.state, Action.DECLINE)
    mentorship.decline_reason = (reason or "").strip()
    mentorship.answered_at = timezone.now()
    mentorship.full_clean(validate_constraints=False)
    mentorship.save()
    _mark_active(actor)
    _event(mentorship, Event.Kind.DECLINED, f"{actor.name} declined the request.", actor)
    audit(actor=actor, action=AuditEvent.MENTORSHIP_DECLINE, subject=mentorship)
    _tell(
        mentorship.requester,
        mentorship,
        "request_answered",
        f"{actor.name} cannot take your request",
    )
    return mentorship


@transaction.atomic
def mentorship_ask_info(*, mentorship: Mentorship, actor: Member, question: str) -> Mentorship:
    _require_recipient(mentorship, actor)
    question = _require_text(question, "question")
    mentorship = _locked(mentorship)
    mentorship.state = next_state(mentorship.state, Action.ASK_INFO)
    # The requester now has a full window to answer.
    mentorship.expires_at = timezone.now() + dt.timedelta(days=rules.request_expiry_days())
    mentorship.save(update_fields=["state", "expires_at"])
    info = InfoRequest(mentorship=mentorship, question=question)
    info.full_clean()
    info.save()
    _mark_active(actor)
    _event(mentorship, Event.Kind.INFO_ASKED, f"{actor.name} asked for more information.", actor)
    audit(actor=actor, action=AuditEvent.MENTORSHIP_ASK_INFO, subject=mentorship)
    _tell(
        mentorship.requester,
        mentorship,
        "request_info",
        f"{actor.name} would like to know more before answering",
    )
    return mentorship


@transaction.atomic
def mentorship_answer_info(*, mentorship: Mentorship, actor: Member, answer: str) -> Mentorship:
    _require_requester(mentorship, actor)
    answer = _require_text(answer, "answer")
    mentorship = _locked(mentorship)
    mentorship.state = next_state(mentorship.state, Action.ANSWER_INFO)
    mentorship.expires_at = timezone.now() + dt.timedelta(days=rules.request_expiry_days())
    mentorship.save(update_fields=["state", "expires_at"])
    info = (
        mentorship.info_requests.filter(answered_at__isnull=True)
        .order_by("-asked_at", "-id")
        .first()
    )
    if info is not None:
        info.answer, info.answered_at = answer, timezone.now()
        info.full_clean()
        info.save()
    _event(mentorship, Event.Kind.INFO_ANSWERED, f"{actor.name} answered the question.", actor)
    audit(actor=actor, action=AuditEvent.MENTORSHIP_ANSWER_INFO, subject=mentorship)
    _tell(mentorship.recipient, mentorship, "request_new", f"{actor.name} answered your question")
    return mentorship


@transaction.atomic
def mentorship_withdraw(*, mentorship: Mentorship, actor: Member) -> Mentorship:
    _require_requester(mentorship, actor)
    mentorship = _locked(mentorship)
    mentorship.state = next_state(mentorship.state, Action.WITHDRAW)
    mentorship.ended_at = timezone.now()
    mentorship.save(update_fields=["state", "ended_at"])
    _event(mentorship, Event.Kind.WITHDRAWN, f"{actor.name} withdrew the request.", actor)
    audit(actor=actor, action=AuditEvent.MENTORSHIP_WITHDRAW, subject=mentorship)
    _tell(
        mentorship.recipient,
        mentorship,
        "request_withdrawn",
        f"{actor.name} withdrew their request",
    )
    return mentorship


@transaction.atomic
def mentorship_complete(*, mentorship: Mentorship, actor: Member) -> Mentorship:
    _require_party(mentorship, actor)
    mentorship = _locked(mentorship)
    mentorship.state = next_state(mentorship.state, Action.COMPLETE)
    mentorship.ended_at, mentorship.ended_by = timezone.now(), actor
    mentorship.next_checkin_on = None
    mentorship.save(update_fields=["state", "ended_at", "ended_by", "next_checkin_on"])
    _event(
        mentorship,
        Event.Kind.COMPLETED,
        f"{actor.name} marked the {KIND_WORDS[mentorship.kind]} completed. Well done, both!",
        actor,
    )
    audit(actor=actor, action=AuditEvent.MENTORSHIP_COMPLETE, subject=mentorship)
    _tell(
        mentorship.other(actor),
        mentorship,
        "mentorship_ended",
        f"{actor.name} marked your {KIND_WORDS[mentorship.kind]} completed",
    )
    day = timezone.localdate(mentorship.ended_at)
    for member in (mentorship.requester, mentorship.recipient):
        _tell(
            member,
            mentorship,
            "survey_due",
            "A short closing survey is waiting for you",
            key=f"survey_due:{mentorship.pk}:closing:{day}",
            name="mentorship_surveys",
        )
    return mentorship


@transaction.atomic
def mentorship_end_early(*, mentorship: Mentorship, actor: Member, reason: str = "") -> Mentorship:
    _require_party(mentorship, actor)
    mentorship = _locked(mentorship)
    mentorship.state = next_state(mentorship.state, Action.END_EARLY)
    mentorship.ended_at, mentorship.ended_by = timezone.now(), actor
    mentorship.end_reason = (reason or "").strip()
    mentorship.next_checkin_on = None
    mentorship.full_clean(validate_constraints=False)
    mentorship.save()
    _event(
        mentorship,
        Event.Kind.ENDED_EARLY,
        f"{actor.name} ended the {KIND_WORDS[mentorship.kind]} early.",
        actor,
    )
    audit(actor=actor, action=AuditEvent.MENTORSHIP_END_EARLY, subject=mentorship)
    _tell(
        mentorship.other(actor),
        mentorship,
        "mentorship_ended",
        f"{actor.name} ended your {KIND_WORDS[mentorship.kind]} early",
    )
    return mentorship


def mentorship_expire_due(*, now: dt.datetime | None = None) -> int:
    """Expire every open request past its date; one transaction per request."""
    now = now or timezone.now()
    due = Mentorship.objects.filter(state__in=OPEN_STATES, expires_at__lte=now).values_list(
        "pk", flat=True
    )
    expired = 0
    for mentorship_id in list(due):
        with transaction.atomic():
            mentorship = (
                Mentorship.objects.select_for_update()
                .select_related("requester", "recipient")
                .get(pk=mentorship_id)
            )
            if mentorship.state not in OPEN_STATES or mentorship.expires_at > now:
                continue  # answered in the meantime
            was_waiting_on_recipient = mentorship.state == State.REQUESTED
            mentorship.state = next_state(mentorship.state, Action.EXPIRE)
            mentorship.ended_at = now
            mentorship.save(update_fields=["state", "ended_at"])
            if was_waiting_on_recipient:
                _mark_inactive(mentorship.recipient_id, now)
            _event(mentorship, Event.Kind.EXPIRED, "The request expired without an answer.")
            audit(actor=None, action=AuditEvent.MENTORSHIP_EXPIRE, subject=mentorship)
            _tell(
                mentorship.requester,
                mentorship,
                "request_expired",
                f"Your request to {mentorship.recipient.name} expired without an answer",
            )
            expired += 1
    return expired


@dataclass(frozen=True)
class MatchStory:
    """How a programme made a pair, for the mentorship it becomes.

    ``reasons`` are the match's reasons in words; ``goals`` the mentee's application goals,
    which stand in the first agreement; ``cadence`` and ``milestones`` the programme's
    agreement template; ``starts_on`` and ``ends_on`` the programme's dates.
    """

    programme_name: str
    reasons: tuple[str, ...] = ()
    goals: str = ""
    cadence: str = ""
    milestones: tuple[str, ...] = ()
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


@transaction.atomic
def mentorship_create_from_match(
    *,
    mentor: Member,
    mentee: Member,
    kind: str = Mentorship.Kind.MENTORSHIP,
    programme: object | int | None = None,
    story: MatchStory | None = None,
    actor: Member,
) -> Mentorship:
    """An active mentorship straight from a published programme match, telling its story."""
    if mentor.pk == mentee.pk:
        raise ValidationError(CANNOT_ASK_YOURSELF)
    locked = _lock_members(mentor.pk, mentee.pk)
    if (
        selectors.is_blocked_pair(mentor, mentee)
        or not mentor.user.is_active
        or not mentee.user.is_active
    ):
        raise ValidationError(UNAVAILABLE)
    if (
        selectors.active_mentorships(mentee)
        .filter(kind=kind, requester__in=[mentor, mentee], recipient__in=[mentor, mentee])
        .exists()
    ):
        raise ValidationError(ALREADY_TOGETHER)
    if kind == Mentorship.Kind.MENTORSHIP:
        _require_free_place(locked[mentor.pk])
    mentorship = Mentorship(
        kind=kind,
        requester=mentee,
        recipient=mentor,
        origin=Mentorship.Origin.PROGRAMME,
        programme_id=getattr(programme, "pk", programme),
        answered_at=timezone.now(),
    )
    story = story or MatchStory(programme_name="")
    mentorship.programme_name = story.programme_name[:200]
    mentorship.match_reasons = list(story.reasons)
    if story.cadence:
        mentorship.cadence = story.cadence
    _start(
        mentorship,
        actor=actor,
        starts_on=story.starts_on,
        ends_on=story.ends_on,
        goals=story.goals,
    )
    for title in story.milestones:
        Milestone.objects.create(mentorship=mentorship, title=title[:200], created_by=actor)
    where = f"in {story.programme_name}" if story.programme_name else "in a programme"
    _event(
        mentorship,
        Event.Kind.MATCHED,
        f"{mentee.name} and {mentor.name} were matched {where}.",
        actor,
    )
    audit(
        actor=actor,
        action=AuditEvent.MENTORSHIP_CREATE_FROM_MATCH,
        subject=mentorship,
        programme=mentorship.programme_id,
    )
    for member, other in ((mentee, mentor), (mentor, mentee)):
        title, body = match_message(member, other, story)
        _tell(member, mentorship, "mentorship_matched", title, body=body)
    return mentorship


def match_message(
    member: Member, other: Member, story: MatchStory, *, password_link: str | None = None
) -> tuple[str, str]:
    """The match notification's title and words: when it starts, why, and a way in.

    Someone without a password gets a link to set one (``password_link`` stands in for
    the real, personal link in a sample shown to a coordinator).
    """
    title = f"You have been matched with {other.name}"
    if story.programme_name:
        title += f" in {story.programme_name}"
    lines = []
    if story.starts_on and story.starts_on > timezone.localdate():
        lines.append(f"It starts on {story.starts_on:%-d %B %Y}.")
    if story.reasons:
        lines.append("Why you were matched: " + "; ".join(story.reasons) + ".")
    way_in = way_in_line(member.user, link=password_link)
    if way_in:
        lines.append(way_in)
    return title, "\n".join(lines)


# ---------------------------------------------------------------- inside a mentorship


@transaction.atomic
def agreement_update(
    *,
    mentorship: Mentorship,
    actor: Member,
    cadence: str,
    duration_weeks: int,
    goals: str = "",
    meeting: str = "",
    confidentiality: str = "",
) -> AgreementVersion:
    _require_party(mentorship, actor)
    mentorship = _locked(mentorship)
    _require_active(mentorship)
    latest = selectors.current_agreement(mentorship)
    version = AgreementVersion(
        mentorship=mentorship,
        version=(latest.version if latest else 0) + 1,
        cadence=cadence,
        duration_weeks=duration_weeks,
        goals=(goals or "").strip(),
        meeting=(meeting or "").strip(),
        confidentiality=(confidentiality or "").strip(),
        updated_by=actor,
    )
    version.full_clean()
    version.save()
    mentorship.cadence, mentorship.duration_weeks = cadence, duration_weeks
    mentorship.ends_on = mentorship.started_on + dt.timedelta(weeks=duration_weeks)
    mentorship.save(update_fields=["cadence", "duration_weeks", "ends_on"])
    _event(
        mentorship,
        Event.Kind.AGREEMENT,
        f"{actor.name} updated the agreement (version {version.version}).",
        actor,
    )
    audit(actor=actor, action=AuditEvent.AGREEMENT_UPDATE, subject=version, version=version.version)
    _tell(
        mentorship.other(actor),
        mentorship,
        "agreement_updated",
        f"{actor.name} updated your agreement",
        name="mentorship_agreement",
    )
    return version


@transaction.atomic
def milestone_create(
    *, mentorship: Mentorship, actor: Member, title: str, due_on: dt.date | None = None
) -> Milestone:
    _require_party(mentorship, actor)
    _require_active(mentorship)
    milestone = Milestone(
        mentorship=mentorship, title=_require_text(title, "title"), due_on=due_on, created_by=actor
    )
    milestone.full_clean()
    milestone.save()
    due = f", due {due_on.day} {due_on:%B %Y}" if due_on else ""
    _event(
        mentorship,
        Event.Kind.MILESTONE_ADDED,
        f"{actor.name} added a milestone: {milestone.title}{due}.",
        actor,
    )
    audit(actor=actor, action=AuditEvent.MILESTONE_CREATE, subject=milestone)
    return milestone


@transaction.atomic
def milestone_complete(*, milestone: Milestone, actor: Member) -> Milestone:
    mentorship = milestone.mentorship
    _require_party(mentorship, actor)
    _require_active(mentorship)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.is_done:
        raise ValidationError(MILESTONE_ALREADY_DONE)
    milestone.done_at, milestone.done_by = timezone.now(), actor
    milestone.save(update_fields=["done_at", "done_by"])
    _event(mentorship, Event.Kind.MILESTONE_DONE, f"Milestone reached: {milestone.title}!", actor)
    audit(actor=actor, action=AuditEvent.MILESTONE_COMPLETE, subject=milestone)
    for member in (mentorship.requester, mentorship.recipient):
        _tell(
            member,
            mentorship,
            "milestone_done",
            f"Milestone reached: {milestone.title}",
            key=f"milestone_done:{milestone.pk}",
            name="mentorship_timeline",
        )
    return milestone


def _checkin_written(
    checkin,
    owner: Mentorship | MentoringGroup,
    *,
    actor: Member,
    held_on: dt.date,
    topics: str,
    notes: str,
    next_steps: str,
    next_checkin_on: dt.date | None,
):
    """Check and save a mentorship's or a group's check-in, and move ``owner``'s next one."""
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": CHECKIN_IN_FUTURE})
    if next_checkin_on is not None and next_checkin_on <= held_on:
        raise ValidationError({"next_checkin_on": NEXT_CHECKIN_BEFORE})
    checkin.held_on = held_on
    checkin.topics = (topics or "").strip()
    checkin.notes = (notes or "").strip()
    checkin.next_steps = (next_steps or "").strip()
    checkin.next_checkin_on = next_checkin_on
    checkin.recorded_by = actor
    checkin.full_clean()
    checkin.save()
    if next_checkin_on is not None:
        owner.next_checkin_on = next_checkin_on
    elif owner.next_checkin_on and held_on >= owner.next_checkin_on:
        owner.next_checkin_on = None  # the planned one happened; none planned yet
    owner.save(update_fields=["next_checkin_on"])
    return checkin


@transaction.atomic
def checkin_record(
    *,
    mentorship: Mentorship,
    actor: Member,
    held_on: dt.date,
    topics: str = "",
    notes: str = "",
    next_steps: str = "",
    next_checkin_on: dt.date | None = None,
) -> CheckIn:
    _require_party(mentorship, actor)
    mentorship = _locked(mentorship)
    _require_active(mentorship)
    checkin = _checkin_written(
        CheckIn(mentorship=mentorship),
        mentorship,
        actor=actor,
        held_on=held_on,
        topics=topics,
        notes=notes,
        next_steps=next_steps,
        next_checkin_on=next_checkin_on,
    )
    about = f" about {checkin.topics}" if checkin.topics else ""
    _event(
        mentorship,
        Event.Kind.CHECKIN,
        f"{actor.name} recorded the check-in of {held_on.day} {held_on:%B %Y}{about}.",
        actor,
    )
    audit(actor=actor, action=AuditEvent.CHECKIN_RECORD, subject=checkin)
    _tell(
        mentorship.other(actor),
        mentorship,
        "checkin_recorded",
        f"{actor.name} recorded a check-in",
        name="mentorship_checkins",
    )
    return checkin


@transaction.atomic
def feedback_give(
    *, mentorship: Mentorship, actor: Member, text: str, topic: str = "", unplanned: bool = False
) -> Feedback:
    _require_party(mentorship, actor)
    if mentorship.state not in {State.ACTIVE, State.COMPLETED}:
        raise ValidationError(FEEDBACK_CLOSED)
    feedback = Feedback(
        mentorship=mentorship,
        author=actor,
        text=_require_text(text, "text"),
        topic=(topic or "").strip(),
        unplanned=unplanned,
    )
    feedback.full_clean()
    feedback.save()
    what = "feedback on something neither of you planned to discuss" if unplanned else "feedback"
    _event(mentorship, Event.Kind.FEEDBACK, f"{actor.name} gave {what}.", actor)
    audit(actor=actor, action=AuditEvent.FEEDBACK_GIVE, subject=feedback, unplanned=unplanned)
    _tell(
        mentorship.other(actor),
        mentorship,
        "feedback",
        f"{actor.name} gave you feedback",
        name="mentorship_feedback",
    )
    return feedback


@transaction.atomic
def survey_answer(
    *, mentorship: Mentorship, actor: Member, satisfaction: int, comment: str = ""
) -> SurveyResponse:
    _require_party(mentorship, actor)
    due = selectors.survey_due(mentorship, actor)
    if due is None:
        raise ValidationError(NO_SURVEY_DUE)
    response = SurveyResponse(
        mentorship=mentorship,
        respondent=actor,
        kind=due[0],
        due_on=due[1],
        satisfaction=satisfaction,
        comment=(comment or "").strip(),
        # The survey page of a programme's mentorship says so (see SurveyResponse).
        low_score_shared=mentorship.programme_id is not None,
    )
    response.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:
        raise ValidationError(NO_SURVEY_DUE) from None
    _event(
        mentorship,
        Event.Kind.SURVEY,
        f"{actor.name} answered the {response.get_kind_display().lower()} survey.",
        actor,
    )
    audit(actor=actor, action=AuditEvent.SURVEY_ANSWER, subject=response, kind=response.kind)
    return response


# ---------------------------------------------------------------- availability and keeping it alive


@transaction.atomic
def availability_update(*, member: Member, unavailable: bool, actor: Member) -> Availability:
    availability, _ = Availability.objects.get_or_create(member=member)
    availability.unavailable = unavailable
    availability.full_clean()
    availability.save()
    audit(
        actor=actor,
        action=AuditEvent.AVAILABILITY_UPDATE,
        subject=availability,
        unavailable=unavailable,
    )
    return availability


def member_came_back(*, member: Member) -> None:
    """A member signed in: if they had gone quiet, they are suggested again."""
    _mark_active(member)


def mentors_mark_inactive(*, now: dt.datetime | None = None) -> int:
    """Mark inactive whoever has left a request unanswered for too long."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=rules.inactive_after_days())
    silent = (
        Mentorship.objects.filter(state=State.REQUESTED, created_at__lte=cutoff)
        .exclude(recipient__mentoring_availability__inactive_since__isnull=False)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    marked = 0
    for member_id in list(silent):
        with transaction.atomic():
            marked += _mark_inactive(member_id, now)
    return marked


def _earliest_and_latest_today(now: dt.datetime) -> tuple[dt.date, dt.date]:
    """The first and last dates it is anywhere at ``now``: zones run from UTC-12 to UTC+14."""
    utc_today = now.astimezone(dt.UTC).date()
    return utc_today - dt.timedelta(days=1), utc_today + dt.timedelta(days=1)


def _remind_both(
    mentorship: Mentorship,
    kind: str,
    title: str,
    key: str,
    name: str = "mentorship_detail",
    *,
    now: dt.datetime,
    from_day: dt.date,
    until_day: dt.date | None = None,
) -> int:
    """Tell each person whose own today (in their zone) at ``now`` is from ``from_day`` on
    (and until ``until_day``, if given).

    A date has no time, so it falls due when the member's day begins, not the server's:
    in Auckland half a day before London, in Los Angeles a third of a day after.
    """
    told = 0
    for member in (mentorship.requester, mentorship.recipient):
        today = member.local_date(now)
        if today < from_day or (until_day is not None and today > until_day):
            continue
        told += (
            notify(recipient=member, kind=kind, title=title, url=_url(mentorship, name), key=key)
            is not None
        )
    return told


def _remind_expiring_requests(now: dt.datetime) -> int:
    told = 0
    expiring = Mentorship.objects.filter(
        state=State.REQUESTED,
        expires_at__gt=now,
        expires_at__lte=now + rules.REQUEST_EXPIRING_WITHIN,
    ).select_related("requester", "recipient")
    for m in expiring:
        with transaction.atomic():
            told += (
                notify(
                    recipient=m.recipient,
                    kind="request_expiring",
                    title=f"{m.requester.name}'s request expires soon",
                    url=_url(m),
                    key=f"request_expiring:{m.pk}:{timezone.localdate(m.expires_at)}",
                )
                is not None
            )
    return told


def _remind_checkins(active: QuerySet[Mentorship], now: dt.datetime) -> int:
    """Upcoming check-ins within a few days of each person's today; overdue ones once past it."""
    earliest, latest = _earliest_and_latest_today(now)
    within = dt.timedelta(days=rules.CHECKIN_UPCOMING_WITHIN_DAYS)
    told = 0
    for m in active.filter(next_checkin_on__gte=earliest, next_checkin_on__lte=latest + within):
        on = m.next_checkin_on
        assert on is not None  # the filter leaves out mentorships without one
        with transaction.atomic():
            told += _remind_both(
                m,
                "checkin_upcoming",
                f"Check-in coming up on {on.day} {on:%B}",
                f"checkin_upcoming:{m.pk}:{on}",
                "mentorship_checkins",
                now=now,
                from_day=on - within,
                until_day=on,
            )
    for m in active.filter(next_checkin_on__lt=latest):
        on = m.next_checkin_on
        assert on is not None  # the filter leaves out mentorships without one
        with transaction.atomic():
            told += _remind_both(
                m,
                "checkin_overdue",
                "A check-in is overdue: record it or plan the next one",
                f"checkin_overdue:{m.pk}:{on}",
                "mentorship_checkins",
                now=now,
                from_day=on + dt.timedelta(days=1),
            )
    return told


def _remind_overdue_milestones(active: QuerySet[Mentorship], now: dt.datetime) -> int:
    """Both people, once per milestone and due date, when an open milestone's date has passed.

    Like every notification, the reminder names no private text (not the milestone's
    title), only the date and a link; it reaches the digest like any other.
    """
    _, latest = _earliest_and_latest_today(now)
    told = 0
    overdue = Milestone.objects.filter(
        mentorship__in=active, done_at__isnull=True, due_on__lt=latest
    ).select_related("mentorship__requester", "mentorship__recipient")
    for milestone in overdue:
        due = milestone.due_on
        assert due is not None  # due_on__lt leaves out milestones without a date
        with transaction.atomic():
            told += _remind_both(
                milestone.mentorship,
                "milestone_overdue",
                MILESTONE_OVERDUE.format(day=due.day, month=f"{due:%B}", year=due.year),
                f"milestone_overdue:{milestone.pk}:{due}",
                "mentorship_milestones",
                now=now,
                from_day=due + dt.timedelta(days=1),
            )
    return told


def _remind_ending_soon(active: QuerySet[Mentorship], now: dt.datetime) -> int:
    earliest, latest = _earliest_and_latest_today(now)
    within = dt.timedelta(days=rules.ENDING_SOON_WITHIN_DAYS)
    told = 0
    for m in active.filter(ends_on__gte=earliest, ends_on__lte=latest + within):
        ends = m.ends_on
        assert ends is not None  # the filter leaves out mentorships without one
        with transaction.atomic():
            told += _remind_both(
                m,
                "ending_soon",
                f"Your {KIND_WORDS[m.kind]} is due to end on {ends.day} {ends:%B}",
                f"ending_soon:{m.pk}:{ends}",
                now=now,
                from_day=ends - within,
                until_day=ends,
            )
    return told


def _remind_surveys(active: QuerySet[Mentorship], now: dt.datetime) -> int:
    _, latest = _earliest_and_latest_today(now)
    told = 0
    for m in active.filter(
        started_on__lte=latest - dt.timedelta(days=rules.FIRST_PULSE_AFTER_DAYS)
    ):
        for member in (m.requester, m.recipient):
            due = selectors.survey_due(m, member, member.local_date(now))
            if due is None:
                continue
            with transaction.atomic():
                told += (
                    notify(
                        recipient=member,
                        kind="survey_due",
                        title="A two-question pulse survey is waiting for you",
                        url=_url(m, "mentorship_surveys"),
                        key=f"survey_due:{m.pk}:{due[0]}:{due[1]}",
                    )
                    is not None
                )
    return told


def reminders_send(*, now: dt.datetime | None = None) -> int:
    """Every reminder due now, each told once thanks to its key; safe to run any number of times.

    Reminders about a date (a check-in day, a milestone's due date, an end date, a pulse
    survey) reach each person on their own day, in their time zone; the scheduler runs
    this often enough (every tick) to catch each zone's midnight.
    """
    now = now or timezone.now()
    active = Mentorship.objects.filter(state=State.ACTIVE).select_related("requester", "recipient")
    return (
        _remind_expiring_requests(now)
        + _remind_checkins(active, now)
        + _remind_overdue_milestones(active, now)
        + _remind_ending_soon(active, now)
        + _remind_surveys(active, now)
        + planned_checkin_reminders(now=now)
    )


# ---------------------------------------------------------------- safety


@transaction.atomic
def block_create(*, blocker: Member, blocked: Member) -> Block:
    """Block a member, silently: open requests between the two simply close."""
    if blocker.pk == blocked.pk:
        raise ValidationError(CANNOT_BLOCK_YOURSELF)
    block, created = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    if not created:
        return block
    audit(actor=blocker, action=AuditEvent.BLOCK_CREATE, subject=block)
    open_between = Mentorship.objects.filter(state__in=OPEN_STATES).filter(
        requester__in=[blocker, blocked], recipient__in=[blocker, blocked]
    )
    for mentorship in open_between:
        if mentorship.requester_id == blocker.pk:
            mentorship_withdraw(mentorship=mentorship, actor=blocker)
        else:
            mentorship_decline(mentorship=mentorship, actor=blocker)
    return block


@transaction.atomic
def block_remove(*, block: Block, actor: Member) -> None:
    if block.blocker_id != actor.pk:
        raise PermissionDenied(selectors.MENTORSHIP_NOT_FOUND)
    audit(actor=actor, action=AuditEvent.BLOCK_REMOVE, subject=block)
    block.delete()


@transaction.atomic
def report_create(
    *,
    reporter: Member,
    text: str,
    member: Member | None = None,
    mentorship: Mentorship | None = None,
) -> Report:
    if member is None and mentorship is None:
        raise ValidationError(REPORT_NEEDS_SUBJECT)
    if mentorship is not None:
        _require_party(mentorship, reporter)
    report = Report(
        reporter=reporter,
        about_member=member,
        about_mentorship=mentorship,
        text=_require_text(text, "text"),
    )
    report.full_clean()
    report.save()
    audit(actor=reporter, action=AuditEvent.REPORT_CREATE, subject=report)
    for coordinator in Member.objects.filter(
        role__in=[Member.Role.COORDINATOR, Member.Role.ADMIN], user__is_active=True
    ):
        if coordinator.pk != reporter.pk:
            notify(
                recipient=coordinator,
                kind="report_new",
                title="A concern was reported",
                url=reverse("report_detail", args=[report.pk]),
            )
    return report


@transaction.atomic
def report_resolve(
    *, report: Report, actor: Member, outcome: str, dismissed: bool = False
) -> Report:
    if not actor.is_coordinator:
        raise PermissionDenied(COORDINATORS_ONLY)
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status != Report.Status.OPEN:
        raise ValidationError(REPORT_ALREADY_CLOSED)
    report.status = Report.Status.DISMISSED if dismissed else Report.Status.RESOLVED
    report.outcome = _require_text(outcome, "outcome")
    report.resolved_by, report.resolved_at = actor, timezone.now()
    report.full_clean()
    report.save()
    audit(actor=actor, action=AuditEvent.REPORT_RESOLVE, subject=report, status=report.status)
    notify(
        recipient=report.reporter,
        kind="report_outcome",
        title="Your report has been looked at",
        body=report.outcome,
        url=reverse("my_reports"),
    )
    return report


# ---------------------------------------------------------------- conversations

THREAD_CLOSED = "This conversation is closed: the request or mentorship has ended."
MESSAGE_TOO_LONG = "Keep a message under {limit} characters."
MESSAGE_MAX_LENGTH = 5000
MESSAGE_NUL = "A message cannot contain a null character."

#: Introductions whose people may still write to each other.
_INTRODUCTION_OPEN = frozenset(
    {Introduction.Status.ASKED, Introduction.Status.FORWARDED, Introduction.Status.MADE}
)


def _thread_open(thread: selectors.Thread) -> bool:
    if isinstance(thread.subject, Mentorship):
        return thread.subject.state in {*OPEN_STATES, State.ACTIVE}
    if isinstance(thread.subject, MentoringGroup):
        return thread.subject.is_active
    return thread.subject.status in _INTRODUCTION_OPEN


def thread_is_open(thread: selectors.Thread) -> bool:
    """Whether its people may still write in it (reading stays possible for ever)."""
    return _thread_open(thread) and not _blocked_within(thread)


def _blocked_within(thread: selectors.Thread) -> bool:
    """A block closes a conversation between the two or three people it concerns.

    A group's conversation is the whole group's: one block closing it would silence
    everyone else, so a mentee who blocked someone in the group leaves it instead.
    """
    if thread.kind == "group":
        return False
    ids = [person.pk for person in thread.participants]
    return Block.objects.filter(blocker_id__in=ids, blocked_id__in=ids).exists()


def _require_participant(thread: selectors.Thread, actor: Member) -> None:
    if actor.pk not in {person.pk for person in thread.participants}:
        raise PermissionDenied(selectors.THREAD_NOT_FOUND)


@transaction.atomic
def message_post(*, thread: selectors.Thread, author: Member, text: str) -> Message:
    """Write in a conversation; each other participant is told once until they read it.

    The notification names the writer and the conversation, never the text, so
    that an e-mail or a digest carries nothing private.
    """
    _require_participant(thread, author)
    if not thread_is_open(thread):
        raise ValidationError(THREAD_CLOSED)
    text = _require_text(text, "text")
    if "\x00" in text:
        raise ValidationError({"text": MESSAGE_NUL})
    if len(text) > MESSAGE_MAX_LENGTH:
        raise ValidationError({"text": MESSAGE_TOO_LONG.format(limit=MESSAGE_MAX_LENGTH)})
    message = Message(author=author, text=text, **thread.key)
    message.full_clean()
    message.save()
    for reader in thread.others(author):
        already_waiting = MessageReceipt.objects.filter(
            recipient=reader, read_at__isnull=True, **{f"message__{thread.kind}": thread.subject}
        ).exists()
        MessageReceipt.objects.create(message=message, recipient=reader)
        if not already_waiting:
            notify(
                recipient=reader,
                kind="message",
                title=f"{author.name} wrote to you ({thread.title_for(reader)})",
                url=thread.url,
            )
    audit(actor=author, action=AuditEvent.MESSAGE_POST, subject=message, thread=thread.kind)
    return message


@transaction.atomic
def thread_mark_read(*, thread: selectors.Thread, reader: Member) -> int:
    """Mark every message of the conversation read for the reader, and its notices with them."""
    _require_participant(thread, reader)
    now = timezone.now()
    marked = MessageReceipt.objects.filter(
        recipient=reader, read_at__isnull=True, **{f"message__{thread.kind}": thread.subject}
    ).update(read_at=now)
    if marked:
        Notification.objects.filter(
            recipient=reader, kind="message", url=thread.url, read_at__isnull=True
        ).update(read_at=now)
    return marked


# ---------------------------------------------------------------- scheduling

CHECKIN_IN_PAST = "Choose a time that is still to come."
ALREADY_CANCELLED = "This check-in was cancelled; propose a new one."
NOT_YOURS_TO_ACCEPT = "You proposed this time: the other person accepts it or moves it."
ALREADY_ACCEPTED = "This time is already accepted."
DEFAULT_DURATION_MINUTES = 45


def _local_start(day: dt.date, at: dt.time, time_zone: str) -> dt.datetime:
    """The moment ``day`` at ``at`` in ``time_zone``; a wall time skipped or repeated by a clock
    change is refused rather than guessed."""
    try:
        validate_time_zone(time_zone)
    except ValidationError:
        raise ValidationError({"time_zone": UNKNOWN_TIME_ZONE}) from None
    zone = zoneinfo.ZoneInfo(time_zone or settings.TIME_ZONE)
    if abs(day - timezone.localdate()) > dt.timedelta(days=rules.PLAN_CHECKIN_WITHIN_DAYS):
        raise ValidationError({"day": CHECKIN_TOO_FAR.format(days=rules.PLAN_CHECKIN_WITHIN_DAYS)})
    naive = dt.datetime.combine(day, at.replace(tzinfo=None))
    first, second = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if first.utcoffset() != second.utcoffset():
        raise ValidationError({"time": CLOCK_CHANGE})
    return first.astimezone(dt.UTC)


CHECKIN_TOO_FAR = "Choose a date within {days} days from today."
CLOCK_CHANGE = "The clocks change at that time in this time zone; choose another time."


def _planned_text(planned: PlannedCheckIn, member: Member) -> str:
    """The check-in's time in the member's own zone, e.g. "Tuesday 10 March at 12:30 (Europe/Berlin)"."""
    local = planned.starts_at.astimezone(member.zone)
    return f"{local:%A} {local.day} {local:%B} at {local:%H:%M} ({member.zone.key})"


def _planned_saved(
    planned: PlannedCheckIn, actor: Member, *, kind: str, audit_as, notice: str, phrase: str
) -> None:
    """Save the change, record it in the actor's words and tell the other person in theirs.

    ``phrase`` ("moved the check-in to") is followed by the time as each of them reads it.
    """
    planned.updated_at = timezone.now()
    planned.full_clean()
    planned.save()
    mentorship = planned.mentorship
    _event(mentorship, kind, f"{actor.name} {phrase} {_planned_text(planned, actor)}.", actor)
    audit(actor=actor, action=audit_as, subject=planned, sequence=planned.sequence)
    other = mentorship.other(actor)
    _tell(
        other,
        mentorship,
        notice,
        f"{actor.name} {phrase} {_planned_text(planned, other)}",
        name="mentorship_checkins",
        key=invitation_key(planned),
    )


@transaction.atomic
def checkin_propose(
    *,
    mentorship: Mentorship,
    actor: Member,
    day: dt.date,
    time: dt.time,
    time_zone: str,
    duration_minutes: int = DEFAULT_DURATION_MINUTES,
    now: dt.datetime | None = None,
) -> PlannedCheckIn:
    """Propose a check-in at a time in a zone; the other person accepts it or moves it."""
    _require_party(mentorship, actor)
    mentorship = _locked(mentorship)
    _require_active(mentorship)
    starts_at = _local_start(day, time, time_zone)
    if starts_at <= (now or timezone.now()):
        raise ValidationError({"day": CHECKIN_IN_PAST})
    planned = PlannedCheckIn(
        mentorship=mentorship,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        time_zone=time_zone or settings.TIME_ZONE,
        proposed_by=actor,
        uid=uuid.uuid4().hex,
    )
    _planned_saved(
        planned,
        actor,
        kind=Event.Kind.CHECKIN_PROPOSED,
        audit_as=AuditEvent.CHECKIN_PROPOSE,
        notice="checkin_proposed",
        phrase="proposed a check-in on",
    )
    return planned


def _locked_planned(planned: PlannedCheckIn, actor: Member) -> PlannedCheckIn:
    _require_party(planned.mentorship, actor)
    locked = PlannedCheckIn.objects.select_for_update().select_related(
        "mentorship__requester", "mentorship__recipient"
    )
    planned = locked.get(pk=planned.pk)
    _require_active(planned.mentorship)
    if planned.status == PlannedCheckIn.Status.CANCELLED:
        raise ValidationError(ALREADY_CANCELLED)
    return planned


@transaction.atomic
def checkin_accept(*, planned: PlannedCheckIn, actor: Member) -> PlannedCheckIn:
    """The other person accepts the proposed time; it becomes the mentorship's next check-in."""
    planned = _locked_planned(planned, actor)
    if planned.status == PlannedCheckIn.Status.ACCEPTED:
        raise ValidationError(ALREADY_ACCEPTED)
    if planned.proposed_by_id == actor.pk:
        raise ValidationError(NOT_YOURS_TO_ACCEPT)
    planned.status = PlannedCheckIn.Status.ACCEPTED
    planned.sequence += 1
    mentorship = planned.mentorship
    mentorship.next_checkin_on = timezone.localdate(planned.starts_at)
    mentorship.save(update_fields=["next_checkin_on"])
    _planned_saved(
        planned,
        actor,
        kind=Event.Kind.CHECKIN_ACCEPTED,
        audit_as=AuditEvent.CHECKIN_ACCEPT,
        notice="checkin_accepted",
        phrase="accepted the check-in on",
    )
    return planned


@transaction.atomic
def checkin_move(
    *,
    planned: PlannedCheckIn,
    actor: Member,
    day: dt.date,
    time: dt.time,
    time_zone: str,
    now: dt.datetime | None = None,
) -> PlannedCheckIn:
    """Either person moves the check-in to another time, which the other then accepts."""
    planned = _locked_planned(planned, actor)
    starts_at = _local_start(day, time, time_zone)
    if starts_at <= (now or timezone.now()):
        raise ValidationError({"day": CHECKIN_IN_PAST})
    planned.starts_at = starts_at
    planned.time_zone = time_zone or settings.TIME_ZONE
    planned.status = PlannedCheckIn.Status.PROPOSED
    planned.proposed_by = actor
    planned.sequence += 1
    _planned_saved(
        planned,
        actor,
        kind=Event.Kind.CHECKIN_MOVED,
        audit_as=AuditEvent.CHECKIN_MOVE,
        notice="checkin_moved",
        phrase="moved the check-in to",
    )
    return planned


@transaction.atomic
def checkin_cancel(*, planned: PlannedCheckIn, actor: Member) -> PlannedCheckIn:
    planned = _locked_planned(planned, actor)
    planned.status = PlannedCheckIn.Status.CANCELLED
    planned.sequence += 1
    _planned_saved(
        planned,
        actor,
        kind=Event.Kind.CHECKIN_CANCELLED,
        audit_as=AuditEvent.CHECKIN_CANCEL,
        notice="checkin_cancelled",
        phrase="cancelled the check-in of",
    )
    return planned


def planned_checkin_reminders(*, now: dt.datetime) -> int:
    """Tell both people the day before an accepted check-in, each at its time in their own zone."""
    told = 0
    soon = PlannedCheckIn.objects.filter(
        status=PlannedCheckIn.Status.ACCEPTED,
        mentorship__state=State.ACTIVE,
        starts_at__gt=now,
        starts_at__lte=now + dt.timedelta(hours=rules.PLANNED_CHECKIN_REMINDER_HOURS),
    ).select_related("mentorship__requester", "mentorship__recipient")
    for planned in soon:
        mentorship = planned.mentorship
        with transaction.atomic():
            for member in (mentorship.requester, mentorship.recipient):
                told += (
                    notify(
                        recipient=member,
                        kind="checkin_soon",
                        title=f"Check-in with {mentorship.other(member).name}: "
                        f"{_planned_text(planned, member)}",
                        url=_url(mentorship, "mentorship_checkins"),
                        key=f"checkin_soon:{planned.pk}:{planned.starts_at.isoformat()}",
                    )
                    is not None
                )
    return told


# ---------------------------------------------------------------- calendar feed


@transaction.atomic
def calendar_feed_create(*, member: Member, actor: Member) -> tuple[CalendarFeed, str]:
    """A new secret feed address for the member; any earlier address stops working at once."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.filter(member=member).delete()
    feed = CalendarFeed(member=member, token_hash=selectors.feed_token_hash(token))
    feed.full_clean()
    feed.save()
    audit(actor=actor, action=AuditEvent.CALENDAR_FEED_CREATE, subject=feed)
    return feed, token


@transaction.atomic
def calendar_feed_revoke(*, member: Member, actor: Member) -> int:
    deleted, _ = CalendarFeed.objects.filter(member=member).delete()
    if deleted:
        audit(actor=actor, action=AuditEvent.CALENDAR_FEED_REVOKE, subject=member)
    return deleted


def calendar_feed_used(*, feed: CalendarFeed, now: dt.datetime | None = None) -> None:
    """Note when a calendar last fetched the feed (one UPDATE, no lock held)."""
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now or timezone.now())


# ---------------------------------------------------------------- mentoring groups

GROUP_NOT_ACTIVE = "This can only be done while the group is active."
GROUP_MENTOR_IS_MENTEE = "The group's mentor cannot also be one of its mentees."
ALREADY_IN_GROUP = "{name} is already in the group."
ONLY_GROUP_MENTEE = "Only a mentee of the group can leave it."
GROUP_NAME = "{mentor}'s group"
GROUP_CONFIDENTIALITY = "What we discuss stays within the group unless we all agree otherwise."
GROUP_DURATION_WEEKS = 26


@dataclass(frozen=True)
class GroupMatch:
    """A mentee a programme put in a mentor's group, with that match's reasons and goals."""

    mentee: Member
    reasons: tuple[str, ...] = ()
    goals: str = ""


def _group_url(group: MentoringGroup) -> str:
    return reverse("group_detail", args=[group.pk])


def _group_party_ids(group: MentoringGroup) -> set[int]:
    mentees = GroupMembership.objects.filter(group=group, left_at__isnull=True)
    return {group.mentor_id, *mentees.values_list("mentee_id", flat=True)}


def _require_in_group(group: MentoringGroup, actor: Member) -> None:
    if actor.pk not in _group_party_ids(group):
        raise PermissionDenied(selectors.GROUP_NOT_FOUND)


def _require_group_active(group: MentoringGroup) -> None:
    if not group.is_active:
        raise ValidationError(GROUP_NOT_ACTIVE)


def _tell_group(
    group: MentoringGroup, actor: Member, kind: str, title: str, *, key: str = ""
) -> None:
    """Tell everyone in the group but the actor; the words name what happened, never notes."""
    for member in Member.objects.filter(pk__in=_group_party_ids(group) - {actor.pk}):
        notify(recipient=member, kind=kind, title=title, url=_group_url(group), key=key)


def _group_for(mentor: Member, programme_id: int | None, story: MatchStory) -> MentoringGroup:
    """The mentor's active group of this programme (a later round adds to it), or a new one."""
    if programme_id is not None:
        existing = (
            MentoringGroup.objects.select_for_update()
            .filter(mentor=mentor, programme_id=programme_id, state=MentoringGroup.State.ACTIVE)
            .first()
        )
        if existing is not None:
            return existing
    today = timezone.localdate()
    start = max(today, story.starts_on or today)
    ends_on = story.ends_on if story.ends_on and story.ends_on > start else None
    ends_on = ends_on or start + dt.timedelta(weeks=GROUP_DURATION_WEEKS)
    weeks = min(
        max(-(-(ends_on - start).days // 7), rules.MIN_DURATION_WEEKS), rules.MAX_DURATION_WEEKS
    )
    cadence = story.cadence or Cadence.FORTNIGHTLY
    group = MentoringGroup(
        mentor=mentor,
        name=GROUP_NAME.format(mentor=mentor.name)[:200],
        programme_id=programme_id,
        programme_name=story.programme_name[:200],
        cadence=cadence,
        started_on=start,
        ends_on=ends_on,
        next_checkin_on=start + dt.timedelta(days=rules.CADENCE_DAYS[cadence]),
    )
    group.full_clean()
    group.save()
    GroupAgreementVersion.objects.create(
        group=group,
        version=1,
        cadence=cadence,
        duration_weeks=weeks,
        goals="",
        confidentiality=GROUP_CONFIDENTIALITY,
    )
    for title in story.milestones:
        GroupMilestone.objects.create(group=group, title=title[:200])
    return group


def _group_join(group: MentoringGroup, match: GroupMatch, locked: dict[int, Member]) -> None:
    mentee = locked[match.mentee.pk]
    if mentee.pk == group.mentor_id:
        raise ValidationError(GROUP_MENTOR_IS_MENTEE)
    if not mentee.user.is_active or selectors.is_blocked_pair(group.mentor, mentee):
        raise ValidationError(UNAVAILABLE)
    if GroupMembership.objects.filter(group=group, mentee=mentee, left_at__isnull=True).exists():
        raise ValidationError(ALREADY_IN_GROUP.format(name=mentee.name))
    GroupMembership.objects.create(group=group, mentee=mentee, match_reasons=list(match.reasons))


def _group_goals(group: MentoringGroup, matches: Iterable[GroupMatch], actor: Member) -> None:
    """Each new mentee's application goals join the agreement, as a new version when it grew."""
    lines = [f"{m.mentee.name}: {m.goals.strip()}" for m in matches if m.goals.strip()]
    if not lines:
        return
    latest = selectors.group_agreement(group)
    goals = "\n".join(filter(None, [latest.goals if latest else "", *lines]))[:5000]
    if latest is not None and not latest.goals:
        latest.goals, latest.updated_by = goals, actor
        latest.save(update_fields=["goals", "updated_by"])
        return
    GroupAgreementVersion.objects.create(
        group=group,
        version=(latest.version if latest else 0) + 1,
        cadence=latest.cadence if latest else group.cadence,
        duration_weeks=latest.duration_weeks if latest else GROUP_DURATION_WEEKS,
        goals=goals,
        meeting=latest.meeting if latest else "",
        confidentiality=latest.confidentiality if latest else GROUP_CONFIDENTIALITY,
        updated_by=actor,
    )


def group_match_message(
    mentor: Member, mentees: list[Member], story: MatchStory, *, password_link: str | None = None
) -> tuple[str, str]:
    """The mentor's notification: whom their group has, when it starts, and a way in."""
    title = "Your mentoring group"
    if story.programme_name:
        title += f" in {story.programme_name}"
    lines = ["Your group: " + ", ".join(mentee.name for mentee in mentees) + "."]
    if story.starts_on and story.starts_on > timezone.localdate():
        lines.append(f"It starts on {story.starts_on:%-d %B %Y}.")
    way_in = way_in_line(mentor.user, link=password_link)
    if way_in:
        lines.append(way_in)
    return title, "\n".join(lines)


@transaction.atomic
def group_create_from_match(
    *,
    mentor: Member,
    matches: list[GroupMatch],
    programme: object | int | None = None,
    story: MatchStory | None = None,
    actor: Member,
) -> MentoringGroup:
    """A mentoring group straight from a published programme: one mentor, the mentees matched
    to them, the programme's dates, cadence and milestones, and each person told."""
    locked = _lock_members(mentor.pk, *(match.mentee.pk for match in matches))
    if not locked[mentor.pk].user.is_active:
        raise ValidationError(UNAVAILABLE)
    story = story or MatchStory(programme_name="")
    programme_id = programme if isinstance(programme, int) else getattr(programme, "pk", None)
    group = _group_for(locked[mentor.pk], programme_id, story)
    for match in matches:
        _group_join(group, match, locked)
    _group_goals(group, matches, actor)
    audit(
        actor=actor,
        action=AuditEvent.GROUP_CREATE_FROM_MATCH,
        subject=group,
        programme=group.programme_id,
        mentees=len(matches),
    )
    url = _group_url(group)
    for match in matches:
        title, body = match_message(match.mentee, mentor, replace(story, reasons=match.reasons))
        notify(recipient=match.mentee, kind="group_matched", title=title, body=body, url=url)
    title, body = group_match_message(mentor, [match.mentee for match in matches], story)
    notify(recipient=mentor, kind="group_matched", title=title, body=body, url=url)
    return group


@transaction.atomic
def group_leave(*, group: MentoringGroup, actor: Member) -> GroupMembership:
    """A mentee leaves the group: from now on they no longer see it or its conversation."""
    membership = (
        GroupMembership.objects.select_for_update()
        .filter(group=group, mentee=actor, left_at__isnull=True)
        .first()
    )
    if membership is None:
        raise PermissionDenied(ONLY_GROUP_MENTEE)
    membership.left_at = timezone.now()
    membership.save(update_fields=["left_at"])
    # Their unread messages are no longer theirs to read.
    MessageReceipt.objects.filter(
        recipient=actor, read_at__isnull=True, message__group=group
    ).delete()
    audit(actor=actor, action=AuditEvent.GROUP_LEAVE, subject=group)
    notify(
        recipient=group.mentor,
        kind="group_left",
        title=f"{actor.name} left your group",
        url=_group_url(group),
    )
    return membership


@transaction.atomic
def group_agreement_update(
    *,
    group: MentoringGroup,
    actor: Member,
    cadence: str,
    duration_weeks: int,
    goals: str = "",
    meeting: str = "",
    confidentiality: str = "",
) -> GroupAgreementVersion:
    _require_in_group(group, actor)
    group = MentoringGroup.objects.select_for_update().get(pk=group.pk)
    _require_group_active(group)
    latest = selectors.group_agreement(group)
    version = GroupAgreementVersion(
        group=group,
        version=(latest.version if latest else 0) + 1,
        cadence=cadence,
        duration_weeks=duration_weeks,
        goals=(goals or "").strip(),
        meeting=(meeting or "").strip(),
        confidentiality=(confidentiality or "").strip(),
        updated_by=actor,
    )
    version.full_clean()
    version.save()
    group.cadence = cadence
    if group.started_on:
        group.ends_on = group.started_on + dt.timedelta(weeks=duration_weeks)
    group.save(update_fields=["cadence", "ends_on"])
    audit(actor=actor, action=AuditEvent.AGREEMENT_UPDATE, subject=version, version=version.version)
    _tell_group(group, actor, "agreement_updated", f"{actor.name} updated your group's agreement")
    return version


@transaction.atomic
def group_milestone_create(
    *, group: MentoringGroup, actor: Member, title: str, due_on: dt.date | None = None
) -> GroupMilestone:
    _require_in_group(group, actor)
    _require_group_active(group)
    milestone = GroupMilestone(
        group=group, title=_require_text(title, "title"), due_on=due_on, created_by=actor
    )
    milestone.full_clean()
    milestone.save()
    audit(actor=actor, action=AuditEvent.MILESTONE_CREATE, subject=milestone)
    return milestone


@transaction.atomic
def group_milestone_complete(*, milestone: GroupMilestone, actor: Member) -> GroupMilestone:
    group = milestone.group
    _require_in_group(group, actor)
    _require_group_active(group)
    milestone = GroupMilestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.is_done:
        raise ValidationError(MILESTONE_ALREADY_DONE)
    milestone.done_at, milestone.done_by = timezone.now(), actor
    milestone.save(update_fields=["done_at", "done_by"])
    audit(actor=actor, action=AuditEvent.MILESTONE_COMPLETE, subject=milestone)
    _tell_group(
        group,
        actor,
        "milestone_done",
        f"Milestone reached: {milestone.title}",
        key=f"group_milestone_done:{milestone.pk}",
    )
    return milestone


@transaction.atomic
def group_checkin_record(
    *,
    group: MentoringGroup,
    actor: Member,
    held_on: dt.date,
    topics: str = "",
    notes: str = "",
    next_steps: str = "",
    next_checkin_on: dt.date | None = None,
) -> GroupCheckIn:
    _require_in_group(group, actor)
    group = MentoringGroup.objects.select_for_update().get(pk=group.pk)
    _require_group_active(group)
    checkin = _checkin_written(
        GroupCheckIn(group=group),
        group,
        actor=actor,
        held_on=held_on,
        topics=topics,
        notes=notes,
        next_steps=next_steps,
        next_checkin_on=next_checkin_on,
    )
    audit(actor=actor, action=AuditEvent.CHECKIN_RECORD, subject=checkin)
    _tell_group(group, actor, "checkin_recorded", f"{actor.name} recorded a group check-in")
    return checkin
