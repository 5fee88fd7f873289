"""SQLite: the FTS5 table holds each body word once (title and summary as they are), so bm25()
can rank every match of a common word quickly; see practices/search/backends/sqlite.py.
PostgreSQL: nothing changes (its ranking reads the existing `head_vector`)."""

from django.db import migrations

COLUMNS = "title, summary, body, tokenize = 'unicode61 remove_diacritics 2'"
BATCH = 2000


def distinct_words(text):
    return " ".join(dict.fromkeys((text or "").split()))


def copy_table(schema_editor, source, target, body):
    """Create `target` and fill it from `source`, the body through `body`."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"CREATE VIRTUAL TABLE {target} USING fts5({COLUMNS})")
        cursor.execute(f"SELECT rowid FROM {source} ORDER BY rowid")  # noqa: S608 - constant names
        ids = [row[0] for row in cursor.fetchall()]
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            cursor.execute(
                f"SELECT rowid, title, summary, body FROM {source} "  # noqa: S608 - constant names
                f"WHERE rowid BETWEEN %s AND %s",
                [batch[0], batch[-1]],
            )
            rows = [(rowid, title, summary, body(text)) for rowid, title, summary, text in cursor.fetchall()]
            cursor.executemany(
                f"INSERT INTO {target} (rowid, title, summary, body) VALUES (%s, %s, %s, %s)",  # noqa: S608
                rows,
            )
        cursor.execute(f"INSERT INTO {target}({target}) VALUES ('optimize')")
        cursor.execute(f"DROP TABLE {source}")
        cursor.execute(f"ALTER TABLE {target} RENAME TO {source}")


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        copy_table(schema_editor, "practices_fts", "practices_fts_compact", distinct_words)


def backward(apps, schema_editor):
    """The words left out are not known any more: `manage.py rebuild_practice_index` restores them."""
    if schema_editor.connection.vendor == "sqlite":
        copy_table(schema_editor, "practices_fts", "practices_fts_compact", lambda text: text)


class Migration(migrations.Migration):
    dependencies = [("practices", "0005_texts_in_one_language")]

    operations = [migrations.RunPython(forward, backward)]
