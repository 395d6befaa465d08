"""What members are told, in the app and by e-mail, and how each e-mail went."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from deskmate.people.models import Member


class Preference(models.Model):
    class Email(models.TextChoices):
        IMMEDIATE = "immediate", "Send each one as it happens"
        DAILY = "daily", "One daily digest"
        NONE = "none", "No e-mail; I will look in the app"

    member = models.OneToOneField(
        Member, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.CharField(max_length=20, choices=Email.choices, default=Email.IMMEDIATE)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.member}: {self.email}"


class Notification(models.Model):
    """One thing a member is told. Its text never carries private mentorship content."""

    recipient = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, max_length=2000)
    url = models.CharField(max_length=300, blank=True)
    # A reminder's identity ("checkin_upcoming:12:2025-05-03"): the same key is never told twice.
    key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=~Q(key=""), name="notification_unique_key"
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        # A title may name a milestone; admin pages show only what kind of notice it was.
        return f"Notification {self.pk} ({self.kind})"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class EmailDelivery(models.Model):
    """One e-mail to send: a single notification, or a member's digest for one day.

    The unique constraints make each e-mail exist once; the send task claims the
    row before sending, so a retried or duplicated task never sends it twice.
    """

    class Kind(models.TextChoices):
        IMMEDIATE = "immediate", "Single notification"
        DIGEST = "digest", "Daily digest"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        SENDING = "sending", "Sending"
        RETRY = "retry", "Waiting to retry"
        SENT = "sent", "Sent"
        FAILED = "failed", "Gave up"

    recipient = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="email_deliveries")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    digest_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "e-mail deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["notification"],
                condition=Q(kind="immediate"),
                name="email_delivery_once_per_notification",
            ),
            models.UniqueConstraint(
                fields=["recipient", "digest_date"],
                condition=Q(kind="digest"),
                name="email_delivery_one_digest_per_day",
            ),
            models.CheckConstraint(
                condition=(Q(kind="immediate") & Q(notification__isnull=False))
                | (Q(kind="digest") & Q(digest_date__isnull=False)),
                name="email_delivery_has_subject",
            ),
        ]

    def __str__(self):
        return f"{self.kind} e-mail to {self.recipient} ({self.status})"
