"""Who hears of a submitted or reviewed column."""

from django.utils import timezone
from django.utils.translation import gettext as _

from network.queries import officer_users

from ..models import Column
from .analyses import lead_users

# ---- notifications ---------------------------------------------------------------------------


def _notify_submitted(column: Column) -> None:
    from messaging.models import NotificationKind
    from messaging.notifications import notify, ts_users

    analysis = column.round.analysis
    country = column.country

    def subject(lang: str) -> str:
        return _("%(country)s submitted its answers to “%(analysis)s” (%(round)s)") % {
            "country": country.name,
            "analysis": analysis.localized("title", lang),
            "round": str(column.round),
        }

    def body(lang: str) -> str:
        return _("Validate the column or return it with comments.")

    notify(
        lead_users(analysis) + ts_users(),
        NotificationKind.REVIEW_REQUESTED,
        subject=subject,
        body=body,
        url=column.get_absolute_url(),
        dedupe_key=f"comparison-column:{column.pk}:submitted:{(column.submitted_at or timezone.now()).isoformat()}",
    )


def _notify_reviewed(column: Column, *, returned: bool) -> None:
    from messaging.models import NotificationKind
    from messaging.notifications import notify

    reviewed = column.reviewed_at or timezone.now()

    analysis = column.round.analysis

    def subject(lang: str) -> str:
        title = analysis.localized("title", lang)
        values = {"analysis": title, "round": str(column.round)}
        if returned:
            return _("Your country's answers to “%(analysis)s” (%(round)s) were returned") % values
        return _("Your country's answers to “%(analysis)s” (%(round)s) were validated") % values

    def body(lang: str) -> str:
        return column.review_comment

    notify(
        officer_users(column.country),
        NotificationKind.REPORT_RETURNED if returned else NotificationKind.REPORT_APPROVED,
        subject=subject,
        body=body,
        url=column.get_absolute_url(),
        dedupe_key=f"comparison-column:{column.pk}:{column.status}:{reviewed.isoformat()}",
    )
