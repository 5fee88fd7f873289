"""Links other apps add to circulars they are linked to, without circulation importing them.

Meetings, for a convocation, adds "Register your delegation". A provider is
`func(circulars, user) -> {circular_id: [CircularLink, …]}`, answering for a whole list in a
few queries so that the inbox stays cheap.
"""

from dataclasses import dataclass

_providers = []


@dataclass(frozen=True)
class CircularLink:
    label: str
    url: str


def register(func):
    """Declare a provider of links for circulars; usable as a decorator."""
    _providers.append(func)
    return func


def links_for(circulars, user):
    """Return {circular_id: [CircularLink, …]} from every provider, for these circulars and this user."""
    circulars = list(circulars)
    links = {}
    if not circulars:
        return links
    for provider in _providers:
        for circular_id, rows in provider(circulars, user).items():
            links.setdefault(circular_id, []).extend(rows)
    return links
