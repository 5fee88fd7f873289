"""The repository's managed lists in the admin: themes and plan axes (the TS keeps them).

Practices, resources, calls and compilations are changed through their pages and the API,
which go through the services (review, versions, search index); the admin only lists them.
"""

from django.contrib import admin

from core.admin import ReadOnlyAdmin, TSAdmin

from .models import Axis, Call, Compilation, Practice, Resource, Theme


@admin.register(Theme)
class ThemeAdmin(TSAdmin):
    list_display = ["__str__", "slug", "order", "is_active"]
    list_editable = ["order", "is_active"]

    def get_readonly_fields(self, request, obj=None):
        # The slug is what the search index and links store: fixed once created.
        return ["slug"] if obj else []


@admin.register(Axis)
class AxisAdmin(TSAdmin):
    list_display = ["number", "name_es", "name_en"]


@admin.register(Practice)
class PracticeAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "status", "submitting_organization", "submitting_country", "updated_at", "is_demo"]
    list_filter = ["status", "is_demo"]
    search_fields = ["title_es", "title_en"]


@admin.register(Resource)
class ResourceAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "kind", "status", "language", "year", "is_demo"]
    list_filter = ["kind", "status"]


@admin.register(Call)
class CallAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "theme", "deadline", "is_closed", "is_demo"]


@admin.register(Compilation)
class CompilationAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "call", "compiler", "created_at"]
