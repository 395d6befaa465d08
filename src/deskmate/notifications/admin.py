from django.contrib import admin

from deskmate.notifications.models import EmailDelivery, Preference


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["member", "email", "updated_at"]
    list_select_related = ["member"]


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(admin.ModelAdmin):
    # Titles only; notification bodies stay out of the admin like everywhere else.
    list_display = ["recipient", "kind", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["kind", "status"]
    fields = [
        "recipient",
        "kind",
        "digest_date",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
    ]
    readonly_fields = fields
