"""Read-only admin views for the TS: every write goes through meetings.services (pages, API, commands)."""

from django.contrib import admin

from core.admin import TSAdmin

from .models import Agreement, CalendarFeed, Commitment, CommitmentStatusChange, Meeting, ReportVersion


class ReadOnlyTSAdmin(TSAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyTSAdmin):
    list_display = ["__str__", "body", "start_date", "modality", "status", "visibility", "is_demo"]
    list_filter = ["body", "status", "modality", "kind"]
    search_fields = ["title_es", "title_en", "place"]


@admin.register(ReportVersion)
class ReportVersionAdmin(ReadOnlyTSAdmin):
    list_display = ["meeting", "number", "status", "approved_at"]
    list_filter = ["status"]


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyTSAdmin):
    list_display = ["__str__", "version", "kind", "rcgm_decision"]
    list_filter = ["kind", "rcgm_decision"]


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyTSAdmin):
    list_display = ["__str__", "meeting", "status", "due_by"]
    list_filter = ["status"]


@admin.register(CommitmentStatusChange)
class CommitmentStatusChangeAdmin(ReadOnlyTSAdmin):
    list_display = ["commitment", "from_status", "to_status", "changed_by_label", "changed_at"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyTSAdmin):
    list_display = ["user", "prefix", "created_at", "revoked_at", "last_used_at"]
