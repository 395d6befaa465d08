from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "deskmate.programmes"
    label = "programmes"
    verbose_name = "Programmes"

    def ready(self) -> None:
        # Imported here: tasks need the app registry, which is ready only now.
        from deskmate.programmes import data_rights, home, signals, tasks

        signals.match_run_queued.connect(tasks.match_run_queued_received, dispatch_uid="match_run")
        signals.publication_queued.connect(
            tasks.publication_queued_received, dispatch_uid="publication"
        )
        signals.application_import_queued.connect(
            tasks.application_import_queued_received, dispatch_uid="application_import"
        )
        data_rights.register()
        home.register()
