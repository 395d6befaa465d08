"""Programmes (cohorts), the applications to them, and the match runs that pair their people."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from deskmate.core.models import BackgroundJob
from deskmate.mentoring.models import Cadence
from deskmate.people.models import Member

MAX_CAPACITY = 50
END_BEFORE_START = "The end is before the start."


class Programme(models.Model):
    class Kind(models.TextChoices):
        ONE_TO_ONE = "one_to_one", "One-to-one mentoring"
        GROUP = "group", "Group mentoring (one mentor, several mentees)"
        PEER = "peer", "Peer copilot pairing"
        REVERSE = "reverse", "Reverse mentoring"

    class OrganisationRule(models.TextChoices):
        ANY = "any", "No rule"
        SAME = "same", "Must share a current organisation"
        DIFFERENT = "different", "Must not share a current organisation"

    class Proposing(models.TextChoices):
        MENTEES = "mentees", "Mentees propose (the best stable matching for mentees)"
        MENTORS = "mentors", "Mentors propose (the best stable matching for mentors)"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ONE_TO_ONE)
    description = models.TextField(max_length=5000, blank=True)
    questions = models.TextField(
        max_length=3000, blank=True, help_text="One question to applicants per line."
    )
    topics = models.JSONField(default=list, blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    # The agreement every published pair starts from.
    default_cadence = models.CharField(
        max_length=20,
        choices=Cadence.choices,
        default=Cadence.FORTNIGHTLY,
        help_text="How often published pairs meet, to begin with.",
    )
    milestone_template = models.TextField(
        max_length=3000,
        blank=True,
        help_text="Milestones every published pair starts with, one per line.",
    )
    enrolment_opens_on = models.DateField(null=True, blank=True)
    enrolment_closes_on = models.DateField(null=True, blank=True)
    open_signup = models.BooleanField(
        default=True,
        help_text="Any member may apply while enrolment is open; otherwise only those invited.",
    )
    capacity_per_mentor = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)]
    )
    avoid_reporting_line = models.BooleanField(default=True)
    avoid_same_unit = models.BooleanField(default=False)
    organisation_rule = models.CharField(
        max_length=20, choices=OrganisationRule.choices, default=OrganisationRule.ANY
    )
    # -1 prefers strangers, 0 ignores ties, +1 prefers people who already know each other.
    tie_weight = models.FloatField(
        default=0.0, validators=[MinValueValidator(-1.0), MaxValueValidator(1.0)]
    )
    # 0 counts only the mentees' side of a pair, 1 only the mentors', 0.5 both alike.
    mentor_weight = models.FloatField(
        default=0.5,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="How much the mentors' side of a pair counts against the mentees' side.",
    )
    proposing = models.CharField(
        max_length=10,
        choices=Proposing.choices,
        default=Proposing.MENTEES,
        help_text="Which side proposes in a stable match run unless the run says otherwise.",
    )
    # The attributes applications carry: [{"name", "kind", "source"}], see programmes.attributes.
    attributes = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(Member, null=True, on_delete=models.SET_NULL, related_name="+")
    # Who runs it: its creator and the coordinators they add (admins run every programme).
    coordinators = models.ManyToManyField(Member, blank=True, related_name="programmes_coordinated")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(tie_weight__gte=-1.0) & Q(tie_weight__lte=1.0),
                name="programme_tie_weight_range",
            ),
            models.CheckConstraint(
                condition=Q(mentor_weight__gte=0.0) & Q(mentor_weight__lte=1.0),
                name="programme_mentor_weight_range",
            ),
            models.CheckConstraint(
                condition=Q(capacity_per_mentor__gte=1) & Q(capacity_per_mentor__lte=MAX_CAPACITY),
                name="programme_capacity_range",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = END_BEFORE_START
        if (
            self.enrolment_opens_on
            and self.enrolment_closes_on
            and self.enrolment_closes_on < self.enrolment_opens_on
        ):
            errors["enrolment_closes_on"] = END_BEFORE_START
        if errors:
            raise ValidationError(errors)

    @property
    def is_peer(self) -> bool:
        return self.kind == self.Kind.PEER

    @property
    def question_list(self) -> list[str]:
        return [line.strip() for line in self.questions.splitlines() if line.strip()]

    def enrolment_is_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        if self.enrolment_opens_on and today < self.enrolment_opens_on:
            return False
        return not (self.enrolment_closes_on and today > self.enrolment_closes_on)


class Application(models.Model):
    """A member's enrolment in a programme, in one role."""

    class Role(models.TextChoices):
        MENTEE = "mentee", "Mentee"
        MENTOR = "mentor", "Mentor"
        PEER = "peer", "Copilot (peer)"

    class Status(models.TextChoices):
        APPLIED = "applied", "Applied"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Source(models.TextChoices):
        SIGNUP = "signup", "Signed up"
        INVITATION = "invitation", "Invited"
        IMPORT = "import", "Imported"
        COORDINATOR = "coordinator", "Added by a coordinator"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="applications")
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="programme_applications"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.APPLIED)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.SIGNUP)
    capacity = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)],
        help_text="Mentors only: how many mentees in this programme.",
    )
    goals = models.TextField(max_length=3000, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    # Topic name → rank (1 = first choice; 0 = chosen without a rank).
    topics = models.JSONField(default=dict, blank=True)
    # Member ids of the mentors this applicant would like, best first.
    mentor_preferences = models.JSONField(default=list, blank=True)
    # Mentors only: member ids of the mentees this mentor would like, best first.
    mentee_preferences = models.JSONField(default=list, blank=True)
    # Attribute name → value (text, or a number for a number attribute).
    attributes = models.JSONField(default=dict, blank=True)
    # How an imported file without e-mail addresses named the applicant (its identifier, or the
    # name in lower case), so that importing the file again finds the same pending applicant.
    file_key = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "member"], name="application_once_per_programme"
            )
        ]
        indexes = [models.Index(fields=["programme", "role", "status"])]

    def __str__(self):
        return f"{self.member} in {self.programme} as {self.role}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.APPLIED


