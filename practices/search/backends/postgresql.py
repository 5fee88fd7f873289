"""PostgreSQL full-text search: `spanish_unaccent` / `english_unaccent` configurations, GIN, ts_rank.

Migration 0003 creates the configurations (unaccent, then the Snowball stemmer of each
language), the `search_vector` and `head_vector` columns of `practices_searchentry` and a GIN
index on each. `search_vector` weighs the title (A), the summary (B) and the body (D), each
language through its own configuration; `head_vector` holds the title (A) and the summary (B).
Query words go through plainto_tsquery (no operator syntax reaches the engine) in both
configurations; a word ending in `*` becomes a prefix lexeme.

Matching reads `search_vector`'s GIN index: a match may be anywhere in the text. Ranking is
`ts_rank(head_vector, query)` over every match the reader may see, best first, ties newest entry
first — a match found only in the body ranks after those found in the title or summary. That is
the engine's own unbounded ranking (`raw()`, the benchmark's reference, is the same function over
every match, without access rules or facets). It is ranked over the head vector, a few hundred
bytes stored in the row, because ts_rank over `search_vector` reads each document's whole vector
(kilobytes, compressed out of the row): over the 50,000 matches of a common word at 100,000
documents that alone takes about half a second, against a tenth for the head.

The plans use the GIN index (the planner, seeing a term in most rows, would otherwise scan the
table and decompress every vector), and the reader's access and chosen facets are tested on the
rows the index found.
"""

# ruff: noqa: S608 - SQL is assembled from constants and compiled conditions; values are parameters.

from django.db import connection, transaction

from .. import facets as facet_sql
from .base import EngineResult

ENTRY = "practices_searchentry"
TEXT = "practices_searchtext"
BOUNDED_CANDIDATES = 300  # raw(bounded=True): the ranking of earlier versions, for the benchmark's reference
SCORE = f"ts_rank({ENTRY}.head_vector, %s::tsquery)"


def _vector(columns):
    parts = []
    for column, weight in columns:
        for lang, config in (("es", "spanish_unaccent"), ("en", "english_unaccent")):
            parts.append(f"setweight(to_tsvector('{config}', coalesce(t.{column}_{lang}, '')), '{weight}')")
    return " || ".join(parts)


VECTOR_SQL = _vector((("title", "A"), ("summary", "B"), ("body", "D")))
HEAD_SQL = _vector((("title", "A"), ("summary", "B")))


# The ranking of earlier versions, kept as the benchmark's reference: the newest matches in the
# title or summary, then the newest others, up to BOUNDED_CANDIDATES, ranked.
BOUNDED = f"""
    WITH head AS (
        SELECT {ENTRY}.id AS id FROM {ENTRY} WHERE {ENTRY}.head_vector @@ %s::tsquery
        ORDER BY {ENTRY}.updated_at DESC, {ENTRY}.id DESC LIMIT {BOUNDED_CANDIDATES}
    ),
    candidates AS (
        SELECT id FROM (
            SELECT id FROM head
            UNION ALL
            SELECT id FROM (
                SELECT {ENTRY}.id AS id FROM {ENTRY} WHERE {ENTRY}.search_vector @@ %s::tsquery
                AND NOT EXISTS (SELECT 1 FROM head WHERE head.id = {ENTRY}.id)
                ORDER BY {ENTRY}.updated_at DESC, {ENTRY}.id DESC LIMIT {BOUNDED_CANDIDATES}
            ) others
        ) both_parts LIMIT {BOUNDED_CANDIDATES}
    )
    SELECT {ENTRY}.id, {SCORE} AS score FROM candidates JOIN {ENTRY} ON {ENTRY}.id = candidates.id
    ORDER BY score DESC, {ENTRY}.id DESC LIMIT %s
"""


