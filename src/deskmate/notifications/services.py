"""Telling members things: in the app at once, by e-mail on commit, once each.

`notify` is called inside the caller's transaction: the notification exists
only if the change that caused it is committed, and its e-mail is queued only
after that commit.
"""

import datetime as dt
import logging
import zoneinfo
from collections.abc import Callable
from email.mime.base import MIMEBase

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from deskmate.core.audit import AuditEvent, audit
from deskmate.notifications import signals
from deskmate.notifications.models import EmailDelivery, Notification, Preference
from deskmate.notifications.selectors import email_preference
from deskmate.people.models import Member
from deskmate.people.services import way_in_line

logger = logging.getLogger(__name__)

EMAIL_MAX_ATTEMPTS = 5
EMAIL_RETRY_SECONDS = 60
LOCAL_URL_ONLY = "A notification can only link inside deskmate."


#: Per notification kind, what an app attaches to its single e-mail (a calendar invitation, say).
_ATTACHMENTS: dict[str, Callable[[Notification], MIMEBase | None]] = {}


def register_attachment(kind: str, make: Callable[[Notification], MIMEBase | None]) -> None:
    """Attach ``make(notification)`` to the e-mail of each notification of ``kind`` (an app's
    ``AppConfig.ready`` calls this, so the notifications app imports no app above it)."""
    _ATTACHMENTS[kind] = make


def email_max_attempts() -> int:
    return getattr(settings, "NOTIFICATIONS_EMAIL_MAX_ATTEMPTS", EMAIL_MAX_ATTEMPTS)


def email_retry_delay(attempts: int) -> dt.timedelta:
    """Back off 1, 4, 16, 64… times the base delay after each failed attempt."""
    base = getattr(settings, "NOTIFICATIONS_EMAIL_RETRY_SECONDS", EMAIL_RETRY_SECONDS)
    return dt.timedelta(seconds=base * 4 ** max(attempts - 1, 0))


def notify(
    *, recipient: Member, kind: str, title: str, body: str = "", url: str = "", key: str = ""
) -> Notification | None:
    """Tell a member something; with a key, only the first call for that key tells them."""
    if url and not url.startswith("/"):
        raise ValidationError(LOCAL_URL_ONLY)
    if key and Notification.objects.filter(recipient=recipient, key=key).exists():
        return None
    notification = Notification(
        recipient=recipient, kind=kind, title=title[:200], body=body[:2000], url=url, key=key
    )
    notification.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        # A concurrent run told them first.
        return None
    if email_preference(recipient) == Preference.Email.IMMEDIATE:
        delivery = EmailDelivery.objects.create(
            recipient=recipient, kind=EmailDelivery.Kind.IMMEDIATE, notification=notification
        )
        _send_on_commit(delivery)
    return notification


def _send_on_commit(delivery: EmailDelivery) -> None:
    transaction.on_commit(
        lambda: signals.email_queued.send(sender=EmailDelivery, delivery_id=delivery.pk)
    )


@transaction.atomic
def preference_update(*, member: Member, email: str, actor: Member) -> Preference:
    preference, _ = Preference.objects.get_or_create(member=member)
    preference.email = email
    preference.full_clean()
    preference.save()
    audit(actor=actor, action=AuditEvent.PREFERENCE_UPDATE, subject=preference, email=email)
    return preference


