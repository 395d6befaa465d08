"""Mentorships and everything inside them, plus the safety records around them."""

import datetime as dt

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from deskmate.mentoring import rules
from deskmate.mentoring.states import OPEN_STATES, State
from deskmate.people.models import Goal, Member


class Cadence(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "Monthly"


class Mentorship(models.Model):
    """A relationship from its request to its end.

    The requester is the one who asked; in a mentorship they are the mentee and
    the recipient is the mentor. A copilot relationship is between peers, and
    neither side's mentee capacity is used.
    """

    class Kind(models.TextChoices):
        MENTORSHIP = "mentorship", "Mentorship"
        COPILOT = "copilot", "Copilot (peers)"

    class Origin(models.TextChoices):
        REQUEST = "request", "Asked by a member"
        PROGRAMME = "programme", "Matched in a programme"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MENTORSHIP)
    state = models.CharField(max_length=20, choices=State.choices, default=State.REQUESTED)
    requester = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="mentorships_asked"
    )
    recipient = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="mentorships_received"
    )
    origin = models.CharField(max_length=20, choices=Origin.choices, default=Origin.REQUEST)
    # The programmes app will own programmes; until then the id alone says which one matched them.
    programme_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    # How a programme-made mentorship came about, as the two people are shown it.
    programme_name = models.CharField(max_length=200, blank=True)
    match_reasons = models.JSONField(default=list, blank=True)

    message = models.TextField(max_length=3000, blank=True)
    goals = models.ManyToManyField(Goal, blank=True, related_name="mentorship_requests")
    cadence = models.CharField(max_length=20, choices=Cadence.choices, default=Cadence.FORTNIGHTLY)
    duration_weeks = models.PositiveSmallIntegerField(
        default=26,
        validators=[
            MinValueValidator(rules.MIN_DURATION_WEEKS),
            MaxValueValidator(rules.MAX_DURATION_WEEKS),
        ],
    )
    # Seen only by the person who declined.
    decline_reason = models.TextField(max_length=2000, blank=True)
    end_reason = models.TextField(max_length=2000, blank=True)
    ended_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    started_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    next_checkin_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["requester", "recipient"],
                condition=Q(state__in=sorted(OPEN_STATES)),
                name="mentorship_one_open_request_per_pair",
                violation_error_message="You already have an open request to this person.",
            ),
            models.CheckConstraint(
                condition=~Q(requester=F("recipient")), name="mentorship_two_people"
            ),
            models.CheckConstraint(
                condition=Q(duration_weeks__gte=rules.MIN_DURATION_WEEKS)
                & Q(duration_weeks__lte=rules.MAX_DURATION_WEEKS),
                name="mentorship_duration_range",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "state"]),
            models.Index(fields=["requester", "state"]),
            models.Index(fields=["state", "expires_at"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.requester} and {self.recipient}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_active(self) -> bool:
        return self.state == State.ACTIVE

    @property
    def mentor(self) -> Member | None:
        return self.recipient if self.kind == self.Kind.MENTORSHIP else None

    @property
    def mentee(self) -> Member | None:
        return self.requester if self.kind == self.Kind.MENTORSHIP else None

    def party_ids(self) -> set[int]:
        return {self.requester_id, self.recipient_id}

    def other(self, member: Member) -> Member:
        return self.recipient if member.pk == self.requester_id else self.requester


class InfoRequest(models.Model):
    """A question the person asked put to the requester before deciding."""

    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="info_requests"
    )
    question = models.TextField(max_length=2000)
    answer = models.TextField(max_length=3000, blank=True)
    asked_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "id"]

    def __str__(self):
        return f"Question on mentorship {self.mentorship_id}"


