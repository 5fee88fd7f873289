"""The admin is the TS's back office: access follows core.access, not Django's model permissions."""

from django.contrib import admin

from . import access
from .models import AuditEntry, Grant


def _is_ts(request):
    return request.user.is_active and access.administers(request.user)


# Only the Technical Secretariat reaches the admin.
admin.site.has_permission = _is_ts


class TSAdmin(admin.ModelAdmin):
    """A ModelAdmin that the TS may use in full."""

    def has_module_permission(self, request):
        return _is_ts(request)

    def has_view_permission(self, request, obj=None):
        return _is_ts(request)

    def has_add_permission(self, request):
        return _is_ts(request)

    def has_change_permission(self, request, obj=None):
        return _is_ts(request)

    def has_delete_permission(self, request, obj=None):
        return _is_ts(request)


class ReadOnlyAdmin(TSAdmin):
    """What the TS looks at in the admin but changes through the pages and services (with their
    checks, versions and audit trail): no add, change or delete here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Grant)
class GrantAdmin(TSAdmin):
    list_display = ["user", "permission", "content_type", "object_id", "created_at"]
    list_filter = ["permission", "content_type"]
    raw_id_fields = ["user", "granted_by"]


@admin.register(AuditEntry)
class AuditEntryAdmin(TSAdmin):
    list_display = ["at", "actor_label", "action", "content_type", "object_repr", "remote_addr"]
    list_filter = ["action", "content_type"]
    search_fields = ["actor_label", "object_repr", "note"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
