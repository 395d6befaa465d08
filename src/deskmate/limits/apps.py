from django.apps import AppConfig


class LimitsConfig(AppConfig):
    name = "deskmate.limits"
    label = "limits"
    verbose_name = "Request limits"
