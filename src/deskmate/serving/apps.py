from django.apps import AppConfig


class ServingConfig(AppConfig):
    name = "deskmate.serving"
    label = "serving"
    verbose_name = "Serving"

    def ready(self):
        from deskmate.core.periodic import register_periodic
        from deskmate.serving import home, tasks

        register_periodic(tasks.worker_heartbeat)
        home.register()
