"""Read-only admin views for the TS: every write goes through meetings.services (pages, API, commands)."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Agreement, CalendarFeed, Commitment, CommitmentStatusChange, Meeting, ReportVersion


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "body", "start_date", "modality", "status", "visibility", "is_demo"]
    list_filter = ["body", "status", "modality", "kind"]
    search_fields = ["title_es", "title_en", "place"]


@admin.register(ReportVersion)
class ReportVersionAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "number", "status", "approved_at"]
    list_filter = ["status"]


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "version", "kind", "rcgm_decision"]
    list_filter = ["kind", "rcgm_decision"]


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "meeting", "status", "due_by"]
    list_filter = ["status"]


@admin.register(CommitmentStatusChange)
class CommitmentStatusChangeAdmin(ReadOnlyAdmin):
    list_display = ["commitment", "from_status", "to_status", "changed_by_label", "changed_at"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyAdmin):
    list_display = ["user", "prefix", "created_at", "revoked_at", "last_used_at"]
