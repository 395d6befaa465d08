"""What the mentoring app holds about a member, for their data download and their erasure.

A mentorship belongs to both people, so erasure keeps it for the other one: the
erased member becomes "A former member" at the other end, an open request is
withdrawn and an active mentorship is ended early, and what the two wrote
together stays. What was the member's alone (their availability, blocks,
pulse-survey answers, calendar address) is deleted. Their messages stay in
their place in each conversation, but their text is removed: a message is the
writer's own words, not a shared record like a check-in note, so the other
person reads "A former member · (message removed)". The other people's
messages that name the member are anonymised like every other text. Reports *about* the member are the
reporter's and stay with the coordinators; the member's own reports keep their
text for the safety record with the reporter anonymised.

A mentoring group is its people's together, like a mentorship: a mentee who is
erased leaves the group (their membership ends), a mentor's group is completed
for its mentees to keep reading, and what the group wrote stays with the
member's name and address taken out of it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

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
    PlannedCheckIn,
    Report,
    SurveyResponse,
)
from deskmate.mentoring.states import OPEN_STATES, State
from deskmate.people.data_rights import (
    Erasure,
    Holding,
    Identity,
    register_holding,
    rows_as_dicts,
    scrub_text,
)
from deskmate.people.models import Member

#: Rows of a mentorship that both people see, exported with it.
_SHARED = (
    ("agreement_versions", AgreementVersion),
    ("milestones", Milestone),
    ("checkins", CheckIn),
    ("feedback", Feedback),
    ("info_requests", InfoRequest),
    ("events", Event),
    ("planned_checkins", PlannedCheckIn),
)


def _involving(member: Member):
    return Mentorship.objects.filter(Q(requester=member) | Q(recipient=member))


def _mentorships(member: Member) -> list[dict[str, Any]]:
    rows = rows_as_dicts(_involving(member).order_by("id"))
    for row in rows:
        for name, model in _SHARED:
            row[name] = rows_as_dicts(model.objects.filter(mentorship_id=row["id"]))
        row["my_survey_responses"] = rows_as_dicts(
            SurveyResponse.objects.filter(mentorship_id=row["id"], respondent=member)
        )
    return rows


def _mentorships_erase(identity: Identity, erasure: Erasure) -> None:
    involving = _involving(identity.member)
    now = timezone.now()
    withdrawn = involving.filter(state__in=sorted(OPEN_STATES)).update(
        state=State.WITHDRAWN, answered_at=now
    )
    ended = involving.filter(state=State.ACTIVE).update(
        state=State.ENDED_EARLY, ended_at=now, end_reason=""
    )
    erasure.count("mentorships", anonymised=withdrawn + ended)
    ids = list(involving.values_list("id", flat=True))
    cancelled = PlannedCheckIn.objects.filter(
        mentorship_id__in=ids, starts_at__gte=now, status__in=["proposed", "accepted"]
    ).update(status=PlannedCheckIn.Status.CANCELLED, updated_at=now)
    erasure.count("planned_checkins", anonymised=cancelled)
    deleted, _ = SurveyResponse.objects.filter(respondent=identity.member).delete()
    erasure.count("survey_responses", deleted=deleted)
    scrub_text(
        Mentorship,
        ["message", "decline_reason", "end_reason"],
        identity,
        erasure,
        kind="mentorships",
        queryset=involving,
    )
    for kind, model, fields in (
        ("agreement_versions", AgreementVersion, ["goals", "meeting", "confidentiality"]),
        ("milestones", Milestone, ["title"]),
        ("checkins", CheckIn, ["topics", "notes", "next_steps"]),
        ("feedback", Feedback, ["text", "topic"]),
        ("info_requests", InfoRequest, ["question", "answer"]),
        ("events", Event, ["text"]),
    ):
        scrub_text(
            model,
            fields,
            identity,
            erasure,
            kind=kind,
            queryset=model.objects.filter(mentorship_id__in=ids),
        )


#: Rows of a group that all its people see, exported with it.
_GROUP_SHARED = (
    ("agreement_versions", GroupAgreementVersion),
    ("milestones", GroupMilestone),
    ("checkins", GroupCheckIn),
)


#: Who wrote each shared row of a group: what the member keeps of a group they left.
_GROUP_AUTHOR: dict[type, str] = {
    GroupAgreementVersion: "updated_by",
    GroupMilestone: "created_by",
    GroupCheckIn: "recorded_by",
}


def _groups_involving(member: Member):
    """Groups the member leads or was ever a mentee of (what they wrote there is theirs too)."""
    return MentoringGroup.objects.filter(
        Q(mentor=member) | Q(pk__in=GroupMembership.objects.filter(mentee=member).values("group"))
    )


def _groups(member: Member) -> list[dict[str, Any]]:
    """Groups the member leads or is in, with what the group shares; for a group they left,
    their membership and what they themselves wrote there."""
    rows = []
    current = {
        group.pk
        for group in _groups_involving(member).filter(
            Q(mentor=member) | Q(memberships__mentee=member, memberships__left_at__isnull=True)
        )
    }
    for row in rows_as_dicts(_groups_involving(member).order_by("id")):
        row["my_memberships"] = rows_as_dicts(
            GroupMembership.objects.filter(group_id=row["id"], mentee=member)
        )
        for name, model in _GROUP_SHARED:
            shared = model.objects.filter(group_id=row["id"])
            if row["id"] not in current:
                shared = shared.filter(**{_GROUP_AUTHOR[model]: member})
            row[name] = rows_as_dicts(shared)
        rows.append(row)
    return rows


def _groups_erase(identity: Identity, erasure: Erasure) -> None:
    member, now = identity.member, timezone.now()
    left = GroupMembership.objects.filter(mentee=member, left_at__isnull=True).update(left_at=now)
    erasure.count("group_memberships", anonymised=left)
    completed = MentoringGroup.objects.filter(
        mentor=member, state=MentoringGroup.State.ACTIVE
    ).update(state=MentoringGroup.State.COMPLETED, ended_at=now)
    erasure.count("mentoring_groups", anonymised=completed)
    groups = _groups_involving(member)
    ids = list(groups.values_list("id", flat=True))
    scrub_text(
        MentoringGroup,
        ["name", "programme_name"],
        identity,
        erasure,
        kind="mentoring_groups",
        queryset=groups,
    )
    scrub_text(
        GroupMembership,
        ["match_reasons"],
        identity,
        erasure,
        kind="group_memberships",
        queryset=GroupMembership.objects.filter(group_id__in=ids),
    )
    for kind, model, fields in (
        (
            "group_agreement_versions",
            GroupAgreementVersion,
            ["goals", "meeting", "confidentiality"],
        ),
        ("group_milestones", GroupMilestone, ["title"]),
        ("group_checkins", GroupCheckIn, ["topics", "notes", "next_steps"]),
    ):
        scrub_text(
            model,
            fields,
            identity,
            erasure,
            kind=kind,
            queryset=model.objects.filter(group_id__in=ids),
        )


def _availability(member: Member) -> list[dict[str, Any]]:
    return rows_as_dicts(Availability.objects.filter(member=member))


def _availability_erase(identity: Identity, erasure: Erasure) -> None:
    deleted, _ = Availability.objects.filter(member=identity.member).delete()
    erasure.count("availability", deleted=deleted)


def _blocks(member: Member) -> list[dict[str, Any]]:
    """The blocks the member made (who blocked them is not theirs to know)."""
    return rows_as_dicts(Block.objects.filter(blocker=member))


def _blocks_erase(identity: Identity, erasure: Erasure) -> None:
    member = identity.member
    deleted, _ = Block.objects.filter(Q(blocker=member) | Q(blocked=member)).delete()
    erasure.count("blocks", deleted=deleted)


def _reports(member: Member) -> list[dict[str, Any]]:
    """The reports the member made (reports about them are confidential to coordinators)."""
    return rows_as_dicts(Report.objects.filter(reporter=member))


def _reports_erase(identity: Identity, erasure: Erasure) -> None:
    scrub_text(Report, ["text", "outcome"], identity, erasure, kind="reports")


def _messages(member: Member) -> list[dict[str, Any]]:
    """The messages the member wrote, and which messages they were sent and when they read them.

    Other people's words are theirs: the member reads them in deskmate, not in this download.
    """
    return [
        {
            "written": rows_as_dicts(Message.objects.filter(author=member)),
            "received": rows_as_dicts(MessageReceipt.objects.filter(recipient=member)),
        }
    ]


def _messages_erase(identity: Identity, erasure: Erasure) -> None:
    member = identity.member
    removed = Message.objects.filter(author=member, removed_at__isnull=True).update(
        text="", removed_at=timezone.now()
    )
    erasure.count("messages", anonymised=removed)
    deleted, _ = MessageReceipt.objects.filter(recipient=member).delete()
    erasure.count("message_receipts", deleted=deleted)
    scrub_text(Message, ["text"], identity, erasure, kind="messages")


def _calendar_feed(member: Member) -> list[dict[str, Any]]:
    return rows_as_dicts(CalendarFeed.objects.filter(member=member), exclude=("token_hash",))


def _calendar_feed_erase(identity: Identity, erasure: Erasure) -> None:
    deleted, _ = CalendarFeed.objects.filter(member=identity.member).delete()
    erasure.count("calendar_feed", deleted=deleted)


def register() -> None:
    """The mentoring app's kinds (called from its ``AppConfig.ready``)."""
    shared = tuple(model._meta.label for _, model in _SHARED)
    for holding in (
        Holding(
            "mentorships",
            ("mentoring.Mentorship", "mentoring.SurveyResponse", *shared),
            _mentorships,
            _mentorships_erase,
            order=30,
        ),
        Holding(
            "mentoring_groups",
            (
                "mentoring.MentoringGroup",
                "mentoring.GroupMembership",
                *(model._meta.label for _, model in _GROUP_SHARED),
            ),
            _groups,
            _groups_erase,
            order=30,
        ),
        Holding("availability", ("mentoring.Availability",), _availability, _availability_erase),
        Holding("blocks", ("mentoring.Block",), _blocks, _blocks_erase, order=30),
        Holding("reports", ("mentoring.Report",), _reports, _reports_erase, order=30),
        Holding(
            "messages",
            ("mentoring.Message", "mentoring.MessageReceipt"),
            _messages,
            _messages_erase,
            order=30,
        ),
        Holding(
            "calendar_feed",
            ("mentoring.CalendarFeed",),
            _calendar_feed,
            _calendar_feed_erase,
            order=30,
        ),
    ):
        register_holding(holding)
