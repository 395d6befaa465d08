from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "deskmate.programmes"
    label = "programmes"
    verbose_name = "Programmes"
