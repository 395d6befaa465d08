from django.db import models


class WorkerHeartbeat(models.Model):
    """When the task worker last ran the heartbeat task the scheduler queues on each tick."""

    name = models.CharField(max_length=40, unique=True)
    at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"
