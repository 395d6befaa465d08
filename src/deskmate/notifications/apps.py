from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "deskmate.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # Imported here: tasks need the app registry, which is ready only now.
        from deskmate.core.periodic import register_periodic
        from deskmate.notifications import data_rights, signals, tasks

        signals.email_queued.connect(tasks.email_queued_received, dispatch_uid="email_queued")
        register_periodic(tasks.digests_send)
        data_rights.register()
