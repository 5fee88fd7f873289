"""Search engines behind one interface, chosen by the database vendor (see base.SearchBackend)."""

from django.conf import settings
from django.db import connection
from django.utils.module_loading import import_string


def get_backend():
    """Return the engine: PRACTICES_SEARCH_BACKEND (a dotted path) if set, else the database's own
    full-text search — SQLite FTS5 or PostgreSQL."""
    custom = getattr(settings, "PRACTICES_SEARCH_BACKEND", None)
    if custom:
        return import_string(custom)()
    if connection.vendor == "postgresql":
        from .postgresql import PostgresBackend

        return PostgresBackend()
    if connection.vendor == "sqlite":
        from .sqlite import SQLiteBackend

        return SQLiteBackend()
    raise NotImplementedError(f"No search backend for the {connection.vendor} database.")
