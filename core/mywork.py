"""'My work': what each person has to do, and the state of what they follow, gathered from every domain.

A domain registers a provider `provider(user) -> list[WorkItem]` returning only what the
user may see (through core.access); the My work page (circulation) shows them together:
commitments due, reports to submit, circulars to answer, drafts awaiting review.

A domain may also register `figures(user) -> list[Figure]`: small charts of what the person
follows (their country's commitments by status, reply rates of circulars, …). Every count in a
figure links to the list it was counted from, and is counted by that list's own query.
"""

import datetime
from dataclasses import dataclass, field

_providers = []
_figure_providers = []


@dataclass
class WorkItem:
    kind: str  # a short, translated label: "Commitment", "Circular to answer", …
    title: str
    url: str
    due: datetime.date | None = None
    detail: str = ""
    overdue: bool = False


@dataclass
class Segment:
    """One part of a bar: a count, what it counts, and the list behind it."""

    label: str
    count: int
    url: str = ""
    tone: str = "neutral"  # pending, progress, done, dropped, overdue, neutral (the chart's colours)


@dataclass
class Bar:
    label: str
    segments: list[Segment]
    url: str = ""  # the list of all it counts
    x: list[tuple[float, float, str]] = field(default_factory=list)  # (start, width, tone) in %, set by figures_for

    @property
    def total(self):
        return sum(segment.count for segment in self.segments)


@dataclass
class Figure:
    title: str
    bars: list[Bar]
    url: str = ""  # the list behind the whole figure
    order: int = 50
    note: str = ""


def register(provider):
    """Decorator: add a provider of work items."""
    _providers.append(provider)
    return provider


def register_figures(provider):
    """Decorator: add a provider of figures for the landing page."""
    _figure_providers.append(provider)
    return provider


def items_for(user):
    """Return every provider's items for `user`, overdue first, then by due date; the same item once."""
    items, seen = [], set()
    for provider in _providers:
        for item in provider(user):
            key = (item.kind, item.url, item.detail)
            if key not in seen:
                seen.add(key)
                items.append(item)
    far = datetime.date.max
    return sorted(items, key=lambda item: (not item.overdue, item.due or far, item.title))


def figures_for(user):
    """Every provider's figures for `user` (those that count something), each bar's segments laid out on one
    scale per figure."""
    figures = [
        figure for provider in _figure_providers for figure in provider(user) if any(bar.total for bar in figure.bars)
    ]
    for figure in figures:
        scale = max((bar.total for bar in figure.bars), default=0) or 1
        for bar in figure.bars:
            start, bar.x = 0.0, []
            for segment in bar.segments:
                width = 100.0 * segment.count / scale
                if width:
                    bar.x.append((round(start, 2), round(width, 2), segment.tone))
                start += width
    return sorted(figures, key=lambda figure: figure.order)


def _count_key(user):
    from django.utils import timezone

    from .pagecache import content_version

    return f"enlace:mywork-count:{user.pk}:{timezone.localdate().isoformat()}:{content_version(user)[0]}"


def known_count(user):
    """My work's count for the menu if it is already known since the last change (one cache read), else None:
    pages then load it apart (`count_for`), so that no page pays for gathering every item."""
    if not getattr(user, "is_authenticated", False):
        return None
    from django.core.cache import cache

    return cache.get(_count_key(user))


def count_for(user):
    """How many items `user` has to do, gathered and kept until a record changes or the day does."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return remember_count(user, len(items_for(user)))


def remember_count(user, count):
    from django.core.cache import cache

    cache.set(_count_key(user), count, 24 * 3600)
    return count
