from django.contrib import admin

from deskmate.mentoring.models import Availability, Block, Mentorship, Report


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin):
    # Dates and states only: the request, notes and feedback are the two people's alone.
    list_display = [
        "id",
        "kind",
        "state",
        "requester",
        "recipient",
        "created_at",
        "started_on",
        "ends_on",
    ]
    list_filter = ["kind", "state", "origin"]
    list_select_related = ["requester", "recipient"]
    fields = [
        "kind",
        "state",
        "origin",
        "programme_id",
        "requester",
        "recipient",
        "cadence",
        "duration_weeks",
        "created_at",
        "expires_at",
        "answered_at",
        "started_on",
        "ends_on",
        "ended_at",
        "next_checkin_on",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False


@admin.register(Availability)
class AvailabilityAdmin(admin.ModelAdmin):
    list_display = ["member", "unavailable", "inactive_since", "updated_at"]
    list_select_related = ["member"]


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ["blocker", "blocked", "created_at"]
    list_select_related = ["blocker", "blocked"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "reporter",
        "about_member",
        "about_mentorship",
        "status",
        "created_at",
        "resolved_at",
    ]
    list_filter = ["status"]
