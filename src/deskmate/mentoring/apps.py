from django.apps import AppConfig


class MentoringConfig(AppConfig):
    name = "deskmate.mentoring"
    label = "mentoring"
    verbose_name = "Mentoring"