class AgreementTerms(models.Model):
    """What an agreement says; a mentorship's and a group's versions both carry it."""

    cadence = models.CharField(max_length=20, choices=Cadence.choices)
    duration_weeks = models.PositiveSmallIntegerField(
        validators=[
            MinValueValidator(rules.MIN_DURATION_WEEKS),
            MaxValueValidator(rules.MAX_DURATION_WEEKS),
        ]
    )
    goals = models.TextField(max_length=5000, blank=True)
    meeting = models.CharField(
        max_length=300, blank=True, help_text="For example: video call, Tuesday lunchtime"
    )
    confidentiality = models.TextField(max_length=2000, blank=True)
    updated_by = models.ForeignKey(Member, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-version"]


class AgreementVersion(AgreementTerms):
    """What the two agreed; every change is a new version, the latest is in force."""

    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="agreement_versions"
    )
    version = models.PositiveIntegerField()

    class Meta(AgreementTerms.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "version"], name="agreement_version_unique"
            )
        ]

    def __str__(self):
        return f"Agreement v{self.version} of {self.mentorship_id}"


class MilestoneFields(models.Model):
    """A milestone, in a mentorship or in a group."""

    title = models.CharField(max_length=200)
    due_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(Member, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = [F("due_on").asc(nulls_last=True), "id"]

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class Milestone(MilestoneFields):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="milestones")

    class Meta(MilestoneFields.Meta):
        pass

    def __str__(self):
        # The title is the two people's own: admin pages (a delete page, say) show this instead.
        return f"Milestone {self.pk} of mentorship {self.mentorship_id}"


class CheckInFields(models.Model):
    """A conversation held, in a mentorship or in a group: its notes are its people's alone."""

    held_on = models.DateField()
    topics = models.CharField(max_length=500, blank=True)
    notes = models.TextField(max_length=10000, blank=True)
    next_steps = models.TextField(max_length=3000, blank=True)
    next_checkin_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(Member, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-held_on", "-id"]


class CheckIn(CheckInFields):
    """A conversation held. Topics, notes and next steps are private to the two people."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="checkins")

    class Meta(CheckInFields.Meta):
        pass

    def __str__(self):
        return f"Check-in {self.pk} of mentorship {self.mentorship_id}"


class Feedback(models.Model):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=5000)
    topic = models.CharField(max_length=200, blank=True)
    # About something neither side planned to discuss: often the most useful kind.
    unplanned = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "feedback"

    def __str__(self):
        return f"Feedback on mentorship {self.mentorship_id}"


class SurveyResponse(models.Model):
    class Kind(models.TextChoices):
        PULSE = "pulse", "Pulse"
        CLOSING = "closing", "Closing"

    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="survey_responses"
    )
    respondent = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    due_on = models.DateField()
    satisfaction = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(max_length=3000, blank=True)
    # Answered where the page said that a low pulse score (1 or 2) in a programme tells its
    # coordinators the pair may need a hand (never the score or the comment). Answers given
    # before that was said stay the respondent's alone.
    low_score_shared = models.BooleanField(default=False)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-due_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "respondent", "kind", "due_on"], name="survey_response_once"
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1) & Q(satisfaction__lte=5),
                name="survey_satisfaction_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} survey due {self.due_on}"


class Event(models.Model):
    """One line of a mentorship's timeline."""

    class Kind(models.TextChoices):
        REQUESTED = "requested", "Requested"
        INFO_ASKED = "info_asked", "More information asked"
        INFO_ANSWERED = "info_answered", "Information given"
        ACCEPTED = "accepted", "Accepted"
        MATCHED = "matched", "Matched"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        EXPIRED = "expired", "Expired"
        AGREEMENT = "agreement", "Agreement updated"
        MILESTONE_ADDED = "milestone_added", "Milestone added"
        MILESTONE_DONE = "milestone_done", "Milestone reached"
        CHECKIN = "checkin", "Check-in"
        CHECKIN_PROPOSED = "checkin_proposed", "Check-in proposed"
        CHECKIN_ACCEPTED = "checkin_accepted", "Check-in time accepted"
        CHECKIN_MOVED = "checkin_moved", "Check-in moved"
        CHECKIN_CANCELLED = "checkin_cancelled", "Check-in cancelled"
        FEEDBACK = "feedback", "Feedback"
        SURVEY = "survey", "Survey answered"
        COMPLETED = "completed", "Completed"
        ENDED_EARLY = "ended_early", "Ended early"

    CELEBRATED = frozenset({Kind.MILESTONE_DONE, Kind.COMPLETED})

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.CharField(max_length=500)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        # The text may name a milestone or a check-in's topics, which are the two people's own.
        return f"{self.get_kind_display()} on mentorship {self.mentorship_id}"

    @property
    def celebrated(self) -> bool:
        return self.kind in self.CELEBRATED


class Availability(models.Model):
    """A member's standing for new requests: paused by themselves, or inactive by silence."""

    member = models.OneToOneField(
        Member, on_delete=models.CASCADE, related_name="mentoring_availability"
    )
    unavailable = models.BooleanField(
        default=False, help_text="Take no new requests for now; requests already sent stay open."
    )
    inactive_since = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "availability"

    def __str__(self):
        return f"{self.member}: {'unavailable' if self.unavailable else 'available'}"


class Block(models.Model):
    blocker = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="blocks_made")
    blocked = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_unique_pair"),
            models.CheckConstraint(condition=~Q(blocker=F("blocked")), name="block_not_self"),
        ]

    def __str__(self):
        return f"{self.blocker} blocked {self.blocked}"