def tsquery(query):
    """Return (sql, params) of a tsquery requiring every term of a ParsedQuery."""
    parts, params = [], []
    for term in query.terms:
        if term.prefix:
            parts.append("to_tsquery('simple', %s)")
            # Folded words are letters and digits only (text.WORD): nothing to escape in the lexeme.
            params.append("'" + term.folded + "':*")
        else:
            parts.append("(plainto_tsquery('spanish_unaccent', %s) || plainto_tsquery('english_unaccent', %s))")
            params.extend([term.folded, term.folded])
    return "(" + " && ".join(parts) + ")", params


class PostgresBackend:
    vendor = "postgresql"

    def index(self, texts):
        ids = [text.entry_id for text in texts]
        if ids:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"""UPDATE {ENTRY} e SET search_vector = {VECTOR_SQL}, head_vector = {HEAD_SQL}
                        FROM {TEXT} t WHERE t.entry_id = e.id AND e.id = ANY(%s)""",
                    [ids],
                )

    def remove(self, entry_ids):
        """Nothing to do: the vectors live on the entry row, deleted with it."""

    def _query_text(self, cursor, query):
        """Return the tsquery as text; in the same round trip, make this transaction's plans use the
        GIN indexes (set_config(…, true) is SET LOCAL)."""
        sql, params = tsquery(query)
        cursor.execute(f"SELECT {sql}::text, set_config('enable_seqscan', 'off', true)", params)
        return cursor.fetchone()[0]

    def search(self, query, scope, *, limit, offset, with_facets=True):
        where_sql, where_params = scope.where
        numbers = scope.numbers
        condition = f"AND ({where_sql})" if where_sql else ""
        branches = facet_sql.tail_sql() if with_facets else [facet_sql.COUNT_ONLY]
        with transaction.atomic(), connection.cursor() as cursor:
            text = self._query_text(cursor, query)
            if not text:
                return EngineResult(hits=[], total=0, facets={})
            # m: every match the reader may see, with its score, found through the GIN index (no
            # ORDER BY or LIMIT that would tempt the planner to walk another index); access and
            # facets are tested on the rows found. The total, the facets and the page all read m.
            sql = f"""
                WITH m AS MATERIALIZED (
                    SELECT {ENTRY}.id AS id, {SCORE} AS score, {facet_sql.COLUMNS} FROM {ENTRY}
                    WHERE {ENTRY}.search_vector @@ %s::tsquery {condition}
                ),
                ranked AS (SELECT id, score FROM m ORDER BY score DESC, id DESC LIMIT %s OFFSET %s)
                SELECT 'hit', id, CAST(score AS DOUBLE PRECISION), {facet_sql.HIT_TAIL} FROM ranked
                UNION ALL {" UNION ALL ".join(branches)}
            """
            cursor.execute(sql, [text, text, *where_params, limit, offset])
            hits, total, counts = facet_sql.read_rows(cursor.fetchall(), numbers)
        hits.sort(key=lambda hit: (-hit[1], -hit[0]))
        return EngineResult(hits=hits, total=total, facets=counts)

    def raw(self, query, *, limit, bounded=False):
        """The engine's own ranked query: ts_rank over the head vector of every match (through the
        GIN index), best first, ties newest first — what search() ranks by. `bounded`: the ranking
        of earlier versions, over only BOUNDED_CANDIDATES recent matches — the benchmark's reference."""
        with transaction.atomic(), connection.cursor() as cursor:
            text = self._query_text(cursor, query)
            if not text:
                return []
            if bounded:
                cursor.execute(BOUNDED, [text, text, text, limit])
            else:
                cursor.execute(
                    f"""SELECT id, {SCORE} AS score FROM {ENTRY} WHERE search_vector @@ %s::tsquery
                        ORDER BY score DESC, id DESC LIMIT %s""",
                    [text, text, limit],
                )
            return [(pk, float(score)) for pk, score in cursor.fetchall()]

    def rebuild(self):
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {ENTRY} e SET search_vector = {VECTOR_SQL}, head_vector = {HEAD_SQL} "
                f"FROM {TEXT} t WHERE t.entry_id = e.id"
            )
