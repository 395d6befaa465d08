from django.apps import AppConfig


class LimitsConfig(AppConfig):
    name = "deskmate.limits"
    label = "limits"
    verbose_name = "Request limits"

    def ready(self) -> None:
        # Imported here: the holdings need the app registry, which is ready only now.
        from deskmate.limits import data_rights

        data_rights.register()
