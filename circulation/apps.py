from django.utils.translation import gettext_lazy as _

from core.apps import EnlaceAppConfig, NavItem
from core.mywork import known_count


class CirculationConfig(EnlaceAppConfig):
    default = True
    name = "circulation"
    verbose_name = _("Circulation")
    url_prefix = "circulars/"
    nav = (
        NavItem(
            _("My work"),
            "circulation:mywork",
            "member",
            order=5,
            counter=known_count,
            counter_url="circulation:mywork_count",
        ),
        NavItem(_("Circulars"), "circulation:list", "member", order=40),
        NavItem(_("Activity"), "circulation:activity", "member", order=80),
        NavItem(_("Outbox"), "circulation:outbox", "ts", order=95),
    )
    header_templates = ("circulation/_header_badge.html",)

    def main_pages(self):
        from .models import Circular

        pages = [
            {"name": "my-work", "path": "/circulars/my-work/", "audience": "member"},
            {"name": "circulars", "path": "/circulars/", "audience": "member"},
            {"name": "inbox", "path": "/circulars/inbox/", "audience": "member"},
            {"name": "notifications", "path": "/circulars/notifications/", "audience": "member"},
            {"name": "activity", "path": "/circulars/activity/", "audience": "member"},
        ]
        circular = Circular.objects.filter(sent_at__isnull=False, recipients__country__code="GT").first()
        if circular:
            pages.append({"name": "circular", "path": f"/circulars/{circular.pk}/", "audience": "member"})
        return pages

    def ready(self):
        from core.audit import track, untracked

        from . import access, models, mywork  # noqa: F401  (register access policies and the My work provider)

        track(models.Circular, exclude=("created_at", "updated_at"))
        # Read tracking is state, not a change anyone made: kept out of the audit trail.
        track(models.CircularRecipient, exclude=("first_read_at", "first_read_by"))
        track(models.CircularAttachment, exclude=("uploaded_at",))
        track(models.Reply, exclude=("created_at",))
        track(models.ReplyAttachment, exclude=("uploaded_at",))
        track(models.Addressee)
        untracked(models.FeedToken, "a reader's private feed address: its key is a secret, not history")
        untracked(models.InboundEmail, "a received message kept as it came; what it recorded (a reply) is in the trail")
