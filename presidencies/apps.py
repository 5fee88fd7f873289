from django.utils.translation import gettext_lazy as _

from core.apps import EnlaceAppConfig, NavItem


class PresidenciesConfig(EnlaceAppConfig):
    default = True
    name = "presidencies"
    verbose_name = _("Pro Tempore Presidencies")
    url_prefix = "presidencies/"
    nav = (NavItem(_("Presidencies"), "presidencies:list", "member", order=85),)

    def main_pages(self):
        return [{"name": "presidencies", "path": "/presidencies/", "audience": "member"}]

    def ready(self):
        from core.audit import track, untracked

        from . import access, models  # noqa: F401  (register the access policies)

        track(models.Handover)
        track(models.HandoverKeep)
        untracked(models.HandoverItem, "a snapshot written once at the change, never edited")

        from django.db.models.signals import post_save

        from network.models import PPTPeriod

        post_save.connect(prepare_handover_when_known, sender=PPTPeriod, dispatch_uid="presidencies-prepare-handover")


def prepare_handover_when_known(sender, instance, raw=False, **kwargs):
    """A period's end is recorded (by the TS, or by recording the next period): prepare its handover once
    the write is committed."""
    if raw or instance.end_date is None:
        return
    from django.db import transaction

    from .services import prepare_once_saved

    transaction.on_commit(lambda: prepare_once_saved(instance.pk))
