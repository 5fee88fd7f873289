"""Search engines behind one interface, chosen by the database vendor (see base.SearchBackend)."""

from django.db import connection


def get_backend():
    """Return the engine for the default database: SQLite FTS5 or PostgreSQL full-text search."""
    if connection.vendor == "postgresql":
        from .postgresql import PostgresBackend

        return PostgresBackend()
    if connection.vendor == "sqlite":
        from .sqlite import SQLiteBackend

        return SQLiteBackend()
    raise NotImplementedError(f"No search backend for the {connection.vendor} database.")
