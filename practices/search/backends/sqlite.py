"""SQLite FTS5: stems computed in Python, accents folded by `unicode61 remove_diacritics 2`, bm25() ranking.

The virtual table `practices_fts` (created by migration 0003) holds, for each SearchEntry
(rowid = entry id), the stems of its title, summary and body. Queries are built from stems
and prefixes only, each quoted, so nothing a reader types is FTS5 syntax.

bm25() costs a little for every document it scores, which adds up for terms found in most
documents; the work is bounded: matching and counting cover every match, ranking the
RANK_CANDIDATES most recently indexed ones (entries are indexed again at every change, so these
are the most recently published or changed).
"""

# ruff: noqa: S608 - SQL is assembled from constants and compiled conditions; values are parameters.

from django.db import connection

from .. import facets as facet_sql
from ..text import stems
from .base import RANK_WEIGHTS, EngineResult

TABLE = "practices_fts"
ENTRY = "practices_searchentry"
BATCH = 500
RANK_CANDIDATES = 2000  # bm25() scores at most this many matches, the most recently indexed
BM25 = f"bm25({TABLE}, {RANK_WEIGHTS['title']}, {RANK_WEIGHTS['summary']}, {RANK_WEIGHTS['body']})"


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


def text_stems(text):
    """Return the (title, summary, body) stems of a SearchText, each language with its own stemmer."""
    return tuple(
        " ".join(filter(None, (stems(getattr(text, f"{name}_es"), "es"), stems(getattr(text, f"{name}_en"), "en"))))
        for name in ("title", "summary", "body")
    )


class SQLiteBackend:
    vendor = "sqlite"

    def index(self, texts):
        texts = list(texts)
        with connection.cursor() as cursor:
            for start in range(0, len(texts), BATCH):
                batch = texts[start : start + BATCH]
                ids = [text.entry_id for text in batch]
                cursor.execute(f"DELETE FROM {TABLE} WHERE rowid IN ({', '.join(['%s'] * len(ids))})", ids)
                cursor.executemany(
                    f"INSERT INTO {TABLE} (rowid, title, summary, body) VALUES (%s, %s, %s, %s)",
                    [(text.entry_id, *text_stems(text)) for text in batch],
                )

    def remove(self, entry_ids):
        entry_ids = list(entry_ids)
        with connection.cursor() as cursor:
            for start in range(0, len(entry_ids), BATCH):
                batch = entry_ids[start : start + BATCH]
                cursor.execute(f"DELETE FROM {TABLE} WHERE rowid IN ({', '.join(['%s'] * len(batch))})", batch)

    def search(self, query, scope, *, limit, offset, with_facets=True):
        where_sql, where_params = scope.where
        condition = f"AND ({where_sql})" if where_sql else ""
        branches = facet_sql.tail_sql() if with_facets else [facet_sql.COUNT_ONLY]
        # m: every match the reader may see, unranked (cheap), for the total and the facets.
        # bm25() then scores only the RANK_CANDIDATES most recently indexed visible matches: FTS5
        # walks its doclists backwards to find where they start, then scores that rowid range.
        sql = f"""
            WITH m AS MATERIALIZED (
                SELECT {ENTRY}.id AS id, {facet_sql.COLUMNS}
                FROM {TABLE} JOIN {ENTRY} ON {ENTRY}.id = {TABLE}.rowid
                WHERE {TABLE} MATCH %s {condition}
            ),
            floor AS (
                SELECT COALESCE(MIN(id), 0) AS id FROM (
                    SELECT {TABLE}.rowid AS id FROM {TABLE} JOIN {ENTRY} ON {ENTRY}.id = {TABLE}.rowid
                    WHERE {TABLE} MATCH %s {condition} ORDER BY {TABLE}.rowid DESC LIMIT %s
                )
            ),
            scored AS MATERIALIZED (
                SELECT {TABLE}.rowid AS id, {BM25} AS score FROM {TABLE}
                WHERE {TABLE} MATCH %s AND {TABLE}.rowid >= (SELECT id FROM floor)
            ),
            ranked AS (
                SELECT scored.id AS id, scored.score AS score
                FROM scored JOIN {ENTRY} ON {ENTRY}.id = scored.id
                WHERE 1 {condition} ORDER BY score, id LIMIT %s OFFSET %s
            )
            SELECT 'hit', id, score, {facet_sql.HIT_TAIL} FROM ranked
            UNION ALL {" UNION ALL ".join(branches)}
        """
        match = match_expression(query)
        with connection.cursor() as cursor:
            params = [match, *where_params, match, *where_params, RANK_CANDIDATES, match, *where_params, limit, offset]
            cursor.execute(sql, params)
            hits, total, counts = facet_sql.read_rows(cursor.fetchall(), scope.numbers)
        hits.sort(key=lambda hit: (hit[1], hit[0]))
        return EngineResult(hits=[(pk, -score) for pk, score in hits], total=total, facets=counts)

    def raw(self, query, *, limit, bounded=False):
        """FTS5's own ranked query (bm25 over every match), or, `bounded`, the ranking search() does."""
        match = match_expression(query)
        with connection.cursor() as cursor:
            if bounded:
                cursor.execute(
                    f"""WITH floor AS (SELECT COALESCE(MIN(rowid), 0) AS id FROM (
                            SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s ORDER BY rowid DESC LIMIT %s))
                        SELECT rowid, {BM25} AS score FROM {TABLE}
                        WHERE {TABLE} MATCH %s AND rowid >= (SELECT id FROM floor) ORDER BY score LIMIT %s""",
                    [match, RANK_CANDIDATES, match, limit],
                )
            else:
                cursor.execute(
                    f"SELECT rowid, {BM25} AS score FROM {TABLE} WHERE {TABLE} MATCH %s ORDER BY score LIMIT %s",
                    [match, limit],
                )
            return [(row_id, -score) for row_id, score in cursor.fetchall()]

    def rebuild(self):
        from ...models import SearchText

        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")
        ids = list(SearchText.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH):
            self.index(SearchText.objects.filter(pk__in=ids[start : start + BATCH]))
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')")
