"""The plan in the admin: the TS keeps plans, their tree and indicators here (or imports the tree
from a sheet); follow-up reports and indicator values are only looked at — they change through
the pages and the API, which keep their workflow and their history."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin, TSAdmin

from .models import FollowUpReport, Indicator, IndicatorValue, Node, Plan, reindex_outline


@admin.register(Plan)
class PlanAdmin(TSAdmin):
    list_display = ["__str__", "body", "start_year", "end_year", "visibility", "is_demo"]
    list_filter = ["visibility"]


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["order", "name_es", "name_en", "unit", "baseline_value", "baseline_year"]

    def has_view_permission(self, request, obj=None):
        return TSAdmin.has_view_permission(self, request, obj)

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


@admin.register(Node)
class NodeAdmin(TSAdmin):
    list_display = ["code", "__str__", "plan", "scope", "responsible", "priority", "weight"]
    list_filter = ["plan", "scope", "priority"]
    list_select_related = ["plan"]
    search_fields = ["code", "title_es", "title_en"]
    raw_id_fields = ["parent", "priority_agreement", "commitments", "responsible_organization"]
    inlines = [IndicatorInline]

    def save_model(self, request, obj, form, change):
        obj.save(reindex=False)
        reindex_outline(obj.plan_id)


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReadOnlyAdmin):
    list_display = ["indicator", "kind", "year", "country", "value", "entered_by", "entered_at"]
    list_filter = ["kind", "year"]
    list_select_related = ["indicator", "country", "entered_by"]


@admin.register(FollowUpReport)
class FollowUpReportAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "plan", "year", "status", "submitted_at", "approved_at", "is_demo"]
    list_filter = ["status", "year"]
    list_select_related = ["plan", "country"]
