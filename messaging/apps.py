from django.utils.translation import gettext_lazy as _

from core.apps import EnlaceAppConfig


class MessagingConfig(EnlaceAppConfig):
    default = True
    name = "messaging"
    verbose_name = _("Messages")

    def ready(self):
        from core.audit import untracked

        from . import access, models  # noqa: F401  (register the access policies)

        untracked(models.NotificationPreference, "a reader's own choice of what to be told")
        untracked(models.Notification, "a message to one reader about a change already in the trail")
        untracked(models.OutboundEmail, "the outbox: a record of what was sent, kept as it was sent")

        from core.pagecache import register_reader_state

        from .notifications import reader_state

        register_reader_state(reader_state)  # a kept working page follows the reader's notifications

        from core.operations import register_gauge

        register_gauge("enlace_outbox_emails", "E-mails of the outbox by state.", "state", _outbox_states)


def _outbox_states():
    from django.db.models import Count

    from .models import OutboundEmail

    for row in OutboundEmail.objects.values("state").annotate(n=Count("pk")).order_by():
        yield row["state"], row["n"]
