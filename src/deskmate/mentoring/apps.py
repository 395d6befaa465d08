from django.apps import AppConfig


class MentoringConfig(AppConfig):
    name = "deskmate.mentoring"
    label = "mentoring"
    verbose_name = "Mentoring"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(member_signed_in, dispatch_uid="mentoring_member_signed_in")


def member_signed_in(sender, request, user, **kwargs):
    from deskmate.mentoring.services import member_came_back
    from deskmate.people.selectors import member_for_user

    member = member_for_user(user)
    if member is not None:
        member_came_back(member=member)