class Report(models.Model):
    """A concern raised about a person or a mentorship, for coordinators to work through."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"
        DISMISSED = "dismissed", "Dismissed"

    reporter = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="reports_made")
    about_member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.CASCADE, related_name="reports_about"
    )
    about_mentorship = models.ForeignKey(
        Mentorship, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    text = models.TextField(max_length=5000)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    outcome = models.TextField(max_length=2000, blank=True)
    resolved_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(about_member__isnull=False) | Q(about_mentorship__isnull=False),
                name="report_has_subject",
            )
        ]

    def __str__(self):
        return f"Report {self.pk} ({self.status})"


class MentoringGroup(models.Model):
    """One mentor and several mentees sharing one space: an agreement, milestones,
    check-ins and a conversation.

    It is not a ``Mentorship`` with a membership table. A mentorship is a pair's state
    machine: a request one person sends and the other answers, a mentor's place taken, a
    block between its two people closing it, a planned check-in "the other one" accepts.
    Reads across every app (capacity, availability, suggestions, reminders, calendar feeds,
    programme health, data rights) find a mentorship's two people as ``requester`` and
    ``recipient``; a group has no request, no "other one", and mentees who leave while the
    rest go on, so each of those reads would need a group branch, and one that missed it
    would show a group's content to the wrong person or count a group as a pair. So the
    group has its own table and a membership table, and shares what really is the same in
    code rather than in rows: the agreement, milestone and check-in fields (the abstract
    bases above), the conversation (``Message.group``, posted, counted unread and notified
    by the same functions as a mentorship's) and the notifications.
    """

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"

    mentor = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="groups_led")
    name = models.CharField(max_length=200)
    state = models.CharField(max_length=20, choices=State.choices, default=State.ACTIVE)
    programme_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    programme_name = models.CharField(max_length=200, blank=True)
    cadence = models.CharField(max_length=20, choices=Cadence.choices, default=Cadence.FORTNIGHTLY)
    created_at = models.DateTimeField(default=timezone.now)
    started_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    next_checkin_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["mentor", "state"])]

    def __str__(self):
        # The name is the group's own choice; admin pages name the row instead.
        return f"Mentoring group {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE


class GroupMembership(models.Model):
    """A mentee in a group, from joining until leaving; a mentee who left no longer sees it."""

    group = models.ForeignKey(MentoringGroup, on_delete=models.CASCADE, related_name="memberships")
    mentee = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="group_memberships")
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)
    match_reasons = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["joined_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "mentee"],
                condition=Q(left_at__isnull=True),
                name="group_membership_once",
                violation_error_message="This mentee is already in the group.",
            )
        ]

    def __str__(self):
        return f"Member {self.mentee_id} of group {self.group_id}"


class GroupAgreementVersion(AgreementTerms):
    """What a group agreed; every change is a new version, the latest is in force."""

    group = models.ForeignKey(
        MentoringGroup, on_delete=models.CASCADE, related_name="agreement_versions"
    )
    version = models.PositiveIntegerField()

    class Meta(AgreementTerms.Meta):
        constraints = [
            models.UniqueConstraint(fields=["group", "version"], name="group_agreement_unique")
        ]

    def __str__(self):
        return f"Agreement v{self.version} of group {self.group_id}"


class GroupMilestone(MilestoneFields):
    group = models.ForeignKey(MentoringGroup, on_delete=models.CASCADE, related_name="milestones")

    class Meta(MilestoneFields.Meta):
        pass

    def __str__(self):
        return f"Milestone {self.pk} of group {self.group_id}"


class GroupCheckIn(CheckInFields):
    group = models.ForeignKey(MentoringGroup, on_delete=models.CASCADE, related_name="checkins")

    class Meta(CheckInFields.Meta):
        pass

    def __str__(self):
        return f"Check-in {self.pk} of group {self.group_id}"


class Message(models.Model):
    """One message in a thread: a mentorship's (from its request on), a group's or an
    introduction's.

    The text is its participants' alone: no admin page, coordinator view or
    notification shows it. An introduction's thread is kept here rather than in
    the network app because mentoring sits above network and may point at an
    introduction, while network never needs to read a message.
    """

    mentorship = models.ForeignKey(
        Mentorship, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    group = models.ForeignKey(
        MentoringGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    introduction = models.ForeignKey(
        "network.Introduction",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    author = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)
    # Set when the author's account was erased: the text is gone, the place in the thread stays.
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(mentorship__isnull=False, group__isnull=True, introduction__isnull=True)
                | Q(mentorship__isnull=True, group__isnull=False, introduction__isnull=True)
                | Q(mentorship__isnull=True, group__isnull=True, introduction__isnull=False),
                name="message_in_one_thread",
            )
        ]
        indexes = [
            models.Index(fields=["mentorship", "created_at"]),
            models.Index(fields=["introduction", "created_at"]),
            models.Index(fields=["group", "created_at"]),
        ]

    def __str__(self):
        # The text is the participants' own: admin pages (a delete page, say) show this instead.
        return f"Message {self.pk}"


class MessageReceipt(models.Model):
    """A message as one of its readers has it: unread until they open the thread."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="receipts")
    recipient = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "recipient"], name="message_receipt_once")
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return f"Receipt of message {self.message_id}"


