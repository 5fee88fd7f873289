"""The interface every search engine implements.

An engine keeps its own index of `SearchEntry` rows (the text to search, already chosen by
`practices.search.indexing`: published content for published items, the working copy for
the rest) and answers ranked queries restricted by a SQL condition on `practices_searchentry`
(the reader's access and filters, compiled from core.access by the caller). Facet counts are
computed over the same restricted matches, so they never count what the reader may not see.

Another engine (OpenSearch, Elasticsearch) implements the same five methods: see
docs/practices.md.
"""

from dataclasses import dataclass, field
from typing import Protocol

RANK_WEIGHTS = {"title": 10.0, "summary": 4.0, "body": 1.0}


@dataclass
class Scope:
    """What the reader may search: the access rules and chosen facet values, in two forms.

    `where` is the condition on `practices_searchentry` compiled from core.access and the
    filters (for the SQL engines); `user` and `filters` let another engine rebuild the same
    condition in its own query language (see docs/practices.md).
    """

    where: tuple  # (sql, params)
    numbers: dict  # {facet: {value: bit}} of themes and countries
    user: object = None
    filters: dict = field(default_factory=dict)


@dataclass
class EngineResult:
    hits: list  # [(entry id, score)], best first
    total: int
    facets: dict = field(default_factory=dict)  # {(facet, value): count}


class SearchBackend(Protocol):
    vendor: str

    def index(self, entries):
        """(Re)index these SearchEntry rows (already saved)."""

    def remove(self, entry_ids):
        """Drop these entries from the engine's index."""

    def search(self, query, scope, *, limit, offset, with_facets=True) -> EngineResult:
        """Rank every entry matching every term of `query` (a ParsedQuery) within `scope` (a Scope), no bound."""

    def raw(self, query, *, limit, bounded=False) -> list:
        """Rank matches with the engine alone (no access rules, no facets): the benchmark's reference.

        By default the engine's own ranking — the same function search() ranks by — evaluated over
        every match with no bound: its first 20 are "the engine's own unbounded top 20", which
        search()'s page 1 must hold. `bounded`, the ranking of earlier versions (the same function
        over only the most recent matches), kept as a reference."""

    def rebuild(self):
        """Index every SearchEntry again."""
