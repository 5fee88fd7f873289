"""Site search: each domain registers a provider; every provider filters through core.access.

Providers take (user, words) and return SearchResult items for records the user may see.
The full-text engine for documents (practices, resources) plugs in here too.
"""

from dataclasses import dataclass

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
PER_PROVIDER = 20

_providers = []


@dataclass
class SearchResult:
    kind: str
    title: str
    url: str
    detail: str = ""


def register(provider):
    """Decorator: add a search provider."""
    _providers.append(provider)
    return provider


def words_of(query):
    """Split a query into at most MAX_WORDS plain words (no operators are interpreted)."""
    return [word for word in query[:MAX_QUERY_LENGTH].split() if word][:MAX_WORDS]


def search(user, query):
    words = words_of(query)
    if not words:
        return []
    results = []
    for provider in _providers:
        results.extend(provider(user, words)[:PER_PROVIDER])
    return results