class PlannedCheckIn(models.Model):
    """A check-in one person proposed for a time; the other accepts it or moves it.

    ``uid`` and ``sequence`` make its calendar invitation one event that calendar
    clients update: every change the two can see raises the sequence.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACCEPTED = "accepted", "Accepted"
        CANCELLED = "cancelled", "Cancelled"

    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="planned_checkins"
    )
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(
        default=45, validators=[MinValueValidator(10), MaxValueValidator(240)]
    )
    # The zone the time was given in, so that both read "12:30 Europe/Berlin" as it was meant.
    time_zone = models.CharField(max_length=64)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)
    # Who set the current time: the other person is the one to accept it.
    proposed_by = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    uid = models.CharField(max_length=64, unique=True)
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["mentorship", "status", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=10) & Q(duration_minutes__lte=240),
                name="planned_checkin_duration_range",
            )
        ]

    def __str__(self):
        return f"Planned check-in {self.pk} of mentorship {self.mentorship_id}"

    @property
    def ends_at(self):
        return self.starts_at + dt.timedelta(minutes=self.duration_minutes)

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CANCELLED


class CalendarFeed(models.Model):
    """A member's private calendar subscription; the secret in its address is kept only hashed."""

    member = models.OneToOneField(Member, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"Calendar feed of member {self.member_id}"
