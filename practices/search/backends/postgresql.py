"""PostgreSQL full-text search: `spanish_unaccent` / `english_unaccent` configurations, GIN, ts_rank.

Migration 0003 creates the configurations (unaccent, then the Snowball stemmer of each
language), the `search_vector` column of `practices_searchentry` and its GIN index. Each
entry's vector weighs the title (A), the summary (B) and the body (D), each language through
its own configuration. Query words go through plainto_tsquery (no operator syntax reaches
the engine) in both configurations; a word ending in `*` becomes a prefix lexeme.

Ranking reads each matched document's whole vector, which costs most for terms found almost
everywhere. The work is bounded: at most RANK_CANDIDATES matches are ranked — those whose
title or summary match (read from the small `head_vector`) first, then the most recently
updated. Counts and facets always cover every match.
"""

from django.db import connection

from .base import EngineResult

ENTRY = "practices_searchentry"
FACET = "practices_searchfacet"
RANK_CANDIDATES = 5000

VECTOR_SQL = """
    setweight(to_tsvector('spanish_unaccent', coalesce(title_es, '')), 'A')
    || setweight(to_tsvector('english_unaccent', coalesce(title_en, '')), 'A')
    || setweight(to_tsvector('spanish_unaccent', coalesce(summary_es, '')), 'B')
    || setweight(to_tsvector('english_unaccent', coalesce(summary_en, '')), 'B')
    || setweight(to_tsvector('spanish_unaccent', coalesce(body_es, '')), 'D')
    || setweight(to_tsvector('english_unaccent', coalesce(body_en, '')), 'D')
"""

HEAD_SQL = """
    setweight(to_tsvector('spanish_unaccent', coalesce(title_es, '')), 'A')
    || setweight(to_tsvector('english_unaccent', coalesce(title_en, '')), 'A')
    || setweight(to_tsvector('spanish_unaccent', coalesce(summary_es, '')), 'B')
    || setweight(to_tsvector('english_unaccent', coalesce(summary_en, '')), 'B')
"""


def tsquery(query):
    """Return (sql, params) of a tsquery requiring every term of a ParsedQuery."""
    parts, params = [], []
    for term in query.terms:
        if term.prefix:
            parts.append("to_tsquery('simple', %s)")
            params.append("'" + term.folded.replace("'", "''").replace("\\", "") + "':*")
        else:
            parts.append("(plainto_tsquery('spanish_unaccent', %s) || plainto_tsquery('english_unaccent', %s))")
            params.extend([term.folded, term.folded])
    return "(" + " && ".join(parts) + ")", params


class PostgresBackend:
    vendor = "postgresql"

    def index(self, entries):
        ids = [entry.pk for entry in entries]
        if ids:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {ENTRY} SET search_vector = {VECTOR_SQL}, head_vector = {HEAD_SQL} WHERE id = ANY(%s)",
                    [ids],
                )

    def remove(self, entry_ids):
        """Nothing to do: the vector lives on the entry row, deleted with it."""

    def _query_text(self, cursor, query):
        sql, params = tsquery(query)
        cursor.execute(f"SELECT {sql}::text", params)
        return cursor.fetchone()[0]

    def search(self, query, where, *, limit, offset, with_facets=True):
        where_sql, where_params = where
        condition = f"AND ({where_sql})" if where_sql else ""
        with connection.cursor() as cursor:
            text = self._query_text(cursor, query)
            if not text:
                return EngineResult(hits=[], total=0, facets={})
            facets_sql = (
                f"""UNION ALL
                SELECT 'facet', NULL::bigint, NULL::float8, f.facet, f.value, COUNT(*)
                FROM m JOIN {FACET} f ON f.entry_id = m.id
                GROUP BY f.facet, f.value"""
                if with_facets
                else ""
            )
            # Rank at most RANK_CANDIDATES matches: title/summary matches first, then the newest.
            sql = f"""
                WITH m AS MATERIALIZED (
                    SELECT {ENTRY}.id AS id, {ENTRY}.updated_at AS updated_at,
                           ({ENTRY}.head_vector @@ %s::tsquery) AS in_head
                    FROM {ENTRY}
                    WHERE {ENTRY}.search_vector @@ %s::tsquery {condition}
                ),
                candidates AS (SELECT id FROM m ORDER BY in_head DESC, updated_at DESC, id LIMIT %s),
                ranked AS (
                    SELECT e.id, ts_rank(e.search_vector, %s::tsquery) AS score
                    FROM candidates c JOIN {ENTRY} e ON e.id = c.id
                    ORDER BY score DESC, e.id
                    LIMIT %s OFFSET %s
                )
                SELECT 'hit', id, score::float8, NULL, NULL, NULL::bigint FROM ranked
                UNION ALL
                SELECT 'total', NULL::bigint, NULL::float8, NULL, NULL, COUNT(*) FROM m
                {facets_sql}
            """
            params = [text, text, *where_params, RANK_CANDIDATES, text, limit, offset]
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        hits, total, facets = [], 0, {}
        for kind, entry_id, score, facet, value, count in rows:
            if kind == "hit":
                hits.append((entry_id, score))
            elif kind == "total":
                total = count
            else:
                facets[(facet, value)] = count
        hits.sort(key=lambda hit: (-hit[1], hit[0]))
        return EngineResult(hits=hits, total=total, facets=facets)

    def raw(self, query, *, limit):
        with connection.cursor() as cursor:
            text = self._query_text(cursor, query)
            if not text:
                return []
            cursor.execute(
                f"""SELECT id, ts_rank(search_vector, %s::tsquery) AS score FROM {ENTRY}
                    WHERE search_vector @@ %s::tsquery ORDER BY score DESC LIMIT %s""",
                [text, text, limit],
            )
            return cursor.fetchall()

    def rebuild(self):
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {ENTRY} SET search_vector = {VECTOR_SQL}, head_vector = {HEAD_SQL}")
