"""Contacts, ties and the imports that bring them in."""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from deskmate.core.models import BackgroundJob
from deskmate.engine.ties import SHARED_HISTORY_KINDS
from deskmate.people.models import Member

SHARED_HISTORY = frozenset(int(kind) for kind in SHARED_HISTORY_KINDS)


def has_shared_history(evidence: list[dict]) -> bool:
    """Whether stored evidence shows a shared workplace or school (see ``SHARED_HISTORY_KINDS``)."""
    return any(item.get("kind") in SHARED_HISTORY for item in evidence)


class Contact(models.Model):
    """Someone a member knows, from an imported address book or network.

    A contact is private to its owner. When its e-mail or profile address
    identifies a member, it is linked to that member.
    """

    class Source(models.TextChoices):
        LINKEDIN = "linkedin", "LinkedIn connection"
        VCARD = "vcard", "vCard"

    owner = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="contacts")
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="contact_of"
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    email = models.CharField(max_length=254, blank=True)
    profile_url = models.CharField(max_length=300, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200, blank=True)
    connected_on = models.DateField(null=True, blank=True)
    # The identity used to recognise the same contact on a later import.
    match_key = models.CharField(max_length=400)
    #: Members the owner said this contact is not, when an import asked: never asked again.
    not_members = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "match_key"], name="contact_unique_per_owner")
        ]
        indexes = [
            models.Index(fields=["owner", "member"]),
            # Who imported these members, read from the index alone: a member's tie refresh
            # reads the importers of thousands of members (tie_store.community_load_touching).
            models.Index(fields=["member", "owner"], name="contact_member_owner"),
        ]

    def __str__(self):
        # Private to the one who imported it: an admin page names no one from an address book.
        return f"Contact {self.pk} of member {self.owner_id}"

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email or self.profile_url


class Tie(models.Model):
    """An evidence-backed relationship between two members, stored once per pair."""

    # The unique (member_low, member_high) index serves look-ups by member_low; only
    # member_high needs an index of its own. Fewer indexes make storing millions of ties quicker.
    member_low = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    member_high = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    strength = models.FloatField()
    evidence = models.JSONField(default=list)
    # Evidence both can see and neither made alone: only such a tie opens a profile
    # shown to "people I have a tie with". Kept beside the evidence so that the
    # profile rule is one indexed look-up on either database.
    shared_history = models.BooleanField(default=False)
    #: 64 bits summing up ``strength`` and ``evidence`` as stored, so that a refresh finds the
    #: ties that changed without reading any evidence back (``network.tie_store.tie_digests``).
    digest = models.BigIntegerField(default=0)
    #: When the tie last changed (a refresh leaves unchanged ties alone).
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member_low", "member_high"], name="tie_unique_pair"),
            models.CheckConstraint(
                condition=Q(member_low__lt=F("member_high")), name="tie_ordered_pair"
            ),
        ]

    def __str__(self):
        # The strength counts either member's private contacts and interactions.
        return f"Tie {self.pk} between members {self.member_low_id} and {self.member_high_id}"

    def save(self, *args, **kwargs):
        self.shared_history = has_shared_history(self.evidence)
        super().save(*args, **kwargs)


class Vocabulary(models.Model):
    """How many members' texts use each term, counted at the last full tie refresh.

    One row. It fits the term weights of text fit
    (``deskmate.engine.text.TermWeights``): a term most members use is weak
    evidence that a goal and an offer are about the same thing.
    """

    documents = models.PositiveIntegerField()
    frequencies = models.JSONField(default=dict)
    refreshed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "vocabularies"

    def __str__(self):
        return f"vocabulary of {self.documents} members ({len(self.frequencies)} terms)"