@transaction.atomic
def notification_mark_read(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, member: Member) -> int:
    return Notification.objects.filter(recipient=member, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def _day_bounds(day: dt.date, zone: zoneinfo.ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The member's day from their midnight to the next (23 or 25 hours when the clocks change)."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)


def digests_schedule(*, now: dt.datetime | None = None) -> int:
    """Queue, per daily-digest member, one e-mail of what they were told on their yesterday.

    Yesterday is the member's own, in their time zone, so a digest leaves soon after their
    midnight and covers their day; the scheduler runs this often enough to catch every zone's.
    A member is never sent a day's digest twice, nor one for a day before a digest already sent
    (after moving west, say).
    """
    now = now or timezone.now()
    daily = Member.objects.filter(notification_preference__email=Preference.Email.DAILY)
    queued = 0
    for zone_name in daily.order_by().values_list("time_zone", flat=True).distinct():
        zone = zoneinfo.ZoneInfo(zone_name or settings.TIME_ZONE)
        day = timezone.localdate(now, zone) - dt.timedelta(days=1)
        start, end = _day_bounds(day, zone)
        told = daily.filter(
            time_zone=zone_name,
            notifications__created_at__gte=start,
            notifications__created_at__lt=end,
        ).exclude(pk__in=_digested_since(day))
        for member in told.distinct():
            queued += _digest_queue(member, day)
    return queued


def _digested_since(day: dt.date):
    """The members already sent a digest of this day or a later one."""
    return EmailDelivery.objects.filter(
        kind=EmailDelivery.Kind.DIGEST, digest_date__gte=day
    ).values("recipient_id")


def _digest_queue(member: Member, day: dt.date) -> int:
    with transaction.atomic():
        try:
            with transaction.atomic():
                delivery, created = EmailDelivery.objects.get_or_create(
                    recipient=member, kind=EmailDelivery.Kind.DIGEST, digest_date=day
                )
        except IntegrityError:
            return 0
        if created:
            _send_on_commit(delivery)
        return int(created)


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}" if path else settings.SITE_URL


def _footer() -> str:
    return f"\n\nChoose how deskmate tells you things: {_absolute(reverse('notification_preferences'))}\n"


def email_preview(*, to: str, title: str, body: str = "", url: str = "") -> EmailMessage:
    """The e-mail a notification with this title, body and link becomes (also for samples)."""
    lines = [title, "", body] if body else [title]
    lines += ["", _absolute(url or reverse("notifications"))]
    return EmailMessage(subject=f"[deskmate] {title}", body="\n".join(lines) + _footer(), to=[to])


def _email_for(delivery: EmailDelivery) -> EmailMessage | None:
    to = delivery.recipient.user.email
    if not to or not delivery.recipient.user.is_active:
        return None
    if delivery.kind == EmailDelivery.Kind.IMMEDIATE:
        notification = delivery.notification
        if notification is None:  # the check constraint makes this impossible
            return None
        message = email_preview(
            to=to, title=notification.title, body=notification.body, url=notification.url
        )
        make = _ATTACHMENTS.get(notification.kind)
        part = make(notification) if make is not None else None
        if part is not None:
            message.attach(part)
        return message
    start, end = _day_bounds(delivery.digest_date, delivery.recipient.zone)
    told = delivery.recipient.notifications.filter(created_at__gte=start, created_at__lt=end)
    told = list(told.order_by("created_at", "id"))
    if not told:
        return None
    day = f"{delivery.digest_date.day} {delivery.digest_date:%B %Y}"
    subject = f"[deskmate] Your day on deskmate, {day}"
    lines = [f"What happened on {day}:", ""]
    lines += [
        f"- {item.title}: {_absolute(item.url)}" if item.url else f"- {item.title}" for item in told
    ]
    # Never an e-mail without a way in: someone without a password gets a link to set one.
    way_in = way_in_line(delivery.recipient.user)
    if way_in:
        lines += ["", way_in]
    return EmailMessage(subject=subject, body="\n".join(lines) + _footer(), to=[to])


def email_delivery_attempt(delivery_id: int, *, retry: Callable[[int, dt.datetime], object]) -> str:
    """Send one e-mail at most once: claim it, send it, record the outcome or schedule a retry.

    ``retry(delivery_id, when)`` queues the next attempt (the task worker's own queue).
    """
    claimable = [EmailDelivery.Status.PENDING, EmailDelivery.Status.RETRY]
    with transaction.atomic():
        claimed = EmailDelivery.objects.filter(pk=delivery_id, status__in=claimable).update(
            status=EmailDelivery.Status.SENDING, attempts=F("attempts") + 1
        )
    if not claimed:
        return "skipped"
    delivery = EmailDelivery.objects.select_related("recipient__user", "notification").get(
        pk=delivery_id
    )
    message = _email_for(delivery)
    if message is None:
        EmailDelivery.objects.filter(pk=delivery_id).update(
            status=EmailDelivery.Status.FAILED, last_error="Nothing to send, or no e-mail address."
        )
        return "failed"
    try:
        message.send()
    except Exception as error:  # any backend failure: SMTP, DNS, a full disk for the file backend
        logger.warning(
            "E-mail delivery %s failed (attempt %s): %s", delivery_id, delivery.attempts, error
        )
        if delivery.attempts >= email_max_attempts():
            EmailDelivery.objects.filter(pk=delivery_id).update(
                status=EmailDelivery.Status.FAILED, last_error=str(error)[:2000]
            )
            return "failed"
        EmailDelivery.objects.filter(pk=delivery_id).update(
            status=EmailDelivery.Status.RETRY, last_error=str(error)[:2000]
        )
        retry(delivery_id, timezone.now() + email_retry_delay(delivery.attempts))
        return "retry"
    EmailDelivery.objects.filter(pk=delivery_id).update(
        status=EmailDelivery.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return "sent"
