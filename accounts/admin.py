from django.contrib import admin

from core.admin import TSAdmin

from .models import ApiToken, Invitation, User


@admin.register(User)
class UserAdmin(TSAdmin):
    list_display = ["email", "is_active", "is_superuser", "language", "last_login"]
    list_filter = ["is_active", "is_superuser"]
    search_fields = ["email"]
    fields = ["email", "is_active", "is_staff", "is_superuser", "language", "timezone", "last_login", "date_joined"]
    readonly_fields = ["last_login", "date_joined"]


@admin.register(Invitation)
class InvitationAdmin(TSAdmin):
    list_display = ["email", "person", "invited_by", "created_at", "expires_at", "accepted_at", "revoked_at"]
    readonly_fields = ["person", "email", "invited_by", "created_at", "expires_at", "accepted_at"]

    def has_add_permission(self, request):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(TSAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False
