"""'My work': what each person has to do, gathered from every domain.

A domain registers a provider `provider(user) -> list[WorkItem]` returning only what the
user may see (through core.access); the My work page (circulation) shows them together:
commitments due, reports to submit, circulars to answer, drafts awaiting review.
"""

import datetime
from dataclasses import dataclass

_providers = []


@dataclass
class WorkItem:
    kind: str  # a short, translated label: "Commitment", "Circular to answer", …
    title: str
    url: str
    due: datetime.date | None = None
    detail: str = ""
    overdue: bool = False


def register(provider):
    """Decorator: add a provider of work items."""
    _providers.append(provider)
    return provider


def items_for(user):
    """Return every provider's items for `user`, overdue first, then by due date."""
    items = []
    for provider in _providers:
        items.extend(provider(user))
    far = datetime.date.max
    return sorted(items, key=lambda item: (not item.overdue, item.due or far, item.title))
