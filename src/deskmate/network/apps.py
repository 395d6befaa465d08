from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "deskmate.network"
    label = "network"
    verbose_name = "Network"

    def ready(self) -> None:
        # Imported here: tasks need the app registry, which is ready only now.
        from deskmate.core.periodic import register_periodic
        from deskmate.network import (
            acquaintance,
            data_rights,
            home,
            signals,
            suggestion_cache,
            tasks,
        )
        from deskmate.people.acquaintance import register_how_known
        from deskmate.people.signals import history_changed

        history_changed.connect(tasks.history_changed_received, dispatch_uid="network_history")
        signals.import_job_queued.connect(
            tasks.import_job_queued_received, dispatch_uid="network_import_job"
        )
        suggestion_cache.connect_receivers()
        register_periodic(tasks.ties_refresh_nightly)
        data_rights.register()
        home.register()
        register_how_known(acquaintance.reasons_for_profile)
