"""SQLite FTS5: stems computed in Python, accents folded by `unicode61 remove_diacritics 2`, bm25() ranking.

The virtual table `practices_fts` (created by migration 0003, made compact by 0006) holds, for
each SearchEntry (rowid = entry id), the stems of its title, its summary and — each one once —
its body. Queries are built from stems and prefixes only, each quoted, so nothing a reader types
is FTS5 syntax.

The ranking is FTS5's `bm25()` with the weights title 10, summary 4, body 1, over every match
the reader may see, best first, ties newest entry first: the engine's own unbounded ranking
(`raw()`, the benchmark's reference, is the same function over every match, without access
rules or facets). It is cheap enough to run over all the matches of a word found in most
documents because the body counts each word once: bm25() walks every occurrence of the query's
words in every match, and a body of 1,500 words repeats a common one dozens of times. So in the
body a word found, not how often, weighs; in the title and summary, how often, too.
"""

# ruff: noqa: S608 - SQL is assembled from constants and compiled conditions; values are parameters.

from django.db import connection

from .. import facets as facet_sql
from ..text import stems
from .base import RANK_WEIGHTS, EngineResult

TABLE = "practices_fts"
ENTRY = "practices_searchentry"
BATCH = 500
BOUNDED_CANDIDATES = 2000  # raw(bounded=True): the ranking of earlier versions, for the benchmark's reference
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


def distinct_words(text):
    """Return the words of `text`, each once, in the order first seen (what the body column holds)."""
    return " ".join(dict.fromkeys(text.split()))


def text_stems(text):
    """Return the (title, summary, body) stems of a SearchText, each language with its own stemmer;
    the body's stems each once."""
    title, summary, body = (
        " ".join(filter(None, (stems(getattr(text, f"{name}_es"), "es"), stems(getattr(text, f"{name}_en"), "en"))))
        for name in ("title", "summary", "body")
    )
    return title, summary, distinct_words(body)


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
        # m: every match the reader may see, with its score. FTS5 finds the matches first (its
        # index drives the join); the reader's access and chosen facets are then tested on each
        # match's entry, and bm25() runs only on those that pass. The total, the facets and the
        # page all read m.
        sql = f"""
            WITH m AS MATERIALIZED (
                SELECT {ENTRY}.id AS id, {BM25} AS score, {facet_sql.COLUMNS}
                FROM {TABLE} JOIN {ENTRY} ON {ENTRY}.id = {TABLE}.rowid
                WHERE {TABLE} MATCH %s {condition}
            ),
            ranked AS (SELECT id, score FROM m ORDER BY score, id DESC LIMIT %s OFFSET %s)
            SELECT 'hit', id, score, {facet_sql.HIT_TAIL} FROM ranked
            UNION ALL {" UNION ALL ".join(branches)}
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, [match_expression(query), *where_params, limit, offset])
            hits, total, counts = facet_sql.read_rows(cursor.fetchall(), scope.numbers)
        hits.sort(key=lambda hit: (hit[1], -hit[0]))
        return EngineResult(hits=[(pk, -score) for pk, score in hits], total=total, facets=counts)

    def raw(self, query, *, limit, bounded=False):
        """FTS5's own ranked query: bm25() over every match, best first, ties newest first (what
        search() ranks by). `bounded`: the ranking of earlier versions, bm25() over only the
        BOUNDED_CANDIDATES most recently indexed matches — the benchmark's reference."""
        match = match_expression(query)
        with connection.cursor() as cursor:
            if bounded:
                cursor.execute(
                    f"""WITH floor AS (SELECT COALESCE(MIN(rowid), 0) AS id FROM (
                            SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s ORDER BY rowid DESC LIMIT %s))
                        SELECT rowid, {BM25} AS score FROM {TABLE}
                        WHERE {TABLE} MATCH %s AND rowid >= (SELECT id FROM floor)
                        ORDER BY score, rowid DESC LIMIT %s""",
                    [match, BOUNDED_CANDIDATES, match, limit],
                )
            else:
                cursor.execute(
                    f"SELECT rowid, {BM25} AS score FROM {TABLE} WHERE {TABLE} MATCH %s "
                    "ORDER BY score, rowid DESC LIMIT %s",
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
