from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every domain app shares: the audit log, periodic tasks, SQL and form helpers."""

    name = "deskmate.core"
    label = "core"
    verbose_name = "Core"
