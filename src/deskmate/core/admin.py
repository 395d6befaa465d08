from django.contrib import admin

from deskmate.core.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "subject_type", "subject_id"]
    list_filter = ["action", "subject_type"]
    readonly_fields = ["actor", "action", "subject_type", "subject_id", "details", "at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
