from django.utils.translation import gettext_lazy as _

from core.apps import EnlaceAppConfig, NavItem


class DirectoryConfig(EnlaceAppConfig):
    default = True
    name = "directory"
    verbose_name = _("Actors and services")
    url_prefix = ""
    nav = (NavItem(_("Map of services"), "directory:map", "public", order=40),)

    def main_pages(self):
        from .models import Service, ServiceEdit

        pages = [
            {"name": "map", "path": "/map/", "audience": "public"},
            {"name": "print", "path": "/map/countries/gt/print/", "audience": "public"},
            {"name": "review", "path": "/map/countries/gt/review/", "audience": "member"},
        ]
        service = Service.objects.filter(is_published=True, country__code="GT").first()
        if service:
            pages.append({"name": "service", "path": f"/map/services/{service.pk}/", "audience": "public"})
            pages.append({"name": "service-edit", "path": f"/map/services/{service.pk}/edit/", "audience": "member"})
        edit = ServiceEdit.objects.filter(service__country__code="GT").order_by("pk").first()
        if edit:
            pages.append({"name": "change-review", "path": edit.get_absolute_url(), "audience": "member"})
        return pages

    def ready(self):
        from core.audit import track, untracked

        from . import access, exports, hooks, search  # noqa: F401 - registers policies, search and my-work providers

        exports.register_prepared()
        from .models import Location, Provider, Service, ServiceAtLocation, ServiceEdit

        for model in (Provider, Service, Location, ServiceAtLocation, ServiceEdit):
            track(model)
        from django.db.models.signals import pre_delete

        from . import pyramid

        pre_delete.connect(pyramid.on_link_deleted, sender=ServiceAtLocation, dispatch_uid="map-pyramid")
        from . import models

        for model in (
            models.Taxonomy,
            models.TaxonomyTerm,
            models.Place,
            models.Address,
            models.Contact,
            models.Phone,
            models.Schedule,
            models.ServiceLanguage,
            models.ServiceArea,
        ):
            track(model)
        untracked(models.MapPoint, "derived from services and locations, rebuilt on every write")
        untracked(models.MapCell, "derived from the map points, kept with them (directory/pyramid.py)")
