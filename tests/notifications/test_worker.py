"""The real worker: reminders leave once, a failing task does not stop it, e-mails retry and never repeat."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from deskmate.core.periodic import periodic_tasks
from deskmate.mentoring import services
from deskmate.mentoring.models import Mentorship
from deskmate.notifications import services as notification_services
from deskmate.notifications.models import EmailDelivery, Notification, Preference
from deskmate.notifications.tasks import digests_send, email_delivery_send
from tests.conftest import make_member
from tests.notifications import helpers


def _sent():
    return sorted((message.to[0], message.subject) for message in mail.outbox)


@pytest.fixture
def due_everything(run_tasks, mentee, mentor, stranger):
    """An active mentorship with a check-in tomorrow and a pulse survey due today, and a request expiring soon."""
    active = services.mentorship_accept(
        mentorship=services.mentorship_request(requester=mentee, recipient=mentor), actor=mentor
    )
    today = timezone.localdate()
    Mentorship.objects.filter(pk=active.pk).update(
        next_checkin_on=today + dt.timedelta(days=1), started_on=today - dt.timedelta(days=30)
    )
    soon = services.mentorship_request(requester=stranger, recipient=mentor)
    Mentorship.objects.filter(pk=soon.pk).update(expires_at=timezone.now() + dt.timedelta(days=1))
    run_tasks()  # the request and acceptance e-mails
    mail.outbox.clear()
    return today + dt.timedelta(days=1)


def test_due_reminders_are_sent_exactly_once(due_everything, run_tasks):
    tomorrow = due_everything
    call_command("scheduler", "--once", verbosity=0)
    call_command("scheduler", "--once", verbosity=0)  # still waiting: not queued twice
    queued = sorted(
        DBTaskResult.objects.filter(status=TaskResultStatus.READY).values_list(
            "task_path", flat=True
        )
    )
    assert queued == sorted(task.module_path for task in periodic_tasks())
    assert len(queued) == 4  # reminders, digests, ties, the worker heartbeat
    run_tasks()
    call_command("scheduler", "--once", verbosity=0)
    run_tasks()
    checkin = f"[deskmate] Check-in coming up on {tomorrow.day} {tomorrow:%B}"
    pulse = "[deskmate] A two-question pulse survey is waiting for you"
    assert _sent() == sorted(
        [
            ("daniel@example.org", checkin),
            ("maya@example.org", checkin),
            ("daniel@example.org", pulse),
            ("maya@example.org", pulse),
            ("daniel@example.org", "[deskmate] Sam Stranger's request expires soon"),
        ]
    )
    assert EmailDelivery.objects.exclude(status="sent").count() == 0


def test_the_worker_command_runs_scheduler_and_worker_together(due_everything):
    call_command("worker", "--batch", verbosity=0)
    call_command("worker", "--batch", verbosity=0)
    assert len(mail.outbox) == 5


def test_a_failing_task_is_marked_failed_and_the_next_one_runs(run_tasks):
    failing = helpers.explode.enqueue()
    following = helpers.answer.enqueue()
    run_tasks()
    failed, done = (
        DBTaskResult.objects.get(pk=failing.id),
        DBTaskResult.objects.get(pk=following.id),
    )
    assert failed.status == TaskResultStatus.FAILED
    assert failed.exception_class_path == "builtins.RuntimeError"
    assert (done.status, done.return_value) == (TaskResultStatus.SUCCESSFUL, 42)


def _tell(member):
    with transaction.atomic():
        notification = notification_services.notify(
            recipient=member, kind="test", title="Hello", url="/"
        )
    return EmailDelivery.objects.get(notification=notification)


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.notifications.helpers.FlakyBackend"
    settings.NOTIFICATIONS_EMAIL_RETRY_SECONDS = 0
    helpers.FlakyBackend.attempts = 0
    return helpers.FlakyBackend


def test_a_failed_email_is_retried(run_tasks, mentee, flaky):
    flaky.failures = 2
    delivery = _tell(mentee)
    run_tasks()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 3, "")
    assert _sent() == [("maya@example.org", "[deskmate] Hello")]
    tries = DBTaskResult.objects.filter(task_path=email_delivery_send.module_path).order_by(
        "enqueued_at"
    )
    assert [t.return_value for t in tries] == ["retry", "retry", "sent"]


def test_retries_are_bounded(run_tasks, mentee, flaky, settings):
    settings.NOTIFICATIONS_EMAIL_MAX_ATTEMPTS = 3
    flaky.failures = 100
    delivery = _tell(mentee)
    run_tasks()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (
        "failed",
        3,
        "SMTP server unreachable",
    )
    assert mail.outbox == []


def test_backoff_waits_before_retrying(run_tasks, mentee, flaky, settings):
    settings.NOTIFICATIONS_EMAIL_RETRY_SECONDS = 60
    flaky.failures = 1
    delivery = _tell(mentee)
    before = timezone.now()
    run_tasks()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("retry", 1)
    waiting = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert waiting.run_after >= before + dt.timedelta(seconds=60)


def test_an_email_is_never_sent_twice(run_tasks, mentee):
    delivery = _tell(mentee)
    email_delivery_send.enqueue(delivery.pk)  # a duplicate task for the same e-mail
    run_tasks()
    assert len(mail.outbox) == 1
    results = DBTaskResult.objects.filter(task_path=email_delivery_send.module_path)
    assert sorted(r.return_value for r in results) == ["sent", "skipped"]


def test_daily_digest_once_a_day(run_tasks, mentee):
    notification_services.preference_update(
        member=mentee, email=Preference.Email.DAILY, actor=mentee
    )
    with transaction.atomic():
        for title in ("Daniel accepted your request", "Milestone reached: Run a retro"):
            notification = notification_services.notify(recipient=mentee, kind="test", title=title)
            notification.created_at = timezone.now() - dt.timedelta(days=1)
            notification.save()
    digests_send.enqueue()
    digests_send.enqueue()
    run_tasks()
    assert len(mail.outbox) == 1
    assert "Daniel accepted your request" in mail.outbox[0].body
    assert "Milestone reached: Run a retro" in mail.outbox[0].body


def test_a_member_without_email_preference_gets_no_email(run_tasks, mentee):
    notification_services.preference_update(
        member=mentee, email=Preference.Email.NONE, actor=mentee
    )
    with transaction.atomic():
        notification_services.notify(recipient=mentee, kind="test", title="Hello")
    make_member("x@example.org", "X", "Y")
    run_tasks()
    assert mail.outbox == []


def test_an_overdue_milestone_is_told_to_both_once_and_reaches_the_digest(
    run_tasks, mentee, mentor
):
    active = services.mentorship_accept(
        mentorship=services.mentorship_request(requester=mentee, recipient=mentor), actor=mentor
    )
    today = timezone.localdate()
    due = today - dt.timedelta(days=3)
    late = services.milestone_create(
        mentorship=active, actor=mentee, title="Give the conference talk", due_on=due
    )
    services.milestone_create(
        mentorship=active, actor=mentee, title="Later", due_on=today + dt.timedelta(days=9)
    )
    finished = services.milestone_create(
        mentorship=active, actor=mentee, title="Done already", due_on=due
    )
    services.milestone_complete(milestone=finished, actor=mentee)
    notification_services.preference_update(member=mentor, email="daily", actor=mentor)
    run_tasks()
    mail.outbox.clear()

    services.reminders_send()
    services.reminders_send()  # told once

    title = services.MILESTONE_OVERDUE.format(day=due.day, month=f"{due:%B}", year=due.year)
    told = Notification.objects.filter(kind="milestone_overdue")
    assert sorted(told.values_list("recipient__first_name", "title")) == [
        ("Daniel", title),
        ("Maya", title),
    ]
    assert set(told.values_list("key", flat=True)) == {f"milestone_overdue:{late.pk}:{due}"}
    assert all("conference talk" not in n.body for n in told)
    run_tasks()
    assert _sent() == [("maya@example.org", f"[deskmate] {title}")]  # Daniel's is in his digest
    # The digest gathers the day before's notifications.
    told.update(created_at=timezone.now() - dt.timedelta(days=1))
    digests_send.enqueue()
    run_tasks()
    digest = [m for m in mail.outbox if m.to == ["daniel@example.org"]]
    assert len(digest) == 1 and title in digest[0].body
