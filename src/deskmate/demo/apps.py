from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo community: a generated organisation to try deskmate with (`deskmate demo`)."""

    name = "deskmate.demo"
    label = "demo"
    verbose_name = "Demo community"
