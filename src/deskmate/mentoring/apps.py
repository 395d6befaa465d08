from django.apps import AppConfig


class MentoringConfig(AppConfig):
    name = "deskmate.mentoring"
    label = "mentoring"
    verbose_name = "Mentoring"

    def ready(self) -> None:
        # Imported here: services and tasks need the app registry, which is ready only now.
        from django.contrib.auth.signals import user_logged_in

        from deskmate.core.periodic import register_periodic
        from deskmate.mentoring import data_rights, home, receivers, tasks
        from deskmate.mentoring.calendar import INVITATION_KINDS, invitation_attachment
        from deskmate.mentoring.models import Availability, Block, Mentorship
        from deskmate.network.suggestion_cache import announce_saves
        from deskmate.notifications.services import register_attachment

        user_logged_in.connect(
            receivers.member_signed_in, dispatch_uid="mentoring_member_signed_in"
        )
        register_periodic(tasks.mentoring_periodic)
        # Suggestions rank by these: a member's standing, places taken, who blocked whom.
        announce_saves(Availability, "member_id")
        announce_saves(Mentorship, "requester_id", "recipient_id")
        announce_saves(Block, "blocker_id", "blocked_id")
        data_rights.register()
        home.register()
        for kind in INVITATION_KINDS:
            register_attachment(kind, invitation_attachment)
