"""Members, their career histories, skills, goals and offers."""

import datetime as dt
import zoneinfo
from functools import cache

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from deskmate.importing.names import (
    normalise_organisation_name,
    normalise_school_name,
    normalise_skill_name,
)
from deskmate.people import signals

END_BEFORE_START = "The end date is before the start date."
DATE_IN_FUTURE = "The date is in the future."
UNKNOWN_TIME_ZONE = "Choose a time zone from the list (for example Europe/London)."


@cache
def time_zone_names() -> tuple[str, ...]:
    """Every IANA zone this machine knows, sorted (without the legacy and POSIX aliases)."""
    names = zoneinfo.available_timezones() - {"localtime", "Factory"}
    return tuple(sorted(name for name in names if not name.startswith(("posix/", "right/"))))


def validate_time_zone(value: str) -> None:
    if value and value not in time_zone_names():
        raise ValidationError(UNKNOWN_TIME_ZONE, code="time_zone")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """A sign-in: the e-mail address is the user name."""

    username = None
    #: Empty only for a pending applicant: someone a programme's file named without an address,
    #: who has no sign-in until a coordinator adds one.
    email = models.EmailField(  # type: ignore[assignment]  # AbstractUser's is never empty
        "e-mail address", unique=True, null=True, blank=True
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    def __str__(self):
        return self.email or "(no e-mail address yet)"

    def save(self, *args, **kwargs):
        # set_password() leaves the new password in _password until the save; a hash upgrade on
        # sign-in does not, so only a real change of password revokes the API tokens.
        password_changed = getattr(self, "_password", None) is not None and not self._state.adding
        super().save(*args, **kwargs)
        if password_changed:
            signals.password_changed.send(sender=User, user=self)


class Member(models.Model):
    class Visibility(models.TextChoices):
        COMMUNITY = "community", "Everyone in the community"
        TIES = "ties", "Only people I have a tie with"
        COORDINATORS = "coordinators", "Only coordinators"

    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        COORDINATOR = "coordinator", "Coordinator"
        ADMIN = "admin", "Admin"

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="member")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100, blank=True)
    headline = models.CharField(max_length=200, blank=True)
    location = models.CharField(max_length=120, blank=True)
    #: The member's line of work as LinkedIn names it, e.g. "Software Development".
    industry = models.CharField(max_length=120, blank=True)
    about = models.TextField(blank=True, max_length=5000)
    pronouns = models.CharField(max_length=40, blank=True)
    #: An IANA zone ("Europe/Berlin"); blank follows the site's zone (DESKMATE_TIME_ZONE).
    time_zone = models.CharField(max_length=64, blank=True, validators=[validate_time_zone])
    visibility = models.CharField(
        max_length=20, choices=Visibility.choices, default=Visibility.COMMUNITY
    )
    open_to_mentoring = models.BooleanField(default=False)
    mentee_capacity = models.PositiveSmallIntegerField(default=0)
    wants_copilot = models.BooleanField(default=False)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    external_id = models.CharField(max_length=100, null=True, blank=True, unique=True)
    profile_url = models.CharField(max_length=300, blank=True, db_index=True)
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(mentee_capacity__lte=50), name="member_capacity_at_most_50"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_pending(self) -> bool:
        """A pending applicant: known from a programme's file, without an address or a sign-in."""
        return not self.user.email

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The member's time zone: their own choice, else the site's."""
        return zoneinfo.ZoneInfo(self.time_zone or settings.TIME_ZONE)

    def local_date(self, now: dt.datetime | None = None) -> dt.date:
        """The member's own today (in their zone) at ``now``: date-only things fall due on it."""
        return timezone.localdate(now or timezone.now(), self.zone)

    @property
    def is_coordinator(self) -> bool:
        return self.role in {self.Role.COORDINATOR, self.Role.ADMIN}

    @property
    def is_admin(self) -> bool:
        return self.role == self.Role.ADMIN

    def clean(self):
        if not self.first_name.strip():
            raise ValidationError({"first_name": "A first name is required."})
        if self.open_to_mentoring and self.mentee_capacity == 0:
            raise ValidationError(
                {
                    "mentee_capacity": "Say how many mentees you can take (at least 1) when open to mentoring."
                }
            )


class NamedRecord(models.Model):
    """A shared record whose normalised name makes "Acme Inc." and "ACME, Inc" one."""

    name = models.CharField(max_length=200)
    normalised_name = models.CharField(max_length=200)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


class Organisation(NamedRecord):
    class Meta(NamedRecord.Meta):
        constraints = [
            models.UniqueConstraint(fields=["normalised_name"], name="organisation_unique_name")
        ]

    @staticmethod
    def normalise(name: str) -> str:
        return normalise_organisation_name(name)


