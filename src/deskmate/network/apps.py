from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "deskmate.network"
    label = "network"
    verbose_name = "Network"
