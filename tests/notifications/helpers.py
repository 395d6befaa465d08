"""Tasks and an e-mail backend that misbehave on purpose, importable by the real worker."""

from django.core.mail.backends.locmem import EmailBackend
from django_tasks import task


@task()
def explode() -> None:
    raise RuntimeError("This task always fails.")


@task()
def answer() -> int:
    return 42


class FlakyBackend(EmailBackend):
    """Fails the first `failures` sends (class-wide), then delivers to django.core.mail.outbox."""

    failures = 0
    attempts = 0

    def send_messages(self, messages):
        FlakyBackend.attempts += 1
        if FlakyBackend.attempts <= FlakyBackend.failures:
            raise ConnectionRefusedError("SMTP server unreachable")
        return super().send_messages(messages)
