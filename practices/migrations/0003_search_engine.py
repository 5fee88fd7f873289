"""The full-text engine of the database in use: an FTS5 table on SQLite; on PostgreSQL the
unaccented Spanish and English configurations, the entry's vectors and their GIN index."""

from django.db import migrations

SQLITE_FORWARD = """
CREATE VIRTUAL TABLE practices_fts USING fts5(
    title, summary, body,
    tokenize = 'unicode61 remove_diacritics 2'
)
"""
SQLITE_BACKWARD = "DROP TABLE IF EXISTS practices_fts"

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """
    DO $$
    BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'spanish_unaccent') THEN
            CREATE TEXT SEARCH CONFIGURATION spanish_unaccent (COPY = spanish);
            ALTER TEXT SEARCH CONFIGURATION spanish_unaccent
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, spanish_stem;
        END IF;
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'english_unaccent') THEN
            CREATE TEXT SEARCH CONFIGURATION english_unaccent (COPY = english);
            ALTER TEXT SEARCH CONFIGURATION english_unaccent
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
        END IF;
    END
    $$
    """,
    "ALTER TABLE practices_searchentry ADD COLUMN search_vector tsvector",
    "ALTER TABLE practices_searchentry ADD COLUMN head_vector tsvector",
    "CREATE INDEX practices_searchentry_vector ON practices_searchentry USING gin (search_vector)",
    "CREATE INDEX practices_searchentry_head ON practices_searchentry USING gin (head_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS practices_searchentry_head",
    "DROP INDEX IF EXISTS practices_searchentry_vector",
    "ALTER TABLE practices_searchentry DROP COLUMN IF EXISTS head_vector",
    "ALTER TABLE practices_searchentry DROP COLUMN IF EXISTS search_vector",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": [SQLITE_FORWARD], "postgresql": POSTGRES_FORWARD}.get(vendor)
    if statements is None:
        raise RuntimeError(f"Enlace's search has no engine for {vendor}; see docs/practices.md.")
    for statement in statements:
        schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"sqlite": [SQLITE_BACKWARD], "postgresql": POSTGRES_BACKWARD}.get(vendor, []):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("practices", "0002_taxonomy")]

    operations = [migrations.RunPython(forward, backward)]