class Invitation(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_by = models.ForeignKey(Member, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # How many times it was sent, and when last; opened and declined come from its tracked link.
    sends = models.PositiveSmallIntegerField(default=1)
    last_sent_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "email"], name="invitation_once_per_address"
            )
        ]

    def __str__(self):
        return f"{self.email} to {self.programme}"


class ApplicationImport(models.Model):
    """An uploaded file of applications, kept between the upload and the column-mapping step."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", "Waiting for the column mapping"
        QUEUED = "queued", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Refused"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="imports")
    owner = models.ForeignKey(Member, null=True, on_delete=models.SET_NULL, related_name="+")
    file_name = models.CharField(max_length=255)
    payload = models.BinaryField(null=True, blank=True, editable=False)
    columns = models.JSONField(default=list, blank=True)
    #: What each column is about (Qualtrics' question text, else the column) and sample values.
    column_names = models.JSONField(default=list, blank=True)
    samples = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    #: "mentor" or "mentee" when everyone in the file has that role, else "" (a column says).
    file_role = models.CharField(max_length=20, blank=True, default="")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UPLOADED)
    summary = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"


class PairRule(models.Model):
    """A pair a coordinator pinned (must be made) or forbade (must not be made).

    In a peer programme ``mentee`` and ``mentor`` are simply the two peers, lower id first.
    """

    class Kind(models.TextChoices):
        PIN = "pin", "Pinned"
        FORBID = "forbid", "Forbidden"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="pair_rules")
    mentee = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # Why the coordinator made the rule, in their words (shown before a pin replaces a forbid).
    reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(Member, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "mentee", "mentor"], name="pair_rule_once"
            ),
            models.CheckConstraint(condition=~Q(mentee=F("mentor")), name="pair_rule_two_people"),
        ]

    def __str__(self):
        # Whom a coordinator keeps apart is the coordinators' own: admin pages name no one.
        return f"{self.get_kind_display()} pair {self.pk} in programme {self.programme_id}"


class AttributeRule(models.Model):
    """A rule on one attribute: hard (must or must not share, a minimum) or soft (a weight)."""

    class Kind(models.TextChoices):
        MUST_SHARE = "must_share", "Mentee and mentor must share it"
        MUST_NOT_SHARE = "must_not_share", "Mentee and mentor must not share it"
        MINIMUM = "minimum", "Leave out an applicant below a minimum"
        PREFER_SAME = "prefer_same", "Prefer pairs that share it"
        PREFER_DIFFERENT = "prefer_different", "Prefer pairs that differ in it"

    HARD = frozenset({Kind.MUST_SHARE, Kind.MUST_NOT_SHARE, Kind.MINIMUM})

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="attribute_rules"
    )
    attribute = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # A minimum rule's threshold.
    threshold = models.FloatField(null=True, blank=True)
    # A soft rule's weight, added to a pair's score (0 to 1).
    weight = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)]
    )
    created_by = models.ForeignKey(Member, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.attribute}"


class Quota(models.Model):
    """A limit over the matched mentees of a run, by one attribute."""

    class Kind(models.TextChoices):
        AT_MOST = "at_most", "At most N matched mentees per value"
        AT_LEAST_SHARE = "at_least_share", "At least a share of matched mentees from a group"
        MIN_DISTINCT = "min_distinct", "Each mentor's mentees from at least K different values"

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="quotas")
    attribute = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # At most: the number per value; at least K different values: K.
    limit = models.PositiveIntegerField(null=True, blank=True)
    # At least a share: the group's value and the share (0 to 1).
    value = models.CharField(max_length=200, blank=True)
    share = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)]
    )
    created_by = models.ForeignKey(Member, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.attribute}"


class MatchRun(BackgroundJob):
    class Method(models.TextChoices):
        OPTIMAL = "optimal", "Optimal: the highest total score"
        STABLE = "stable", "Stable: no pair would rather swap"
        PARTICIPATION = "participation", "Participation: as many matched as possible"
        PEER = "peer", "Peer pairing"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting"
        RUNNING = "running", "Matching"
        DONE = "done", "Proposed"
        FAILED = "failed", "Failed"
        PUBLISHED = "published", "Published"

    FINAL_STATUSES = frozenset({Status.DONE, Status.FAILED, Status.PUBLISHED})

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="runs")
    method = models.CharField(max_length=20, choices=Method.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    round = models.PositiveSmallIntegerField(default=1)
    parameters = models.JSONField(default=dict, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(Member, null=True, on_delete=models.SET_NULL, related_name="+")
    published_by = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Run {self.pk} of {self.programme} ({self.status})"


class ProposedPair(models.Model):
    """One pair a run proposes, with its score and the reasons for it in words."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="pairs")
    mentee = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    fit = models.FloatField(default=0.0)
    tie_strength = models.FloatField(default=0.0)
    topic_agreement = models.FloatField(default=0.0)
    preference_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    pinned = models.BooleanField(default=False)
    # Set when this pair was published earlier (carried into the run) or by this run's publication.
    mentorship = models.ForeignKey(
        "mentoring.Mentorship", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set instead of the mentorship when a group programme's publication put the pair in a group.
    group = models.ForeignKey(
        "mentoring.MentoringGroup",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    carried = models.BooleanField(
        default=False, help_text="Published by an earlier run, kept as it is."
    )

    class Meta:
        ordering = ["-score", "id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "mentee", "mentor"], name="proposed_pair_once")
        ]

    def __str__(self):
        # Proposals are the coordinators' until published.
        return f"Proposed pair {self.pk} of run {self.run_id}"


class Publication(BackgroundJob):
    """Publishing a run, done by the task worker: the mentorships, then telling everyone.

    One per run (publishing twice is refused by the table itself); who asked for it is the
    run's ``published_by``.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting"
        RUNNING = "running", "Publishing"
        DONE = "done", "Published"
        FAILED = "failed", "Failed"

    run = models.OneToOneField(MatchRun, on_delete=models.CASCADE, related_name="publication")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    # What was done: mentorships made, people told, of them newcomers sent a way in.
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Publication of run {self.run_id} ({self.status})"
