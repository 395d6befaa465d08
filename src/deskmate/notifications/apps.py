from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "deskmate.notifications"
    label = "notifications"
    verbose_name = "Notifications"
