"""What the directory adds to shared pages and messages: 'my work' items and the notices of proposed changes."""

from typing import Any

from django.utils.translation import gettext as _

from core import mywork

from . import proposals
from .models import EditStatus, ServiceEdit

LIMIT = 50


@mywork.register
def directory_work(user: Any) -> list[mywork.WorkItem]:
    """Partners' changes and new entries waiting for the reader's approval (their country's, or all for the TS)."""
    from .queries import pending_edits, pending_services

    items = [
        mywork.WorkItem(
            _("Change to a service to review"),
            str(edit.service),
            edit.get_absolute_url(),
            detail=proposals.short_labels(edit.changes),
        )
        for edit in pending_edits(user).order_by("created_at")[:LIMIT]
    ]
    items += [
        mywork.WorkItem(
            _("New service to approve"), str(service), service.get_absolute_url(), detail=str(service.provider)
        )
        for service in pending_services(user).order_by("pk")[:LIMIT]
    ]
    return items


def notify_proposed(edit: ServiceEdit) -> None:
    """Tell the service's country's officers and the TS that a change waits for them."""
    from messaging.models import NotificationKind
    from messaging.notifications import notify, ts_users
    from network.queries import officer_users

    service = edit.service
    notify(
        [*officer_users(service.country), *ts_users()],
        NotificationKind.REVIEW_REQUESTED,
        subject=lambda lang: _("A change proposed to “%(service)s”") % {"service": service.localized("name", lang)},
        body=lambda lang: _("To review: %(items)s.") % {"items": proposals.short_labels(edit.changes)},
        url=edit.get_absolute_url(),
        dedupe_key=f"service-edit:{edit.pk}:proposed",
    )


def notify_decided(edit: ServiceEdit) -> None:
    """Tell the partner who proposed a change what was decided, item by item, with the notes."""
    from messaging.models import NotificationKind
    from messaging.notifications import notify

    service = edit.service

    def subject(lang: str) -> str:
        name = {"service": service.localized("name", lang)}
        if edit.status == EditStatus.APPROVED:
            return _("Your change to “%(service)s” was approved") % name
        if edit.status == EditStatus.REJECTED:
            return _("Your change to “%(service)s” was not approved") % name
        return _("Your change to “%(service)s” was approved in part") % name

    def body(lang: str) -> str:
        labels = {key: proposals.short_labels([key]) for key in edit.changes}
        lines = []
        for key in sorted(edit.changes, key=proposals.rank):
            decision = edit.decisions.get(key) or {}
            verdict = _("approved") if decision.get("approved") else _("not approved")
            note = f" — {decision['note']}" if decision.get("note") else ""
            lines.append(f"{labels[key]}: {verdict}{note}")
        return "\n".join(lines)

    notify(
        [edit.author],
        NotificationKind.CHANGE_DECIDED,
        subject=subject,
        body=body,
        url=edit.get_absolute_url(),
        dedupe_key=f"service-edit:{edit.pk}:decided",
    )
