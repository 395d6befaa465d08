from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "deskmate.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        # Imported here: services need the app registry, which is ready only now.
        from deskmate.people import data_rights, home, receivers, signals

        signals.password_changed.connect(
            receivers.password_changed_received, dispatch_uid="people_password_changed"
        )
        data_rights.register_people_holdings()
        home.register_people_panels()