class Unit(NamedRecord):
    """A team or department of an organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="units")

    class Meta(NamedRecord.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "normalised_name"], name="unit_unique_name"
            )
        ]

    @staticmethod
    def normalise(name: str) -> str:
        # Units carry no legal suffixes; case, accents and punctuation are all that differ.
        return normalise_skill_name(name.replace("&", " and "))


class School(NamedRecord):
    class Meta(NamedRecord.Meta):
        constraints = [
            models.UniqueConstraint(fields=["normalised_name"], name="school_unique_name")
        ]

    @staticmethod
    def normalise(name: str) -> str:
        return normalise_school_name(name)


class Skill(NamedRecord):
    class Meta(NamedRecord.Meta):
        constraints = [
            models.UniqueConstraint(fields=["normalised_name"], name="skill_unique_name")
        ]

    @staticmethod
    def normalise(name: str) -> str:
        return normalise_skill_name(name)


class SkillAlias(models.Model):
    """Another name for a skill: "JS" for JavaScript, "people management" for management."""

    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="aliases")
    normalised_name = models.CharField(max_length=200, unique=True)

    def __str__(self):
        return f"{self.normalised_name} → {self.skill}"


class Source(models.TextChoices):
    MANUAL = "manual", "Entered by the member"
    LINKEDIN = "linkedin", "LinkedIn archive"
    PEOPLE = "people", "Organisation import"
    DEMO = "demo", "Demo community"


class Stint(models.Model):
    """A dated stretch of a career: a position or an education."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE)
    start = models.DateField()
    end = models.DateField(null=True, blank=True, help_text="Leave empty while it goes on.")
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.MANUAL)
    #: Other titles (a position) or degrees (an education) an import called this stint by,
    #: normalised, that the member confirmed mean the same: the next import matches them.
    also_called = models.JSONField(default=list, blank=True)

    class Meta:
        abstract = True
        ordering = ["-start", "-id"]

    @property
    def is_current(self) -> bool:
        return self.end is None

    def clean(self):
        today = timezone.localdate()
        errors = {}
        if self.start and self.start > today:
            errors["start"] = DATE_IN_FUTURE
        if self.end and self.end > today:
            errors["end"] = DATE_IN_FUTURE
        if self.start and self.end and self.end < self.start:
            errors["end"] = END_BEFORE_START
        if errors:
            raise ValidationError(errors)


class Position(Stint):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="positions")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="positions"
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="positions"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=5000)
    location = models.CharField(max_length=120, blank=True)

    class Meta(Stint.Meta):
        indexes = [
            models.Index(fields=["organisation", "unit", "start"]),
            # Colleagues in id order, for suggestions that read a few members of a large organisation.
            models.Index(fields=["organisation", "member"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="position_end_after_start",
            )
        ]

    def __str__(self):
        return f"{self.title} at {self.organisation}"

    def clean(self):
        super().clean()
        if (
            self.unit_id
            and self.organisation_id
            and self.unit.organisation_id != self.organisation_id
        ):
            raise ValidationError({"unit": "That unit belongs to another organisation."})


class Education(Stint):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="education")
    start = models.DateField(null=True, blank=True)
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="education")
    degree = models.CharField(max_length=120, blank=True)
    field = models.CharField(max_length=120, blank=True)

    class Meta(Stint.Meta):
        verbose_name_plural = "education"
        indexes = [
            models.Index(fields=["school", "start"]),
            models.Index(fields=["school", "member"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True)
                | Q(start__isnull=True)
                | Q(end__gte=models.F("start")),
                name="education_end_after_start",
            )
        ]

    def __str__(self):
        what = ", ".join(part for part in (self.degree, self.field) if part)
        return f"{what} at {self.school}" if what else str(self.school)


class MemberSkill(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="skills")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="holders")
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.MANUAL)

    class Meta:
        ordering = ["skill__name"]
        constraints = [
            models.UniqueConstraint(fields=["member", "skill"], name="member_skill_unique")
        ]

    def __str__(self):
        return str(self.skill)


class Goal(models.Model):
    """Something a member wants to grow into."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="goals")
    text = models.CharField(max_length=300)
    target_role = models.CharField(max_length=200, blank=True)
    target_skill = models.ForeignKey(
        Skill, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.text


class Offer(models.Model):
    """What a member is glad to help others with."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="offers")
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.text


class ApiToken(models.Model):
    """A personal token for the REST API; only its hash is kept."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: never expires.")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()
