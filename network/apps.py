from django.utils.translation import gettext_lazy as _

from core.apps import EnlaceAppConfig, NavItem


class NetworkConfig(EnlaceAppConfig):
    default = True
    name = "network"
    verbose_name = _("Network")
    url_prefix = ""  # the network's pages are the site's root
    nav = (
        NavItem(_("Network"), "network:home", "public", order=10),
        NavItem(_("Contacts"), "network:contacts", "member", order=20),
        NavItem(_("Organizations"), "network:organizations", "public", order=90),
    )

    def main_pages(self):
        from .models import Body, Country, Organization, Person

        pages = [
            {"name": "home", "path": "/", "audience": "public"},
            {"name": "organizations", "path": "/organizations/", "audience": "public"},
            {"name": "search", "path": "/search/?q=red", "audience": "public"},
            {"name": "sign-in", "path": "/accounts/login/", "audience": "public"},
            {"name": "contacts", "path": "/contacts/", "audience": "member"},
            {"name": "preferences", "path": "/account/preferences/", "audience": "member"},
            {"name": "sign-in-email", "path": "/account/email/", "audience": "member"},
        ]
        country = Country.objects.filter(code="GT").first() or Country.objects.first()
        if country:
            pages.append({"name": "country", "path": country.get_absolute_url(), "audience": "public"})
            pages.append({"name": "country-member", "path": country.get_absolute_url(), "audience": "member"})
        body = Body.objects.networks().first()
        if body:
            pages.append({"name": "network", "path": body.get_absolute_url(), "audience": "public"})
        org = Organization.objects.partners().first()
        if org:
            pages.append({"name": "organization", "path": org.get_absolute_url(), "audience": "member"})
        person = Person.objects.with_current_appointment().first()
        if person:
            pages.append({"name": "person", "path": person.get_absolute_url(), "audience": "member"})
        return pages

    def ready(self):
        from core.access import register_role_reader
        from core.audit import track

        from . import access, hooks, models, roles, search  # noqa: F401  (access policies, My work, search)

        register_role_reader(roles.principal_fields)

        for model in (
            models.Conference,
            models.Body,
            models.Country,
            models.PPTPeriod,
            models.Organization,
            models.Person,
            models.Appointment,
            models.AppointmentProposal,
        ):
            track(model, exclude=("created_at", "updated_at"))
