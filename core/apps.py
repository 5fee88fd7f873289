from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import AppConfig, apps
from django.conf import settings
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    """A main-menu entry an app offers: its label, URL name, and who sees it."""

    label: str
    url_name: str
    audience: str = "public"  # "public", "member" (network members) or "ts"
    order: int = 50
    # A count shown beside the label (e.g. My work's items): `counter(user)` gives it when it is known at
    # once (else None), and the URL named `counter_url` answers it as a fragment, loaded after the page.
    counter: Callable[[Any], int | None] | None = None
    counter_url: str = ""


class EnlaceAppConfig(AppConfig):
    """Base for Enlace's domain apps.

    An app plugs into the project by declaring, here, what it adds — no shared file to edit:
    `url_prefix` (its urls.py is included there), `nav` (main-menu entries); an `api.py` with
    a `router` is mounted under /api/v1/, a `demo.py` with `load(stdout)` runs in load_demo,
    and `main_pages()` lists the pages the quality gates check (weight, accessibility).
    """

    default = False  # only concrete configs (which set default = True) are picked by Django
    url_prefix = None
    nav: tuple = ()
    # Templates included in the page header for signed-in users (e.g. a notifications badge).
    header_templates: tuple = ()

    def main_pages(self):
        """Return the app's main pages for the quality gates (page weight, accessibility).

        A list of dicts: {"name": "...", "path": "/...", "audience": "public" | "member"},
        computed against the current database (the gates run on the demo data).
        """
        return []


class CoreConfig(EnlaceAppConfig):
    default = True
    name = "core"
    verbose_name = _("Core")
    url_prefix = "documents/"
    nav = (NavItem(_("Document settings"), "core:document_settings", "ts", order=97),)

    def ready(self):
        from . import checks, search, text  # noqa: F401 - the model check; search's accent-folding SQL function
        from .audit import track
        from .models import DocumentSettings, Grant

        track(Grant)
        track(DocumentSettings)

        from django.core.signals import request_finished, request_started

        from .requestid import on_request_finished, on_request_started

        request_started.connect(on_request_started, dispatch_uid="enlace-request-id")
        request_finished.connect(on_request_finished, dispatch_uid="enlace-request-id")
        from .audit import untracked
        from .models import AuditEntry, PreparedExport

        untracked(AuditEntry, "it is the audit trail")
        # A file made from records, keyed by the audit trail's newest entry: tracking it would make a new
        # version at each build, and so another build.
        untracked(PreparedExport, "a cache of a download, keyed by the content version")
        text.connect(project_apps())
        post_migrate.connect(name_the_site, dispatch_uid="enlace-site-from-site-url")


def name_the_site(sender, using="default", **kwargs):
    """The site's domain and name from SITE_URL (password-reset mail says "[Enlace]" and links there)."""
    if sender.label != "core" or not apps.is_installed("django.contrib.sites"):
        return
    from urllib.parse import urlsplit

    from django.contrib.sites.models import Site

    domain = urlsplit(settings.SITE_URL).netloc or "localhost"
    Site.objects.using(using).update_or_create(pk=settings.SITE_ID, defaults={"domain": domain, "name": "Enlace"})
    Site.objects.clear_cache()


def project_apps():
    """Return Enlace's own app configs, in INSTALLED_APPS order."""
    return [apps.get_app_config(label) for label in settings.PROJECT_APPS]
