from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "deskmate.people"
    label = "people"
    verbose_name = "People"
