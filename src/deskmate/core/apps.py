from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def _cache_table(sender, using: str = "default", **kwargs) -> None:
    # The default cache is a database table (config.cache); `migrate` makes it, as it makes the rest.
    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    """What every domain app shares: the audit log, periodic tasks, SQL and form helpers."""

    name = "deskmate.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        post_migrate.connect(_cache_table, sender=self, dispatch_uid="core_cache_table")
