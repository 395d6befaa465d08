from django.contrib import admin

from deskmate.network.models import Contact, ImportJob, Tie


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """How the worker fared with an upload; the file, its name and what it said stay the owner's."""

    list_display = ["id", "kind", "status", "owner", "file_size", "created_at", "finished_at"]
    list_filter = ["kind", "status"]
    fields = readonly_fields = (
        "owner",
        "kind",
        "status",
        "file_size",
        "progress",
        "created_at",
        "started_at",
        "finished_at",
    )

    def has_add_permission(self, request):
        return False


@admin.register(Tie)
class TieAdmin(admin.ModelAdmin):
    """Who shares a tie, never why: the evidence, strength and digest count private contacts and interactions."""

    list_display = ["id", "member_low", "member_high", "shared_history", "updated_at"]
    fields = readonly_fields = ("member_low", "member_high", "shared_history", "updated_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    """Contacts are private to their owners: the admin site counts them, never names them.

    A member's contacts reach an admin only in the member's data download.
    """

    list_display = ["id", "owner", "source", "member", "created_at"]
    list_filter = ["source"]
    fields = readonly_fields = ("owner", "source", "member", "created_at")
    search_fields = ["owner__user__email"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
