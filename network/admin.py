from django.contrib import admin

from core.admin import TSAdmin

from .models import Appointment, Body, Conference, Country, Organization, Person, PPTPeriod


@admin.register(Conference)
class ConferenceAdmin(TSAdmin):
    list_display = ["__str__", "acronym_es", "acronym_en", "is_demo"]


@admin.register(Body)
class BodyAdmin(TSAdmin):
    list_display = ["__str__", "kind", "slug", "conference", "parent", "order", "is_demo"]
    list_filter = ["kind", "conference"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Country)
class CountryAdmin(TSAdmin):
    list_display = ["__str__", "code", "membership"]
    list_filter = ["membership"]


@admin.register(PPTPeriod)
class PPTPeriodAdmin(TSAdmin):
    list_display = ["country", "start_date", "end_date", "handed_over_at", "is_demo"]


@admin.register(Organization)
class OrganizationAdmin(TSAdmin):
    list_display = ["__str__", "kind", "country", "parent", "is_demo"]
    list_filter = ["kind", "country"]
    search_fields = ["name_es", "name_en", "acronym_es", "acronym_en"]


class AppointmentInline(admin.TabularInline):
    model = Appointment
    extra = 0
    autocomplete_fields = ["organization"]

    def has_view_permission(self, request, obj=None):
        return True

    has_add_permission = has_change_permission = has_delete_permission = TSAdmin.has_change_permission


@admin.register(Person)
class PersonAdmin(TSAdmin):
    list_display = ["full_name", "email", "visibility", "user", "is_demo"]
    search_fields = ["given_names", "family_names", "email"]
    list_filter = ["visibility"]
    raw_id_fields = ["user"]
    inlines = [AppointmentInline]
