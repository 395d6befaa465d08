from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from deskmate.people import data_rights
from deskmate.people.models import (
    ApiToken,
    Education,
    Goal,
    Member,
    MemberSkill,
    Offer,
    Organisation,
    Position,
    School,
    Skill,
    SkillAlias,
    Unit,
    User,
)

ONE_AT_A_TIME = "Choose one member to download their data."
ERASED = "Erased {count} member(s): they now show as a former member."


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "last_login"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Name", {"fields": ("first_name", "last_name")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def has_delete_permission(self, request, obj=None):
        # Deleting an account would take other people's mentorships with it: members are
        # erased from the member list instead, which keeps the other side's history.
        return False


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0
    autocomplete_fields = ["organisation", "unit"]


class EducationInline(admin.TabularInline):
    model = Education
    extra = 0
    autocomplete_fields = ["school"]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "role", "visibility", "open_to_mentoring", "mentee_capacity"]
    list_filter = ["role", "visibility", "open_to_mentoring", "wants_copilot"]
    search_fields = ["first_name", "last_name", "user__email", "external_id"]
    raw_id_fields = ["user", "manager"]
    inlines = [PositionInline, EducationInline]
    actions = ["download_data", "erase"]

    def has_delete_permission(self, request, obj=None):
        # A delete would cascade into the other person's mentorships: erase instead.
        return False

    @admin.action(description="Download the data of the selected member")
    def download_data(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, ONE_AT_A_TIME, messages.ERROR)
            return None
        member = queryset.get()
        archive = data_rights.member_export(member=member, actor=request.user.member)
        response = HttpResponse(archive, content_type="application/zip")
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = (
            f'attachment; filename="deskmate-member-{member.pk}-{stamp}.zip"'
        )
        return response

    @admin.action(description="Erase the selected members (keeps others' history)")
    def erase(self, request, queryset):
        if request.POST.get("confirmed") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "members": list(queryset),
                "action": "erase",
                "opts": self.model._meta,
            }
            return TemplateResponse(request, "admin/people/erase_confirm.html", context)
        for member in queryset:
            data_rights.member_erase(member=member, actor=request.user.member)
        self.message_user(request, ERASED.format(count=queryset.count()), messages.SUCCESS)
        return None


@admin.register(Organisation, School, Skill)
class NamedRecordAdmin(admin.ModelAdmin):
    list_display = ["name", "normalised_name"]
    search_fields = ["name", "normalised_name"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation"]
    search_fields = ["name", "organisation__name"]
    autocomplete_fields = ["organisation"]


@admin.register(SkillAlias)
class SkillAliasAdmin(admin.ModelAdmin):
    list_display = ["normalised_name", "skill"]
    search_fields = ["normalised_name", "skill__name"]
    autocomplete_fields = ["skill"]


@admin.register(Goal, Offer)
class MemberTextAdmin(admin.ModelAdmin):
    list_display = ["text", "member"]
    search_fields = ["text", "member__first_name", "member__last_name"]
    raw_id_fields = ["member"]


@admin.register(MemberSkill)
class MemberSkillAdmin(admin.ModelAdmin):
    list_display = ["member", "skill", "source"]
    raw_id_fields = ["member"]
    autocomplete_fields = ["skill"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "member", "prefix", "created_at", "last_used_at"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at"]
    raw_id_fields = ["member"]
