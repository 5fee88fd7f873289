"""PostgreSQL full-text search: `spanish_unaccent` / `english_unaccent` configurations, GIN, ts_rank.

Migration 0003 creates the configurations (unaccent, then the Snowball stemmer of each
language), the `search_vector` and `head_vector` columns of `practices_searchentry` and a GIN
index. Each entry's vector weighs the title (A), the summary (B) and the body (D), each
language through its own configuration. Query words go through plainto_tsquery (no operator
syntax reaches the engine) in both configurations; a word ending in `*` becomes a prefix lexeme.

Two things keep common terms fast. Matching always goes through the GIN indexes (the planner,
seeing a term in most rows, would otherwise scan the table and decompress every vector), and
ranking — which reads each ranked document's whole vector — is bounded: at most
RANK_CANDIDATES matches are ranked, those whose title or summary match (`head_vector`, with
its own GIN index) first, newest first, then the newest others. Counts and facets cover every
match.
"""

# ruff: noqa: S608 - SQL is assembled from constants and compiled conditions; values are parameters.

from django.db import connection, transaction

from .. import facets as facet_sql
from .base import EngineResult

ENTRY = "practices_searchentry"
TEXT = "practices_searchtext"
RANK_CANDIDATES = 300


def _vector(columns):
    parts = []
    for column, weight in columns:
        for lang, config in (("es", "spanish_unaccent"), ("en", "english_unaccent")):
            parts.append(f"setweight(to_tsvector('{config}', coalesce(t.{column}_{lang}, '')), '{weight}')")
    return " || ".join(parts)


VECTOR_SQL = _vector((("title", "A"), ("summary", "B"), ("body", "D")))
HEAD_SQL = _vector((("title", "A"), ("summary", "B")))


# Candidates for ranking: the newest matches in the title or summary, then the newest others, up to
# RANK_CANDIDATES (the second part runs only when the first falls short).
CANDIDATES = f"""
    head AS (
        SELECT {ENTRY}.id AS id FROM {ENTRY}
        WHERE {ENTRY}.head_vector @@ %s::tsquery {{condition}}
        ORDER BY {ENTRY}.updated_at DESC, {ENTRY}.id DESC LIMIT {RANK_CANDIDATES}
    ),
    candidates AS (
        SELECT id FROM (
            SELECT id FROM head
            UNION ALL
            SELECT id FROM (
                SELECT {ENTRY}.id AS id FROM {ENTRY}
                WHERE {ENTRY}.search_vector @@ %s::tsquery {{condition}}
                AND NOT EXISTS (SELECT 1 FROM head WHERE head.id = {ENTRY}.id)
                ORDER BY {ENTRY}.updated_at DESC, {ENTRY}.id DESC LIMIT {RANK_CANDIDATES}
            ) others
        ) both_parts LIMIT {RANK_CANDIDATES}
    )"""
# One candidate's rank, read through its primary key (a nested loop, whatever the planner thinks).
RANK = f"(SELECT ts_rank(e.search_vector, %s::tsquery) FROM {ENTRY} e WHERE e.id = c.id)"


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
            sql = f"""
                WITH m AS MATERIALIZED (
                    SELECT {ENTRY}.id AS id, {facet_sql.COLUMNS} FROM {ENTRY}
                    WHERE {ENTRY}.search_vector @@ %s::tsquery {condition}
                ),
                {CANDIDATES.format(condition=condition)},
                ranked AS (
                    SELECT c.id, {RANK} AS score FROM candidates c ORDER BY score DESC, c.id LIMIT %s OFFSET %s
                )
                SELECT 'hit', id, CAST(score AS DOUBLE PRECISION), {facet_sql.HIT_TAIL} FROM ranked
                UNION ALL {" UNION ALL ".join(branches)}
            """
            params = [text, *where_params, text, *where_params, text, *where_params, text, limit, offset]
            cursor.execute(sql, params)
            hits, total, counts = facet_sql.read_rows(cursor.fetchall(), numbers)
        hits.sort(key=lambda hit: (-hit[1], hit[0]))
        return EngineResult(hits=hits, total=total, facets=counts)

    def raw(self, query, *, limit, bounded=False):
        """ts_rank over every match through the GIN index; `bounded`, the ranking search() does."""
        with transaction.atomic(), connection.cursor() as cursor:
            text = self._query_text(cursor, query)
            if not text:
                return []
            if bounded:
                cursor.execute(
                    f"""WITH {CANDIDATES.format(condition="")}
                        SELECT c.id, {RANK} AS s FROM candidates c ORDER BY s DESC, c.id LIMIT %s""",
                    [text, text, text, limit],
                )
            else:
                cursor.execute(
                    f"""SELECT id, ts_rank(search_vector, %s::tsquery) AS score FROM {ENTRY}
                        WHERE search_vector @@ %s::tsquery ORDER BY score DESC, id LIMIT %s""",
                    [text, text, limit],
                )
            return cursor.fetchall()

    def rebuild(self):
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {ENTRY} e SET search_vector = {VECTOR_SQL}, head_vector = {HEAD_SQL} "
                f"FROM {TEXT} t WHERE t.entry_id = e.id"
            )
