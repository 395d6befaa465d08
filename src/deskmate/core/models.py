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
