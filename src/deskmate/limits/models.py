from django.db import models


class LimitWindow(models.Model):
    """How many times one key (an account or an address) hit one scope in one fixed window."""

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=200)
    window_start = models.BigIntegerField(help_text="Unix time at which the window opened.")
    expires_at = models.BigIntegerField(db_index=True)
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key", "window_start"], name="limits_one_row_per_window"
            )
        ]

    def __str__(self):
        return f"{self.scope} {self.key}: {self.hits}"
