from django.db import models
from django.utils import timezone


class AuditEntry(models.Model):
    """Who changed what, and when: one row per write made through a service."""

    actor = models.ForeignKey(
        "people.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=60)
    subject_type = models.CharField(max_length=60)
    subject_id = models.BigIntegerField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        # The table the entries were first written to, when the log belonged to people.
        db_table = "people_auditentry"
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(
                fields=["subject_type", "subject_id"], name="people_audi_subject_a7df81_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.subject_type}#{self.subject_id}"


class BackgroundJob(models.Model):
    """Work the task worker does for someone: its status, progress and when it ran.

    Each kind of job names its own statuses (``Status``, with at least ``queued``,
    ``running``, ``done`` and ``failed``) and which of them are final. The state
    changes are single ``UPDATE`` statements, so a page polling the job never waits
    on the worker's transaction.
    """

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    FINAL_STATUSES: frozenset[str] = frozenset({DONE, FAILED})

    progress = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_finished(self) -> bool:
        return getattr(self, "status", None) in self.FINAL_STATUSES

    def _update(self, **fields: object) -> None:
        type(self)._default_manager.filter(pk=self.pk).update(**fields)

    def mark_running(self) -> None:
        """The worker has picked the job up."""
        self._update(status=self.RUNNING, started_at=timezone.now(), progress=1)

    def report_progress(self, percent: int) -> None:
        """How far the work has gone, 1–99 (100 is for a finished job)."""
        self._update(progress=min(max(int(percent), 1), 99))

    def mark_done(self, **fields: object) -> None:
        """The work succeeded; ``fields`` are its results."""
        self._update(status=self.DONE, progress=100, finished_at=timezone.now(), **fields)
        self.refresh_from_db()

    def mark_failed(self, **fields: object) -> None:
        """The work was refused or failed; ``fields`` say why."""
        self._update(status=self.FAILED, finished_at=timezone.now(), **fields)
        self.refresh_from_db()
