from django.utils.translation import gettext_lazy as _

from core.apps import EnlaceAppConfig, NavItem


class MeetingsConfig(EnlaceAppConfig):
    default = True
    name = "meetings"
    verbose_name = _("Meetings")
    url_prefix = "meetings/"
    nav = (
        NavItem(_("Meetings"), "meetings:list", "public", order=30),
        NavItem(_("Follow-up"), "meetings:board", "member", order=35),
    )

    def ready(self):
        from core.audit import track

        from . import access, hooks, models  # noqa: F401  (register policies, search, my work, fulfilment)

        for model in (
            models.Meeting,
            models.AgendaItem,
            models.MeetingDocument,
            models.ReportVersion,
            models.Agreement,
            models.Commitment,  # its actors are in `actor_codes`; CommitmentActor rows are written in bulk
            models.CalendarFeed,
        ):
            track(model, exclude=("created_at", "updated_at", "source_text", "last_used_at", "key_hash"))
