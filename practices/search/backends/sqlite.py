"""SQLite FTS5: stems computed in Python, accents folded by `unicode61 remove_diacritics 2`, bm25() ranking.

The virtual table `practices_fts` (created by migration 0003) holds, for each SearchEntry
(rowid = entry id), the stems of its title, summary and body. Queries are built from stems
and prefixes only, each quoted, so nothing a reader types is FTS5 syntax.
"""

from django.db import connection

from ..text import stems
from .base import RANK_WEIGHTS, EngineResult

TABLE = "practices_fts"
ENTRY = "practices_searchentry"
FACET = "practices_searchfacet"
BATCH = 500


def _quoted(token):
    return '"' + token.replace('"', '""') + '"'


def match_expression(query):
    """Return the FTS5 MATCH string for a ParsedQuery: every term required, stems in either language."""
    parts = []
    for term in query.terms:
        if term.prefix:
            parts.append(_quoted(term.folded) + "*")
        else:
            alternatives = [_quoted(s) for s in term.stems]
            parts.append(alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")")
    return " AND ".join(parts)


def entry_stems(entry):
    """Return the (title, summary, body) stems of an entry, each language with its own stemmer."""
    return tuple(
        " ".join(filter(None, (stems(getattr(entry, f"{name}_es"), "es"), stems(getattr(entry, f"{name}_en"), "en"))))
        for name in ("title", "summary", "body")
    )


BM25 = f"bm25({TABLE}, {RANK_WEIGHTS['title']}, {RANK_WEIGHTS['summary']}, {RANK_WEIGHTS['body']})"


class SQLiteBackend:
    vendor = "sqlite"

    def index(self, entries):
        entries = list(entries)
        with connection.cursor() as cursor:
            for start in range(0, len(entries), BATCH):
                batch = entries[start : start + BATCH]
                ids = [entry.pk for entry in batch]
                cursor.execute(f"DELETE FROM {TABLE} WHERE rowid IN ({', '.join(['%s'] * len(ids))})", ids)
                cursor.executemany(
                    f"INSERT INTO {TABLE} (rowid, title, summary, body) VALUES (%s, %s, %s, %s)",
                    [(entry.pk, *entry_stems(entry)) for entry in batch],
                )

    def remove(self, entry_ids):
        entry_ids = list(entry_ids)
        if not entry_ids:
            return
        with connection.cursor() as cursor:
            for start in range(0, len(entry_ids), BATCH):
                batch = entry_ids[start : start + BATCH]
                cursor.execute(f"DELETE FROM {TABLE} WHERE rowid IN ({', '.join(['%s'] * len(batch))})", batch)

    def search(self, query, where, *, limit, offset, with_facets=True):
        where_sql, where_params = where
        condition = f"AND ({where_sql})" if where_sql else ""
        facets_sql = (
            f"""UNION ALL
            SELECT 'facet', NULL, NULL, f.facet, f.value, COUNT(*)
            FROM m JOIN {FACET} f ON f.entry_id = m.id
            GROUP BY f.facet, f.value"""
            if with_facets
            else ""
        )
        sql = f"""
            WITH m AS MATERIALIZED (
                SELECT {ENTRY}.id AS id, {BM25} AS score
                FROM {TABLE} JOIN {ENTRY} ON {ENTRY}.id = {TABLE}.rowid
                WHERE {TABLE} MATCH %s {condition}
            )
            SELECT * FROM (SELECT 'hit', id, score, NULL, NULL, NULL FROM m ORDER BY score, id LIMIT %s OFFSET %s)
            UNION ALL
            SELECT 'total', NULL, NULL, NULL, NULL, COUNT(*) FROM m
            {facets_sql}
        """
        params = [match_expression(query), *where_params, limit, offset]
        hits, total, facets = [], 0, {}
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for kind, entry_id, score, facet, value, count in cursor.fetchall():
                if kind == "hit":
                    hits.append((entry_id, -score))
                elif kind == "total":
                    total = count
                else:
                    facets[(facet, value)] = count
        return EngineResult(hits=hits, total=total, facets=facets)

    def raw(self, query, *, limit):
        sql = f"SELECT rowid, {BM25} AS score FROM {TABLE} WHERE {TABLE} MATCH %s ORDER BY score LIMIT %s"
        with connection.cursor() as cursor:
            cursor.execute(sql, [match_expression(query), limit])
            return [(row_id, -score) for row_id, score in cursor.fetchall()]

    def rebuild(self):
        from ...models import SearchEntry

        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")
        ids = list(SearchEntry.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH):
            self.index(SearchEntry.objects.filter(pk__in=ids[start : start + BATCH]))
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')")
