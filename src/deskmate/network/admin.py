from django.contrib import admin

from deskmate.network.models import Contact, ImportJob, Tie


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["file_name", "kind", "status", "owner", "created_at", "finished_at"]
    list_filter = ["kind", "status"]
    exclude = ["payload"]
    readonly_fields = [
        "owner",
        "kind",
        "status",
        "file_name",
        "file_size",
        "progress",
        "summary",
        "errors",
        "created_at",
        "started_at",
        "finished_at",
    ]


@admin.register(Tie)
class TieAdmin(admin.ModelAdmin):
    list_display = ["member_low", "member_high", "strength", "updated_at"]
    raw_id_fields = ["member_low", "member_high"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    """Contacts are private to their owners; admins see them only to answer data requests."""

    list_display = ["owner", "first_name", "last_name", "source", "member"]
    list_filter = ["source"]
    raw_id_fields = ["owner", "member"]
    search_fields = ["owner__user__email"]
