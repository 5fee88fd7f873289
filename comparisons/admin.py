"""Comparisons in the admin: to look, not to change (answers and reviews go through the services)."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Analysis, Answer, Column, Round


@admin.register(Analysis)
class AnalysisAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "lead_organization", "visibility", "is_demo"]


@admin.register(Round)
class RoundAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "analysis", "number", "status", "due_date", "is_demo"]
    list_filter = ["status"]


@admin.register(Column)
class ColumnAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "status", "submitted_at", "reviewed_at", "is_demo"]
    list_filter = ["status"]
    list_select_related = ["country", "round"]


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    list_display = ["pk", "column", "question_id", "carried_over", "confirmed_at"]
    list_select_related = ["column__country", "column__round"]