class ImportJob(BackgroundJob):
    """One uploaded file and what became of it."""

    class Kind(models.TextChoices):
        LINKEDIN = "linkedin", "LinkedIn archive"
        VCARD = "vcard", "vCard contacts"
        PEOPLE = "people", "Organisation people file"

    class Status(models.TextChoices):
        MAPPING = "mapping", "Waiting for its columns to be mapped"
        CONFIRMING = "confirming", "Waiting for you to confirm possible matches"
        QUEUED = "queued", "Waiting"
        RUNNING = "running", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Refused"

    owner = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="import_jobs")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    file_name = models.CharField(max_length=255)
    file_size = models.PositiveBigIntegerField(default=0)
    payload = models.BinaryField(null=True, blank=True, editable=False)
    summary = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    #: A people file in its source's own columns: its header, first rows and guesses.
    preview = models.JSONField(default=dict, blank=True)
    #: The column mapping the file is read through (``PeopleMapping.as_dict``); empty for
    #: files in deskmate's own columns.
    mapping = models.JSONField(default=dict, blank=True)
    #: What the importer answered about possible matches (``network.identities``), by kind:
    #: ``{"members": {external_id: member id, or 0 for "a different person"}}``.
    answers = models.JSONField(default=dict, blank=True)
    #: LinkedIn only: the member chose to turn recommendations and endorsements into evidence.
    use_vouches = models.BooleanField(default=False)
    #: The saved mapping that mapped it without questions, if one did.
    saved_mapping = models.ForeignKey(
        "PeopleMapping", on_delete=models.SET_NULL, null=True, blank=True, related_name="jobs"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        # An upload is its owner's: the file's name stays on their own pages.
        return f"Import {self.pk} ({self.get_kind_display()}, {self.get_status_display()})"

    def mark_waiting(self, **fields: object) -> None:
        """The work stopped before writing anything, to wait for the importer's answers."""
        self._update(progress=0, **fields)
        self.refresh_from_db()

    @property
    def waits_for_importer(self) -> bool:
        """Held until the importer maps its columns or answers its possible matches."""
        return self.status in (self.Status.MAPPING, self.Status.CONFIRMING)

    @property
    def can_remap(self) -> bool:
        """A refused people file still held: its columns can be mapped again without uploading."""
        return (
            self.kind == self.Kind.PEOPLE
            and self.status == self.Status.FAILED
            and self.payload is not None
            and bool((self.preview or {}).get("labels"))
        )


class PeopleMapping(models.Model):
    """How one source's people exports map to deskmate, kept so the next export needs no questions.

    A source is known by the set of its normalised headers (``source_key``): next
    month's export from the same report has the same headers.
    """

    class DateOrder(models.TextChoices):
        AS_WRITTEN = "", "As written"
        DAY_FIRST = "day_first", "Day first"
        MONTH_FIRST = "month_first", "Month first"

    name = models.CharField(max_length=100)
    source_key = models.CharField(max_length=64, unique=True)
    #: The headers, as the file the mapping was made for spells them, in file order.
    columns = models.JSONField(default=list)
    #: Header → field.
    fields = models.JSONField(default=dict)
    organisation = models.CharField(max_length=200, blank=True)
    school = models.CharField(max_length=200, blank=True)
    date_order = models.CharField(
        max_length=20, choices=DateOrder.choices, blank=True, default=DateOrder.AS_WRITTEN
    )
    created_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="people_mappings"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class Interaction(models.Model):
    """A logged moment between two members; private to the one who logged it.

    A vouch from a LinkedIn archive (``RECOMMENDED``, ``ENDORSED``) is ``shared``: both
    members see it, as both see it on LinkedIn.
    """

    class Kind(models.TextChoices):
        LUNCH = "lunch", "Lunch"
        TALKING_SHOP = "talking_shop", "Talking shop"
        MEETING = "meeting", "Meeting"
        CALL = "call", "Call"
        RECOMMENDED = "recommended", "Recommended you"
        ENDORSED = "endorsed", "Endorsed you"

    #: The kinds a member may log by hand; the others come from an import.
    LOGGABLE = (Kind.LUNCH, Kind.TALKING_SHOP, Kind.MEETING, Kind.CALL)

    logged_by = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="interactions_logged"
    )
    other = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    happened_on = models.DateField(default=timezone.localdate)
    note = models.CharField(max_length=500, blank=True)
    #: Seen by ``other`` too (a vouch from an import), not only by ``logged_by``.
    shared = models.BooleanField(default=False)
    #: The skill of an endorsement ("Go"); empty for every other kind.
    skill = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-happened_on", "-id"]
        indexes = [models.Index(fields=["logged_by", "other"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(logged_by=F("other")), name="interaction_not_with_self"
            )
        ]

    def __str__(self):
        # Private to the one who logged it: an admin page names no one and no moment.
        return f"Interaction {self.pk}"


class Introduction(models.Model):
    """A warm introduction: the requester asks a mutual contact to introduce them to someone.

    Nothing is shared until each of the three has agreed: the introducer first,
    then the person being introduced to.
    """

    class Status(models.TextChoices):
        ASKED = "asked", "Waiting for the introducer"
        FORWARDED = "forwarded", "Waiting for the person introduced"
        MADE = "made", "Introduction made"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    requester = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="introductions_asked"
    )
    introducer = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="introductions_to_make"
    )
    target = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="introductions_received"
    )
    message = models.TextField(max_length=2000)
    introducer_note = models.TextField(max_length=2000, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ASKED)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(requester=F("introducer"))
                & ~Q(requester=F("target"))
                & ~Q(introducer=F("target")),
                name="introduction_three_people",
            ),
            models.UniqueConstraint(
                fields=["requester", "target"],
                condition=Q(status__in=["asked", "forwarded"]),
                name="introduction_one_open_per_pair",
            ),
        ]

    def __str__(self):
        # Who asked whom to meet whom is the three people's own until the introduction is made.
        return f"Introduction {self.pk} ({self.status})"
